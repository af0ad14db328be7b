// Runs the built CLI as a user would: an argv array (no shell), no standard input, and its exit code and output.
import { spawnSync } from "node:child_process";
import { cliPath, scratchDir } from "./envs.js";

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): CliRun {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? scratchDir(),
    env: { ...process.env, FORCE_COLOR: "0", ...options.env },
    input: options.input ?? "",
    encoding: "utf8",
    timeout: options.timeoutMs ?? 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Parses the single JSON document a --json run must print, failing loudly when there is anything else. */
export function jsonOf(run: CliRun): Record<string, any> {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.status}):\n${run.stdout}\n--- stderr:\n${run.stderr}`);
  }
}
