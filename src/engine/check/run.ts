// `keras-fix check`'s engine: every model through the same stages as one diagnosis (src/engine/diagnose.ts), with
// ONE warm probe worker for all of them. Each model: inspect and the safety read without Python; a file that settles
// the question by itself (LFS pointer, weights only, truncated...) or a dangerous one is never loaded; the rest are
// loaded in the user's environment and a failure is classified by the existing classifier. A load over --timeout is
// killed and reported as hung, a worker that dies is reported as crashed; the probe session starts a fresh worker for
// the next model in both cases.
import { readdirSync, statSync } from "node:fs";
import { availableParallelism, freemem } from "node:os";
import { join, relative } from "node:path";
import { LOAD_TIMEOUT_STAGE } from "../../../flows/load-timeout/cause.js";
import { inspectModel } from "../../core/inspect/index.js";
import { withInstalled } from "../../core/inspect/safety-exposure.js";
import { findPython, isExecutableFile, isInsideModelFolder, modelFolderOf, type FoundPython } from "../../core/probe/find-python.js";
import { startProbe, type ProbeSession } from "../../core/probe/probe.js";
import { ProbeError, type ProbeLoadAttempt } from "../../core/probe/protocol.js";
import { UserError } from "../../core/errors.js";
import type { EnvFacts, Facts, LoadAttempt, LoadFix, ModelFacts } from "../../core/types.js";
import type { FoundModel } from "./find.js";

export type { CheckResult, CheckStatus, TimedResult } from "./result.js";
import type { CheckResult, TimedResult } from "./result.js";

export interface CheckOptions {
  python?: string;
  /** Per model, for the load (the Keras import gets at least 300 s). */
  timeoutSeconds: number;
  customObjects?: string;
  /** Environment variables for the workers (a trial's, with --against). */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** The models to check: an interpreter inside one of their folders is refused. */
  models?: string[];
  /** Python workers loading at once (--jobs; defaultJobs() otherwise). */
  jobs: number;
}

export interface CheckRun {
  environment: string;
  env: EnvFacts;
  /** Python processes started: 0 when every model was settled from its file, else one per job used plus one per
   *  hang or crash. */
  workersStarted: number;
  kerasImports: number;
}

/** What one Python worker holding TensorFlow and Keras takes (a keras3 worker's RSS after the import is ~0.6 GiB;
 *  the rest is room for the model it loads). */
export const WORKER_MEMORY_BYTES = 1.5 * 1024 ** 3;

/** --jobs by default: one worker per core, as many as the free memory holds. */
export function defaultJobs(cores = availableParallelism(), free = freemem()): number {
  return Math.max(1, Math.min(cores, Math.floor(free / WORKER_MEMORY_BYTES)));
}

/** Bytes a load of this model takes beyond the worker, roughly: its weights held once or twice while the model is
 *  built from them. A folder (SavedModel) counts every file in it. */
export function loadBytes(path: string): number {
  const size = (at: string): number => {
    try {
      const info = statSync(at);
      if (!info.isDirectory()) return info.size;
      return readdirSync(at).reduce((sum, name) => sum + size(join(at, name)), 0);
    } catch {
      return 0;
    }
  };
  return 3 * size(path);
}

/** A model whose load needs more than one job's share of the free memory loads alone (createLoadGate). */
export function loadsAlone(needBytes: number, freeBytes: number, jobs: number): boolean {
  return needBytes > freeBytes / Math.max(1, jobs);
}

/** Who may load now: ordinary loads run together (the pool bounds them to --jobs), an exclusive one (a model far
 *  larger than one job's share of the free memory) waits until nothing else loads and holds off the rest until it is
 *  done. Waiting exclusive loads go before ordinary ones that arrive later, so a large model is not starved. */
export function createLoadGate(): { enter(exclusive: boolean): Promise<void>; leave(exclusive: boolean): void } {
  let loading = 0;
  let alone = false;
  let aloneWaiting = 0;
  const waiters: (() => void)[] = [];
  return {
    async enter(exclusive) {
      if (exclusive) aloneWaiting++;
      while (alone || (exclusive ? loading > 0 : aloneWaiting > 0)) await new Promise<void>((wake) => waiters.push(wake));
      if (exclusive) {
        aloneWaiting--;
        alone = true;
      }
      loading++;
    },
    leave(exclusive) {
      loading--;
      if (exclusive) alone = false;
      for (const wake of waiters.splice(0)) wake();
    },
  };
}

// What inspect alone settles (as in diagnose.ts): Python would only repeat what the bytes say.
const DECIDED_BY_FILE = new Set(["missing", "git-lfs-pointer", "html", "empty", "truncated", "not-a-model", "h5-weights", "tf-checkpoint"]);


export interface Checker {
  /** What the run found: the environment's label and facts once a worker reported them (or none was needed). */
  readonly run: CheckRun;
  /**
   * Checks every model: inspect and the safety read first, in order; the models that need a load go to at most
   * `jobs` warm workers, started only when the first such model is found (none when every file settles the question
   * itself). `onResult` gets each result in the models' order, as soon as it and every one before it are done.
   */
  checkAll(models: FoundModel[], onResult: (checked: TimedResult, index: number) => void): Promise<TimedResult[]>;
  close(): Promise<void>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Awaited later (in order) or never, when the run stopped at an earlier failure: never an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

type Verdicts = typeof import("./verdict.js");
let verdicts: Promise<Verdicts> | null = null;
/** The classifier and the causes: read once a worker is starting, so that they load while Python imports Keras. */
const verdictModule = (): Promise<Verdicts> => (verdicts ??= import("./verdict.js"));

/** The facts when no Python was started: every model was settled from its file. */
function notStartedEnv(python: FoundPython): EnvFacts {
  return { python: { path: python.path, version: "unknown", source: python.source }, packages: {}, backend: null, legacyKeras: false, loader: null, importError: null, importSeconds: null };
}

/** Finds Python (a missing Python or one inside a model's folder is a UserError); starts nothing yet. */
export function createChecker(options: CheckOptions): Checker {
  if (options.python && !isExecutableFile(options.python)) {
    throw new UserError(`--python ${options.python} is not an executable file.`, "Pass --python with a working interpreter.");
  }
  const python = findPython({ flag: options.python });
  if (!python) throw new UserError("No Python interpreter found.", "Pass --python /path/to/python (the one that has Keras).");
  // As for one model (find-python.ts): never an interpreter that came with a model. The folder check is run from
  // is the user's own (their .venv may sit beside a model at the repository's root), so it and its parents are not.
  const cwd = process.cwd();
  const shipped = (options.models ?? []).find((model) => {
    const folder = modelFolderOf(model);
    return relative(folder, cwd).startsWith("..") && isInsideModelFolder(python.path, model);
  });
  if (shipped) {
    throw new UserError(`Refusing to run ${python.path}: it lives inside the folder of the model ${shipped}.`, "Pass --python with an interpreter you installed yourself.");
  }
  const jobs = Math.max(1, options.jobs);
  const run: CheckRun = { environment: "", env: notStartedEnv(python), workersStarted: 0, kerasImports: 0 };
  const sessions: ProbeSession[] = [];
  const pids = new Set<number>();
  const countWorkers = () => {
    for (const session of sessions) for (const pid of session.pids()) pids.add(pid);
    run.workersStarted = pids.size;
    run.kerasImports = pids.size;
  };
  /** The environment the verdicts are made in: the first worker's facts, or none (as `explain` has none) when every
   *  model was settled from its file and no Python was started. */
  const envReady = deferred<EnvFacts | null>();
  const setEnv = async (env: EnvFacts | null) => {
    const label = env ? (await verdictModule()).envLabel(env) : `Python at ${python.path} (not started: every model was settled from its file)`;
    if (run.environment) return;
    if (env) run.env = env;
    run.environment = label;
    envReady.resolve(env);
  };

  // The pool: `jobs` warm workers at most, each started when a load finds none idle.
  let starting = 0;
  const idle: ProbeSession[] = [];
  const waiting: Deferred<ProbeSession>[] = [];
  const startSession = async (): Promise<ProbeSession> => {
    starting++;
    try {
      return await startWorker();
    } catch (error) {
      // Models settled from their file wait for the environment: they must not wait for ever.
      envReady.reject(error);
      throw error;
    }
  };
  const startWorker = async (): Promise<ProbeSession> => {
    const starting = startProbe({
      python,
      timeoutSeconds: Math.max(300, options.timeoutSeconds),
      requestTimeoutSeconds: options.timeoutSeconds,
      env: options.env,
      signal: options.signal,
    });
    // Python is spawned by now: the classifier and the causes are read while it imports Keras.
    void verdictModule();
    const probe = await starting;
    sessions.push(probe);
    countWorkers();
    const env = probe.env;
    if (env.importError !== null || env.loader === null) {
      const { classify, causes } = await verdictModule();
      const diagnosis = classify(env.importError, { file: null, env, load: null }, causes);
      const last = env.importError?.at(-1);
      throw new UserError(
        `Keras does not import in ${python.path}: ${diagnosis.title}${last ? ` (${last.type}: ${last.message.split("\n")[0]})` : ""}.`,
        "Pass --python with the interpreter your project loads its models in.",
      );
    }
    await setEnv(env);
    return probe;
  };
  const acquire = (): Promise<ProbeSession> => {
    const free = idle.pop();
    if (free) return Promise.resolve(free);
    if (starting < jobs) return startSession();
    const wait = deferred<ProbeSession>();
    waiting.push(wait);
    return wait.promise;
  };
  const release = (session: ProbeSession) => {
    const next = waiting.shift();
    if (next) next.resolve(session);
    else idle.push(session);
  };

  const free = freemem();
  const gate = createLoadGate();

  const module = options.customObjects;
  let sourcesOf: ReturnType<Verdicts["sourceFinder"]> | null = null;

  /** Inspect alone, or inspect and a load: the verdict is made once the environment is known. */
  async function checkOne(model: FoundModel, inspected: ModelFacts, needsLoad: boolean, start: number): Promise<TimedResult> {
    const seconds = () => (performance.now() - start) / 1000;
    let load: ProbeLoadAttempt | ProbeError | null = null;
    let fix: LoadFix = {};
    if (needsLoad) {
      const exclusive = loadsAlone(loadBytes(model.absolute), free, jobs);
      await gate.enter(exclusive);
      let session: ProbeSession | null = null;
      try {
        if (options.signal?.aborted) throw new UserError("check was cancelled");
        session = await acquire();
        if (options.signal?.aborted) throw new UserError("check was cancelled");
        fix = module ? (await verdictModule()).customObjectsFix(module, inspected) : {};
        load = await session.load(model.absolute, fix, { fresh: true });
      } catch (error) {
        if (!(error instanceof ProbeError) || options.signal?.aborted) throw error;
        // The worker was killed (time limit) or died without a signal (os._exit): its next load gets a fresh one.
        load = error;
      } finally {
        countWorkers();
        if (session) release(session);
        gate.leave(exclusive);
      }
    }
    const env = await envReady.promise;
    const { verdict, describeLoad, sourceFinder } = await verdictModule();
    const file: ModelFacts = inspected.safety ? { ...inspected, safety: { ...inspected.safety, findings: inspected.safety.findings.map((f) => withInstalled(f, env)) } } : inspected;
    const facts: Facts = { file, env, load: null };
    const customNames = [...new Set(file.customObjects.map((ref) => ref.className))];
    if (customNames.length > 0) facts.sources = await (sourcesOf ??= sourceFinder())(customNames, model.absolute);
    const environment = run.environment;
    const used = Object.keys(fix.customObjects ?? {}).length > 0 ? { loadedWith: { fix, file } } : {};
    const timed = (result: CheckResult): TimedResult => ({ result, seconds: seconds(), ...used });
    if (load === null) {
      if (DECIDED_BY_FILE.has(file.format)) return timed(verdict(model.path, environment, facts, "fails", null, null));
      // Never loaded: the safety read found something that acts outside the model (flows/unsafe-model-file).
      return timed(verdict(model.path, environment, facts, "dangerous", null, "not loaded: the safety read found code or links that act outside the model"));
    }
    const loads: CheckResult = { path: model.path, environment, format: file.format, status: "loads", cause: null, title: null, culprit: null, summary: null, fix: null, error: null };
    if (load instanceof ProbeError) {
      if (load.reason === "timeout") {
        // Classified like any load: flows/load-timeout detects the stage.
        const message = `the load did not finish within ${options.timeoutSeconds} s; Python was stopped and the run went on`;
        const stopped: LoadAttempt & { stage: string } = { ok: false, seconds: options.timeoutSeconds, chain: [{ type: "TimeoutError", message, frames: [] }], warnings: [], model: null, stage: LOAD_TIMEOUT_STAGE };
        facts.load = stopped;
        return timed(verdict(model.path, environment, facts, "hung", stopped.chain, message));
      }
      const message = load.message.split("\n")[0];
      return timed(verdict(model.path, environment, facts, "crashed", [{ type: "WorkerExit", message, frames: [] }], message));
    }
    facts.load = load;
    if (load.ok) return timed(loads);
    return timed(verdict(model.path, environment, facts, load.stage === "crash" ? "crashed" : "fails", load.chain, describeLoad(load)));
  }

  async function checkAll(models: FoundModel[], onResult: (checked: TimedResult, index: number) => void): Promise<TimedResult[]> {
    const done = models.map(() => deferred<TimedResult>());
    let stopped = false;
    // Inspect in order: the first model that needs a load starts a worker, which imports Keras while the rest are read.
    const inspecting = (async () => {
      let loads = 0;
      for (const [index, model] of models.entries()) {
        if (stopped || options.signal?.aborted) return;
        const start = performance.now();
        const inspected = await inspectModel(model.absolute);
        // Never loaded: a dangerous file (flows/unsafe-model-file) acts outside the model.
        const dangerous = inspected.safety?.findings.some((finding) => finding.severity === "dangerous") ?? false;
        const needsLoad = !DECIDED_BY_FILE.has(inspected.format) && !dangerous;
        if (needsLoad) loads++;
        checkOne(model, inspected, needsLoad, start).then(done[index].resolve, done[index].reject);
      }
      // Nothing to load: no Python is started, and the verdicts name the interpreter that would have been used.
      if (loads === 0) await setEnv(null);
    })();
    inspecting.catch(() => undefined);
    const results: TimedResult[] = [];
    try {
      for (const [index] of models.entries()) {
        const checked = await Promise.race([done[index].promise, inspecting.then(() => done[index].promise)]);
        if (options.signal?.aborted) break;
        results.push(checked);
        onResult(checked, index);
      }
      await inspecting;
    } finally {
      stopped = true;
      for (const wait of waiting.splice(0)) wait.reject(new UserError("check stopped"));
    }
    return results;
  }

  return {
    run,
    checkAll,
    close: async () => {
      // Every answer is in: the workers are stopped at once rather than left to TensorFlow's slow exit.
      await Promise.all(sessions.map((session) => session.close({ now: true })));
    },
  };
}
