// Real Keras 3.15.1 loading a model tf_keras 2.21 saved in the same env: keras-tfkeras-mixing, and the verified
// tf_keras load its walk offers, with the file's bytes unchanged.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { cliPath, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

const model = join(modelsDir, "keras3-extra", "tf_keras_functional.keras");
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("keras-tfkeras-mixing with real Keras 3 and tf_keras", () => {
  it("is the CLI's diagnosis, and --auto fixes it with tf_keras", () => {
    const run = spawnSync(process.execPath, [cliPath, model, "--auto", "--json", "--python", pythonFor("keras3")], { cwd: scratchDir(), encoding: "utf8", timeout: 170_000 });
    const report = JSON.parse(run.stdout);
    expect(report.diagnosis).toMatchObject({ cause: "keras-tfkeras-mixing", culprit: "tf_keras.src.engine.functional.Functional" });
    expect(report.walk.outcome).toBe("fixed");
  });

  it("loads through tf_keras via the session, file unchanged", async () => {
    const before = sha(model);
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 150 });
    try {
      await session.diagnose(() => {});
      const result = await session.runAction({ kind: "verify-load", fix: { legacyKeras: true } });
      expect(result.ok).toBe(true);
    } finally {
      await session.close();
    }
    expect(sha(model)).toBe(before);
  });
});
