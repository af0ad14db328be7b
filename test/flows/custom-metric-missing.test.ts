// custom-metric-missing: the legacy wording names the kind; the Keras 3 wording is placed by the compile-step frames
// or the file's facts; --auto proves compile=False and writes a loader with it.
import { describe, expect, it } from "vitest";
import { walkAutomatically } from "../../src/core/auto-walk.js";
import { facts } from "../catalogue/facts.js";
import { baseFor, causeOf, ok, plainWalk, scriptedRunner } from "../catalogue/walk.js";

const cause = causeOf("custom-metric-missing");
const r1 = [
  "Traceback (most recent call last):",
  '  File "/v/keras/src/saving/saving_lib.py", line 434, in _model_from_config',
  '  File "/v/keras/src/trainers/trainer.py", line 1016, in compile_from_config',
  '  File "/v/keras/src/saving/serialization_lib.py", line 899, in _retrieve_class_or_fn',
  "TypeError: Could not locate function 'mean_abs_gap'. Make sure custom classes and functions are decorated with `@keras.saving.register_keras_serializable()`.",
].join("\n");

describe("custom-metric-missing", () => {
  it("is named by the legacy wording and by the file's facts for Keras 3's wording", () => {
    expect(baseFor(facts(), "ValueError: Unknown metric function: 'mean_abs_gap'. Please ensure you are using a `keras.utils.custom_object_scope`.").diagnosis).toMatchObject({
      cause: "custom-metric-missing",
      culprit: "mean_abs_gap",
    });
    const withFacts = facts({ file: { customObjects: [{ kind: "metric", className: "mean_abs_gap", registeredName: null, module: null, key: "mean_abs_gap", config: null, where: [] }] } });
    expect(baseFor(withFacts, r1).diagnosis.cause).toBe("custom-metric-missing");
  });

  it("--auto verifies compile=False, then writes a loader that keeps it", async () => {
    const base = baseFor(facts({ file: { path: "/m/x.keras", customObjects: [{ kind: "metric", className: "mean_abs_gap", registeredName: null, module: null, key: "mean_abs_gap", config: null, where: [] }] } }), "ValueError: Unknown metric function: 'mean_abs_gap'.");
    const runner = scriptedRunner([
      { expect: (r) => r.kind === "find-sources", result: ok({ matches: [] }) },
      { expect: (r) => r.kind === "verify-load" && r.fix.compile === false && !r.fix.customObjectsModule, result: ok({ fix: { compile: false } }) },
      { expect: (r) => r.kind === "write-loader" && r.fix.compile === false, result: ok({ path: "/cwd/load_x.py" }) },
    ]);
    const walk = await walkAutomatically(cause, base, {}, runner.run);
    expect(walk.outcome).toBe("fixed");
    expect(plainWalk(walk)).toContain("model.compile(");
  });
});
