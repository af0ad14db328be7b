// Feeds fuzz inputs to the built inspectModel in a child process (inspect-worker.mjs) that the harness can bound:
// an input that runs past its time is killed and reported as a hang, one that pushes the child's peak RSS
// (/proc/<pid>/status VmHWM) past the cap is killed and reported as a memory blow-up; the rest go on in a fresh child.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../helpers/envs.js";
import { peakRssKb } from "./helpers.js";

export interface InspectOutcome {
  path: string;
  format?: string;
  problem?: { cause: string; message: string; hint?: string } | null;
  /** The facts as JSON (cut at 200 kB). */
  json?: string;
  threw?: string;
  unserialisable?: string;
  hung?: boolean;
  overMemory?: boolean;
  /** Peak RSS of the child when this input finished (a high-water mark: it includes earlier inputs). */
  peakKb?: number;
  /** The worker died on this input without a result (a crash of the process itself). */
  crashed?: string;
}

export interface HarnessOptions {
  perInputMs: number;
  memoryCapKb: number;
}

const worker = fileURLToPath(new URL("inspect-worker.mjs", import.meta.url));
const distInspect = join(repoRoot, "dist", "src", "core", "inspect", "index.js");

function runChild(paths: string[], options: HarnessOptions): Promise<{ outcomes: Map<number, InspectOutcome>; stoppedAt: number | null; peakKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, distInspect], { stdio: ["pipe", "pipe", "pipe"] });
    const outcomes = new Map<number, InspectOutcome>();
    let current: number | null = null;
    let stoppedAt: number | null = null;
    let peakKb = 0;
    let buffered = "";
    let stderr = "";
    let timer: NodeJS.Timeout | null = null;
    const stop = (index: number, outcome: InspectOutcome) => {
      if (stoppedAt !== null) return;
      stoppedAt = index;
      outcomes.set(index, outcome);
      child.kill("SIGKILL");
    };
    const sampler = setInterval(() => {
      const peak = child.pid ? peakRssKb(child.pid) : null;
      if (peak !== null) peakKb = Math.max(peakKb, peak);
      if (peakKb > options.memoryCapKb && current !== null) stop(current, { path: paths[current], overMemory: true, peakKb });
    }, 20);
    const arm = (index: number) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => stop(index, { path: paths[index], hung: true }), options.perInputMs);
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const message = JSON.parse(line) as InspectOutcome & { i?: number; start?: boolean; done?: boolean };
        if (message.done) {
          if (message.peakKb) peakKb = Math.max(peakKb, message.peakKb);
          continue;
        }
        const index = message.i!;
        if (message.start) {
          current = index;
          arm(index);
          continue;
        }
        const { i: _i, ...rest } = message;
        outcomes.set(index, { ...rest, path: paths[index] });
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearInterval(sampler);
      if (timer) clearTimeout(timer);
      // A child that died on its own mid-input (a WASM abort, an uncaught rejection) blames that input.
      if (stoppedAt === null && current !== null && !outcomes.has(current)) {
        stoppedAt = current;
        outcomes.set(current, { path: paths[current], crashed: `exit ${code ?? signal}: ${stderr.slice(-2000)}` });
      } else if (stoppedAt === null && (code !== 0 || outcomes.size < paths.length)) {
        reject(new Error(`inspect worker exited ${code ?? signal} after ${outcomes.size}/${paths.length} inputs: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ outcomes, stoppedAt, peakKb });
    });
    child.stdin.end(JSON.stringify(paths));
  });
}

/** One outcome per path, in order; the overall peak RSS of the children. */
export async function inspectAll(paths: string[], options: HarnessOptions): Promise<{ outcomes: InspectOutcome[]; peakKb: number }> {
  const outcomes: InspectOutcome[] = [];
  let peakKb = 0;
  let from = 0;
  while (from < paths.length) {
    const batch = paths.slice(from);
    const run = await runChild(batch, options);
    peakKb = Math.max(peakKb, run.peakKb);
    const end = run.stoppedAt === null ? batch.length : run.stoppedAt + 1;
    for (let i = 0; i < end; i++) outcomes.push(run.outcomes.get(i) ?? { path: batch[i], crashed: "no result" });
    from += end;
  }
  return { outcomes, peakKb };
}
