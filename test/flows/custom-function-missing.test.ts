// custom-function-missing: activations and other functions inside a layer's config, in every wording; the walk
// offers a skeleton and verifies with it, never calling that a fix.
import { describe, expect, it } from "vitest";
import { facts } from "../catalogue/facts.js";
import { baseFor, causeOf, failed, ok, walkWith } from "../catalogue/walk.js";

const cause = causeOf("custom-function-missing");
const swishy = { kind: "activation" as const, className: "swishy", registeredName: null, module: null, key: "swishy", config: null, where: ["dense"] };

describe("custom-function-missing", () => {
  it("reads the name from Keras 3, Keras 2.15, Keras 2.6-2.10 and Keras 2.3.1 wordings", () => {
    const texts = [
      "TypeError: Could not locate function 'swishy'. Make sure custom classes and functions are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': 'builtins', 'class_name': 'function', 'config': 'swishy', 'registered_name': 'function'}",
      "ValueError: Unknown activation function: 'swishy'. Please ensure you are using a `keras.utils.custom_object_scope` and that this object is included in the scope.",
      "ValueError: Unknown activation function: swishy. Please ensure this object is passed to the `custom_objects` argument.",
      "ValueError: Unknown activation function:swishy",
    ];
    for (const text of texts) expect(baseFor(facts(), text).diagnosis).toMatchObject({ cause: "custom-function-missing", culprit: "swishy" });
  });

  it("ends not-fixed after the skeleton, even when the skeleton loads", () => {
    const base = baseFor(facts({ file: { customObjects: [swishy] } }), "ValueError: Unknown activation function: 'swishy'.");
    const walk = walkWith(cause, base, { choose: "skeleton" }, { find: failed, skeleton: ok({ path: "/cwd/m_custom_objects.py", customObjects: { swishy: "swishy" } }), "verify-skeleton": ok({ attempt: { ok: true, chain: [] } }) });
    expect(walk.requests[1]).toEqual({ kind: "generate-skeleton", keys: ["swishy"] });
    expect(walk.requests[2]).toEqual({ kind: "verify-load", fix: { customObjectsModule: "/cwd/m_custom_objects.py", customObjects: { swishy: "swishy" } } });
    expect(walk.state.outcome).toBe("not-fixed");
    expect(walk.text).toContain("call() raises until you write");
  });
});
