// `pip check` over the distributions the probe reports: parses each declared requirement (PEP 508: name, extras,
// specifier, marker), evaluates its marker against the interpreter's marker variables, and tests the installed
// version with a PEP 440 library. Only requirements between reported distributions count: the probe reports the
// packages that decide whether Keras imports, and nothing else.
import { gt, lt, satisfies, validRange } from "@renovatebot/pep440";
import type { InstalledDistribution, RequirementConflict } from "../types.js";

export interface Requirement {
  name: string;
  specifier: string;
  marker: string | null;
}

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

const REQUIREMENT = /^\s*(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?<spec>\([^)]*\)|[^;@]*)?\s*(?<url>@[^;]*)?(?:;(?<marker>.*))?$/;

/** One Requires-Dist line; null when it is not a requirement we can read (or names a URL instead of versions). */
export function parseRequirement(line: string): Requirement | null {
  const match = REQUIREMENT.exec(line);
  if (!match?.groups || match.groups.url) return null;
  const specifier = (match.groups.spec ?? "").trim().replace(/^\((.*)\)$/, "$1").replace(/\s+/g, "");
  return { name: normalizeName(match.groups.name!), specifier, marker: match.groups.marker?.trim() || null };
}

// ---------------------------------------------------------------------------------------------------------------
// PEP 508 markers: `python_version < "3.11" and (platform_system != "Darwin" or extra == "gpu")`

type Token = { kind: "string" | "variable" | "op" | "paren" | "bool"; value: string };

const TOKEN = /\s*(?:(?<string>'[^']*'|"[^"]*")|(?<op>===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)|(?<bool>and\b|or\b)|(?<paren>[()])|(?<variable>[A-Za-z_][A-Za-z0-9_.]*))/y;

function tokenize(marker: string): Token[] | null {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < marker.length) {
    if (/^\s*$/.test(marker.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(marker);
    if (!match?.groups) return null;
    const [kind, value] = Object.entries(match.groups).find(([, v]) => v !== undefined)!;
    tokens.push({ kind: kind as Token["kind"], value: kind === "string" ? value!.slice(1, -1) : value!.replace(/\s+/g, " ") });
  }
  return tokens;
}

// Variables whose values compare as versions when both sides are versions (PEP 508 says: as PEP 440 when possible).
const VERSION_OPERATORS = new Set(["<", "<=", ">", ">=", "~=", "==", "!=", "==="]);

function compare(left: string, op: string, right: string): boolean {
  if (op === "in") return right.includes(left);
  if (op === "not in") return !right.includes(left);
  if (VERSION_OPERATORS.has(op) && op !== "===" && validRange(`${op}${right}`) && /^\d/.test(left)) {
    return satisfies(left, `${op}${right}`, { prereleases: true });
  }
  if (op === "==" || op === "===") return left === right;
  if (op === "!=") return left !== right;
  return false;
}

/** Whether a marker holds here. `extra` is the empty string: nobody asked for extras of an installed package. */
export function markerHolds(marker: string, variables: Record<string, string>): boolean {
  const tokens = tokenize(marker);
  if (!tokens) return true; // unreadable: count the requirement, as pip would rather report than hide
  let at = 0;
  const value = (): string | null => {
    const token = tokens[at++];
    if (!token) return null;
    if (token.kind === "string") return token.value;
    if (token.kind === "variable") return token.value === "extra" ? "" : (variables[token.value] ?? "");
    return null;
  };
  const atom = (): boolean => {
    if (tokens[at]?.value === "(") {
      at++;
      const inner = or();
      at++; // ")"
      return inner;
    }
    const left = value();
    const op = tokens[at++]?.value ?? "";
    const right = value();
    return left !== null && right !== null && compare(left, op, right);
  };
  const and = (): boolean => {
    let result = atom();
    while (tokens[at]?.value === "and") {
      at++;
      result = atom() && result;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (tokens[at]?.value === "or") {
      at++;
      result = and() || result;
    }
    return result;
  };
  return or();
}

/** Declared requirements between the reported distributions that the installed versions violate. */
export function findConflicts(distributions: InstalledDistribution[], markers: Record<string, string>): RequirementConflict[] {
  const installed = new Map(distributions.map((dist) => [normalizeName(dist.name), dist.version]));
  const conflicts: RequirementConflict[] = [];
  for (const dist of distributions) {
    for (const line of dist.requires) {
      const requirement = parseRequirement(line);
      if (!requirement || !requirement.specifier) continue;
      const version = installed.get(requirement.name);
      if (version === undefined) continue;
      if (requirement.marker && !markerHolds(requirement.marker, markers)) continue;
      if (!validRange(requirement.specifier)) continue;
      if (satisfies(version, requirement.specifier, { prereleases: true })) continue;
      conflicts.push({
        requirer: normalizeName(dist.name),
        requirerVersion: dist.version,
        name: requirement.name,
        installed: version,
        specifier: requirement.specifier,
        requirement: line,
      });
    }
  }
  return conflicts;
}

/** "numpy 2.0.2, while tensorflow-cpu 2.13.1 needs <=1.24.3,>=1.22" */
export function describeConflict(conflict: RequirementConflict): string {
  return `${conflict.name} ${conflict.installed}, while ${conflict.requirer} ${conflict.requirerVersion} needs ${conflict.specifier}`;
}

/** The pin that satisfies every declared requirement on `name` (pip picks the newest such version). */
export function pinSatisfying(name: string, distributions: InstalledDistribution[], markers: Record<string, string>): string {
  const specifiers = new Set<string>();
  for (const dist of distributions) {
    for (const line of dist.requires) {
      const requirement = parseRequirement(line);
      if (!requirement || requirement.name !== normalizeName(name) || !requirement.specifier) continue;
      if (requirement.marker && !markerHolds(requirement.marker, markers)) continue;
      for (const part of requirement.specifier.split(",")) if (part) specifiers.add(part);
    }
  }
  return `${normalizeName(name)}${tightest([...specifiers]).join(",")}`;
}

/** Drops bounds another one implies (">=1.21.2" next to ">=1.22"), so the pin reads as the range it is. */
function tightest(parts: string[]): string[] {
  const bound = (part: string) => /^(>=|>|<=|<)(\d[\w.]*)$/.exec(part);
  const keep = (ops: string[], better: (a: string, b: string) => boolean) => {
    const candidates = parts.filter((part) => ops.includes(bound(part)?.[1] ?? ""));
    return candidates.reduce<string | null>((best, part) => (best === null || better(bound(part)![2]!, bound(best)![2]!) ? part : best), null);
  };
  const lower = keep([">=", ">"], (a, b) => gt(a, b));
  const upper = keep(["<=", "<"], (a, b) => lt(a, b));
  return [...(lower ? [lower] : []), ...(upper ? [upper] : []), ...parts.filter((part) => !bound(part))];
}
