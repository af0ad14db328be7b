// One warm Python worker (src/python/keras_probe.py): started once, it imports Keras once and answers requests
// on stdin, each with its own time limit; a crash or a hang is turned into data for the diagnosis.
import { createInterface } from "node:readline";
import { constants as osConstants } from "node:os";
import { z } from "zod";
import { BugError } from "../errors.js";
import type { ExceptionInfo } from "../types.js";
import { track, type ChildExit, type ProbeProcess } from "./processes.js";
import { ProbeError, ProbeProtocolError, eventSchema, responseSchema, type ProbeResponse, type PythonEnv } from "./protocol.js";

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

export class ProbeWorker {
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
    /** Limit for each request once started (keras-fix check's per-model --timeout); the start limit by default. */
    private readonly requestTimeoutMs: number = timeoutMs,
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

  private timeoutError(what: string, ms = this.timeoutMs): ProbeError {
    return new ProbeError(
      `Python (${this.python}) did not finish ${what} within ${ms / 1000} s; it was stopped.`,
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
        void this.kill("timeout").then(() => rejectPending(this.timeoutError(`request ${String(payload.op)}`, this.requestTimeoutMs)));
      }, this.requestTimeoutMs);
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
