// Real Keras 3.15.1 loading keras3-extra/forgetful_dense.keras with its module: the load the custom-object fix
// attempts fails with W7, and that failure classifies as saved-variables-mismatch naming the layer.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import type { LoadAttempt } from "../../src/core/types.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";

describe("saved-variables-mismatch with real Keras 3.15.1", () => {
  it("classifies the W7 failure of the real load", async () => {
    const model = join(modelsDir, "keras3-extra", "forgetful_dense.keras");
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 150 });
    try {
      const first = await session.diagnose(() => {});
      const module = join(modelsDir, "sources", "fixture_lazy_build.py");
      const result = await session.runAction({
        kind: "verify-load",
        fix: { customObjectsModule: module, customObjects: { "FixtureLazy>ForgetfulDense": "ForgetfulDense" } },
      });
      expect(result.ok).toBe(false);
      const attempt = result.data?.attempt as LoadAttempt;
      const diagnosis = classify(attempt.chain, { file: first.file, env: first.env, load: attempt }, causes);
      expect(diagnosis).toMatchObject({
        cause: "saved-variables-mismatch",
        culprit: "layer 'forgetful_dense' (ForgetfulDense): builds 2 variables, file has 1",
      });
    } finally {
      await session.close();
    }
  });
});
