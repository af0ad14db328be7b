// The real catalogue on the shapes issue 11 and issue 9 §3/§8 name: what kind of object a kind-less "Could not
// locate / could not deserialize" names, built-in names that are never custom code, bytecode from another Python,
// a variables-count error on a file from a newer Keras 2, and the ranked alternatives of a bare last line.
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { facts } from "../catalogue/facts.js";

const diagnose = (text: string, given = facts()) => classify(parseTraceback(text), given, causes);
const ranked = (text: string) => {
  const d = diagnose(text);
  return [d.cause, ...d.alternatives.map((a) => a.cause)];
};

describe("what kind of object is missing", () => {
  it("routes an optimizer whose parent module cannot be imported to custom-optimizer-missing (issue 9 §3)", () => {
    const d = diagnose(
      "TypeError: Could not deserialize class 'WarmupAdam' because its parent module my_optim cannot be imported. Full object config: " +
        "{'module': 'my_optim', 'class_name': 'WarmupAdam', 'config': {'name': 'WarmupAdam', 'learning_rate': 0.001, 'beta_1': 0.9}, 'registered_name': 'WarmupAdam'}",
    );
    expect(d.cause).toBe("custom-optimizer-missing");
    expect(d.culprit).toContain("WarmupAdam");
    expect(d.alternatives.length).toBeGreaterThan(0);
  });

  it("reads a loss from its config's reduction and a layer from trainable + dtype", () => {
    const config = (inner: string) => `TypeError: Could not locate class 'Thing'. Make sure custom classes are decorated. Full object config: {'module': None, 'class_name': 'Thing', 'config': {${inner}}, 'registered_name': 'Thing'}`;
    expect(diagnose(config("'name': 'thing', 'reduction': 'sum_over_batch_size'")).cause).toBe("custom-loss-missing");
    expect(diagnose(config("'name': 'thing', 'trainable': True, 'dtype': 'float32'")).cause).toBe("custom-layer-missing");
  });

  it("keeps loss, metric and function in the top three for a bare 'Could not locate function'", () => {
    const top3 = ranked("TypeError: Could not locate function 'weighted_mse'.").slice(0, 3);
    expect(top3).toEqual(expect.arrayContaining(["custom-function-missing", "custom-loss-missing", "custom-metric-missing"]));
  });
});

describe("names and bytecode that are never the user's missing code (issue 9 §8)", () => {
  it("says a name every Keras exports is a release bug or a version crossing", () => {
    const d = diagnose("ValueError: Unknown optimizer: Adam");
    expect(d.cause).toBe("keras-release-bug");
    expect(d.culprit).toMatch(/built into Keras/);
  });

  it("classifies every way another Python's bytecode fails as lambda-python-mismatch", () => {
    for (const line of ["ValueError: bad marshal data (unknown type code)", "EOFError: marshal data too short", "SystemError: unknown opcode"]) {
      expect(diagnose(line).cause).toBe("lambda-python-mismatch");
    }
  });

  it("lets the file's own version decide a variables-count error on a .keras from a newer Keras 2", () => {
    const text = "ValueError: Layer 'dense' expected 2 variables, but received 0 variables during loading. Expected: ['kernel', 'bias']";
    const newer = facts({ file: { format: "keras-zip", kerasVersion: "2.15.0", kerasLine: "tf-keras2" }, env: { loader: "tf.keras", packages: { tensorflow: "2.13.1", keras: "2.13.1" } } });
    expect(diagnose(text, newer).cause).toBe("file-from-newer-keras");
    expect(diagnose(text).cause).not.toBe("file-from-newer-keras");
  });
});

describe("evidence from the mined message table", () => {
  it("says which releases word the error that way", () => {
    const d = diagnose("TypeError: Could not locate class 'MyLayer'. Make sure custom classes are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': None}");
    expect(d.evidence.join("\n")).toMatch(/this wording is from .*keras 3\./);
  });
});
