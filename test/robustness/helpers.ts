// Shared by the robustness tests (and free for other tests to reuse): byte-for-byte guards on the user's files,
// the built CLI run without a shell under a time and memory bound, the Python processes it leaves, and the
// fixture lists the manifests name.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { cliPath, modelsDir, scratchDir } from "../helpers/envs.js";

// ---------------------------------------------------------------------------------------------------------------
// The user's files never change

function digestInto(hash: ReturnType<typeof createHash>, path: string, relative: string): void {
  const info = statSync(path);
  if (info.isDirectory()) {
    for (const name of readdirSync(path).sort()) digestInto(hash, join(path, name), `${relative}/${name}`);
    return;
  }
  hash.update(`${relative}\0${info.size}\0`);
  hash.update(readFileSync(path));
}

/** sha256 over a file, or over every file of a folder (names included), e.g. a SavedModel. */
export function digestOf(path: string): string {
  const hash = createHash("sha256");
  digestInto(hash, path, ".");
  return hash.digest("hex");
}

/** Runs fn and fails when the bytes at `path` (a file or a folder) differ afterwards, even when fn threw. */
export async function withUnchangedBytes<T>(path: string, fn: () => Promise<T> | T): Promise<T> {
  const before = digestOf(path);
  try {
    return await fn();
  } finally {
    const after = digestOf(path);
    if (after !== before) throw new Error(`${path} changed: sha256 ${before} before, ${after} after`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Text a user sees must never carry our own internals

// What a Node stack trace or a TypeScript source reference looks like when it leaks into a message.
const STACK_MARKERS = [/\bat Object\.<anonymous>/, /\.ts:\d/, /node:internal/, /^\s+at .+\(.+:\d+:\d+\)$/m, /keras-fix hit a bug/];

export function stackTraceIn(text: string): string | null {
  for (const marker of STACK_MARKERS) {
    const hit = marker.exec(text);
    if (hit) return hit[0];
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes under a bound

export interface BoundedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Killed because it outlived the bound. */
  timedOut: boolean;
  /** Killed because its resident memory passed the cap. */
  overMemory: boolean;
  /** The highest VmHWM (peak resident set, kB) seen in /proc/<pid>/status while it ran. */
  peakKb: number;
  /** Processes it started that were still alive a bounded while after it exited ("pid: command line"). */
  leftover: string[];
}

export interface BoundOptions {
  timeoutMs: number;
  memoryCapKb?: number;
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** Called on every stdout chunk, e.g. to restart a per-item timer. */
  onStdout?: (chunk: string, child: ChildProcess) => void;
}

// The probe worker checks for its parent every 0.5 s; anything still alive well after that was left behind.
const LEFTOVER_BOUND_MS = 20_000;

export function peakRssKb(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Spawns argv (never through a shell), killing it on timeout or when its RSS passes the cap. */
export function runBounded(argv: string[], options: BoundOptions): Promise<BoundedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd ?? scratchDir(),
      env: { ...process.env, ...options.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const run: BoundedRun = { code: null, signal: null, stdout: "", stderr: "", timedOut: false, overMemory: false, peakKb: 0, leftover: [] };
    const started = new Map<number, string[]>();
    const sample = () => {
      if (child.pid) for (const pid of descendantsOf(child.pid)) if (!started.has(pid)) started.set(pid, commandLineOf(pid));
      const peak = child.pid ? peakRssKb(child.pid) : null;
      if (peak !== null) run.peakKb = Math.max(run.peakKb, peak);
      if (options.memoryCapKb && run.peakKb > options.memoryCapKb && !run.overMemory) {
        run.overMemory = true;
        child.kill("SIGKILL");
      }
    };
    const sampler = setInterval(sample, 20);
    const timer = setTimeout(() => {
      run.timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      run.stdout += chunk;
      sample();
      options.onStdout?.(chunk, child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      run.stderr += chunk;
    });
    child.on("error", reject);
    // The last sample before exit: the exit event comes after /proc/<pid> is gone, so read while it lingers.
    child.on("exit", () => sample());
    child.on("close", async (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      run.code = code;
      run.signal = signal;
      const pids = [...started.keys()];
      await pollUntil(() => pids.every((pid) => !isAlive(pid)), LEFTOVER_BOUND_MS);
      run.leftover = pids.filter(isAlive).map((pid) => `${pid}: ${started.get(pid)!.join(" ")}`);
      resolve(run);
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** The built CLI, argv as given (no shell), colours off, a generous default bound. */
export function runCli(args: string[], options: Partial<BoundOptions> = {}): Promise<BoundedRun> {
  return runBounded([process.execPath, cliPath, ...args], { timeoutMs: 240_000, ...options });
}

// ---------------------------------------------------------------------------------------------------------------
// The process tree, read from /proc (Linux)

interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name sits in parentheses and may itself contain spaces or parentheses: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, state: rest[0], ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

function allStats(): ProcStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is ProcStat => s !== null);
}

/** Every live descendant of pid (children, grandchildren...), zombies excluded. */
export function descendantsOf(pid: number): number[] {
  const stats = allStats();
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const children = stats.filter((s) => frontier.includes(s.ppid) && s.state !== "Z").map((s) => s.pid);
    found.push(...children);
    frontier = children;
  }
  return found;
}

/** A process that exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== "Z";
}

export function commandLineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** Polls until the predicate holds; resolves false when the bound passes first (the caller asserts). */
export async function pollUntil(predicate: () => boolean, boundMs: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return predicate();
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

export interface FixtureEntry {
  set: string;
  file: string;
  path: string;
  expectFormat: string | null;
  loadsIn: Record<string, boolean>;
}

/** Every model the fixture manifests list (fixtures/models/<set>/MANIFEST.json), for the sets present now. */
export function manifestFixtures(): FixtureEntry[] {
  const entries: FixtureEntry[] = [];
  for (const set of readdirSync(modelsDir).sort()) {
    const manifest = join(modelsDir, set, "MANIFEST.json");
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as {
      files: { file: string; expect?: { format?: string }; loadsIn?: Record<string, boolean> }[];
    };
    for (const f of parsed.files) {
      const path = join(modelsDir, set, f.file);
      if (!existsSync(path)) continue;
      entries.push({ set, file: f.file, path, expectFormat: f.expect?.format ?? null, loadsIn: f.loadsIn ?? {} });
    }
  }
  return entries;
}

/** A fixture that must exist: a missing one fails the test that needs it. */
export function fixture(relative: string): string {
  const path = join(modelsDir, relative);
  if (!existsSync(path)) throw new Error(`fixture ${relative} is missing (fixtures/models is generated by npm run fixtures)`);
  return path;
}
