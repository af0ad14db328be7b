// `Unknown layer: 'KerasLayer'`: the model wraps a TensorFlow Hub module (tensorflow_hub.KerasLayer). Hub layers are
// Keras 2 objects: they load with tensorflow_hub installed, through tf.keras (TF <= 2.15) or tf_keras with
// TF_USE_LEGACY_KERAS=1 (TF >= 2.16), and custom_objects={"KerasLayer": hub.KerasLayer} (research §1f).
import { code, command, paragraphs, python, shell } from "../../src/core/content.js";
import type { Cause, StepContext } from "../../src/core/types.js";

function tfMinor(ctx: StepContext): string | null {
  const match = /^(\d+)\.(\d+)/.exec(ctx.env?.packages.tensorflow ?? "");
  return match ? `${match[1]}.${match[2]}` : null;
}

function usesKeras3(ctx: StepContext): boolean {
  return ctx.env?.loader === "keras3" || /^3\./.test(ctx.env?.packages.keras ?? "");
}

export const tfhubLayerMissing: Cause = {
  id: "tfhub-layer-missing",
  title: "The model uses a TensorFlow Hub layer (KerasLayer)",
  summary: () =>
    paragraphs(["The model contains a ", code("tensorflow_hub.KerasLayer"), ", which only loads with tensorflow_hub and Keras 2 (tf.keras or tf_keras)."]),
  matchers: [
    {
      // R10 (Keras 2.11+, tf-keras, Keras 3 legacy .h5), R10' and multi-backend wordings, quoted or not.
      type: /^ValueError$/,
      message: /Unknown layer: '?(?<name>KerasLayer)'?(?:[.\s]|$)/,
      weight: 0.9,
      means: "KerasLayer is tensorflow_hub's layer, which the loader does not know",
    },
    {
      type: /^TypeError$/,
      message: /Could not locate class '(?<name>KerasLayer)'/,
      weight: 0.9,
      means: "KerasLayer is tensorflow_hub's layer, which the loader does not know",
    },
  ],
  detect: (facts) =>
    facts.file?.layerClasses.includes("KerasLayer")
      ? { confidence: 0.6, captures: { name: "KerasLayer" }, evidence: ["the file's config contains a KerasLayer (tensorflow_hub)"] }
      : null,
  culprit: () => "KerasLayer (tensorflow_hub)",
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "A TensorFlow Hub layer needs tensorflow_hub and Keras 2",
      body: (ctx) =>
        paragraphs(
          ["The model was built with ", code("hub.KerasLayer(...)"), " from the tensorflow_hub package. The file stores only the layer's settings (the hub handle); loading needs tensorflow_hub imported and passed in custom_objects."],
          usesKeras3(ctx)
            ? ["Your Python loads with Keras 3, and hub layers are Keras 2 objects: use the tf_keras package with ", code("TF_USE_LEGACY_KERAS=1"), " (set before TensorFlow is imported)."]
            : [],
        ),
      next: "route",
    },
    {
      kind: "end",
      id: "route",
      outcome: "not-fixed",
      title: "Install tensorflow_hub and load through Keras 2",
      body: (ctx) => {
        const minor = tfMinor(ctx);
        const keras3 = usesKeras3(ctx);
        return paragraphs(
          [shell(keras3 ? `pip install tensorflow_hub "tf_keras${minor ? `~=${minor}.0` : ""}"` : "pip install tensorflow_hub")],
          [
            python(
              [
                ...(keras3 ? ["import os", 'os.environ["TF_USE_LEGACY_KERAS"] = "1"  # before TensorFlow is imported', ""] : []),
                "import tensorflow as tf",
                "import tensorflow_hub as hub",
                "",
                `model = tf.keras.models.load_model(${JSON.stringify(ctx.modelPath ?? "model.h5")}, custom_objects={"KerasLayer": hub.KerasLayer})`,
              ].join("\n"),
            ),
          ],
          ["The hub module itself is downloaded from its handle on first load (or read from ", command("TFHUB_CACHE_DIR"), ")."],
        );
      },
    },
  ],
};
