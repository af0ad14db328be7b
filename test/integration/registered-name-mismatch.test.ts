// registered-name-mismatch for real: importing the renamed code (NewPkg>Gate2) does not load registered_renamed.keras
// (stored OldPkg>Gate2); the static source read names the mismatch, and the stored key mapped to the class loads.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { findSources } from "../../src/core/fixes/find-sources.js";
import type { Facts } from "../../src/core/types.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { sha256 } from "./custom-objects-helpers.js";

const model = join(modelsDir, "keras3", "registered_renamed.keras");
const source = join(modelsDir, "sources", "fixture_registered_renamed.py");

describe("registered-name-mismatch (real Keras 3.15)", () => {
  it("import alone fails, the mismatch is named, the stored key loads", async () => {
    const before = sha256(model);
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 120 });
    try {
      const first = await session.diagnose(() => {});
      // Importing the module registers NewPkg>Gate2; mapping the class under its own name is not the stored key.
      const importOnly = await session.runAction({ kind: "verify-load", fix: { customObjectsModule: source, customObjects: { "NewPkg>Gate2": "Gate2" } } });
      expect(importOnly.ok).toBe(false);
      const sources = await findSources(["Gate2"], [join(modelsDir, "sources")]);
      const facts = { file: first.file, env: first.env, load: first.load, sources } as Facts;
      expect(classify(first.load!.chain, facts, causes)).toMatchObject({
        cause: "registered-name-mismatch",
        culprit: "Gate2 (stored as OldPkg>Gate2); code registers NewPkg>Gate2",
      });
      const fixed = await session.runAction({ kind: "verify-load", fix: { customObjectsModule: source, customObjects: { "OldPkg>Gate2": "Gate2" } } });
      expect(fixed.ok).toBe(true);
    } finally {
      await session.close();
    }
    expect(sha256(model)).toBe(before);
  });
});
