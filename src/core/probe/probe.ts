// The probe session: starts the user's Python as a warm worker (importing TensorFlow costs seconds, so one import
// serves every load), adds a second one when a load needs other environment variables (TF_USE_LEGACY_KERAS), and
// answers the engine's requests: facts, loads, re-saves, rebuilds.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BugError, UserError } from "../errors.js";
import { isInsideModelFolder, type FoundPython } from "./find-python.js";
import { findConflicts } from "./requirements.js";
import type { EnvFacts, LoadFix } from "../types.js";
import { execaRunner, interpreterVersion, type ProcessRunner } from "./processes.js";
import { ProbeError, ProbeProtocolError, resaveFailureMessage, type ProbeLoadAttempt, type ProbeResponse, type RebuildLoadResult, type ResaveCompareResult } from "./protocol.js";
import { ProbeWorker } from "./worker.js";

// ---------------------------------------------------------------------------------------------------------------
// Session

export interface StartProbeOptions {
  python: FoundPython;
  /** The model under diagnosis: an interpreter inside its folder is refused (defence in depth, see find-python). */
  modelPath?: string | null;
  /** Limit for starting (the Keras import) and for each request. */
  timeoutSeconds: number;
  /** A separate limit for each request (keras-fix check: per model), when it differs from the start's. */
  requestTimeoutSeconds?: number;
  /** Extra environment variables for Python (e.g. KERAS_BACKEND). */
  env?: Record<string, string>;
  /** Start the main worker with TF_USE_LEGACY_KERAS=1 (loads through tf_keras). */
  legacyKeras?: boolean;
  runner?: ProcessRunner;
  /** Where keras_probe.py is (tests); found next to the package by default. */
  probeScript?: string;
  /** Aborting kills a worker that is still importing Keras: Ctrl-C must not wait for a cold TensorFlow import. */
  signal?: AbortSignal;
}

export interface ProbeSession {
  readonly python: FoundPython;
  /** What the main worker's Python has; importError is set when Keras could not even be imported. */
  readonly env: EnvFacts;
  /** The legacy (TF_USE_LEGACY_KERAS=1) worker's facts, once a legacyKeras load started it. */
  readonly legacyEnv: EnvFacts | null;
  /** `fresh`: first put back the global state a fresh worker has (registered custom objects, floatx, the dtype
   *  policy, the user's modules imported since; src/python/probe_reset.py), so the load sees what a new Python would. */
  load(path: string, fix?: LoadFix, options?: { fresh?: boolean }): Promise<ProbeLoadAttempt>;
  resaveCompare(path: string, fix: LoadFix, outPath: string): Promise<ResaveCompareResult>;
  /** Builds the model with a generated script, loads only the weights, checks them; re-saves to `outPath` if given. */
  rebuildLoad(script: string, path: string, outPath: string | null): Promise<RebuildLoadResult>;
  /** Rebuilds an exported model (bring_home.py export's folder) in this Keras, saves it to `outPath` and proves it. */
  bringHomeImport(folder: string, source: string, outPath: string, fix?: LoadFix): Promise<Record<string, unknown>>;
  /** Asks the main worker for its facts again. */
  refreshEnv(): Promise<EnvFacts>;
  /** Pids of this session's live Python workers. */
  pids(): number[];
  /** Asks each worker to quit and waits for it; `now`: stops them at once (nothing more will be asked, and a worker
   *  has nothing to save: TensorFlow's own exit would only add time). */
  close(options?: { now?: boolean }): Promise<void>;
}

/** keras_probe.py ships at src/python/ of the package; this module runs from src/core (tests), dist/src/core (the
 * build) or dist/bin (the bundled bin), so the package root is found by walking up. */
export function probeScriptPath(): string {
  return probeFilePath("keras_probe.py");
}

/** A file of src/python/, found from wherever this code runs: dist/src/core (tsc) or dist/bin (the bundle). */
export function probeFilePath(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "..", "..", "python", name)];
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) candidates.push(join(dir, "src", "python", name));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new BugError(`${name} is missing (looked in ${candidates.join(", ")})`);
  return found;
}

const legacyEnvVar = { TF_USE_LEGACY_KERAS: "1" };

/** EnvFacts plus the declared requirements its installed versions violate (`pip check`, evaluated here). */
function withConflicts(env: EnvFacts): EnvFacts {
  return env.distributions ? { ...env, conflicts: findConflicts(env.distributions, env.markers ?? {}) } : env;
}

const withMessage = (result: Omit<ResaveCompareResult, "message">): ResaveCompareResult => ({
  ...result,
  message: resaveFailureMessage(result),
});

export async function startProbe(options: StartProbeOptions): Promise<ProbeSession> {
  if (options.modelPath && isInsideModelFolder(options.python.path, options.modelPath)) {
    throw new UserError(
      `Refusing to run ${options.python.path}: it lives inside the model's folder.`,
      "Pass --python with an interpreter you installed yourself.",
    );
  }
  const runner = options.runner ?? execaRunner;
  const script = options.probeScript ?? probeScriptPath();
  const timeoutMs = options.timeoutSeconds * 1000;
  const baseEnv = { ...options.env, PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1" };
  const workerEnv = (legacy: boolean) => (legacy ? { ...baseEnv, ...legacyEnvVar } : baseEnv);

  const spawnWorker = async (legacy: boolean, extraEnv: Record<string, string> = {}): Promise<ProbeWorker> => {
    const child = runner(options.python.path, ["-u", script], { env: { ...workerEnv(legacy), ...extraEnv } });
    const worker = new ProbeWorker(child, options.python.path, timeoutMs, (options.requestTimeoutSeconds ?? options.timeoutSeconds) * 1000);
    const abort = () => void worker.kill("close");
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      await worker.waitReady();
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
    return worker;
  };

  const toEnvFacts = (worker: ProbeWorker): EnvFacts => {
    const env = worker.env;
    const python = { path: options.python.path, version: env?.python.version ?? "unknown", source: options.python.source };
    if (!env) {
      // Died by a signal before it could even report versions.
      return { python, packages: {}, backend: null, legacyKeras: false, loader: null, importError: worker.importCrash, importSeconds: null };
    }
    return withConflicts({ ...env, python, importError: worker.importCrash ?? env.importError, importStderr: worker.importStderr });
  };

  let main: ProbeWorker;
  try {
    main = await spawnWorker(options.legacyKeras === true);
  } catch (error) {
    // The probe exits at once on a Python older than it can run on (and may not even parse there): ask the
    // interpreter its version with a line every Python understands, and report that as the fact it is.
    const version = error instanceof ProbeError && error.reason === "exit" ? await oldPythonVersion(options.python.path) : null;
    if (version) return unsupportedPythonSession(options.python, version);
    throw error;
  }
  const mainEnv = toEnvFacts(main);
  // Workers started with KERAS_BACKEND=<name>, for loads that try another Keras 3 backend.
  const backendWorkers = new Map<string, ProbeWorker>();
  let legacy: ProbeWorker | null = null;
  let legacyFacts: EnvFacts | null = null;
  let closed = false;

  // A dead worker (timeout, crash while loading) is replaced on the next request; an import crash would repeat.
  const usable = async (worker: ProbeWorker, isLegacy: boolean): Promise<ProbeWorker> => {
    if (worker.state !== "dead") return worker;
    const fresh = await spawnWorker(isLegacy);
    if (isLegacy) legacy = fresh;
    else main = fresh;
    return fresh;
  };

  const workerFor = async (fix: LoadFix): Promise<ProbeWorker> => {
    if (closed) throw new BugError("the probe session is closed");
    if (fix.backend && !(fix.backend === mainEnv.backend && mainEnv.importError === null)) {
      const existing = backendWorkers.get(fix.backend);
      if (existing && existing.state !== "dead") return existing;
      const fresh = await spawnWorker(false, { KERAS_BACKEND: fix.backend });
      backendWorkers.set(fix.backend, fresh);
      return fresh;
    }
    if (!fix.legacyKeras || mainEnv.legacyKeras) return usable(main, false);
    if (!legacy) {
      legacy = await spawnWorker(true);
      legacyFacts = toEnvFacts(legacy);
      return legacy;
    }
    return usable(legacy, true);
  };

  const importFailure = (worker: ProbeWorker): ProbeLoadAttempt => ({
    ok: false,
    seconds: 0,
    chain: worker.importCrash ?? [],
    warnings: [],
    model: null,
    stage: "import-keras",
    worker: { pid: worker.pid ?? -1, kerasImports: 1, requests: 0 },
  });

  const unexpected = (response: ProbeResponse, wanted: string): never => {
    if ("error" in response) {
      const text = response.error.map((e) => `${e.type}: ${e.message}`).join("\n");
      throw new ProbeProtocolError(`the probe could not handle a ${wanted} request: ${text}`, "");
    }
    throw new ProbeProtocolError(`the probe answered a ${wanted} request with ${JSON.stringify(response)}`, "");
  };

  return {
    python: options.python,
    env: mainEnv,
    get legacyEnv() {
      return legacyFacts;
    },
    async load(path, fix = {}, options = {}) {
      const worker = await workerFor(fix);
      if (worker.state === "crashed-on-import") return importFailure(worker);
      const response = await worker.request({ op: "load", path: resolve(path), fix, ...(options.fresh ? { fresh: true } : {}) });
      if (!("op" in response) || response.op !== "load") return unexpected(response, "load");
      return { ...response.result, model: response.result.model ?? null, worker: response.worker };
    },
    async resaveCompare(path, fix, outPath) {
      if (resolve(outPath) === resolve(path)) {
        throw new BugError(`resave-compare must write a new file, not over the model (${path})`);
      }
      const worker = await workerFor(fix);
      if (worker.state === "crashed-on-import") {
        const load = importFailure(worker);
        return withMessage({ ok: false, stage: "load", outPath, load, saveSeconds: null, reload: null, maxAbsDiff: null, inputShapes: null, error: null, worker: load.worker });
      }
      const response = await worker.request({ op: "resave-compare", path: resolve(path), fix, out: resolve(outPath) });
      if ("op" in response && response.op === "load") {
        // The worker crashed by a signal mid-way: report the crash as the failing stage.
        return withMessage({ ok: false, stage: "crash", outPath, load: response.result, saveSeconds: null, reload: null, maxAbsDiff: null, inputShapes: null, error: response.result.chain, worker: response.worker });
      }
      if (!("op" in response) || response.op !== "resave-compare") return unexpected(response, "resave-compare");
      return withMessage({ ...response.result, worker: response.worker });
    },
    async rebuildLoad(script, path, outPath) {
      const worker = await workerFor({});
      if (worker.state === "crashed-on-import") {
        return { ok: false, stage: "import-keras", error: worker.importCrash ?? [], model: null, weights: null, outPath, reload: null, maxAbsDiff: null, seconds: 0 };
      }
      const request = { op: "rebuild-load", script: resolve(script), path: resolve(path), out: outPath ? resolve(outPath) : null };
      const response = await worker.request(request);
      if ("op" in response && response.op === "load") {
        return { ok: false, stage: "crash", error: response.result.chain, model: null, weights: null, outPath, reload: null, maxAbsDiff: null, seconds: 0 };
      }
      if (!("op" in response) || response.op !== "rebuild-load") return unexpected(response, "rebuild-load");
      return response.result;
    },
    async bringHomeImport(folder, source, outPath, fix) {
      const worker = await workerFor({});
      if (worker.state === "crashed-on-import") return { ok: false, stage: "import-keras", error: worker.importCrash ?? [] };
      const response = await worker.request({ op: "bring-home-import", folder, source: resolve(source), out: resolve(outPath), fix: fix ?? {} });
      // The worker crashed by a signal mid-way: report the crash as the failing stage.
      if ("op" in response && response.op === "load") return { ok: false, stage: "crash", error: response.result.chain };
      if (!("op" in response) || response.op !== "bring-home-import") return unexpected(response, "bring-home-import");
      return response.result;
    },
    async refreshEnv() {
      const worker = await usable(main, mainEnv.legacyKeras);
      if (worker.state === "crashed-on-import") return mainEnv;
      const response = await worker.request({ op: "env" });
      if (!("op" in response) || response.op !== "env") return unexpected(response, "env");
      return withConflicts({ ...response.env, python: mainEnv.python, importStderr: mainEnv.importStderr ?? null });
    },
    pids() {
      return [main, legacy, ...backendWorkers.values()]
        .filter((w): w is ProbeWorker => w !== null && (w.state === "ready" || w.state === "starting"))
        .map((w) => w.pid)
        .filter((pid): pid is number => pid !== undefined);
    },
    async close(options = {}) {
      closed = true;
      const workers = [main, legacy, ...backendWorkers.values()].filter((worker): worker is ProbeWorker => worker !== null);
      await Promise.all(workers.map((worker) => (options.now ? worker.kill("close") : worker.close())));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Pythons older than the probe runs on (2.7, 3.5): a fact about the interpreter, diagnosed as python-too-old.

/** The oldest Python keras_probe.py runs on. */
export const MIN_PYTHON: [number, number] = [3, 6];

/** The interpreter's version when it is older than MIN_PYTHON, else null (the probe failed for another reason). */
async function oldPythonVersion(python: string): Promise<string | null> {
  const version = await interpreterVersion(python);
  const match = version ? /^(\d+)\.(\d+)\.\d+$/.exec(version) : null;
  if (!match) return null;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1]) ? match[0] : null;
}

function unsupportedPythonSession(python: FoundPython, version: string): ProbeSession {
  const env: EnvFacts = {
    python: { path: python.path, version, source: python.source },
    packages: {},
    backend: null,
    legacyKeras: false,
    loader: null,
    importError: null,
    importSeconds: null,
  };
  const refuse = (): Promise<never> =>
    Promise.reject(new UserError(`Python ${version} (${python.path}) is older than keras-fix can run.`, "Pass --python with Python 3.6 or newer."));
  return {
    python,
    env,
    legacyEnv: null,
    load: refuse,
    resaveCompare: refuse,
    rebuildLoad: refuse,
    bringHomeImport: refuse,
    refreshEnv: async () => env,
    pids: () => [],
    close: async () => undefined,
  };
}
