// custom-loss-missing: the legacy wording names the kind; the Keras 3 wording is placed by the compile-step frames
// or the file's facts; --auto proves compile=False and writes a loader with it.
import { describe, expect, it } from "vitest";
import { facts } from "../catalogue/facts.js";
import { baseFor, causeOf } from "../catalogue/walk.js";
import { expectAutoProvesCompileFalse, factsNaming } from "./compile-family.js";

const cause = causeOf("custom-loss-missing");
const r1 = [
  "Traceback (most recent call last):",
  '  File "/v/keras/src/saving/saving_lib.py", line 434, in _model_from_config',
  '  File "/v/keras/src/trainers/trainer.py", line 1016, in compile_from_config',
  '  File "/v/keras/src/saving/serialization_lib.py", line 899, in _retrieve_class_or_fn',
  "TypeError: Could not locate function 'weighted_mse'. Make sure custom classes and functions are decorated with `@keras.saving.register_keras_serializable()`.",
].join("\n");

describe("custom-loss-missing", () => {
  it("is named by the legacy wording and by the file's facts for Keras 3's wording", () => {
    expect(baseFor(facts(), "ValueError: Unknown loss function: 'weighted_mse'. Please ensure you are using a `keras.utils.custom_object_scope`.").diagnosis).toMatchObject({
      cause: "custom-loss-missing",
      culprit: "weighted_mse",
    });
    const withFacts = factsNaming("loss", "weighted_mse");
    expect(baseFor(withFacts, r1).diagnosis.cause).toBe("custom-loss-missing");
  });

  it("--auto verifies compile=False, then writes a loader that keeps it", async () => {
    await expectAutoProvesCompileFalse(cause, "loss", "weighted_mse", "ValueError: Unknown loss function: 'weighted_mse'.");
  });
});
