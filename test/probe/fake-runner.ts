// A fake process runner for the probe's logic tests: scripted Python workers keyed on argv (and on the legacy
// TF_USE_LEGACY_KERAS switch); any command it was not told about throws, so nothing falls through to a real process.
import { PassThrough } from "node:stream";
import { createInterface } from "node:readline";
import type { ChildExit, ProbeProcess, ProcessRunner } from "../../src/core/probe/processes.js";

export interface FakeWorker {
  /** Writes one stdout line (an object is JSON-encoded). */
  send(message: unknown): void;
  stderr(text: string): void;
  exit(exitCode: number | null, signal?: NodeJS.Signals | null): void;
  /** Called with each request line the probe sends. */
  onRequest(handler: (request: Record<string, unknown>) => void): void;
  readonly env: Record<string, string>;
  /** Signals sent to this worker's tree, in order. */
  readonly kills: NodeJS.Signals[];
  /** Every request line the probe wrote to this worker, parsed. */
  readonly received: Record<string, unknown>[];
  /** When true, SIGTERM is ignored (only SIGKILL ends the worker). */
  ignoreSigterm: boolean;
}

export type FakeScript = (worker: FakeWorker) => void;

export interface FakeRunner extends ProcessRunner {
  readonly spawned: { key: string; worker: FakeWorker }[];
}

export function keyOf(file: string, args: readonly string[], env: Record<string, string>): string {
  const legacy = env.TF_USE_LEGACY_KERAS === "1" ? " [TF_USE_LEGACY_KERAS=1]" : "";
  return `${[file, ...args].join(" ")}${legacy}`;
}

export function fakeRunner(scripts: Record<string, FakeScript>): FakeRunner {
  const spawned: { key: string; worker: FakeWorker }[] = [];
  let nextPid = 90_000;
  const runner = ((file, args, { env }) => {
    const key = keyOf(file, args, env);
    const script = scripts[key];
    if (!script) throw new Error(`fake runner: no script for ${key}`);
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let finish: (exit: ChildExit) => void = () => undefined;
    const exited = new Promise<ChildExit>((resolve) => (finish = resolve));
    let done = false;
    const kills: NodeJS.Signals[] = [];
    const received: Record<string, unknown>[] = [];
    createInterface({ input: stdin }).on("line", (line) => received.push(JSON.parse(line) as Record<string, unknown>));
    const exit = (exitCode: number | null, signal: NodeJS.Signals | null = null) => {
      if (done) return;
      done = true;
      stdout.end();
      stderr.end();
      // Like a real process: the exit is seen after the last output line.
      setImmediate(() => finish({ exitCode, signal, spawnError: null }));
    };
    const worker: FakeWorker = {
      // A dead process prints nothing more.
      send: (message) => void (done || stdout.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`)),
      stderr: (text) => void (done || stderr.write(text)),
      exit,
      onRequest: (handler) => {
        createInterface({ input: stdin }).on("line", (line) => handler(JSON.parse(line) as Record<string, unknown>));
      },
      env,
      kills,
      received,
      ignoreSigterm: false,
    };
    const child: ProbeProcess = {
      pid: nextPid++,
      stdin,
      stdout,
      stderr,
      exited,
      killTree(signal) {
        kills.push(signal);
        if (signal === "SIGTERM" && worker.ignoreSigterm) return;
        exit(null, signal);
      },
    };
    spawned.push({ key, worker });
    script(worker);
    return child;
  }) as FakeRunner;
  Object.defineProperty(runner, "spawned", { value: spawned });
  return runner;
}

export function fakeEnv(overrides: Record<string, unknown> = {}) {
  return {
    python: { path: "/fake/bin/python", version: "3.11.7" },
    packages: { keras: "3.15.1", tensorflow: "2.21.0", tf_keras: null, jax: null, torch: null, h5py: "3.14.0", numpy: "2.4.6", protobuf: "7.36.2" },
    backend: "tensorflow",
    legacyKeras: false,
    loader: "keras3",
    importError: null,
    importSeconds: null,
    ...overrides,
  };
}

export function fakeWorkerStats(requests = 0) {
  return { pid: 4242, kerasImports: 1, requests };
}

/** A well-behaved worker: facts, ready, answers loads with `answer(request)`, exits on quit. */
export function readyWorker(
  answer: (request: Record<string, unknown>) => unknown = () => ({ ok: true, seconds: 0.1, chain: [], warnings: [], model: { className: "Functional", params: 18 }, stage: null, endpoints: null }),
  envOverrides: Record<string, unknown> = {},
): FakeScript {
  return (worker) => {
    let requests = 0;
    worker.send({ event: "facts", protocol: 1, env: fakeEnv(envOverrides), worker: fakeWorkerStats() });
    worker.send({ event: "ready", protocol: 1, env: fakeEnv({ importSeconds: 9.5, ...envOverrides }), worker: fakeWorkerStats() });
    worker.onRequest((request) => {
      if (request.op === "quit") {
        worker.send({ id: request.id, op: "quit", worker: fakeWorkerStats(requests) });
        worker.exit(0);
        return;
      }
      requests += 1;
      worker.send({ id: request.id, op: request.op, result: answer(request), worker: fakeWorkerStats(requests) });
    });
  };
}
