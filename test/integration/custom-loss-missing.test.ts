// custom-loss-missing for real: Keras 3.15 (.keras and .h5) and Keras 2.15 fail on the custom loss; --auto proves
// compile=False and shows the loader it would write (writing nothing); with the loss' module the compiled model loads too.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { expectLoaderShownNotWritten, runCli, sha256 } from "./custom-objects-helpers.js";

const model = join(modelsDir, "keras3", "custom_loss.keras");

describe("custom-loss-missing (real Keras)", () => {
  it("Keras 3.15 .keras: --auto loads it with compile=False and exits 0; the file is unchanged", () => {
    const before = sha256(model);
    const run = runCli("keras3", pythonFor("keras3"), [model]);
    const { json } = run;
    expect(json.diagnosis).toMatchObject({ cause: "custom-loss-missing", culprit: "weighted_mse" });
    expect(json.walk?.outcome).toBe("fixed");
    expect(json.exitCode).toBe(0);
    expect(expectLoaderShownNotWritten(run, "load_custom_loss.py").code).toContain("compile=False");
    expect(sha256(model)).toBe(before);
  });

  it("Keras 3.15 .h5 (the TypeError of its legacy compile path) and Keras 2.15 .h5 name the loss", () => {
    expect(runCli("keras3", pythonFor("keras3"), [join(modelsDir, "keras3", "custom_loss.h5")]).json.diagnosis).toMatchObject({ cause: "custom-loss-missing", culprit: "weighted_mse" });
    expect(runCli("keras2", pythonFor("keras2"), [join(modelsDir, "keras2", "custom_loss.h5")]).json.diagnosis).toMatchObject({ cause: "custom-loss-missing", culprit: "weighted_mse" });
  });

  it("the full fix: custom_objects from the loss' module loads the compiled model", async () => {
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 120 });
    try {
      const result = await session.diagnose(() => {});
      expect(result.diagnosis?.cause).toBe("custom-loss-missing");
      const verified = await session.runAction({
        kind: "verify-load",
        fix: { customObjectsModule: join(modelsDir, "sources", "fixture_objects.py"), customObjects: { weighted_mse: "weighted_mse" } },
      });
      expect(verified.ok).toBe(true);
    } finally {
      await session.close();
    }
  });
});
