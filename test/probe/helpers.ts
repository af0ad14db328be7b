// Shared by the probe tests: temp folders, process liveness from /proc, file hashes, and the small real models
// make_models.py builds once per content version (cached in the OS temp dir, shared by parallel test files).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { envVarsFor, pythonFor, repoRoot, type EnvName } from "../helpers/envs.js";
import type { FoundPython } from "../../src/core/probe/find-python.js";

export const probeTestDir = dirname(fileURLToPath(import.meta.url));
export const probeScript = join(repoRoot, "src", "python", "keras_probe.py");

export function makeTempDir(prefix = "keras-fix-probe-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A process is alive when /proc has it and it is not a zombie waiting for a reaper (containers often lack one). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Polls (no fixed sleep) until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export function envPython(name: EnvName): FoundPython {
  return { path: pythonFor(name), source: "flag" };
}

export { envVarsFor, pythonFor };

/**
 * Real models made by real Keras: keras3 → plain.keras, custom.keras (+ sources/custom_layers.py), custom_loss.keras;
 * keras2 (TF 2.15) → depthwise.h5, tfop.h5, savedmodel/. Built once per version of make_models.py.
 */
export function testModels(kind: "keras3" | "keras2"): string {
  const maker = join(probeTestDir, "make_models.py");
  const version = createHash("sha256").update(readFileSync(maker)).digest("hex").slice(0, 12);
  const target = join(tmpdir(), `keras-fix-probe-models-${version}`, kind);
  if (existsSync(target)) return target;
  const staging = mkdtempSync(join(tmpdir(), `keras-fix-probe-models-staging-`));
  execFileSync(pythonFor(kind), [maker, kind, join(staging, kind)], { stdio: ["ignore", "ignore", "pipe"] });
  mkdirSync(dirname(target), { recursive: true });
  try {
    renameSync(join(staging, kind), target);
  } catch (error) {
    // Another test file built the same models meanwhile: theirs are as good as ours.
    if (!existsSync(target)) throw error;
  }
  rmSync(staging, { recursive: true, force: true });
  return target;
}
