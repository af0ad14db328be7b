// custom-function-missing for real: a custom activation in Keras 3.15 (.keras, .h5) and Keras 2.15 (.h5, where
// Keras prints the placeholder 'function'); with the module named, --auto loads it and writes a working loader.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { runCli, sha256 } from "./custom-objects-helpers.js";

const model = join(modelsDir, "keras3", "custom_activation.keras");

describe("custom-function-missing (real Keras)", () => {
  it("names swishy in Keras 3.15 .keras/.h5 and Keras 2.15 .h5", () => {
    expect(runCli("keras3", pythonFor("keras3"), [model]).json.diagnosis).toMatchObject({ cause: "custom-function-missing", culprit: "swishy" });
    expect(runCli("keras3", pythonFor("keras3"), [join(modelsDir, "keras3", "custom_activation.h5")]).json.diagnosis).toMatchObject({ cause: "custom-function-missing", culprit: "swishy" });
    expect(runCli("keras2", pythonFor("keras2"), [join(modelsDir, "keras2", "custom_activation.h5")]).json.diagnosis).toMatchObject({ cause: "custom-function-missing", culprit: "swishy" });
  });

  it("with --custom-objects the model loads (exit 0) and the file is unchanged", () => {
    const before = sha256(model);
    const { json } = runCli("keras3", pythonFor("keras3"), [model, "--custom-objects", join(modelsDir, "sources", "fixture_objects.py")]);
    expect(json.walk?.outcome).toBe("fixed");
    expect(json.exitCode).toBe(0);
    expect(sha256(model)).toBe(before);
  });
});
