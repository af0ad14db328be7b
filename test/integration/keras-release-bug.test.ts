// Real Keras 3.15.1 on keras2/h5_named_dot_keras.keras (HDF5 under a .keras name): keras-release-bug, and the fix
// (a temporary .h5-named copy, `loadAs`) loads it while the user's file keeps its name and bytes.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import type { LoadFix } from "../../src/core/types.js";
import { cliPath, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

const model = join(modelsDir, "keras2", "h5_named_dot_keras.keras");
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("keras-release-bug with real Keras 3.15.1", () => {
  it("is the CLI's diagnosis", () => {
    const run = spawnSync(process.execPath, [cliPath, model, "--auto", "--json", "--python", pythonFor("keras3")], { cwd: scratchDir(), encoding: "utf8", timeout: 170_000 });
    const report = JSON.parse(run.stdout);
    expect(report.diagnosis).toMatchObject({ cause: "keras-release-bug", culprit: "HDF5 file named .keras (Keras 2.15.0)" });
  });

  it("loads a temporary .h5 copy (loadAs) and leaves the file as it was", async () => {
    const before = sha(model);
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 150 });
    try {
      await session.diagnose(() => {});
      const result = await session.runAction({ kind: "verify-load", fix: { loadAs: ".h5" } });
      expect(result.ok).toBe(true);
    } finally {
      await session.close();
    }
    expect(sha(model)).toBe(before);
  });
});
