// Shared by the custom-object integration tests: run the built CLI like a user (argv array, no shell) from an
// empty folder, and fingerprint model files to prove they are never modified.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliPath, envVarsFor, type EnvName } from "../helpers/envs.js";

export interface CliRun {
  status: number | null;
  json: {
    file: { customObjects: unknown[] } | null;
    diagnosis: { cause: string; culprit: string | null } | null;
    exitCode: number;
    walk: { outcome: string; wrote: string[]; steps: { id: string; action: string | null; ok: boolean | null }[] } | null;
  };
  cwd: string;
}

export function runCli(env: EnvName, python: string, args: string[]): CliRun {
  const cwd = mkdtempSync(join(tmpdir(), "kf-int-"));
  const run = spawnSync(process.execPath, [cliPath, ...args, "--auto", "--json", "--python", python], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...envVarsFor(env), TF_CPP_MIN_LOG_LEVEL: "3" },
    timeout: 170_000,
  });
  if (!run.stdout.trim()) throw new Error(`the CLI printed no JSON (status ${run.status}): ${run.stderr.slice(-2000)}`);
  return { status: run.status, json: JSON.parse(run.stdout), cwd };
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
