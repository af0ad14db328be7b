// The only module that runs Python: it starts src/python/keras_probe.py as a warm worker (importing TensorFlow costs
// seconds, so one import serves every load), validates every JSON line it prints, enforces time limits, and makes
// sure no worker outlives keras-fix.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { constants as osConstants } from "node:os";
import { execa } from "execa";
import { z } from "zod";
import { BugError, UserError } from "../errors.js";
import { isInsideModelFolder, type FoundPython } from "./find-python.js";
import { findConflicts } from "./requirements.js";
import type { EnvFacts, ExceptionInfo, LoadAttempt, LoadFix } from "../types.js";

// ---------------------------------------------------------------------------------------------------------------
// Process runner (injectable: logic tests pass a fake keyed on argv)

export interface ChildExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the interpreter could not be started at all (ENOENT, EACCES). */
  spawnError: string | null;
}

export interface ProbeProcess {
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exited: Promise<ChildExit>;
  /** Signals the process and everything it started (the fresh reload interpreter of resave-compare). */
  killTree(signal: NodeJS.Signals): void;
}

export type ProcessRunner = (file: string, args: readonly string[], options: { env: Record<string, string> }) => ProbeProcess;

const detachGroups = process.platform !== "win32";

/**
 * The real runner: execa with an argv array, no shell, pipes, in its own process group so a kill takes the tree.
 * The first load must be the user's own (issue 9 §1): Python runs in the user's working directory (no `cwd`
 * given) with their whole environment (`extendEnv`: KERAS_BACKEND, PYTHONPATH, KERAS_HOME...), and the probe puts
 * sys.path as `python -c` has it (keras_probe.py, path_as_users_python_c).
 */
export const execaRunner: ProcessRunner = (file, args, { env }) => {
  const { child, exited, killTree } = spawnInGroup(file, args, env, "pipe");
  // An idle worker must not keep Node alive: pending requests hold their own timers, and 'exit' kills the worker.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  return {
    pid: child.pid,
    stdin: child.stdin!,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    killTree,
  };
};

/** A child in its own process group (so a kill takes the tree), with the user's environment plus `env`, no shell. */
function spawnInGroup(file: string, args: readonly string[], env: Record<string, string>, stdin: "pipe" | "ignore") {
  const child = execa(file, args, {
    env,
    extendEnv: true,
    stdin,
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    reject: false,
    cleanup: true,
    detached: detachGroups,
    forceKillAfterDelay: false,
    windowsHide: true,
  });
  const exited = child.then(
    (result): ChildExit => ({
      exitCode: result.exitCode ?? null,
      signal: (result.signal as NodeJS.Signals | undefined) ?? null,
      spawnError: result.exitCode === undefined && !result.signal ? String(result.shortMessage ?? result.message) : null,
    }),
    (error: unknown): ChildExit => ({ exitCode: null, signal: null, spawnError: String(error) }),
  );
  const killTree = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      if (detachGroups) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  return { child, exited, killTree };
}

// ---------------------------------------------------------------------------------------------------------------
// Live workers: none may outlive keras-fix (normal exit, uncaught error -> 'exit'; SIGINT/SIGTERM/SIGHUP)

const liveProcesses = new Set<ProbeProcess>();
const forwardedSignals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function killAllNow(): void {
  for (const child of liveProcesses) child.killTree("SIGKILL");
  liveProcesses.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  uninstallHooks();
  // Nobody else handles this signal: re-raise it so Node dies of it as it would have without us (exit 130 etc.).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const signalHandlers = new Map<NodeJS.Signals, () => void>(forwardedSignals.map((s) => [s, () => onSignal(s)]));
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllNow);
  for (const [signal, handler] of signalHandlers) process.on(signal, handler);
}

function uninstallHooks(): void {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.removeListener("exit", killAllNow);
  for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
}

function track(child: ProbeProcess): void {
  liveProcesses.add(child);
  installHooks();
  void child.exited.then(() => {
    liveProcesses.delete(child);
    if (liveProcesses.size === 0) uninstallHooks();
  });
}

/** Pids of probe workers still running (for tests and diagnostics). */
export function livePythonPids(): number[] {
  return [...liveProcesses].map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

export type ProbeFailureReason = "spawn" | "exit" | "timeout";

/** The probe could not run or answer in time: something the user can act on (another Python, a longer --timeout). */
export class ProbeError extends UserError {
  constructor(
    message: string,
    readonly reason: ProbeFailureReason,
    readonly stderrTail: string,
    hint?: string,
  ) {
    super(stderrTail ? `${message}\n--- last lines of its stderr ---\n${stderrTail}` : message, hint);
    this.name = "ProbeError";
  }
}

/** The probe printed something that is not our protocol: a bug on our side. */
export class ProbeProtocolError extends BugError {
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(stderrTail ? `${message}\n--- last lines of its stderr ---\n${stderrTail}` : message);
    this.name = "ProbeProtocolError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Protocol (keras_probe.py writes these; anything else is a ProbeProtocolError)

const frameSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  function: z.string().nullable(),
  code: z.string().nullable().optional(),
});
const chainSchema = z.array(z.object({ type: z.string(), message: z.string(), frames: z.array(frameSchema) }));
const loaderSchema = z.enum(["keras3", "tf.keras", "tf_keras", "keras2"]).nullable();
const pythonEnvSchema = z.object({
  python: z.object({ path: z.string(), version: z.string() }),
  packages: z.record(z.string(), z.string().nullable()),
  backend: z.string().nullable(),
  legacyKeras: z.boolean(),
  loader: loaderSchema,
  importError: chainSchema.nullable(),
  importSeconds: z.number().nullable(),
  backendSource: z.string().nullable().optional(),
  distributions: z.array(z.object({ name: z.string(), version: z.string(), requires: z.array(z.string()) })).optional(),
  markers: z.record(z.string(), z.string()).optional(),
  importStderr: z.string().nullable().optional(),
});
const workerSchema = z.object({ pid: z.number().int(), kerasImports: z.number().int(), requests: z.number().int() });
const loadSchema = z.object({
  ok: z.boolean(),
  seconds: z.number(),
  chain: chainSchema,
  warnings: z.array(z.string()),
  model: z.object({ className: z.string(), params: z.number().nullable() }).nullable().optional(),
  stage: z.string().nullable(),
  endpoints: z.array(z.string()).nullable().optional(),
});
const resaveSchema = z.object({
  ok: z.boolean(),
  stage: z.string().nullable(),
  outPath: z.string().nullable(),
  load: loadSchema,
  saveSeconds: z.number().nullable(),
  reload: loadSchema.nullable(),
  maxAbsDiff: z.number().nullable(),
  inputShapes: z.array(z.array(z.number().int())).nullable(),
  error: chainSchema.nullable(),
});
// The rebuild-load op (keras_probe.py rebuild_load): a generated build_model() script, load_weights, weight check.
const rebuildSchema = z.object({
  ok: z.boolean(),
  stage: z.string().nullable(),
  error: chainSchema.nullable(),
  model: z.object({ className: z.string(), params: z.number().nullable() }).nullable(),
  weights: z
    .object({
      model: z.number(),
      stored: z.number(),
      matched: z.number(),
      unmatched: z.array(z.object({ name: z.string(), shape: z.array(z.number()).nullable() })),
      unused: z.array(z.object({ name: z.string(), shape: z.array(z.number()).nullable() })),
      unusedCount: z.number(),
    })
    .nullable(),
  outPath: z.string().nullable(),
  reload: loadSchema.nullable(),
  maxAbsDiff: z.number().nullable(),
  seconds: z.number(),
});
export type RebuildLoadResult = z.infer<typeof rebuildSchema>;
const eventSchema = z.object({
  event: z.enum(["facts", "ready"]),
  protocol: z.literal(1),
  env: pythonEnvSchema,
  worker: workerSchema,
});
const responseSchema = z.union([
  z.object({ id: z.number(), op: z.literal("load"), result: loadSchema, worker: workerSchema }),
  z.object({ id: z.number(), op: z.literal("resave-compare"), result: resaveSchema, worker: workerSchema }),
  z.object({ id: z.number(), op: z.literal("env"), env: pythonEnvSchema, worker: workerSchema }),
  z.object({ id: z.number(), op: z.literal("rebuild-load"), result: rebuildSchema, worker: workerSchema }),
  // Bringing a model home (src/core/bring-home/bring-home.ts validates the result itself).
  z.object({ id: z.number(), op: z.literal("bring-home-import"), result: z.record(z.string(), z.unknown()), worker: workerSchema }),
  z.object({ id: z.number(), op: z.literal("quit"), worker: workerSchema }),
  z.object({ id: z.number().nullable(), error: chainSchema, worker: workerSchema }),
]);

type PythonEnv = z.infer<typeof pythonEnvSchema>;
type ProbeResponse = z.infer<typeof responseSchema>;
export type WorkerStats = z.infer<typeof workerSchema>;

/** A load as the probe reports it: the LoadAttempt contract plus where it failed and which worker ran it. */
export interface ProbeLoadAttempt extends LoadAttempt {
  /** import-keras | fix (the fix itself failed: the user module raised, unknown shim) | load | predict | reload-process | crash; null on success. */
  stage: string | null;
  /** SavedModel signatures, listed when a TFSMLayer wrap failed. */
  endpoints?: string[] | null;
  worker: WorkerStats;
}

export interface ResaveCompareResult {
  ok: boolean;
  /** The first stage that failed: load | save | predict | reload | compare | crash; null on success. */
  stage: string | null;
  outPath: string | null;
  load: LoadAttempt & { stage: string | null };
  saveSeconds: number | null;
  /** The cold load of the new file in a fresh interpreter. */
  reload: (LoadAttempt & { stage: string | null }) | null;
  maxAbsDiff: number | null;
  inputShapes: number[][] | null;
  error: ExceptionInfo[] | null;
  /** One line saying what failed (the failing stage's final exception), null on success. */
  message: string | null;
  worker: WorkerStats;
}

/** The final exception of the stage that failed, as one line for summaries. */
function resaveFailureMessage(result: Omit<ResaveCompareResult, "message">): string | null {
  if (result.ok) return null;
  const chain =
    result.stage === "load" ? result.load.chain : result.stage === "reload" ? (result.reload?.chain ?? []) : (result.error ?? []);
  const last = chain[chain.length - 1];
  const what = last ? `${last.type}: ${last.message.split("\n")[0]}` : "unknown error";
  return `${result.stage ?? "resave"} failed: ${what}`;
}

// ---------------------------------------------------------------------------------------------------------------
// One worker process

const stderrKeep = 64 * 1024;

function signalChain(signal: NodeJS.Signals, during: string, stderrTail: string): ExceptionInfo[] {
  const number = osConstants.signals[signal];
  const tail = stderrTail ? `\n${stderrTail}` : "";
  return [{ type: signal, message: `Python was killed by signal ${signal} (${number}) while ${during}.${tail}`, frames: [] }];
}

function lastLines(text: string, lines = 40): string {
  return text.split("\n").slice(-lines).join("\n").trim();
}

interface Pending {
  resolve: (response: ProbeResponse) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

type WorkerState = "starting" | "ready" | "crashed-on-import" | "dead";

class ProbeWorker {
  state: WorkerState = "starting";
  env: PythonEnv | null = null;
  /** When Python died by a signal before `ready`: the EnvFacts.importError describing it. */
  importCrash: ExceptionInfo[] | null = null;
  private stderr = "";
  /** Characters of stderr received so far, and how many had arrived when the probe started importing Keras. */
  private stderrTotal = 0;
  private stderrAtFacts: number | null = null;
  /** What Python printed on stderr while importing Keras (NumPy's "compiled using NumPy 1.x" paragraph comes
   *  before the exception and says more than it). Kept here, not in the probe, so a crash loses none of it. */
  importStderr: string | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private killedBy: "timeout" | "close" | null = null;
  private ready: Promise<void>;
  private startTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly child: ProbeProcess,
    private readonly python: string,
    private readonly timeoutMs: number,
  ) {
    track(child);
    child.stderr.on("data", (chunk: Buffer | string) => {
      const text = chunk.toString();
      this.stderrTotal += text.length;
      this.stderr = (this.stderr + text).slice(-stderrKeep);
    });
    child.stdin.on("error", () => {
      // EPIPE when the worker died; its exit is reported through `exited`.
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    let onReady: () => void = () => undefined;
    let onStartFailure: (error: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      onReady = resolveReady;
      onStartFailure = rejectReady;
    });
    this.startTimer = setTimeout(() => {
      onStartFailure(this.timeoutError("starting and importing Keras"));
      void this.kill("timeout");
    }, timeoutMs);
    lines.on("line", (line) => {
      try {
        this.handleLine(line, onReady);
      } catch (error) {
        onStartFailure(error as Error);
        this.failAll(error as Error);
        void this.kill("close");
      }
    });
    void child.exited.then((exit) => {
      clearTimeout(this.startTimer);
      const wasStarting = this.state === "starting";
      this.state = "dead";
      if (wasStarting && exit.signal && !this.killedBy) {
        // A signal during import (SIGILL: CPU without AVX; SIGSEGV: broken wheel) is a fact about this Python.
        this.state = "crashed-on-import";
        this.importCrash = signalChain(exit.signal, "importing Keras", this.stderrTail());
        this.importStderr = this.printedSinceFacts();
        onReady();
      } else if (wasStarting) {
        onStartFailure(this.exitError(exit, "while starting"));
      }
      this.failAll(this.exitError(exit, "while answering a request"), exit.signal);
    });
  }

  stderrTail(): string {
    return lastLines(this.stderr);
  }

  /** stderr since the facts event (the Keras import), its head and tail when long; null when nothing was printed. */
  private printedSinceFacts(): string | null {
    const count = this.stderrAtFacts === null ? 0 : this.stderrTotal - this.stderrAtFacts;
    const printed = count > 0 ? this.stderr.slice(-Math.min(count, this.stderr.length)) : "";
    if (!printed.trim()) return null;
    const keep = 8 * 1024;
    return printed.length > 2 * keep ? `${printed.slice(0, keep)}\n[...]\n${printed.slice(-keep)}` : printed;
  }

  waitReady(): Promise<void> {
    return this.ready;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private handleLine(line: string, onReady: () => void): void {
    if (!line.trim()) return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      throw new ProbeProtocolError(`the probe printed a line that is not JSON: ${line.slice(0, 300)}`, this.stderrTail());
    }
    if (typeof message === "object" && message !== null && "event" in message) {
      const event = eventSchema.safeParse(message);
      if (!event.success) throw this.protocolError("event", event.error, line);
      this.env = event.data.env;
      if (event.data.event === "facts") this.stderrAtFacts = this.stderrTotal;
      if (event.data.event === "ready") {
        this.state = "ready";
        clearTimeout(this.startTimer);
        // Python wrote its stderr before this line on stdout; one turn of the event loop lets Node read it.
        setImmediate(() => {
          this.importStderr = this.printedSinceFacts();
          onReady();
        });
      }
      return;
    }
    const response = responseSchema.safeParse(message);
    if (!response.success) throw this.protocolError("response", response.error, line);
    if ("op" in response.data && response.data.op === "quit") return;
    const id = response.data.id;
    const pending = id === null ? undefined : this.pending.get(id);
    if (!pending) throw new ProbeProtocolError(`the probe answered request ${id}, which nobody asked`, this.stderrTail());
    this.pending.delete(id as number);
    clearTimeout(pending.timer);
    pending.resolve(response.data);
  }

  private protocolError(what: string, error: z.ZodError, line: string): ProbeProtocolError {
    const issues = error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return new ProbeProtocolError(`the probe sent an invalid ${what} (${issues}): ${line.slice(0, 300)}`, this.stderrTail());
  }

  private timeoutError(what: string): ProbeError {
    return new ProbeError(
      `Python (${this.python}) did not finish ${what} within ${this.timeoutMs / 1000} s; it was stopped.`,
      "timeout",
      this.stderrTail(),
      "Give it more time with --timeout SECONDS (a large model or a cold TensorFlow import can be slow).",
    );
  }

  private exitError(exit: ChildExit, when: string): ProbeError {
    if (exit.spawnError) {
      return new ProbeError(
        `Could not start Python at ${this.python}: ${exit.spawnError}`,
        "spawn",
        this.stderrTail(),
        "Pass --python with a working interpreter.",
      );
    }
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
    return new ProbeError(
      `The keras-fix probe broke: Python (${this.python}) ${how} ${when}.`,
      "exit",
      this.stderrTail(),
      "keras-fix needs Python 3.6 or newer; pass --python to choose another interpreter.",
    );
  }

  private failAll(error: Error, signal?: NodeJS.Signals | null): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      if (signal && !this.killedBy) pending.resolve(this.crashResponse(id, signal));
      else pending.reject(error);
    }
  }

  /** A request whose Python died by a signal (a segfault in h5py on a corrupt file) is data, not a probe bug. */
  private crashResponse(id: number, signal: NodeJS.Signals): ProbeResponse {
    const chain = signalChain(signal, "loading the model", this.stderrTail());
    const worker = { pid: this.child.pid ?? -1, kerasImports: 0, requests: 0 };
    const load = { ok: false, seconds: 0, chain, warnings: [], model: null, stage: "crash", endpoints: null };
    return { id, op: "load", result: load, worker };
  }

  request(payload: Record<string, unknown>): Promise<ProbeResponse> {
    if (this.state !== "ready") return Promise.reject(new BugError(`probe worker is ${this.state}, not ready`));
    const id = this.nextId++;
    return new Promise<ProbeResponse>((resolvePending, rejectPending) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        void this.kill("timeout").then(() => rejectPending(this.timeoutError(`request ${String(payload.op)}`)));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolvePending, reject: rejectPending, timer });
      this.child.stdin.write(`${JSON.stringify({ ...payload, id })}\n`);
    });
  }

  /** SIGTERM the tree, SIGKILL it if it is still there shortly after; resolves once the worker has exited. */
  async kill(reason: "timeout" | "close"): Promise<void> {
    this.killedBy ??= reason;
    this.child.killTree("SIGTERM");
    const escalate = setTimeout(() => this.child.killTree("SIGKILL"), 2000);
    await this.child.exited;
    clearTimeout(escalate);
    // The group may hold a grandchild (the fresh reload interpreter) that ignored SIGTERM.
    this.child.killTree("SIGKILL");
  }

  async close(): Promise<void> {
    if (this.state === "dead" || this.state === "crashed-on-import") return;
    if (this.killedBy) {
      await this.child.exited;
      return;
    }
    this.killedBy = "close";
    if (this.state === "ready") {
      this.child.stdin.write(`${JSON.stringify({ op: "quit", id: 0 })}\n`);
      this.child.stdin.end();
      const quitTimer = setTimeout(() => void this.kill("close"), 5000);
      await this.child.exited;
      clearTimeout(quitTimer);
      this.child.killTree("SIGKILL");
    } else {
      await this.kill("close");
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Session

export interface StartProbeOptions {
  python: FoundPython;
  /** The model under diagnosis: an interpreter inside its folder is refused (defence in depth, see find-python). */
  modelPath?: string | null;
  /** Limit for starting (the Keras import) and for each request. */
  timeoutSeconds: number;
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
  load(path: string, fix?: LoadFix): Promise<ProbeLoadAttempt>;
  resaveCompare(path: string, fix: LoadFix, outPath: string): Promise<ResaveCompareResult>;
  /** Builds the model with a generated script, loads only the weights, checks them; re-saves to `outPath` if given. */
  rebuildLoad(script: string, path: string, outPath: string | null): Promise<RebuildLoadResult>;
  /** Rebuilds an exported model (bring_home.py export's folder) in this Keras, saves it to `outPath` and proves it. */
  bringHomeImport(folder: string, source: string, outPath: string): Promise<Record<string, unknown>>;
  /** Asks the main worker for its facts again. */
  refreshEnv(): Promise<EnvFacts>;
  /** Pids of this session's live Python workers. */
  pids(): number[];
  close(): Promise<void>;
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
    const worker = new ProbeWorker(child, options.python.path, timeoutMs);
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
    async load(path, fix = {}) {
      const worker = await workerFor(fix);
      if (worker.state === "crashed-on-import") return importFailure(worker);
      const response = await worker.request({ op: "load", path: resolve(path), fix });
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
    async bringHomeImport(folder, source, outPath) {
      const worker = await workerFor({});
      if (worker.state === "crashed-on-import") return { ok: false, stage: "import-keras", error: worker.importCrash ?? [] };
      const response = await worker.request({ op: "bring-home-import", folder, source: resolve(source), out: resolve(outPath) });
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
    async close() {
      closed = true;
      await Promise.all([main.close(), legacy?.close(), ...[...backendWorkers.values()].map((worker) => worker.close())]);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Pythons older than the probe runs on (2.7, 3.5): a fact about the interpreter, diagnosed as python-too-old.

/** The oldest Python keras_probe.py runs on. */
export const MIN_PYTHON: [number, number] = [3, 6];

/** The interpreter's version when it is older than MIN_PYTHON, else null (the probe failed for another reason). */
async function oldPythonVersion(python: string): Promise<string | null> {
  const result = await execa(python, ["-c", "import sys; sys.stdout.write('%d.%d.%d' % tuple(sys.version_info[:3]))"], {
    reject: false,
    timeout: 10_000,
    stdin: "ignore",
    windowsHide: true,
  });
  const match = typeof result.stdout === "string" ? /^(\d+)\.(\d+)\.\d+$/.exec(result.stdout.trim()) : null;
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

// ---------------------------------------------------------------------------------------------------------------
// A command the user consented to (e.g. `pip install tf_keras==2.21`): argv only, never a shell.

// A type alias (not an interface) so it can travel as ActionResult.data (Record<string, unknown>).
export type CommandOutcome = {
  exitCode: number | null;
  signal: string | null;
  /** stdout and stderr interleaved, as the user would have seen them. */
  output: string;
};

export async function runCommand(argv: readonly string[], options: { timeoutSeconds?: number } = {}): Promise<CommandOutcome> {
  const [file, ...args] = argv;
  if (!file) throw new BugError("runCommand needs a program to run");
  const result = await execa(file, args, {
    all: true,
    reject: false,
    cleanup: true,
    stdin: "ignore",
    timeout: options.timeoutSeconds ? options.timeoutSeconds * 1000 : undefined,
    windowsHide: true,
  });
  const output = typeof result.all === "string" ? result.all : String(result.shortMessage ?? "");
  return { exitCode: result.exitCode ?? null, signal: result.signal ?? null, output };
}

// ---------------------------------------------------------------------------------------------------------------
// A long command keras-fix runs on its own account (venv + pip in a trial environment, src/core/trial/environment.ts):
// tracked like a worker, so Ctrl-C, SIGTERM and keras-fix's exit take it and its children; bounded by a timeout.

export type TrackedOutcome = {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
};

/** What one short run of a script of ours gave back (src/python/lambda_read.py reads bytecode this way). */
export interface ScriptRun {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of our own stdlib scripts once in an isolated Python (-I -S: no user site, no cwd on sys.path, no
 * PYTHON* variables) with `input` on stdin, and kills it at the time limit. A throwaway process, because what it
 * reads (a model's marshalled bytecode) may crash an interpreter.
 */
export async function runIsolatedScript(python: string, script: string, input: string, timeoutMs: number): Promise<ScriptRun> {
  const result = await execa(python, ["-I", "-S", script], {
    input,
    reject: false,
    cleanup: true,
    timeout: timeoutMs,
    windowsHide: true,
    env: { PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1" },
    extendEnv: false,
  });
  return {
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut: result.timedOut === true,
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
  };
}

export async function runTracked(
  argv: readonly string[],
  options: { timeoutSeconds: number; env?: Record<string, string>; onLine?: (line: string) => void },
): Promise<TrackedOutcome> {
  const [file, ...args] = argv;
  if (!file) throw new BugError("runTracked needs a program to run");
  const { child, exited, killTree } = spawnInGroup(file, args, options.env ?? {}, "ignore");
  track({ pid: child.pid, stdin: child.stdin!, stdout: child.stdout!, stderr: child.stderr!, exited, killTree });
  const out: string[] = [];
  const err: string[] = [];
  const drained = ([[child.stdout!, out], [child.stderr!, err]] as const).map(([stream, sink]) => {
    const lines = createInterface({ input: stream });
    lines.on("line", (line) => {
      sink.push(line);
      options.onLine?.(line);
    });
    return new Promise((resolveClose) => lines.once("close", resolveClose));
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree("SIGKILL");
  }, options.timeoutSeconds * 1000);
  const [exit] = await Promise.all([exited, ...drained]);
  clearTimeout(timer);
  return {
    exitCode: exit.exitCode,
    signal: exit.signal,
    timedOut,
    stdout: out.join("\n"),
    stderr: exit.spawnError ? [...err, exit.spawnError].join("\n") : err.join("\n"),
  };
}
