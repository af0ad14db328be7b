// The real catalogue on last lines pasted alone or cut short, with no file or environment facts (issue 11: "A bare
// last line with no file or environment facts is truly ambiguous ... the right cause must be in the top three"), and
// what the facts change. Shapes taken from the mined message table (catalogues/messages.json).
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { facts } from "../catalogue/facts.js";

const diagnose = (text: string, given = facts()) => classify(parseTraceback(text), given, causes);
const ranked = (text: string, given = facts()) => {
  const d = diagnose(text, given);
  return [d.cause, ...d.alternatives.map((a) => a.cause)];
};

describe("a built-in name of some Keras lines reported unknown", () => {
  it("keeps the missing object, the keras / tf.keras mix-up and a newer file as its three readings", () => {
    const top3 = ranked("ValueError: Unknown initializer: GlorotUniform").slice(0, 3);
    expect(top3).toEqual(expect.arrayContaining(["custom-function-missing", "keras-tfkeras-mixing", "file-from-newer-keras"]));
  });

  it("puts the mix-up first when standalone keras 2.x sits beside TensorFlow", () => {
    const env = { loader: "keras2" as const, packages: { keras: "2.3.1", tensorflow: "2.4.0" } };
    expect(diagnose("ValueError: Unknown initializer: GlorotUniform", facts({ env })).cause).toBe("keras-tfkeras-mixing");
  });

  it("leaves a custom name to the custom cause alone", () => {
    expect(ranked("ValueError: Unknown loss function: focal_loss")).toEqual(["custom-loss-missing"]);
  });
});

describe("batch_shape, the Keras 3 InputLayer argument, in every Keras 2 wording", () => {
  it.each([
    "ValueError: Unrecognized keyword arguments: ['batch_shape']",
    "TypeError: ('Keyword argument not understood:', 'batch_shape')",
    "TypeError: __init__() got an unexpected keyword argument 'batch_shape'",
  ])("reads %s as a Keras 3 file first", (line) => {
    expect(diagnose(line).cause).toBe("keras3-file-in-keras2");
  });

  it("keeps the other readings ranked below it", () => {
    expect(ranked("TypeError: ('Keyword argument not understood:', 'batch_shape')")[1]).toBe("file-from-newer-keras");
    expect(ranked("TypeError: __init__() got an unexpected keyword argument 'batch_shape'")[1]).toBe("custom-object-config");
  });
});

describe("pastes cut right after the culprit", () => {
  it("names the optimizer of a cut R2", () => {
    const d = diagnose("TypeError: Could not deserialize class 'WarmupAdam");
    expect(d).toMatchObject({ cause: "custom-optimizer-missing", culprit: expect.stringContaining("WarmupAdam") });
  });

  it("reads a cut Keras 3 refusal of an extension-less path as a SavedModel folder, and of a .txt as not a model", () => {
    expect(diagnose("ValueError: File format not supported: filepath=exported_model").cause).toBe("savedmodel-in-keras3");
    expect(diagnose("ValueError: File format not supported: filepath=notes.txt").cause).toBe("not-a-model-file");
  });

  it("reads the function inside a cut R9 wrapper", () => {
    const d = diagnose("TypeError: Error when deserializing class 'Dense' using config={'units': 2, 'activation': {'module': 'builtins', 'class_name': 'function', 'config': 'swishy");
    expect(d).toMatchObject({ cause: "custom-function-missing", culprit: expect.stringContaining("swishy") });
  });
});

describe("lines that mean one of two or three things", () => {
  it("keeps both readings of TensorFlow's 'Keras cannot be imported'", () => {
    const top = ranked("ImportError: Keras cannot be imported. Check that it is installed.").slice(0, 3);
    expect(top).toEqual(expect.arrayContaining(["keras-not-installed", "keras-tfkeras-mixing"]));
  });

  it("reads the first line of R8 around a Keras model as a missing layer first, then a newer file or a missing function", () => {
    // The order the tuning halves of the paste sets show behind this line: a layer 12, a newer file 7, a function 6,
    // a custom get_config 2 (the last stays among the alternatives).
    const line = "ValueError: <class 'keras.src.models.sequential.Sequential'> could not be deserialized properly. Please ensure that components that are Python object instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized in the model's `from_config()` method.";
    expect(ranked(line).slice(0, 4)).toEqual(["custom-layer-missing", "file-from-newer-keras", "custom-function-missing", "custom-object-config"]);
  });

  it("reads the first line of R8 around the user's own class as its config first", () => {
    const line = "TypeError: <class '__main__.ScaledDense'> could not be deserialized properly. Please ensure that components that are Python object instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized in the model's `from_config()` method.";
    expect(ranked(line)[0]).toBe("custom-object-config");
  });

  it("lets the versions decide a config of another shape", () => {
    const line = "ValueError: Improperly formatted model config.";
    const keras3File = facts({ file: { kerasVersion: "3.15.1", kerasLine: "keras3" }, env: { loader: "keras2", packages: { keras: "2.15.0", tensorflow: "2.15.0" } } });
    expect(diagnose(line, keras3File).cause).toBe("keras3-file-in-keras2");
    const newerFile = facts({ file: { kerasVersion: "2.15.0" }, env: { loader: "keras2", packages: { keras: "2.12.0", tensorflow: "2.12.0" } } });
    expect(diagnose(line, newerFile).cause).toBe("file-from-newer-keras");
  });

  it("takes Keras' own refusal of a hostile file for what it is", () => {
    expect(diagnose("ValueError: Not allowed: H5 file with external Dataset: [('/etc/passwd', 0, 4096)]").cause).toBe("unsafe-model-file");
  });
});
