// Runs a command in a real pseudo-terminal (scripts/bench/pty-first-output.py, Python's pty module) until its output
// shows a marker, and returns everything it wrote, escape sequences included: what a terminal would have received.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pythonFor, repoRoot } from "../helpers/envs.js";

const DRIVER = join(repoRoot, "scripts", "bench", "pty-first-output.py");

export interface PtyRun {
  output: string;
  markerMs: number | null;
}

export function runInPty(argv: string[], marker: string, env: Record<string, string | undefined> = {}, columns = 100): PtyRun {
  const run = spawnSync(pythonFor("bare"), [DRIVER, marker, String(columns), "50", "--", ...argv], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  if (!run.stdout) throw new Error(`the pty driver printed nothing: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { output: string; markerMs: number | null };
  return { output: result.output, markerMs: result.markerMs };
}
