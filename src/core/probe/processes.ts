// The only module that starts processes (DESIGN rule 6): Python workers in their own process group, the commands a
// user consented to, and keras-fix's own long commands (a trial's venv and pip). None of them outlives keras-fix.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { execa } from "execa";
import { BugError } from "../errors.js";

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
  // The group is signalled only while its leader is not yet reaped: until then its pid (the group's id) stays
  // reserved. Once Node has reaped it the number is free, and the next process given it may lead a group of its own
  // (another keras-fix started with setsid): a late kill(-pid) would take that one down. What the leader left in the
  // group needs no kill: the probe's children watch their parent and exit (keras_probe.py watch_parent).
  const killTree = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (detachGroups) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // No such group yet: the child has not reached its setsid() since the fork. Its pid is ours to signal.
      try {
        child.kill(signal);
      } catch {
        // Gone meanwhile.
      }
    }
  };
  return { child, exited, killTree };
}

// ---------------------------------------------------------------------------------------------------------------
// Live workers: none may outlive keras-fix (normal exit, uncaught error -> 'exit'; SIGINT/SIGTERM/SIGHUP)

const liveProcesses = new Set<ProbeProcess>();
const forwardedSignals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
/** Set once keras-fix is ending (Ctrl-C, the wizard's last screen): nothing new starts, what starts is killed. */
let stopping = false;

/**
 * Kills every child now and refuses new ones. The wizard's Ctrl-C arrives as a key, not a signal: without this a
 * trial's pip would run on to the end, its load too, and the environment would be recorded as proven.
 */
export function stopAllChildren(): void {
  stopping = true;
  killAllNow();
}

/** True once stopAllChildren ran: work still in flight must not record anything as done. */
export function stoppingChildren(): boolean {
  return stopping;
}

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

export function track(child: ProbeProcess): void {
  if (stopping) {
    // Started by work that was already in flight when keras-fix began to end.
    child.killTree("SIGKILL");
    return;
  }
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
/** `isolation`: Python 2.7 (the Lambda reader for its bytecode) has no -I; -E -s -S is its nearest. */
export async function runIsolatedScript(python: string, script: string, input: string, timeoutMs: number, isolation: readonly string[] = ["-I", "-S"]): Promise<ScriptRun> {
  const result = await execa(python, [...isolation, script], {
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
  if (stopping) return { exitCode: null, signal: "SIGKILL", timedOut: false, stdout: "", stderr: "" };
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

/** `X.Y.Z` of an interpreter, asked with syntax every Python since 2.6 reads; null when it does not answer. */
export async function interpreterVersion(python: string): Promise<string | null> {
  const result = await execa(python, ["-c", "import sys; sys.stdout.write('%d.%d.%d' % tuple(sys.version_info[:3]))"], {
    reject: false,
    timeout: 10_000,
    stdin: "ignore",
    windowsHide: true,
  });
  return typeof result.stdout === "string" ? result.stdout.trim() : null;
}
