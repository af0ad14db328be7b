// A version plan proven in a real trial environment: a Keras 3.15.1 file that Keras 3.5.0 (keras35-py312, JAX)
// cannot read. --try-versions builds a throwaway venv (Python 3.12 from pyenv or the user's own), installs the plan
// there with pip, loads the model in the usual worker, and marks the plan proven; the user's environment is untouched.
// The trial cache lives beside the shared test environments so CI reuses it (pip's own cache holds the wheels).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, envCache, envVarsFor, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";
import { UNFINISHED_MARKER } from "../../src/core/trial/environment.js";

const userPython = pythonFor("keras35-py312");
const model = join(modelsDir, "keras3", "sequential.keras");

function freeze(): string {
  const run = spawnSync(userPython, ["-m", "pip", "freeze", "--all"], { encoding: "utf8", timeout: 60_000 });
  expect(run.status).toBe(0);
  return run.stdout;
}

function cli(args: string[], env: Record<string, string>, timeout: number) {
  return spawnSync(process.execPath, [cliPath, ...args], {
    cwd: scratchDir(),
    encoding: "utf8",
    env: { ...process.env, ...envVarsFor("keras35-py312"), ...env },
    timeout,
  });
}

describe("trial environments with real Keras 3.5 → 3.15", () => {
  it("--try-versions proves a newer Keras in a trial environment and leaves the user's environment alone", () => {
    const trialCache = join(envCache, "..", "trials");
    const before = freeze();
    const run = cli([model, "--auto", "--json", "--try-versions", "--python", userPython], { KERAS_FIX_TRIAL_CACHE: trialCache }, 900_000);
    expect(run.stderr).not.toMatch(/hit a bug/);
    const report = JSON.parse(run.stdout);
    expect(report.diagnosis.cause).toBe("file-from-newer-keras");
    // The user's Keras still cannot read it: proven advice, not a fix.
    expect(report.exitCode).toBe(1);
    const [plan] = report.walk.plans;
    expect(plan.status).toBe("proven");
    expect(plan.proof.python).toBe("3.12");
    const [major, minor] = String(plan.proof.resolved.keras).split(".").map(Number);
    expect(major === 3 && minor >= 15).toBe(true);
    // The trial loads the model the way the user does: on their backend, pinned to the version they have.
    expect(plan.proof.pins).toContain("jax==0.4.31");
    expect(existsSync(join(plan.proof.dir, UNFINISHED_MARKER))).toBe(false);
    const trialStep = report.walk.steps.find((s: { action: string | null }) => s.action === "try-versions");
    expect(trialStep.ok).toBe(true);
    expect(report.walk.steps.at(-1).text).toMatch(/^Proven: the model loaded with .*keras 3\.\d+/m);
    // Progress went to stderr, stdout stayed one JSON document.
    expect(run.stderr).toMatch(/trial py3\.12-[0-9a-f]{12}: (loading the model there|reusing)/);
    expect(freeze()).toBe(before);

    const listed = JSON.parse(cli(["envs", "--json"], { KERAS_FIX_TRIAL_CACHE: trialCache }, 60_000).stdout);
    const entry = listed.envs.find((e: { path: string }) => e.path === plan.proof.dir);
    expect(entry).toMatchObject({ unfinished: false, proven: true, python: "3.12" });
    expect(entry.bytes).toBeGreaterThan(10_000_000);
  }, 900_000);

  it("with no package index, says so, leaves the plan unproven and the environment marked unfinished; envs removes it", () => {
    const trialCache = mkdtempSync(join(tmpdir(), "keras-fix-trials-"));
    // Nothing listens on port 9: pip cannot reach an index, as on a machine without network (one retry, as pip's
    // default five would, makes pip say why).
    const offline = { KERAS_FIX_TRIAL_CACHE: trialCache, PIP_INDEX_URL: "http://127.0.0.1:9/simple", PIP_RETRIES: "1", PIP_TIMEOUT: "3" };
    const run = cli([model, "--auto", "--json", "--try-versions", "--python", userPython], offline, 300_000);
    expect(run.stderr).not.toMatch(/hit a bug/);
    const report = JSON.parse(run.stdout);
    const [plan] = report.walk.plans;
    expect(plan.status).toBe("unproven");
    expect(plan.proof.message).toMatch(/could not reach the package index/);
    expect(report.walk.steps.at(-1).id).toBe("trial-unproven");
    const [name] = readdirSync(trialCache);
    expect(existsSync(join(trialCache, name, UNFINISHED_MARKER))).toBe(true);

    const listed = JSON.parse(cli(["envs", "--json"], { KERAS_FIX_TRIAL_CACHE: trialCache }, 60_000).stdout);
    expect(listed.envs).toMatchObject([{ name, unfinished: true }]);
    const removed = cli(["envs", "--remove", "--all", "--json"], { KERAS_FIX_TRIAL_CACHE: trialCache }, 60_000);
    expect(JSON.parse(removed.stdout).removed).toEqual([name]);
    expect(readdirSync(trialCache)).toEqual([]);
    const bad = cli(["envs", "--remove", "no-such-env"], { KERAS_FIX_TRIAL_CACHE: trialCache }, 60_000);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/No trial environment named no-such-env/);
  }, 300_000);
});
