// custom-function-missing for real: a custom activation in Keras 3.15 (.keras, .h5) and Keras 2.15 (.h5, where
// Keras prints the placeholder 'function'); with the module named, --auto loads it and shows the loader (written
// only with --write-loaders, and then it loads with real Keras).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { expectLoaderShownNotWritten, runCli, runLoader, sha256 } from "./custom-objects-helpers.js";

const model = join(modelsDir, "keras3", "custom_activation.keras");

describe("custom-function-missing (real Keras)", () => {
  it("names swishy in Keras 3.15 .keras/.h5 and Keras 2.15 .h5", () => {
    expect(runCli("keras3", pythonFor("keras3"), [model]).json.diagnosis).toMatchObject({ cause: "custom-function-missing", culprit: "swishy" });
    expect(runCli("keras3", pythonFor("keras3"), [join(modelsDir, "keras3", "custom_activation.h5")]).json.diagnosis).toMatchObject({ cause: "custom-function-missing", culprit: "swishy" });
    expect(runCli("keras2", pythonFor("keras2"), [join(modelsDir, "keras2", "custom_activation.h5")]).json.diagnosis).toMatchObject({ cause: "custom-function-missing", culprit: "swishy" });
  });

  it("with --custom-objects the model loads (exit 0) and the file is unchanged", () => {
    const before = sha256(model);
    const run = runCli("keras3", pythonFor("keras3"), [model, "--custom-objects", join(modelsDir, "sources", "fixture_objects.py")]);
    expect(run.json.walk?.outcome).toBe("fixed");
    expect(run.json.exitCode).toBe(0);
    expect(expectLoaderShownNotWritten(run, "load_custom_activation.py").code).toContain('"swishy": custom.swishy,');
    expect(sha256(model)).toBe(before);
  });

  it("with --custom-objects --write-loaders the loader is written and loads the model with real Keras", () => {
    const { json, cwd } = runCli("keras3", pythonFor("keras3"), [model, "--custom-objects", join(modelsDir, "sources", "fixture_objects.py"), "--write-loaders"]);
    expect(json.walk?.wrote).toEqual([join(cwd, "load_custom_activation.py")]);
    runLoader("keras3", pythonFor("keras3"), join(cwd, "load_custom_activation.py"));
  });
});
