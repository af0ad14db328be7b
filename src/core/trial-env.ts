// Proves a version plan before anyone installs it for real: a throwaway venv keyed by the plan, in keras-fix's cache
// folder, with the plan's packages (checked first by pip's resolver in dry-run mode), and the model loaded there by
// the usual probe worker. The user's own environment is never touched: only the trial venv's pip runs.
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { UserError } from "./errors.js";
import { runTracked, startProbe, type TrackedOutcome } from "./probe.js";
import type { EnvFacts, LoadAttempt } from "./types.js";
import { pythonMinor, pythonMinorsAllowedBy, versionSatisfies, type InstallPlan } from "./versions.js";
import { describeLoad } from "./describe.js";

/** The folder holding every trial environment: KERAS_FIX_TRIAL_CACHE, else <XDG_CACHE_HOME or ~/.cache>/keras-fix/trials. */
export function trialCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KERAS_FIX_TRIAL_CACHE) return resolve(env.KERAS_FIX_TRIAL_CACHE);
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "keras-fix", "trials");
}

/** Present while a trial environment is being built: an environment that has it is rebuilt, never used. */
export const UNFINISHED_MARKER = ".keras-fix-unfinished";
/** What a finished trial environment holds and whether the model loaded there. */
export const TRIAL_RECORD = "keras-fix-trial.json";

export interface TrialRecord {
  name: string;
  python: string;
  pins: string[];
  /** The versions pip resolved for the pinned packages (`{keras: "3.15.1"}`), from its dry-run report. */
  resolved: Record<string, string>;
  env: Record<string, string>;
  created: string;
  proven: boolean | null;
  load: string | null;
}

/**
 * The exact requirements a trial installs: the plan's own, plus the Keras 3 backend the user runs, pinned to the
 * version they have (a plan names Keras, not JAX or torch; the trial must load the model the way they would).
 */
export function trialPins(plan: InstallPlan, userEnv: EnvFacts | null): string[] {
  const pins = plan.packages.map((spec) => spec.replace(/^"|"$/g, ""));
  const named = (name: string) => pins.some((pin) => requirementName(pin) === normalizeName(name));
  const packages = userEnv?.packages ?? {};
  const backendPackages: Record<string, string[]> = { jax: ["jax", "jaxlib"], torch: ["torch"], tensorflow: ["tensorflow"] };
  const backend = userEnv?.loader === "keras3" ? userEnv.backend : null;
  if (backend && !named("tensorflow") && !named("tf_keras")) {
    for (const name of backendPackages[backend] ?? []) {
      if (!named(name) && packages[name]) pins.push(`${name}==${packages[name]}`);
    }
  }
  return pins;
}

/**
 * Python minors that can install the plan, best first: the user's own when its Requires-Python allows it, else the
 * allowed minors nearest to the user's (a Keras floor of 3.11 from 3.10 tries 3.11 first; TensorFlow's 3.9–3.11 from
 * 3.13 tries 3.11 first).
 */
export function trialPythonMinors(plan: InstallPlan, userPython: string | null): string[] {
  const user = pythonMinor(userPython);
  if (plan.pythonOk && (!plan.requiresPython || (user && versionSatisfies(user, plan.requiresPython)))) return user ? [user] : [];
  return pythonMinorsAllowedBy(plan.requiresPython, user);
}

/** A name for the trial environment: the Python minor and a hash of everything it installs. */
export function trialName(minor: string, pins: string[], env: Record<string, string>): string {
  const hash = createHash("sha256").update(JSON.stringify({ minor, pins: [...pins].sort(), env })).digest("hex").slice(0, 12);
  return `py${minor}-${hash}`;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** An interpreter of this minor on this machine: the user's own, then pyenv's versions, then `python3.X` on PATH. */
export function findPythonOfMinor(minor: string, user: { path: string; version: string } | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (user && pythonMinor(user.version) === minor && isExecutable(user.path)) return user.path;
  const pyenvRoot = env.PYENV_ROOT || join(homedir(), ".pyenv");
  const versions = join(pyenvRoot, "versions");
  if (existsSync(versions)) {
    const matching = readdirSync(versions)
      .filter((name) => name.startsWith(`${minor}.`) && /^\d+\.\d+\.\d+$/.test(name))
      .sort((a, b) => Number(b.split(".")[2]) - Number(a.split(".")[2]));
    for (const name of matching) {
      const candidate = join(versions, name, "bin", `python${minor}`);
      if (isExecutable(candidate)) return candidate;
    }
  }
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, `python${minor}`);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

export type TrialStage = "python" | "venv" | "check" | "install" | "load";

export interface TrialOutcome {
  proven: boolean;
  /** Where it stopped: the load when it got that far. */
  stage: TrialStage;
  /** One sentence on what happened, for the step and the report. */
  message: string;
  name: string | null;
  dir: string | null;
  python: string | null;
  /** The Python minor the trial ran ("3.12"), once one was found. */
  minor: string | null;
  pins: string[];
  resolved: Record<string, string>;
  load: LoadAttempt | null;
  /** True when the environment from an earlier run was reused. */
  reused: boolean;
}

/** What pip's failure means, in a sentence: no network, a version the index does not have, or pip's last line. */
export function pipFailure(outcome: TrackedOutcome): string {
  if (outcome.timedOut) return "pip did not finish in time; the trial environment stays marked unfinished and is rebuilt next time";
  const all = `${outcome.stderr}\n${outcome.stdout}`;
  if (/NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Network is unreachable|No route to host|ConnectTimeout|ProxyError/i.test(all)) {
    return "pip could not reach the package index (no network?)";
  }
  const missing = /Could not find a version that satisfies the requirement ([^\s(]+)(?: \(from versions: (none)\))?/.exec(all);
  // "from versions: none" is also what pip says when it could not ask at all (no retries configured).
  if (missing?.[2]) return `pip found no version of ${missing[1]} at all: no network, or the package index does not have it`;
  if (missing) return `the package index has no ${missing[1]} this Python can install`;
  if (/ResolutionImpossible|conflicting dependencies/i.test(all)) return "pip found no set of versions that satisfies these requirements together";
  const last = all.split("\n").map((line) => line.trim()).filter((line) => /^ERROR\b/.test(line)).at(-1);
  return last ? `pip failed: ${last}` : `pip exited with ${outcome.exitCode ?? outcome.signal}`;
}

export interface TrialInput {
  plan: InstallPlan;
  modelPath: string;
  userEnv: EnvFacts | null;
  timeoutSeconds: number;
  onProgress?: (line: string) => void;
  /** Bound on each pip run (install can fetch TensorFlow): 30 minutes by default. */
  pipTimeoutSeconds?: number;
  env?: NodeJS.ProcessEnv;
}

const PIP_ENV = { PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1", PYTHONIOENCODING: "utf-8" };

/** Builds (or reuses) the trial environment for the plan and loads the model there. Never throws for pip or load
 * failures: they are the outcome. */
export async function proveInTrial(input: TrialInput): Promise<TrialOutcome> {
  const say = input.onProgress ?? (() => undefined);
  const pins = trialPins(input.plan, input.userEnv);
  const base = { pins, resolved: {} as Record<string, string>, load: null, reused: false, minor: null as string | null };
  if (pins.length === 0) return { ...base, proven: false, stage: "python", message: "the plan installs nothing", name: null, dir: null, python: null };
  const minors = trialPythonMinors(input.plan, input.userEnv?.python.version ?? null);
  const user = input.userEnv ? { path: input.userEnv.python.path, version: input.userEnv.python.version } : null;
  let minor: string | null = null;
  let creator: string | null = null;
  for (const candidate of minors) {
    creator = findPythonOfMinor(candidate, user, input.env);
    if (creator) {
      minor = candidate;
      break;
    }
  }
  if (!minor || !creator) {
    const wanted = minors.length > 0 ? minors.join(", ") : "(unknown)";
    return { ...base, proven: false, stage: "python", message: `no Python ${wanted} on this machine (looked at the one in use, pyenv, python3.X on PATH)`, name: null, dir: null, python: null };
  }
  const name = trialName(minor, pins, input.plan.env);
  const dir = join(trialCacheDir(input.env), name);
  const python = join(dir, "bin", "python");
  const where = { name, dir, python, minor };
  const finished = existsSync(join(dir, TRIAL_RECORD)) && !existsSync(join(dir, UNFINISHED_MARKER)) && isExecutable(python);
  const pipTimeout = input.pipTimeoutSeconds ?? 1800;
  if (!finished) {
    // An unfinished environment (Ctrl-C, timeout or a failed pip last time) is rebuilt from nothing.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, UNFINISHED_MARKER), `${new Date().toISOString()}\n`);
    say(`trial ${name}: creating a Python ${minor} environment with ${creator}`);
    const venv = await runTracked([creator, "-m", "venv", dir], { timeoutSeconds: 300 });
    if (venv.exitCode !== 0 || !isExecutable(python)) {
      return { ...base, ...where, proven: false, stage: "venv", message: `${creator} -m venv failed: ${venv.stderr.split("\n").filter(Boolean).at(-1) ?? venv.exitCode}` };
    }
    say(`trial ${name}: checking ${pins.join(" ")} with pip's resolver (dry run)`);
    const check = await runTracked([python, "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-", ...pins], { timeoutSeconds: pipTimeout, env: PIP_ENV });
    const oldPip = /no such option: --(dry-run|report)/.test(check.stderr);
    if (check.exitCode !== 0 && !oldPip) return { ...base, ...where, proven: false, stage: "check", message: pipFailure(check) };
    const plannedInstall = oldPip ? [] : reportedInstall(check.stdout);
    const refused = oldPip ? [] : requiresPythonRefusals(check.stdout, minor);
    if (refused.length > 0) {
      return { ...base, ...where, proven: false, stage: "check", message: `Python ${minor} is outside what ${refused.join(", ")} require${refused.length === 1 ? "s" : ""}` };
    }
    const pinnedNames = new Set(pins.map(requirementName));
    base.resolved = Object.fromEntries(plannedInstall.filter(([n]) => pinnedNames.has(normalizeName(n))));
    if (!oldPip) say(`trial ${name}: pip would install ${summarize(plannedInstall)}`);
    say(`trial ${name}: installing`);
    const install = await runTracked([python, "-m", "pip", "install", "--progress-bar", "off", ...pins], {
      timeoutSeconds: pipTimeout,
      env: PIP_ENV,
      onLine: (line) => {
        const fetching = /^\s*(Collecting|Downloading|Using cached|Installing collected packages|Successfully installed)\b.*/.exec(line);
        if (fetching) say(`trial ${name}: ${fetching[0].trim().slice(0, 160)}`);
      },
    });
    if (install.exitCode !== 0) return { ...base, ...where, proven: false, stage: "install", message: pipFailure(install) };
    const record: TrialRecord = { name, python: minor, pins, resolved: base.resolved, env: input.plan.env, created: new Date().toISOString(), proven: null, load: null };
    writeFileSync(join(dir, TRIAL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    rmSync(join(dir, UNFINISHED_MARKER), { force: true });
  } else {
    base.resolved = readRecord(dir)?.resolved ?? {};
    say(`trial ${name}: reusing the environment built earlier (${dir})`);
  }
  say(`trial ${name}: loading the model there`);
  const session = await startProbe({ python: { path: python, source: "flag" }, modelPath: input.modelPath, timeoutSeconds: input.timeoutSeconds, env: input.plan.env });
  let load: LoadAttempt;
  try {
    if (session.env.importError) {
      load = { ok: false, seconds: 0, chain: session.env.importError, warnings: [], model: null };
    } else {
      load = await session.load(input.modelPath, input.plan.env.TF_USE_LEGACY_KERAS ? { legacyKeras: true } : {});
    }
  } finally {
    await session.close();
  }
  const described = describeLoad(load);
  updateRecord(dir, { proven: load.ok, load: described });
  say(`trial ${name}: ${load.ok ? "the model loads: the plan is proven" : `still failing: ${described}`}`);
  return { ...base, ...where, reused: finished, proven: load.ok, stage: "load", load, message: load.ok ? `the model ${described}` : `the load there failed: ${described}` };
}

/** PEP 503 normalized project name: `TF_Keras` and `tf-keras` are the same project. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** `keras>=3.15` → "keras". */
function requirementName(requirement: string): string {
  return normalizeName(/^[A-Za-z0-9._-]+/.exec(requirement.trim())?.[0] ?? requirement);
}

/** [name, version] of everything pip's `--report -` JSON says it would install; [] when unreadable. */
export function reportedInstall(reportJson: string): [string, string][] {
  try {
    const report = JSON.parse(reportJson) as { install?: { metadata?: { name?: string; version?: string } }[] };
    return (report.install ?? []).flatMap((item) => (item.metadata?.name && item.metadata.version ? [[normalizeName(item.metadata.name), item.metadata.version] as [string, string]] : []));
  } catch {
    return [];
  }
}

/**
 * The packages of pip's `--report -` whose own `Requires-Python` excludes this Python minor ("keras 3.15.1 (>=3.10)").
 * pip's resolver already honours it; this says it explicitly, and catches a report from a pip that ignored it
 * (`--ignore-requires-python` in a user's pip.conf).
 */
export function requiresPythonRefusals(reportJson: string, pythonVersion: string): string[] {
  try {
    const report = JSON.parse(reportJson) as { install?: { metadata?: { name?: string; version?: string; requires_python?: string } }[] };
    return (report.install ?? []).flatMap((item) => {
      const wanted = item.metadata?.requires_python;
      // A minor ("3.12") checked as its first release: ">=3.12.1" is not held against 3.12 (the patch is unknown here).
      if (!wanted || versionSatisfies(`${pythonVersion}.99`, wanted) || versionSatisfies(pythonVersion, wanted)) return [];
      return [`${item.metadata?.name} ${item.metadata?.version} (${wanted})`];
    });
  } catch {
    return [];
  }
}

/** "keras 3.15.1, jax 0.4.31, ... and 9 more". */
function summarize(items: [string, string][]): string {
  const shown = items.slice(0, 6).map(([name, version]) => `${name} ${version}`).join(", ");
  return items.length > 6 ? `${shown} and ${items.length - 6} more` : shown || "nothing new";
}

function readRecord(dir: string): TrialRecord | null {
  try {
    return JSON.parse(readFileSync(join(dir, TRIAL_RECORD), "utf8")) as TrialRecord;
  } catch {
    return null;
  }
}

function updateRecord(dir: string, change: Partial<TrialRecord>): void {
  const record = readRecord(dir);
  // No record: the environment is unfinished and will be rebuilt anyway.
  if (record) writeFileSync(join(dir, TRIAL_RECORD), `${JSON.stringify({ ...record, ...change }, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// `keras-fix envs`: the cache, listed and emptied

export interface TrialListing {
  name: string;
  dir: string;
  bytes: number;
  unfinished: boolean;
  record: TrialRecord | null;
}

function sizeOf(path: string): number {
  let total = 0;
  const stack = [path];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let stat;
    try {
      stat = statSync(current, { throwIfNoEntry: false });
    } catch {
      continue;
    }
    if (!stat) continue;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(current)) stack.push(join(current, entry));
    } else {
      total += stat.size;
    }
  }
  return total;
}

export function listTrials(env: NodeJS.ProcessEnv = process.env): TrialListing[] {
  const root = trialCacheDir(env);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const record = readRecord(dir);
      return { name, dir, bytes: sizeOf(dir), unfinished: existsSync(join(dir, UNFINISHED_MARKER)) || record === null, record };
    });
}

/** Removes one trial environment by name, or all of them; returns the names removed. */
export function removeTrials(which: { name: string } | { all: true }, env: NodeJS.ProcessEnv = process.env): string[] {
  const trials = listTrials(env);
  const chosen = "all" in which ? trials : trials.filter((trial) => trial.name === which.name);
  if (!("all" in which) && chosen.length === 0) {
    throw new UserError(`No trial environment named ${which.name}.`, "keras-fix envs (lists them)");
  }
  for (const trial of chosen) rmSync(trial.dir, { recursive: true, force: true });
  return chosen.map((trial) => trial.name);
}
