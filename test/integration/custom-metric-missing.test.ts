// custom-metric-missing for real: Keras 3.15 fails on the fixture, the CLI names the object, --auto proves compile=False and exits 0
// without touching the file; it writes the loader only with --write-loaders, and that loader loads.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { expectLoaderShownNotWritten, runCli, runLoader, sha256 } from "./custom-objects-helpers.js";

const model = join(modelsDir, "keras3", "custom_metric.keras");

describe("custom-metric-missing (real Keras)", () => {
  it("Keras 3.15: named from the compile step, fixed with compile=False", () => {
    const before = sha256(model);
    const run = runCli("keras3", pythonFor("keras3"), [model]);
    const { json } = run;
    expect(json.diagnosis).toMatchObject({ cause: "custom-metric-missing", culprit: "mean_abs_gap" });
    expect(json.walk?.outcome).toBe("fixed");
    // No file written unless asked: the report shows the loader, compile=False kept.
    expect(expectLoaderShownNotWritten(run, "load_custom_metric.py").code).toContain("load_model(MODEL_PATH, compile=False)");
    expect(sha256(model)).toBe(before);
  });

  it("Keras 3.15: --write-loaders writes that loader, and it loads the model with real Keras", () => {
    const { json, cwd, left } = runCli("keras3", pythonFor("keras3"), [model, "--write-loaders"]);
    const loader = join(cwd, "load_custom_metric.py");
    expect(json.walk?.wrote).toEqual([loader]);
    expect(left).toEqual(["load_custom_metric.py"]);
    runLoader("keras3", pythonFor("keras3"), loader);
  });

  it("Keras 2.15 (tf.keras) .h5: the legacy wording names it too", () => {
    expect(runCli("keras2", pythonFor("keras2"), [join(modelsDir, "keras2", "custom_metric.h5")]).json.diagnosis).toMatchObject({ cause: "custom-metric-missing", culprit: "mean_abs_gap" });
  });
});
