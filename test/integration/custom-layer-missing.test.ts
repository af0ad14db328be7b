// custom-layer-missing for real: Keras 3.15 and Keras 2.15 fail on the fixtures, the CLI names the class; --auto
// stops without importing found code, and with --custom-objects it loads, shows the loader it would write (writing
// nothing), and with --write-loaders writes that same loader, which really loads; the model file's bytes stay alone.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { expectLoaderShownNotWritten, runCli, runLoader, sha256 } from "./custom-objects-helpers.js";

const keras3Model = join(modelsDir, "keras3", "custom_layer_unregistered.keras");
const source = join(modelsDir, "sources", "fixture_layers.py");

describe("custom-layer-missing (real Keras)", () => {
  it("Keras 3.15: --auto names ScaledDense and stops without importing code it found", () => {
    const { json } = runCli("keras3", pythonFor("keras3"), [keras3Model]);
    expect(json.diagnosis).toMatchObject({ cause: "custom-layer-missing", culprit: "ScaledDense" });
    expect(json.walk?.outcome).toBe("not-fixed");
    expect(json.exitCode).toBe(1);
    expect(json.walk?.steps.filter((s) => s.action === "verify-load")).toEqual([]);
  });

  it("Keras 3.15: with --custom-objects it loads and shows the loader without writing it; the model is unchanged", () => {
    const before = sha256(keras3Model);
    const run = runCli("keras3", pythonFor("keras3"), [keras3Model, "--custom-objects", source]);
    expect(run.json.diagnosis?.cause).toBe("custom-layer-missing");
    expect(run.json.walk?.outcome).toBe("fixed");
    expect(run.json.exitCode).toBe(0);
    const shown = expectLoaderShownNotWritten(run, "load_custom_layer_unregistered.py");
    expect(shown.code).toContain(`CUSTOM_OBJECTS_FILE = "${source}"`);
    expect(shown.code).toContain('"ScaledDense": custom.ScaledDense,');
    expect(run.json.walk?.loader?.command).toContain(`--custom-objects ${source}`);
    expect(sha256(keras3Model)).toBe(before);
  });

  it("Keras 3.15: --write-loaders writes the loader it showed, and that loader loads the model with real Keras", () => {
    const before = sha256(keras3Model);
    const shown = runCli("keras3", pythonFor("keras3"), [keras3Model, "--custom-objects", source]).json.walk!.loader!;
    const { json, cwd, left } = runCli("keras3", pythonFor("keras3"), [keras3Model, "--custom-objects", source, "--write-loaders"]);
    expect(json.walk?.outcome).toBe("fixed");
    const loader = join(cwd, "load_custom_layer_unregistered.py");
    expect(json.walk?.wrote).toEqual([loader]);
    expect(left).toEqual(["load_custom_layer_unregistered.py"]);
    expect(json.walk?.loader).toMatchObject({ written: true, path: loader, command: null });
    expect(readFileSync(loader, "utf8")).toBe(shown.code);
    expect(runLoader("keras3", pythonFor("keras3"), loader)).toContain("scaled_dense");
    expect(sha256(keras3Model)).toBe(before);
  });

  it("Keras 2.15 (tf.keras): the .h5 with a registered class is named with its stored key", () => {
    const { json } = runCli("keras2", pythonFor("keras2"), [join(modelsDir, "keras2", "custom_layer_registered.h5")]);
    expect(json.diagnosis?.cause).toBe("custom-layer-missing");
    expect(json.diagnosis?.culprit).toMatch(/^Gate \(stored as \w+>Gate\)$/);
  });

  it("Keras 3.5 (Python 3.12): the older R2 wording for a user module is still this cause", () => {
    const { json } = runCli("keras35-py312", pythonFor("keras35-py312"), [keras3Model]);
    expect(json.diagnosis).toMatchObject({ cause: "custom-layer-missing", culprit: "ScaledDense" });
  });
});
