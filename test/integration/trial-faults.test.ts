// Faults in a real trial environment: keras-fix stopped with Ctrl-C while pip installs (no pip or Python left behind,
// the environment stays marked unfinished, its lock is gone, and the next run rebuilds it), and two provers of one
// plan at once (the second waits for the first's lock instead of running a second pip into the same venv).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { proveInTrial, UNFINISHED_MARKER } from "../../src/core/trial/environment.js";
import { processAlive } from "../../src/core/trial/lock.js";
import { installPlanFor } from "../../src/core/versions/plans.js";
import type { EnvFacts } from "../../src/core/types.js";
import { cliPath, envVarsFor, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

const userPython = pythonFor("keras35-py312");
const model = join(modelsDir, "keras3", "sequential.keras");
const caches: string[] = [];
const freshCache = () => {
  const dir = mkdtempSync(join(tmpdir(), "keras-fix-trials-"));
  caches.push(dir);
  return dir;
};

/** Pids of live processes whose command line mentions `needle` (the trial's folder): what would be left behind. */
function processesMentioning(needle: string): number[] {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      return cmdline.includes(needle) && state !== "Z" ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

// Nothing listens on port 9: pip cannot reach an index (as offline); one retry with a short timeout keeps it quick.
const offline = { PIP_INDEX_URL: "http://127.0.0.1:9/simple", PIP_RETRIES: "1", PIP_TIMEOUT: "3" };

afterAll(() => {
  for (const cache of caches) for (const pid of processesMentioning(cache)) process.kill(pid, "SIGKILL");
});

describe("trial environments under faults (real venv, real pip)", () => {
  it("Ctrl-C during pip's install leaves no process behind and the environment unfinished; the next run rebuilds it", async () => {
    const cache = freshCache();
    const child = spawn(process.execPath, [cliPath, model, "--auto", "--json", "--try-versions", "--python", userPython], {
      cwd: scratchDir(),
      env: { ...process.env, ...envVarsFor("keras35-py312"), KERAS_FIX_TRIAL_CACHE: cache },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(String(code ?? signal))));
    // pip's own first line of the install ("Collecting keras>=3.15"): pip is running now.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pip never started installing:\n${stderr}`)), 600_000);
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/: installing[\s\S]*: Collecting /.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const [name] = readdirSync(cache).filter((entry) => !entry.endsWith(".lock"));
    const dir = join(cache, name);
    expect(processesMentioning(dir).length).toBeGreaterThan(0);
    child.kill("SIGINT");
    // Cancelled: exit 130, or death by the SIGINT keras-fix re-raises once its children are gone (the shell says 130).
    expect(["130", "SIGINT"]).toContain(await exited);
    // The pip and anything it started die with keras-fix (they run in their own process group, killed as a group).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(processesMentioning(dir)).toEqual([]);
    expect(existsSync(join(dir, UNFINISHED_MARKER))).toBe(true);
    // The lock is gone, or names a process that no longer exists: stale, and the next run takes it over.
    const lock = `${dir}.lock`;
    expect(!existsSync(lock) || !processAlive(JSON.parse(readFileSync(lock, "utf8")).pid)).toBe(true);

    // Next time the half-built environment is rebuilt from nothing (here without network: it says so, still unfinished).
    const progress: string[] = [];
    const jaxEnv = { python: { path: userPython, version: "3.12.1", source: "flag" }, packages: { keras: "3.5.0", jax: "0.4.31", jaxlib: "0.4.31" }, backend: "jax", loader: "keras3", importError: null } as unknown as EnvFacts;
    const [plan] = installPlanFor({ fileKerasVersion: "3.15.1", fileLine: "keras3", userPython: "3.12.1", currentPackages: { keras: "3.5.0" } });
    const again = await proveInTrial({ plan, modelPath: model, userEnv: jaxEnv, timeoutSeconds: 120, env: { ...process.env, ...offline, KERAS_FIX_TRIAL_CACHE: cache }, onProgress: (line) => progress.push(line) });
    expect(again.name).toBe(name);
    expect(progress.some((line) => /creating a Python 3\.12 environment/.test(line))).toBe(true);
    expect(again).toMatchObject({ proven: false, stage: "check", reused: false });
    expect(existsSync(join(dir, UNFINISHED_MARKER))).toBe(true);
  }, 900_000);

  it("two provers of one plan at once: the second waits for the first's lock, then builds on its own", async () => {
    const cache = freshCache();
    const env = { ...process.env, ...offline, KERAS_FIX_TRIAL_CACHE: cache };
    const userEnv = { python: { path: userPython, version: "3.12.1", source: "flag" }, packages: { keras: "3.5.0", jax: "0.4.31", jaxlib: "0.4.31" }, backend: "jax", loader: "keras3", importError: null } as unknown as EnvFacts;
    const [plan] = installPlanFor({ fileKerasVersion: "3.15.1", fileLine: "keras3", userPython: "3.12.1", currentPackages: { keras: "3.5.0" } });
    const lines: [number, string][] = [];
    const prove = (who: number) => proveInTrial({ plan, modelPath: model, userEnv, timeoutSeconds: 120, env, onProgress: (line) => lines.push([who, line]) });
    const [first, second] = await Promise.all([prove(1), prove(2)]);
    expect(first.name).toBe(second.name);
    const waited = lines.filter(([, line]) => /waiting for another keras-fix/.test(line)).map(([who]) => who);
    expect(waited).toHaveLength(1);
    // Never two pips in one venv: the one that waited created the environment only after the other was done with it.
    const waiter = waited[0];
    const at = (who: number, pattern: RegExp) => lines.findIndex(([w, line]) => w === who && pattern.test(line));
    const created = /creating a Python/;
    const failed = /stopped \(check\)/;
    expect(at(waiter, /waiting/)).toBeLessThan(at(waiter, created));
    // ... and it made the environment only once the other's pip had finished (failed, offline) and let go.
    expect(at(3 - waiter, failed)).toBeGreaterThanOrEqual(0);
    expect(at(3 - waiter, failed)).toBeLessThan(at(waiter, created));
    for (const outcome of [first, second]) expect(outcome).toMatchObject({ proven: false, stage: "check", message: expect.stringMatching(/could not reach the package index|no version .* at all/) });
    expect(readdirSync(cache).sort()).toEqual([first.name]);
  }, 300_000);
});
