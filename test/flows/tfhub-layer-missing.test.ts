// tfhub-layer-missing: KerasLayer in every wording; the route names tf_keras with the user's TensorFlow minor
// when the loader is Keras 3.
import { describe, expect, it } from "vitest";
import { facts } from "../catalogue/facts.js";
import { autoWalk, baseFor, causeOf, plainWalk } from "../catalogue/walk.js";

describe("tfhub-layer-missing", () => {
  it("claims KerasLayer from R10, R10' and Keras 3's R1", () => {
    for (const text of [
      "ValueError: Unknown layer: 'KerasLayer'. Please ensure you are using a `keras.utils.custom_object_scope`.",
      "ValueError: Unknown layer: KerasLayer",
      "TypeError: Could not locate class 'KerasLayer'. Make sure custom classes are decorated with `@keras.saving.register_keras_serializable()`.",
    ]) {
      expect(baseFor(facts(), text).diagnosis).toMatchObject({ cause: "tfhub-layer-missing", culprit: "KerasLayer (tensorflow_hub)" });
    }
  });

  it("--auto shows the tf_keras route pinned to the TensorFlow minor under Keras 3", async () => {
    const base = baseFor(facts({ env: { loader: "keras3", packages: { keras: "3.15.1", tensorflow: "2.21.0" } } }), "ValueError: Unknown layer: 'KerasLayer'.");
    const walk = await autoWalk(causeOf("tfhub-layer-missing"), base);
    expect(walk.outcome).toBe("not-fixed");
    const text = plainWalk(walk);
    expect(text).toContain('pip install tensorflow_hub "tf_keras~=2.21.0"');
    expect(text).toContain('custom_objects={"KerasLayer": hub.KerasLayer}');
  });
});
