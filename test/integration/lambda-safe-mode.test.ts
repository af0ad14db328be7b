// lambda-safe-mode for real: Keras 3.15 refuses the Lambda in .keras and .h5, Keras 3.5 prints the literal
// `{arg_name}`; --auto never loads unsafely: it rebuilds the model in code and proves the weights (exit 0); the consented route (safe_mode=False) loads the file.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { runCli, sha256 } from "./custom-objects-helpers.js";

const model = join(modelsDir, "keras3", "lambda_layer.keras");

describe("lambda-safe-mode (real Keras)", () => {
  it("--auto explains, then rebuilds in code and proves the weights, never loading unsafely", () => {
    // Keras 3.5 cannot build the Keras 3.15 file's Dense config (newer keys): the rebuild says so, unproven.
    for (const [env, path, outcome] of [["keras3", model, "fixed"], ["keras3", join(modelsDir, "keras3", "lambda_layer.h5"), "fixed"], ["keras35-py312", model, "not-fixed"]] as const) {
      const { json, status, cwd } = runCli(env, pythonFor(env), [path]);
      expect(json.diagnosis?.cause).toBe("lambda-safe-mode");
      expect(json.walk?.steps.map((s) => s.action).filter(Boolean)).toEqual(["read-lambdas", "rebuild-model"]);
      expect(json.walk?.outcome, `${env} ${path}`).toBe(outcome);
      expect(status).toBe(outcome === "fixed" ? 0 : 1);
      expect(existsSync(join(cwd, "lambda_layer_rebuilt.py"))).toBe(true);
      if (outcome === "not-fixed") expect(JSON.stringify(json.walk)).toMatch(/Unproven: build: TypeError: Error when deserializing class 'Dense'/);
      expect(json.walk?.steps.some((s) => s.action === "verify-load")).toBe(false);
    }
  });

  it("with consent, safe_mode=False loads it and the file is unchanged", async () => {
    const before = sha256(model);
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 120 });
    try {
      expect((await session.diagnose(() => {})).diagnosis?.cause).toBe("lambda-safe-mode");
      // safeMode false alone still meets keras-fix's own guard; the consented fix lifts both.
      const alone = await session.runAction({ kind: "verify-load", fix: { safeMode: false } });
      expect(alone.ok).toBe(false);
      expect((await session.runAction({ kind: "verify-load", fix: { safeMode: false, allowStoredCode: true } })).ok).toBe(true);
    } finally {
      await session.close();
    }
    expect(sha256(model)).toBe(before);
  });
});
