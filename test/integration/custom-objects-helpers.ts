// Shared by the custom-object integration tests: run the built CLI like a user (argv array, no shell) from an
// empty folder, fingerprint model files to prove they are never modified, and run a loader script with real Keras.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { cliPath, envVarsFor, type EnvName } from "../helpers/envs.js";

export interface CliRun {
  status: number | null;
  json: {
    file: { customObjects: unknown[] } | null;
    diagnosis: { cause: string; culprit: string | null } | null;
    exitCode: number;
    walk: {
      outcome: string;
      wrote: string[];
      loader: { written: boolean; path: string; code: string; command: string | null } | null;
      steps: { id: string; action: string | null; ok: boolean | null }[];
    } | null;
  };
  cwd: string;
  /** What the run left in its (new, empty) folder. */
  left: string[];
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
  return { status: run.status, json: JSON.parse(run.stdout), cwd, left: readdirSync(cwd).sort() };
}

/** Runs a generated loader script with the env's real Keras; fails the test with its output when it does not load. */
export function runLoader(env: EnvName, python: string, script: string): string {
  const run = spawnSync(python, [script], { encoding: "utf8", env: { ...process.env, ...envVarsFor(env), TF_CPP_MIN_LOG_LEVEL: "3" }, timeout: 170_000 });
  if (run.status !== 0) throw new Error(`${script} exited ${run.status}:\n${run.stdout}\n${run.stderr.slice(-3000)}`);
  return run.stdout;
}

/**
 * --auto without --write-loaders: nothing is written, and walk.loader says what the script would contain and the
 * command that writes it. Returns that preview.
 */
export function expectLoaderShownNotWritten(run: CliRun, name: string): { path: string; code: string } {
  const loader = run.json.walk?.loader;
  expect(run.json.walk?.wrote).toEqual([]);
  expect(run.left).toEqual([]);
  expect(loader).toMatchObject({ written: false, path: join(run.cwd, name) });
  expect(loader?.command).toMatch(/^keras-fix .* --write-loaders$/);
  expect(loader?.code).toContain("keras.models.load_model(");
  return loader!;
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
