// Real Keras 3 (keras3 env) on real Keras 2 files: the CLI names keras2-file-in-keras3 and its culprit, and both
// fixes the walk asks for (tf_keras, the DepthwiseConv2D shim) load the model without touching the file.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { cliPath, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

function cli(model: string, env: "keras3" | "keras2" | "keras35-py312", extra: string[] = [], vars: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [cliPath, model, "--auto", "--json", "--python", pythonFor(env), ...extra], { cwd: scratchDir(),
    encoding: "utf8",
    env: { ...process.env, ...vars },
    timeout: 170_000,
  });
  return JSON.parse(run.stdout) as { diagnosis: { cause: string; culprit: string | null }; walk: { outcome: string } };
}

describe("keras2-file-in-keras3 with real Keras 3.15.1", () => {
  it("diagnoses keras2/tfoplambda.h5 and fixes it with tf_keras in --auto", () => {
    const report = cli(join(modelsDir, "keras2", "tfoplambda.h5"), "keras3");
    expect(report.diagnosis).toMatchObject({ cause: "keras2-file-in-keras3", culprit: "TFOpLambda" });
    expect(report.walk.outcome).toBe("fixed");
  });

  it("loads keras2/depthwise.h5 through the DepthwiseConv2D shim and through tf_keras, file unchanged", async () => {
    const model = join(modelsDir, "keras2", "depthwise.h5");
    const before = sha(model);
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 150 });
    try {
      const result = await session.diagnose(() => {});
      expect(result.diagnosis).toMatchObject({ cause: "keras2-file-in-keras3", culprit: "DepthwiseConv2D(groups=...)" });
      expect((await session.runAction({ kind: "verify-load", fix: { shims: ["depthwise-conv2d-groups"] } })).ok).toBe(true);
      expect((await session.runAction({ kind: "verify-load", fix: { legacyKeras: true } })).ok).toBe(true);
    } finally {
      await session.close();
    }
    expect(sha(model)).toBe(before);
  });
});
