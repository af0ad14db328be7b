// Real Keras 3.15.1 on a TF 2.15 .h5 compiled with a legacy optimizer: compile-config-incompatible, fixed by a
// verified compile=False load, file unchanged.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { cliPath, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("compile-config-incompatible with real Keras 3.15.1", () => {
  it("diagnoses keras2/legacy_optimizer.h5 and --auto fixes it with compile=False", () => {
    const model = join(modelsDir, "keras2", "legacy_optimizer.h5");
    const before = sha(model);
    const run = spawnSync(process.execPath, [cliPath, model, "--auto", "--json", "--python", pythonFor("keras3")], { cwd: scratchDir(), encoding: "utf8", timeout: 170_000 });
    const report = JSON.parse(run.stdout);
    expect(report.diagnosis).toMatchObject({ cause: "compile-config-incompatible", culprit: "keras.optimizers.legacy.Adam" });
    expect(report.walk.outcome).toBe("fixed");
    expect(sha(model)).toBe(before);
  });

  it("verifies compile=False on keras3/compiled_mse_alias.h5 through the session", async () => {
    const model = join(modelsDir, "keras3", "compiled_mse_alias.h5");
    const before = sha(model);
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 150 });
    try {
      const result = await session.diagnose(() => {});
      expect(result.diagnosis?.cause).toBe("compile-config-incompatible");
      expect((await session.runAction({ kind: "verify-load", fix: { compile: false } })).ok).toBe(true);
    } finally {
      await session.close();
    }
    expect(sha(model)).toBe(before);
  });
});
