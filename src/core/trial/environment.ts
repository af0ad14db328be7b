// Proves a version plan before anyone installs it for real: a throwaway venv keyed by the plan, in keras-fix's cache
// folder, with the plan's packages (checked first by pip's resolver in dry-run mode), and the model loaded there by
// the usual probe worker. The user's own environment is never touched: only the trial venv's pip runs.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { startProbe } from "../probe/probe.js";
import { runTracked, stoppingChildren, type TrackedOutcome } from "../probe/processes.js";
import type { EnvFacts, LoadAttempt, LoadFix } from "../types.js";
import { pythonMinor, pythonMinorsAllowedBy, versionSatisfies } from "../versions/numbers.js";
import { type InstallPlan } from "../versions/plans.js";
import { describeLoad } from "../describe.js";
import { describeEstimate, estimateDownload, pipCacheDir, type DownloadEstimate } from "./download.js";
import { acquireTrialLock, processAlive } from "./lock.js";
import { findPythonOfMinor, isExecutable, type FoundPython, type TrialPythonSource } from "./python.js";

export { findPythonOfMinor } from "./python.js";

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
  return cpuWheelsWherePossible(pins);
}

/**
 * On Linux x86_64 a trial takes `tensorflow-cpu` for `tensorflow` (the same code without the CUDA libraries: a few
 * hundred megabytes less), unless a pinned package depends on `tensorflow` by name (tf_keras does), which would pull
 * the full wheel in beside it.
 */
export function cpuWheelsWherePossible(pins: string[], platform: string = `${process.platform}-${process.arch}`): string[] {
  if (platform !== "linux-x64" || pins.some((pin) => requirementName(pin) === "tf-keras")) return pins;
  return pins.map((pin) => (requirementName(pin) === "tensorflow" ? pin.replace(/^\s*tensorflow/i, "tensorflow-cpu") : pin));
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
  /** The Python minor the trial ran ("3.12"), once one was found, and where that interpreter came from. */
  minor: string | null;
  pythonSource: TrialPythonSource | null;
  pins: string[];
  resolved: Record<string, string>;
  load: LoadAttempt | null;
  /** True when the environment from an earlier run was reused. */
  reused: boolean;
  /** What pip said it would download, when it had to build the environment. */
  estimate: DownloadEstimate | null;
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
  if (outcome.signal) return `pip was stopped (${outcome.signal}); the trial environment stays marked unfinished and is rebuilt next time`;
  const last = all.split("\n").map((line) => line.trim()).filter((line) => /^ERROR\b/.test(line)).at(-1);
  return last ? `pip failed: ${last}` : `pip exited with ${outcome.exitCode ?? outcome.signal}`;
}

export interface TrialInput {
  plan: InstallPlan;
  modelPath: string;
  userEnv: EnvFacts | null;
  timeoutSeconds: number;
  onProgress?: (line: string) => void;
  /** pip's download progress while the environment is built, for a progress bar. */
  onPipProgress?: (progress: PipProgress) => void;
  /** Bound on each pip run (install can fetch TensorFlow): 30 minutes by default. */
  pipTimeoutSeconds?: number;
  env?: NodeJS.ProcessEnv;
  /** The user's own code for the model's custom objects (--custom-objects), imported for the load there. */
  fix?: LoadFix;
}

const PIP_ENV = { PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1", PYTHONIOENCODING: "utf-8" };

/** pip's environment: the caller's (PIP_INDEX_URL, proxies, PIP_CACHE_DIR ... of `env`), quiet and never asking. */
function pipEnv(env: NodeJS.ProcessEnv | undefined): Record<string, string> {
  const given = Object.entries(env ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string");
  return { ...Object.fromEntries(given), ...PIP_ENV };
}

/** Where a plan's trial runs: the exact pins, the Python that makes the venv, and the venv's name and folder. */
export interface TrialTarget {
  pins: string[];
  minor: string;
  creator: FoundPython;
  name: string;
  dir: string;
  python: string;
  /** A finished environment from an earlier run exists: nothing to download. */
  finished: boolean;
}

/** The trial a plan would get on this machine, or why there can be none. */
export async function trialTarget(plan: InstallPlan, userEnv: EnvFacts | null, env: NodeJS.ProcessEnv = process.env): Promise<TrialTarget | { failure: string; stage: TrialStage; pins: string[] }> {
  const pins = trialPins(plan, userEnv);
  if (plan.packages.length === 0) return { failure: "the plan installs nothing: this environment has these versions already", stage: "python", pins };
  const minors = trialPythonMinors(plan, userEnv?.python.version ?? null);
  const user = userEnv ? { path: userEnv.python.path, version: userEnv.python.version } : null;
  for (const minor of minors) {
    const creator = await findPythonOfMinor(minor, user, env);
    if (!creator) continue;
    const name = trialName(minor, pins, plan.env);
    const dir = join(trialCacheDir(env), name);
    const python = join(dir, "bin", "python");
    const finished = existsSync(join(dir, TRIAL_RECORD)) && !existsSync(join(dir, UNFINISHED_MARKER)) && isExecutable(python);
    return { pins, minor, creator, name, dir, python, finished };
  }
  const wanted = minors.length > 0 ? minors.join(", ") : "(unknown)";
  return { failure: `no Python ${wanted} on this machine (looked at the one in use, pyenv, conda, python3.X on PATH, uv)`, stage: "python", pins };
}

function dryRunArgv(python: string, pins: string[], extra: string[] = []): string[] {
  return [python, "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-", ...extra, ...pins];
}

/**
 * What proving the plan would download, asked before anyone consents: pip's resolver in dry-run mode with the
 * interpreter the venv would be made from (`--ignore-installed`: as into an empty venv; nothing is installed), then
 * the files' sizes. A finished environment downloads nothing.
 */
export async function estimateTrial(
  plan: InstallPlan,
  userEnv: EnvFacts | null,
  env: NodeJS.ProcessEnv = process.env,
  onPipProgress?: (progress: PipProgress) => void,
): Promise<{ ok: boolean; message: string; estimate: DownloadEstimate | null; target: TrialTarget | null }> {
  const target = await trialTarget(plan, userEnv, env);
  if ("failure" in target) return { ok: false, message: target.failure, estimate: null, target: null };
  if (target.finished) return { ok: true, message: `nothing to download: the trial environment ${target.name} exists already`, estimate: { totalBytes: 0, cachedBytes: 0, files: 0, unknown: 0 }, target };
  onPipProgress?.(trialPhase("resolve"));
  const check = await runTracked(dryRunArgv(target.creator.path, target.pins, ["--ignore-installed"]), { timeoutSeconds: 600, env: pipEnv(env) });
  if (check.exitCode !== 0) {
    // A Python without pip, or with a pip too old for --dry-run, cannot tell; the venv brings its own pip.
    const cannotTell = /no such option: --(dry-run|report)|No module named pip/.test(check.stderr);
    return { ok: cannotTell, message: cannotTell ? "the download size is unknown (this Python's pip cannot do a dry run)" : pipFailure(check), estimate: null, target };
  }
  const estimate = await estimateDownload(check.stdout, { cacheDir: pipCacheDir(env) });
  return { ok: true, message: `${describeEstimate(estimate)} into a new Python ${target.minor} environment (${target.name})`, estimate, target };
}

/** Builds (or reuses) the trial environment for the plan and loads the model there. Never throws for pip or load
 * failures: they are the outcome. */
export async function proveInTrial(input: TrialInput): Promise<TrialOutcome> {
  const say = input.onProgress ?? (() => undefined);
  const target = await trialTarget(input.plan, input.userEnv, input.env);
  const base = { resolved: {} as Record<string, string>, load: null, reused: false, minor: null as string | null, pythonSource: null as TrialPythonSource | null, estimate: null as DownloadEstimate | null };
  if ("failure" in target) return { ...base, pins: target.pins, proven: false, stage: target.stage, message: target.failure, name: null, dir: null, python: null };
  const { pins, minor, creator, name, dir, python } = target;
  const where = { pins, name, dir, python, minor, pythonSource: creator.source };
  const pipTimeout = input.pipTimeoutSeconds ?? 1800;
  mkdirSync(trialCacheDir(input.env), { recursive: true });
  // One builder per environment: another keras-fix proving the same plan waits here, then reuses what it built.
  let lock: Awaited<ReturnType<typeof acquireTrialLock>>;
  try {
    lock = await acquireTrialLock(`${dir}.lock`, {
      timeoutMs: (pipTimeout * 2 + 300) * 1000,
      onWait: (pid) => say(`trial ${name}: waiting for another keras-fix (pid ${pid ?? "?"}) that is building this environment`),
    });
  } catch (error) {
    return { ...base, ...where, proven: false, stage: "venv", message: error instanceof Error ? error.message : String(error) };
  }
  let reused = false;
  try {
    reused = existsSync(join(dir, TRIAL_RECORD)) && !existsSync(join(dir, UNFINISHED_MARKER)) && isExecutable(python);
    if (!reused) {
      const built = await buildTrial({ ...target, plan: input.plan, pipTimeout, say, onPipProgress: input.onPipProgress, env: pipEnv(input.env) });
      base.resolved = built.resolved;
      base.estimate = built.estimate;
      if (built.failure) {
        say(`trial ${name}: stopped (${built.failure.stage}): ${built.failure.message}`);
        return { ...base, ...where, proven: false, stage: built.failure.stage, message: built.failure.message };
      }
    } else {
      base.resolved = readRecord(dir)?.resolved ?? {};
      say(`trial ${name}: reusing the environment built earlier (${dir})`);
    }
  } finally {
    lock.release();
  }
  say(`trial ${name}: loading the model there`);
  input.onPipProgress?.(trialPhase("load"));
  const session = await startProbe({ python: { path: python, source: "flag" }, modelPath: input.modelPath, timeoutSeconds: input.timeoutSeconds, env: input.plan.env });
  let load: LoadAttempt;
  try {
    if (session.env.importError) {
      load = { ok: false, seconds: 0, chain: session.env.importError, warnings: [], model: null };
    } else {
      load = await session.load(input.modelPath, { ...input.fix, ...(input.plan.env.TF_USE_LEGACY_KERAS ? { legacyKeras: true } : {}) });
    }
  } finally {
    await session.close();
  }
  const described = describeLoad(load);
  // Cancelled meanwhile: the worker was killed, so this load proves nothing either way.
  if (stoppingChildren()) return { ...base, ...where, reused, proven: false, stage: "load", load, message: "cancelled before the load there finished" };
  updateRecord(dir, { proven: load.ok, load: described });
  say(`trial ${name}: ${load.ok ? "the model loads: the plan is proven" : `still failing: ${described}`}`);
  return { ...base, ...where, reused, proven: load.ok, stage: "load", load, message: load.ok ? `the model ${described}` : `the load there failed: ${described}` };
}

/** The pip of a venv: its version decides whether it can print raw progress (pip ≥ 24.1). */
async function pipVersion(python: string, env: Record<string, string>): Promise<string | null> {
  const run = await runTracked([python, "-m", "pip", "--version"], { timeoutSeconds: 60, env });
  return /^pip (\S+)/.exec(run.stdout)?.[1] ?? null;
}

/** Makes the venv and installs the pins, under the lock; the unfinished marker goes only once pip succeeded. */
async function buildTrial(job: TrialTarget & { plan: InstallPlan; pipTimeout: number; say: (line: string) => void; onPipProgress?: (p: PipProgress) => void; env: Record<string, string> }): Promise<{
  resolved: Record<string, string>;
  estimate: DownloadEstimate | null;
  failure?: { stage: TrialStage; message: string };
}> {
  const { dir, name, python, pins, minor, creator, say } = job;
  // An unfinished environment (Ctrl-C, timeout or a failed pip last time) is rebuilt from nothing.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, UNFINISHED_MARKER), `${process.pid} ${new Date().toISOString()}\n`);
  say(`trial ${name}: creating a Python ${minor} environment with ${creator.path} (${creator.source})`);
  job.onPipProgress?.(trialPhase("venv"));
  const venv = await runTracked([creator.path, "-m", "venv", dir], { timeoutSeconds: 300 });
  if (venv.exitCode !== 0 || !isExecutable(python)) {
    return { resolved: {}, estimate: null, failure: { stage: "venv", message: `${creator.path} -m venv failed: ${venv.stderr.split("\n").filter(Boolean).at(-1) ?? venv.exitCode ?? venv.signal}` } };
  }
  say(`trial ${name}: checking ${pins.join(" ")} with pip's resolver (dry run)`);
  job.onPipProgress?.(trialPhase("resolve"));
  const check = await runTracked(dryRunArgv(python, pins), { timeoutSeconds: job.pipTimeout, env: job.env });
  const oldPip = /no such option: --(dry-run|report)/.test(check.stderr);
  if (check.exitCode !== 0 && !oldPip) return { resolved: {}, estimate: null, failure: { stage: "check", message: pipFailure(check) } };
  const plannedInstall = oldPip ? [] : reportedInstall(check.stdout);
  const refused = oldPip ? [] : requiresPythonRefusals(check.stdout, minor);
  if (refused.length > 0) {
    return { resolved: {}, estimate: null, failure: { stage: "check", message: `Python ${minor} is outside what ${refused.join(", ")} require${refused.length === 1 ? "s" : ""}` } };
  }
  const pinnedNames = new Set(pins.map(requirementName));
  const resolved = Object.fromEntries(plannedInstall.filter(([n]) => pinnedNames.has(normalizeName(n))));
  const estimate = oldPip ? null : await estimateDownload(check.stdout, { cacheDir: pipCacheDir(job.env) });
  if (!oldPip) say(`trial ${name}: pip will install ${summarize(plannedInstall)}; ${estimate ? describeEstimate(estimate) : "download size unknown"}`);
  const raw = versionSatisfies((await pipVersion(python, job.env)) ?? "0", ">=24.1");
  const reader = new PipProgressReader(estimate);
  say(`trial ${name}: installing`);
  const install = await runTracked([python, "-m", "pip", "install", "--progress-bar", raw ? "raw" : "off", ...pins], {
    timeoutSeconds: job.pipTimeout,
    env: job.env,
    onLine: (line) => {
      const progress = reader.feed(line);
      if (progress) job.onPipProgress?.(progress);
      const fetching = /^\s*(Collecting|Downloading|Using cached|Installing collected packages|Successfully installed)\b.*/.exec(line);
      if (fetching) say(`trial ${name}: ${fetching[0].trim().slice(0, 160)}`);
    },
  });
  if (install.exitCode !== 0) return { resolved, estimate, failure: { stage: "install", message: pipFailure(install) } };
  const record: TrialRecord = { name, python: minor, pins, resolved, env: job.plan.env, created: new Date().toISOString(), proven: null, load: null };
  writeFileSync(join(dir, TRIAL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  rmSync(join(dir, UNFINISHED_MARKER), { force: true });
  return { resolved, estimate };
}

/** How far pip's install has got, for a progress bar: the package being fetched and bytes so far of the expected total. */
export interface PipProgress {
  /** The package pip is fetching or installing ("tensorflow-cpu"), null before the first. */
  package: string | null;
  doneBytes: number;
  /** The bytes to download (the estimate, less pip's cache), null when unknown. */
  totalBytes: number | null;
  /**
   * What is happening: making the venv, pip's resolver choosing versions (10-30 s, no output), fetching, installing
   * what was fetched, then loading the model there. Only "download" moves bytes.
   */
  phase: "venv" | "resolve" | "download" | "install" | "load";
}

const UNITS: Record<string, number> = { kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, B: 1, bytes: 1 };

/**
 * Reads pip's install output line by line into progress. pip ≥ 24.1 with `--progress-bar raw` prints
 * `Progress <done> of <total>` (bytes of the current file); every pip prints `Collecting <req>` and
 * `Downloading <file> (<size>)` before each file, so older pips advance a file at a time.
 */
export class PipProgressReader {
  private finishedBytes = 0;
  private currentBytes = 0;
  private currentSize = 0;
  private current: string | null = null;
  private readonly total: number | null;

  constructor(estimate: DownloadEstimate | null) {
    this.total = estimate && estimate.totalBytes > 0 ? estimate.totalBytes - estimate.cachedBytes : null;
  }

  feed(line: string): PipProgress | null {
    const trimmed = line.trim();
    const raw = /^Progress (\d+) of (\d+)$/.exec(trimmed);
    if (raw) {
      this.currentBytes = Number(raw[1]);
      this.currentSize = Number(raw[2]);
      return this.snapshot("download");
    }
    const downloading = /^Downloading (\S+?)(?: \(([\d.]+) ?(kB|KB|MB|GB|B|bytes)\))?$/.exec(trimmed);
    if (downloading) {
      this.finishFile();
      this.current = packageOfFile(downloading[1]);
      this.currentSize = downloading[2] ? Number(downloading[2]) * (UNITS[downloading[3]] ?? 1) : 0;
      return this.snapshot("download");
    }
    const collecting = /^Collecting (\S+)/.exec(trimmed);
    if (collecting) {
      this.finishFile();
      this.current = requirementName(collecting[1]);
      return this.snapshot("download");
    }
    if (/^Installing collected packages/.test(trimmed)) {
      this.finishFile();
      return this.snapshot("install");
    }
    return null;
  }

  private finishFile(): void {
    this.finishedBytes += Math.max(this.currentSize, this.currentBytes);
    this.currentBytes = 0;
    this.currentSize = 0;
  }

  private snapshot(phase: PipProgress["phase"]): PipProgress {
    const done = this.finishedBytes + this.currentBytes;
    return { package: this.current, doneBytes: this.total ? Math.min(done, this.total) : done, totalBytes: this.total, phase };
  }
}

/** A phase that moves no bytes, for the progress line. */
export function trialPhase(phase: Exclude<PipProgress["phase"], "download">): PipProgress {
  return { package: null, doneBytes: 0, totalBytes: null, phase };
}

const PHASE_WORDS: Record<Exclude<PipProgress["phase"], "download">, string> = {
  venv: "creating the trial environment (a new venv)",
  resolve: "pip is resolving which versions to install (often 10-30 s)",
  install: "installing the downloaded packages (unpacking takes a while)",
  load: "loading the model in the trial environment (importing Keras there)",
};

/** pip's progress as a generic progress bar reads it (src/engine/session.ts ActionProgress); no bytes, no bar. */
export function pipProgressForBar(progress: PipProgress): { label: string; done: number; total: number | null; bytes: boolean } {
  if (progress.phase !== "download") return { label: PHASE_WORDS[progress.phase], done: 0, total: null, bytes: false };
  return { label: `downloading ${progress.package ?? "the packages"}`, done: progress.doneBytes, total: progress.totalBytes, bytes: true };
}

/** "tensorflow_cpu-2.15.1-cp311-...whl" or a URL of it → "tensorflow-cpu". */
function packageOfFile(file: string): string {
  const base = file.split("/").at(-1) ?? file;
  return normalizeName(base.split("-")[0] ?? base);
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
  if (!record) return;
  // Written aside and renamed: a reader (keras-fix envs, another keras-fix) never sees half a record.
  const aside = join(dir, `${TRIAL_RECORD}.${process.pid}.tmp`);
  writeFileSync(aside, `${JSON.stringify({ ...record, ...change }, null, 2)}\n`);
  renameSync(aside, join(dir, TRIAL_RECORD));
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
export function removeTrials(
  which: { name: string } | { all: true },
  env: NodeJS.ProcessEnv = process.env,
  onProgress?: (progress: RemoveProgress) => void,
): string[] {
  const trials = listTrials(env);
  const chosen = "all" in which ? trials : trials.filter((trial) => trial.name === which.name);
  if (!("all" in which) && chosen.length === 0) {
    throw new UserError(`No trial environment named ${which.name}.`, "keras-fix envs (lists them)");
  }
  // An environment another keras-fix is building right now (its lock's owner is alive) is left alone.
  const busy = chosen.filter((trial) => lockOwnerAlive(`${trial.dir}.lock`) !== null);
  if (!("all" in which) && busy.length > 0) {
    throw new UserError(`${which.name} is being built by keras-fix (pid ${lockOwnerAlive(`${busy[0].dir}.lock`)}) right now; remove it once that run ends.`);
  }
  const removed = chosen.filter((trial) => !busy.includes(trial));
  for (const trial of removed) {
    removeWithProgress(trial, onProgress);
    rmSync(`${trial.dir}.lock`, { force: true });
  }
  return removed.map((trial) => trial.name);
}

/** How far removing one trial environment has got, in bytes of its files. */
export interface RemoveProgress {
  name: string;
  doneBytes: number;
  totalBytes: number;
}

/**
 * Parts of a folder small enough to report on one by one: down to `depth` levels (a venv's
 * lib/pythonX.Y/site-packages/<package>), children before their folder, so every folder is empty when removed.
 */
function partsOf(path: string, depth: number): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isDirectory() || stat.isSymbolicLink() || depth === 0) return [path];
  return [...readdirSync(path).flatMap((entry) => partsOf(join(path, entry), depth - 1)), path];
}

/** Removes a trial environment part by part (a TensorFlow venv holds tens of thousands of files), saying how far. */
function removeWithProgress(trial: TrialListing, onProgress?: (progress: RemoveProgress) => void): void {
  if (!onProgress) {
    rmSync(trial.dir, { recursive: true, force: true });
    return;
  }
  let done = 0;
  onProgress({ name: trial.name, doneBytes: 0, totalBytes: trial.bytes });
  for (const part of partsOf(trial.dir, 4)) {
    const stat = statSync(part, { throwIfNoEntry: false });
    const bytes = stat?.isDirectory() && !stat.isSymbolicLink() ? sizeOf(part) : (stat?.size ?? 0);
    rmSync(part, { recursive: true, force: true });
    done += bytes;
    onProgress({ name: trial.name, doneBytes: Math.min(done, trial.bytes), totalBytes: trial.bytes });
  }
}

/** The pid holding a trial's lock when that process is alive, else null (no lock, or a stale one). */
function lockOwnerAlive(lockPath: string): number | null {
  try {
    const pid = Number((JSON.parse(readFileSync(lockPath, "utf8")) as { pid?: unknown }).pid);
    return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}
