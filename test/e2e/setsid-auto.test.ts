// keras-fix started as a process-group leader (`setsid`, as service managers and some CI runners start it) must end
// every run on its own terms (issue 21 §2): one JSON document and an exit code, never death by a signal. A stale
// group kill of a reaped worker's pid could reach a group leader that got the pid next, another keras-fix.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor, repoRoot, scratchDir } from "../helpers/envs.js";

const BIN = join(repoRoot, "dist", "bin", "keras-fix.js");
const MODEL = join(modelsDir, "keras2", "custom_layer_unregistered.h5");

function runOnce(): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("setsid", ["node", BIN, MODEL, "--auto", "--json", "--python", pythonFor("keras3")], {
      cwd: scratchDir(),
      env: { ...process.env, ...envVarsFor("keras3") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("keras-fix as a process-group leader", () => {
  it("ten --auto --json runs under setsid, two at a time: each exits with a code and prints one JSON document", async () => {
    const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
    for (let round = 0; round < 5; round++) runs.push(...(await Promise.all([runOnce(), runOnce()])));
    for (const run of runs) {
      expect(run.signal, run.stderr).toBeNull();
      expect(run.code, run.stderr).toBe(1);
      const document = JSON.parse(run.stdout) as { diagnosis?: { cause?: string } };
      expect(document.diagnosis?.cause).toBe("custom-layer-missing");
    }
  }, 600_000);
});
