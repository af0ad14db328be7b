// custom-object-config for real: the class is supplied (the step the missing-class walk takes) and Keras 3.15 then
// fails to rebuild it; that new failure classifies here with the change the class needs, for all three fixtures.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import type { LoadAttempt } from "../../src/core/types.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { sha256 } from "./custom-objects-helpers.js";

const source = join(modelsDir, "sources", "fixture_bad_config.py");
const cases = [
  { model: "custom_layer_no_kwargs.keras", cls: "NoKwargsLayer", culprit: "NoKwargsLayer.__init__ rejects 'name'" },
  { model: "custom_layer_incomplete_config.keras", cls: "IncompleteConfigLayer", culprit: "IncompleteConfigLayer.get_config lacks factor" },
  { model: "custom_layer_nested_object.keras", cls: "HolderLayer", culprit: "HolderLayer.from_config does not deserialize its nested layer" },
];

describe("custom-object-config (real Keras 3.15)", () => {
  for (const { model, cls, culprit } of cases) {
    it(`${model}: with ${cls} supplied, the new failure is diagnosed as ${culprit}`, async () => {
      const path = join(modelsDir, "keras3", model);
      const before = sha256(path);
      const session = createDiagnoseSession({ modelPath: path, python: pythonFor("keras3"), timeoutSeconds: 120 });
      try {
        const first = await session.diagnose(() => {});
        expect(first.diagnosis?.cause).toBe("custom-layer-missing");
        const retry = await session.runAction({ kind: "verify-load", fix: { customObjectsModule: source, customObjects: { [cls]: cls } } });
        expect(retry.ok).toBe(false);
        const attempt = retry.data!.attempt as LoadAttempt;
        const diagnosis = classify(attempt.chain, { file: first.file, env: first.env, load: attempt }, causes);
        expect(diagnosis).toMatchObject({ cause: "custom-object-config", culprit });
      } finally {
        await session.close();
      }
      expect(sha256(path)).toBe(before);
    });
  }
});
