// A file written by Keras 2 (tf.keras in TensorFlow ≤ 2.15) is read by Keras 3, which dropped what it needs: the
// TF-op auto-layers, Keras 2 constructor arguments, the keras.src.engine modules, mixed-precision Policy configs.
// Proved by keras2/tfoplambda.h5, keras2/depthwise.h5 and keras2/functional_nested.h5 in the keras3 env.
import { EITHER_CONFIG_SHAPE, KERAS3_CONFIG_SHAPE } from "../file-from-newer-keras/config-shape.js";
import { code, paragraphs, python, strong, text } from "../../src/core/content.js";
import type { Cause, Facts, LoadFix, Matcher, StepContext } from "../../src/core/types.js";
import { builtinKindOf } from "../../src/core/versions/builtins.js";
import { versionFacts } from "../../src/core/versions/versions.js";
import { KERAS2_ONLY_KWARGS, KERAS2_ONLY_LAYERS, KERAS3_KWARGS_ADDED } from "../../src/core/versions/tables.js";
import { tfKerasInstalled, versionSteps } from "../_shared/version-steps.js";
import { KERAS_MODULE, r8Alone, r9Alone } from "../_shared/wrapper-first-line.js";

const keras2Layers = KERAS2_ONLY_LAYERS.join("|");
const keras2Kwargs = KERAS2_ONLY_KWARGS.join("|");

/**
 * What Keras 3 prints for Keras 2 content, shared with keras-tfkeras-mixing (which claims the same messages when
 * tf_keras wrote the file). Keras 3 quotes names in R10 (`Unknown layer: 'TFOpLambda'`); the kwargs message comes
 * from keras/src/layers/layer.py, usually inside R9 "Error when deserializing class".
 */
export const keras2InKeras3Matchers: Matcher[] = [
  {
    type: /^ValueError$/,
    message: new RegExp(`Unknown (?:layer|object): '(?<className>${keras2Layers})'`),
    weight: 0.9,
    means: "Keras 3 has no such layer: Keras 2 inserted it when a functional model called a TensorFlow op",
  },
  {
    type: /^(?:ValueError|TypeError)$/,
    message: new RegExp(`Unrecognized keyword arguments passed to (?<className>\\w+): \\{'(?<keyword>${keras2Kwargs})'`),
    weight: 0.85,
    means: "Keras 3 refuses a constructor argument that Keras 2 saved",
  },
  {
    // Any other argument a Keras 3 built-in refuses (`input_length` on Embedding in Keras 3.0, BatchNormalization's
    // `renorm`...): files from Keras 2 are far more common than files from a newer Keras 3, whose additions
    // (KERAS3_KWARGS_ADDED) file-from-newer-keras claims. `when` keeps Keras' own classes only.
    type: /^(?:ValueError|TypeError)$/,
    message: /Unrecognized keyword arguments passed to (?<className>\w+): \{'(?<keyword>\w+)(?:'|$)/,
    weight: 0.7,
    means: "a Keras 3 built-in layer refuses a constructor argument the file saved (most often a Keras 2 one)",
  },
  {
    // A Keras 3 built-in that is not a layer refusing what an old tf.keras wrote into its config: TF 1.x and early
    // TF 2 saved `dtype` in every initializer's config (`GlorotUniform.__init__() got an unexpected keyword argument
    // 'dtype'`, inside R9). `when` keeps Keras' own classes only; a custom class is custom-object-config's.
    type: /^TypeError$/,
    message: /(?<className>[A-Z]\w*)\.__init__\(\) got an unexpected keyword argument '(?<keyword>\w+)'/,
    weight: 0.8,
    means: "a Keras 3 built-in refuses an argument an older Keras saved in its config",
  },
  {
    type: /^TypeError$/,
    // Keras 2.13–2.15 `.keras` archives name Keras 2 internals (research R2); Keras 3 has none of those modules.
    message:
      /Could not deserialize class '(?<className>\w+)' because its parent module (?<module>keras\.(?:src\.)?(?:engine|mixed_precision|saving\.legacy|feature_column|premade_models|legacy_tf_layers)(?:\.[\w.]+)?)(?: cannot be imported|(?: \w*)*$)/,
    weight: 0.9,
    means: "the file names a Keras 2 module that Keras 3 does not have",
  },
  {
    type: /^AttributeError$/,
    // Keras 3.15 Operation.from_config reading a Keras 2 mixed-precision `Policy` dtype (captured from an H5 and a
    // .keras saved under mixed_float16 by TF 2.15).
    message: /'str' object has no attribute '(?<attribute>quantization_mode)'/,
    frame: /keras\/src\/ops\/operation\.py|from_config/,
    weight: 0.8,
    means: "Keras 3 cannot read a Keras 2 mixed-precision dtype policy",
  },
  {
    // The same line pasted alone: no other Keras object meets a string where a dtype policy should be.
    type: /^AttributeError$/,
    message: /^'str' object has no attribute '(?<attribute>quantization_mode)'/,
    weight: 0.65,
    means: "Keras 3 cannot read a Keras 2 mixed-precision dtype policy",
  },
];

/** The culprit: the missing layer, the refused argument or the module, whichever the message named. */
export function versionCulprit(captures: Record<string, string>): string | null {
  if (captures.keyword) return `${captures.className ?? "layer"}(${captures.keyword}=...)`;
  if (captures.module) return `${captures.module}.${captures.className ?? ""}`.replace(/\.$/, "");
  if (captures.attribute) return "dtype policy (mixed precision)";
  return captures.className ?? null;
}

function fileAndLoader(ctx: Facts): string {
  const v = versionFacts(ctx);
  const file = v.fileVersion ? `Keras ${v.fileVersion}` : "Keras 2";
  const loader = v.loaderVersion ? `Keras ${v.loaderVersion}` : "Keras 3";
  return `${file} wrote this file; this Python loads it with ${loader}.`;
}

function isDepthwiseGroups(ctx: StepContext): boolean {
  return ctx.diagnosis.captures.keyword === "groups" && ctx.diagnosis.captures.className === "DepthwiseConv2D";
}

/** The fix that changes least: the DepthwiseConv2D shim when that is all that fails, else tf_keras if installed;
 * without tf_keras nothing here can load it, and the versions (proven in a trial environment) are the way. */
function tryFix(ctx: StepContext): LoadFix | null {
  if (isDepthwiseGroups(ctx)) return { shims: ["depthwise-conv2d-groups"] };
  return tfKerasInstalled(ctx) ? { legacyKeras: true } : null;
}

const SHIM_CODE = (path: string) =>
  [
    "import keras",
    "",
    "class DepthwiseConv2D(keras.layers.DepthwiseConv2D):",
    "    # Keras 2 saved `groups`, which Keras 3's DepthwiseConv2D does not take.",
    "    def __init__(self, *args, groups=None, **kwargs):",
    "        super().__init__(*args, **kwargs)",
    "",
    `model = keras.models.load_model(${JSON.stringify(path)}, custom_objects={"DepthwiseConv2D": DepthwiseConv2D})`,
  ].join("\n");

const LEGACY_CODE = (path: string) =>
  [
    "import os",
    'os.environ["TF_USE_LEGACY_KERAS"] = "1"  # before TensorFlow is imported',
    "import tf_keras",
    `model = tf_keras.models.load_model(${JSON.stringify(path)})`,
  ].join("\n");

export const keras2FileInKeras3: Cause = {
  id: "keras2-file-in-keras3",
  title: "A Keras 2 file is being loaded by Keras 3",
  summary: (ctx) =>
    paragraphs([
      text(fileAndLoader(ctx)),
      text(" Keras 3 cannot rebuild "),
      code(versionCulprit(ctx.diagnosis.captures) ?? "part of the model"),
      text(", which only Keras 2 knows."),
    ]),
  matchers: [
    {
      // Only R9's first line pasted, around a built-in layer whose config holds what only Keras 2 saved: an
      // initializer's dtype (tf.keras 1.x) (captured: Keras 3.15 and 3.5 on a TF 1.15 .h5, fixtures/tracebacks/_matrix).
      message: r9Alone("(?<wrappedClass>\\w+)", "\\{[^\\n]*?'class_name': '(?<className>\\w+)', 'config': \\{[^{}]*?'(?<keyword>dtype)':"),
      weight: 0.6,
      means: "the layer's config holds an initializer argument only Keras 2 saved (the inner error was not pasted)",
    },
    {
      // The same around DepthwiseConv2D whose config holds `groups`: tf.keras 2.x saved it (inherited from Conv2D),
      // Keras 3's DepthwiseConv2D refuses it (the Teachable Machine export). A paste may lose the leading "E".
      message: /^(?![\s\S]*Exception encountered)E?rror when deserializing class '(?<className>DepthwiseConv[12]D)' using config=\{[^\n]*?'(?<keyword>groups)':/,
      weight: 0.65,
      means: "DepthwiseConv2D's config holds `groups`, which only Keras 2 saved (the inner error was not pasted)",
    },
    {
      // The same around a config that holds Keras 2's batch_input_shape (normal in a Keras 2 loader, hence lower: a
      // custom function named in the same config is the likelier reading there).
      message: r9Alone("(?<className>\\w+)", "\\{[^\\n]*?'(?<keyword>batch_input_shape)':"),
      weight: 0.5,
      means: "the layer's config holds batch_input_shape, which only Keras 2 saves (the inner error was not pasted)",
    },
    {
      // Only R8's first line pasted (only Keras 3 prints it) around a built-in layer or initializer: an argument only
      // Keras 2 saved is one reading (captured: Keras 3 on a TF 1.15 .h5, whose initializers hold a dtype).
      message: r8Alone(`${KERAS_MODULE}(?:layers|initializers|regularizers|constraints)\\.[\\w.]+`, "configShape"),
      weight: 0.4,
      means: "Keras 3 could not rebuild a built-in object; a setting only Keras 2 saved is one reading (the inner error was not pasted)",
    },
    ...keras2InKeras3Matchers,
    KERAS3_CONFIG_SHAPE,
    EITHER_CONFIG_SHAPE,
  ],
  when: (captures, facts) => {
    // Keyword and class errors mean a file only while something is being loaded (not while the user builds a model).
    if (captures.stackShows === "other") return false;
    if (captures.keyword !== undefined && captures.className !== undefined && !KERAS2_ONLY_KWARGS.includes(captures.keyword)) {
      if (builtinKindOf(captures.className) === null) return false;
      if (KERAS3_KWARGS_ADDED.some((entry) => entry.kwarg === captures.keyword)) return false;
    }
    const relation = versionFacts(facts).relation;
    if (relation === "keras2-in-keras3") return 1.15;
    // tf_keras files read by Keras 3 are keras-tfkeras-mixing; a Keras 3 file or an older Keras 3 is someone else's.
    if (relation === "tfkeras-in-keras3" || relation === "keras3-in-keras2" || relation === "newer-file") return false;
    return true;
  },
  detect: (facts) => {
    const v = versionFacts(facts);
    if (v.relation !== "keras2-in-keras3") return null;
    const only = (facts.file?.layerClasses ?? []).filter((name) => KERAS2_ONLY_LAYERS.includes(name));
    const evidence = [`the file was written by Keras ${v.fileVersion ?? "2"}, and this Python loads with Keras ${v.loaderVersion ?? "3"}`];
    if (only.length > 0) evidence.push(`the file uses layers Keras 3 does not have: ${only.join(", ")}`);
    return { confidence: only.length > 0 ? 0.85 : 0.4, captures: only.length > 0 ? { className: only[0] } : ({} as Record<string, string>), evidence };
  },
  culprit: (captures) => versionCulprit(captures),
  start: "explain",
  steps: versionSteps({
    explain: (ctx) =>
      paragraphs(
        fileAndLoader(ctx),
        [
          text("Keras 3 is a rewrite: it reads most Keras 2 files, but not "),
          code(versionCulprit(ctx.diagnosis.captures) ?? "everything"),
          text(". "),
          text(
            ctx.diagnosis.captures.className && KERAS2_ONLY_LAYERS.includes(ctx.diagnosis.captures.className)
              ? "Keras 2 inserted that layer by itself when the model called a TensorFlow function (tf.*) on a Keras tensor; Keras 3 has no such layer."
              : "Keras 2 saved it; Keras 3 has no equivalent.",
          ),
        ],
        tfKerasInstalled(ctx)
          ? "Keras 2 lives on as the tf_keras package; it loads this file as it is."
          : "Keras 2 lives on as the tf_keras package, which loads this file as it is; it is not installed here (it needs TensorFlow beside it), so the versions below, proven first in a throwaway environment, are the way.",
      ),
    tryFix,
    tryLabel: "Load it the way that changes least (tf_keras, or a small patch) and check",
    fixedBody: (ctx, fix) => {
      const path = ctx.modelPath ?? ctx.file?.path ?? "model.h5";
      if (fix.shims?.includes("depthwise-conv2d-groups")) {
        return paragraphs(
          "Keras 3 loads it once DepthwiseConv2D ignores the `groups` argument Keras 2 saved (always 1 for depthwise layers):",
          [python(SHIM_CODE(path))],
          "Saved again with model.save(\"model.keras\"), the new file loads in Keras 3 without the patch.",
        );
      }
      return paragraphs(
        "It loads with tf_keras (Keras 2) in this environment:",
        [python(LEGACY_CODE(path))],
        [
          strong("About re-saving: "),
          text(
            "a file tf_keras saves is still a Keras 2 file, so Keras 3 cannot read it either. To move to Keras 3, let keras-fix write a Keras 3 copy (offered once the fix is proven: rebuilt from tf_keras, reloaded in a fresh Python, outputs compared), or save the weights from tf_keras (model.save_weights(\"weights.h5\")), rebuild the architecture in Keras 3 code (TensorFlow calls become keras.ops calls or layers), and load them with model.load_weights(\"weights.h5\"). For inference only, model.export(\"saved\") from tf_keras gives a SavedModel that Keras 3 reads with keras.layers.TFSMLayer(\"saved\", call_endpoint=\"serving_default\").",
          ),
        ],
      );
    },
    rebuildBody: (ctx) =>
      paragraphs(
        "Write the architecture in Keras 3 code with the same layers and layer order, replacing TensorFlow calls (tf.*) on tensors with keras.ops or layers, then load only the weights:",
        [
          python(
            [
              "import keras",
              "model = build_model()  # your Keras 3 code, same layers in the same order",
              `model.load_weights(${JSON.stringify(ctx.modelPath ?? ctx.file?.path ?? "model.h5")})  # a Keras 2 .h5 model file holds its weights too`,
            ].join("\n"),
          ),
        ],
        "Keras 3 matches legacy .h5 weights by layer order: layers without weights (like TFOpLambda) do not count.",
      ),
  }),
};
