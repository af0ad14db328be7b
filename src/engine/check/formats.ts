// `keras-fix check`'s outputs, all made from the same CheckResults: the terminal table, one JSON document, JSON
// lines (one result per model), JUnit XML (one testcase per model × environment), SARIF 2.1.0 (ruleId = cause id)
// and markdown for a pull-request comment. Strings that came from a file or from Python are sanitized for terminals.
import { pathToFileURL } from "node:url";
import { isAbsolute } from "node:path";
import chalk from "chalk";
import { contentToPlain, sanitize } from "../../core/content.js";
import { toSafeJson } from "../../core/safe-json.js";
import { readExplainDoc } from "../explain-doc.js";
import { type CheckResult, type CheckStatus, type TimedResult } from "./run.js";

export const FORMATS = ["text", "json", "jsonl", "junit", "sarif", "markdown", "html"] as const;
export type CheckFormat = (typeof FORMATS)[number];

export interface CheckSummary {
  total: number;
  loads: number;
  fails: number;
  dangerous: number;
  hung: number;
  crashed: number;
}

export function summarize(results: CheckResult[]): CheckSummary {
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  return { total: results.length, loads: count("loads"), fails: count("fails"), dangerous: count("dangerous"), hung: count("hung"), crashed: count("crashed") };
}

/** One JSON line: the result alone (no time), so merged shard runs equal one full run line for line. */
export function jsonLine(result: CheckResult): string {
  return `${toSafeJson(result)}\n`;
}

export interface CheckDocument {
  results: TimedResult[];
  environments: string[];
  workersStarted: number;
  kerasImports: number;
  seconds: number;
  shard: { index: number; count: number } | null;
  exitCode: number;
  version: string;
}

export function jsonDocument(doc: CheckDocument): string {
  const results = doc.results.map(({ result, seconds }) => ({ ...result, seconds: round(seconds) }));
  const body = {
    schemaVersion: 1,
    command: "check",
    environments: doc.environments,
    shard: doc.shard,
    summary: summarize(doc.results.map((r) => r.result)),
    run: { workersStarted: doc.workersStarted, kerasImports: doc.kerasImports, seconds: round(doc.seconds) },
    results,
    exitCode: doc.exitCode,
  };
  return `${toSafeJson(body, 2)}\n`;
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

const WORD: Record<CheckStatus, string> = { loads: "loads", fails: "fails", dangerous: "dangerous (not loaded)", hung: "hung", crashed: "crashed" };

function headline(summary: CheckSummary): string {
  const parts = [`${summary.loads} load`];
  for (const status of ["fails", "dangerous", "hung", "crashed"] as const) if (summary[status] > 0) parts.push(`${summary[status]} ${status === "fails" ? "fail" : status}`);
  return `${summary.total} model${summary.total === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

/** The culprit, unless it is only the model's own path (a file-level cause): the row shows that already. */
function shownCulprit(r: CheckResult): string | null {
  return r.culprit && !r.culprit.endsWith(r.path) ? r.culprit : null;
}

/** --fix: the models it proved a fix for or tried to (one that fails), with the files written (a loader script, a
 * copy brought home), if any. */
function fixLines(results: CheckResult[]): { path: string; text: string; wrote: string[] }[] {
  return results
    .filter((r) => r.proven !== undefined && (r.proven !== null || r.home || r.status === "fails"))
    .map((r) => ({
      path: r.path,
      text: r.proven ? r.proven.description : r.home ? "brought home" : "no fix proven automatically",
      wrote: [r.loader, r.home].filter((file): file is string => !!file),
    }));
}

function firstSentence(text: string): string {
  const match = /^.+?[.!?](?=\s|$)/.exec(text);
  return match ? match[0] : text;
}

/** The terminal's summary table: one row per model, then the counts. */
export function textTable(results: TimedResult[]): string {
  if (results.length === 0) return "No model files found.\n";
  const envs = [...new Set(results.map((r) => r.result.environment))];
  const rows = results.map(({ result: r }) => [
    r.status === "loads" ? chalk.green("✔") : chalk.red("✘"),
    sanitize(r.path) + (envs.length > 1 ? ` [env ${envs.indexOf(r.environment) + 1}]` : ""),
    r.status === "loads" ? "loads" : `${WORD[r.status]}${r.cause ? `: ${r.cause}` : ""}`,
    sanitize(shownCulprit(r) ?? ""),
  ]);
  const width = (i: number) => Math.max(...rows.map((row) => row[i].length));
  const [w1, w2] = [width(1), width(2)];
  const lines = rows.map(([mark, path, what, culprit]) => `${mark} ${path.padEnd(w1)}  ${what.padEnd(w2)}  ${culprit}`.trimEnd());
  // Each cause's fix once, in its first sentence: the table already says which model has which cause.
  const byCause = new Map(results.filter(({ result: r }) => r.status !== "loads" && r.cause && r.fix).map(({ result: r }) => [r.cause!, r.fix!]));
  const fixes = [...byCause].map(([cause, fix]) => `  ${cause}: ${sanitize(firstSentence(fix))}`);
  const environments = envs.map((e, i) => (envs.length > 1 ? `env ${i + 1}: ${e}` : e)).join("; ");
  const proven = fixLines(results.map((r) => r.result)).map((f) => `  ${sanitize(f.path)}: ${sanitize(f.text)}${f.wrote.length ? `; wrote ${f.wrote.map(sanitize).join(" and ")}` : ""}`);
  return [
    ...lines,
    "",
    chalk.bold(headline(summarize(results.map((r) => r.result)))) + chalk.dim(` (${sanitize(environments)})`),
    ...(fixes.length > 0 ? ["", "How to fix:", ...fixes] : []),
    ...(proven.length > 0 ? ["", "Proven by --fix:", ...proven] : []),
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// JUnit XML

function xml(text: string): string {
  // XML 1.0 has no place for most control characters, even escaped.
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function details(r: CheckResult): string {
  return [
    r.summary,
    r.error ? `error: ${r.error}` : null,
    r.fix ? `fix: ${r.fix}` : null,
    r.proven ? `proven fix: ${r.proven.description}` : null,
    r.loader ? `loader written: ${r.loader}` : null,
    r.home ? `copy brought home: ${r.home}` : null,
  ]
    .filter(Boolean)
    .join("\n");
}

export function junitXml(results: TimedResult[]): string {
  const bySuite = new Map<string, TimedResult[]>();
  for (const item of results) bySuite.set(item.result.environment, [...(bySuite.get(item.result.environment) ?? []), item]);
  const total = (items: TimedResult[]) => items.reduce((sum, r) => sum + r.seconds, 0).toFixed(3);
  const failures = (items: TimedResult[]) => items.filter((r) => r.result.status === "fails" || r.result.status === "dangerous").length;
  const errors = (items: TimedResult[]) => items.filter((r) => r.result.status === "hung" || r.result.status === "crashed").length;
  const suites = [...bySuite].map(([environment, items]) => {
    const cases = items.map(({ result: r, seconds }) => {
      const open = `    <testcase classname="${xml(environment)}" name="${xml(r.path)}" file="${xml(r.path)}" time="${seconds.toFixed(3)}"`;
      if (r.status === "loads") return `${open}/>`;
      const tag = r.status === "hung" || r.status === "crashed" ? "error" : "failure";
      const message = `${r.status}: ${r.cause ?? "unknown"}${r.culprit ? ` (${r.culprit})` : ""}`;
      return `${open}>\n      <${tag} type="${xml(r.cause ?? r.status)}" message="${xml(message)}">${xml(details(r))}</${tag}>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(environment)}" tests="${items.length}" failures="${failures(items)}" errors="${errors(items)}" skipped="0" time="${total(items)}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const head = `<testsuites name="keras-fix check" tests="${results.length}" failures="${failures(results)}" errors="${errors(results)}" time="${total(results)}">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join("\n")}\n</testsuites>\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// SARIF 2.1.0

function explanation(cause: string): { text: string; markdown: string } {
  const doc = readExplainDoc(cause);
  if (!doc) return { text: cause, markdown: cause };
  const parts: [string, string][] = [["What happened", contentToPlain(doc.whatHappened)], ["Why", contentToPlain(doc.why)], ["How to fix", contentToPlain(doc.howToFix)]];
  return {
    text: parts.map(([heading, body]) => `${heading}: ${body.trim()}`).join("\n\n"),
    markdown: parts.map(([heading, body]) => `**${heading}**\n\n${body.trim()}`).join("\n\n"),
  };
}

function artifactUri(path: string): string {
  return isAbsolute(path) ? pathToFileURL(path).href : path.split("/").map(encodeURIComponent).join("/");
}

export function sarifLog(results: TimedResult[], version: string): string {
  const failing = results.map((r) => r.result).filter((r) => r.status !== "loads");
  const ruleIds = [...new Set(failing.map((r) => r.cause ?? "unclassified"))].sort();
  const titles = new Map(failing.map((r) => [r.cause ?? "unclassified", r.title ?? r.cause ?? "unclassified"]));
  const rules = ruleIds.map((id) => ({
    id,
    name: id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: titles.get(id)! },
    help: explanation(id),
  }));
  const sarifResults = failing.map((r) => {
    const id = r.cause ?? "unclassified";
    const text = [`${r.path}: ${r.title ?? r.status}${r.culprit ? ` (${r.culprit})` : ""}.`, r.summary, r.error ? `Error: ${r.error}` : null].filter(Boolean).join(" ");
    return {
      ruleId: id,
      ruleIndex: ruleIds.indexOf(id),
      level: "error",
      kind: "fail",
      message: { text },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(r.path) } } }],
      properties: { status: r.status, environment: r.environment, format: r.format, ...(r.proven !== undefined ? { proven: r.proven, loader: r.loader ?? null, home: r.home ?? null } : {}) },
    };
  });
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "keras-fix", version, rules } },
        results: sarifResults,
      },
    ],
  };
  return `${toSafeJson(log, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown (a pull-request comment)

function cell(text: string | null): string {
  return (text ?? "").replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"));
}

export function markdown(results: TimedResult[]): string {
  const all = results.map((r) => r.result);
  const summary = summarize(all);
  const mark = summary.total === summary.loads ? "✅" : "❌";
  const environments = [...new Set(all.map((r) => r.environment))];
  const rows = all.map((r) => `| \`${cell(r.path).replace(/`/g, "'")}\` | ${r.status === "loads" ? "✅ loads" : `❌ ${WORD[r.status]}`} | ${r.cause ? `\`${r.cause}\`` : ""} | ${cell(shownCulprit(r))} | ${cell(r.status === "loads" ? null : r.fix)} |`);
  const proven = fixLines(all).map((f) => `- \`${cell(f.path).replace(/`/g, "'")}\`: ${cell(f.text)}${f.wrote.length ? `; wrote ${f.wrote.map((file) => `\`${cell(file).replace(/`/g, "'")}\``).join(" and ")}` : ""}`);
  return [
    `### ${mark} keras-fix check: ${headline(summary)}`,
    "",
    `Environment: ${environments.map(cell).join("; ") || "none"}`,
    "",
    "| model | result | cause | culprit | how to fix |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    ...(proven.length > 0 ? ["Proven by `--fix`:", "", ...proven, ""] : []),
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// HTML (one self-contained page: no script, no external resource)

function html(text: string | null): string {
  return (text ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

// A cell's detail is shown by CSS alone (:target), so the page needs no script and works from a file, offline.
const PAGE_STYLE = [
  "body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}",
  "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}",
  "td.cell{padding:0}td.cell a{display:block;padding:4px 8px;color:inherit;text-decoration:none}",
  "td.loads{background:#d1f2d9}td.fails{background:#ffd6d6}td.dangerous{background:#e4c6f5}td.hung{background:#ffe3b3}td.crashed{background:#d9d9d9}",
  ".detail{display:none;border:2px solid #888;padding:0 1em;margin:1em 0}.detail:target{display:block}",
  "code{font-size:13px}",
].join("");

export function htmlReport(results: TimedResult[], version: string): string {
  const all = results.map((r) => r.result);
  const summary = summarize(all);
  const environments = [...new Set(all.map((r) => r.environment))];
  const paths = [...new Set(all.map((r) => r.path))];
  const at = new Map(results.map(({ result }, index) => [`${result.path}\n${result.environment}`, index]));
  // The matrix: a row per model, a column per environment, each cell coloured by its verdict and opening its detail.
  const rows = paths.map((path) => {
    const cells = environments.map((environment) => {
      const index = at.get(`${path}\n${environment}`);
      if (index === undefined) return "<td></td>";
      const r = all[index];
      const word = r.status === "loads" ? "✔ loads" : `✘ ${WORD[r.status]}${r.cause ? `: ${r.cause}` : ""}`;
      return `<td class="cell ${r.status}"><a href="#r${index}">${html(word)}</a></td>`;
    });
    return `<tr class="model"><td><code>${html(path)}</code></td>${cells.join("")}</tr>`;
  });
  const details = results.map(({ result: r, seconds }, index) => {
    const facts: [string, string | null][] = [
      ["Result", r.status === "loads" ? "loads" : WORD[r.status]],
      ["Cause", r.cause ? `${r.title ?? r.cause} (${r.cause})` : null],
      ["Culprit", shownCulprit(r)],
      ["What happened", r.summary],
      ["Error", r.error],
      ["How to fix", r.status === "loads" ? null : r.fix],
      ["Proven fix (--fix)", r.proven ? r.proven.description : r.proven === null && r.status === "fails" ? "no fix proven automatically" : null],
      ["Loader script written", r.loader ?? null],
      ["Copy brought home (--bring-home)", r.home ?? null],
      ["Time", `${seconds.toFixed(2)} s`],
    ];
    const items = facts.filter(([, value]) => value).map(([name, value]) => `<dt>${name}</dt><dd>${html(value)}</dd>`);
    return `<section class="detail ${r.status}" id="r${index}"><h3><code>${html(r.path)}</code> in environment ${environments.indexOf(r.environment) + 1}</h3><dl>${items.join("")}</dl>${r.cause ? `<p><a href="#${html(r.cause)}">Why this happens</a></p>` : ""}</section>`;
  });
  const causes = [...new Set(all.filter((r) => r.cause).map((r) => r.cause!))].sort();
  const explained = causes.map((cause) => {
    const { text } = explanation(cause);
    const title = all.find((r) => r.cause === cause)?.title ?? cause;
    return `<section id="${html(cause)}"><h3>${html(title)} <code>${html(cause)}</code></h3>${text.split(/\n\s*\n/).map((p) => `<p>${html(p)}</p>`).join("")}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>keras-fix check: ${html(headline(summary))}</title>
<style>${PAGE_STYLE}</style>
</head><body>
<h1>keras-fix check</h1>
<p><strong>${html(headline(summary))}</strong> · keras-fix ${html(version)}</p>
<ol>${environments.map((e) => `<li>${html(e)}</li>`).join("")}</ol>
<table id="matrix"><thead><tr><th>model</th>${environments.map((_, i) => `<th>env ${i + 1}</th>`).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table>
<p>Click a cell for its diagnosis and fix.</p>
${details.join("\n")}
${explained.length > 0 ? `<h2>The causes</h2>\n${explained.join("\n")}` : ""}
</body></html>
`;
}
