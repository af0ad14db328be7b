// Keras 2 objects (tf_keras, or tf.keras while TF_USE_LEGACY_KERAS=1) and Keras 3 objects meet in one program or
// one file: a model tf_keras saved next to Keras 3, a tf_keras layer added to a Keras 3 model, a KerasTensor
// passed to a TensorFlow function, TF_USE_LEGACY_KERAS set without tf_keras. Proved by
// keras3-extra/tf_keras_functional.keras in the keras3 env and by programs run there (see the fixtures).
import { BUILTIN_ELSEWHERE_MATCHER, kindsOf, linesExporting } from "../_shared/builtin-elsewhere.js";
import { code, paragraphs, python, text } from "../../src/core/content.js";
import type { Cause, Facts, LoadFix, StepContext } from "../../src/core/types.js";
import { versionFacts } from "../../src/core/versions/versions.js";
import { writtenByTfKeras } from "../../src/core/versions/numbers.js";
import { keras2InKeras3Matchers, versionCulprit } from "../keras2-file-in-keras3/cause.js";
import { tfKerasInstalled, versionSteps } from "../_shared/version-steps.js";

// Frames of standalone multi-backend keras (2.x), not TensorFlow's bundled tf.keras.
// Files only multi-backend keras has (keras 2.6+, also under site-packages/keras/, is tf.keras split out).
const STANDALONE_KERAS_FRAME = /(?:^|\/)keras\/(?:engine\/(?:saving|network|topology)\.py|backend\/tensorflow_backend\.py)$/;

// Modules Keras 2 objects live in: tf_keras, Keras 2.13–2.15's keras.src.engine, and tf.keras inside TF ≤ 2.5.
const KERAS2_MODULE = /^(?:tf_keras|keras\.src\.engine|keras\.engine|tensorflow\.python\.keras|tensorflow_core\.python\.keras)\b/;

function isKeras3Loader(facts: Facts): boolean {
  return facts.env?.loader === "keras3";
}

/** A Keras 2 era mix-up: standalone multi-backend keras meeting tf.keras' files or objects. */
function isStandaloneEra(captures: Record<string, string>): boolean {
  return (
    captures.standalone !== undefined ||
    captures.tfKerasArgument !== undefined ||
    captures.kerasInternal !== undefined ||
    captures.kerasInternal2 !== undefined ||
    /^(?:tensorflow(?:_core)?\.python\.keras|tensorflow\.keras)\./.test(captures.objectClass ?? "")
  );
}

function whatMixed(captures: Record<string, string>): string {
  if (captures.module && captures.className) return `${captures.module}.${captures.className}`;
  if (captures.objectClass) return captures.objectClass;
  if (captures.kerasTensor) return `a Keras 3 KerasTensor passed to a TensorFlow function${captures.callingCode ? ` (in ${captures.callingCode})` : ""}`;
  if (captures.legacyFlag) return "TF_USE_LEGACY_KERAS without tf_keras";
  if (captures.keras2Library !== undefined) return `${captures.callingPackage ?? "a library written for tf.keras (Keras 2)"} on Keras 3`;
  if (captures.legacyApi) return `${captures.legacyApi} (a Keras 2 API) while tf.keras is Keras 3`;
  if (captures.topClass) return `standalone keras reading tf.keras' ${captures.topClass}`;
  if (captures.elsewhereName) return `standalone keras reading tf.keras' ${captures.elsewhereName}`;
  if (captures.tfKerasArgument) return `standalone keras reading tf.keras' InputLayer argument ${captures.tfKerasArgument}`;
  if (captures.kerasInternal || captures.kerasInternal2) return "standalone keras layers on tf.keras / TensorFlow 2 tensors";
  return versionCulprit(captures) ?? "Keras 2 and Keras 3 objects";
}

export const kerasTfkerasMixing: Cause = {
  id: "keras-tfkeras-mixing",
  title: "Keras 2 (tf_keras) and Keras 3 are mixed",
  summary: (ctx) =>
    paragraphs([
      text("Keras 2 (tf_keras / tf.keras) and Keras 3 objects meet here: "),
      code(whatMixed(ctx.diagnosis.captures)),
      text(". They are separate libraries that do not accept each other's objects."),
    ]),
  matchers: [
    {
      // `Unknown layer: Functional` from a standalone multi-backend keras (2.2–2.3) while TensorFlow ≥ 2.3 (whose
      // tf.keras wrote the file and would read it) is installed beside it: `import keras` where
      // `from tensorflow import keras` was meant. With no facts it is one reading of three (research R10').
      type: /^ValueError$/,
      message: /^Unknown layer: '?(?<topClass>Functional)'?(?:\.|\s|$)/,
      weight: 0.5,
      means: "standalone keras cannot read the Functional class tf.keras (TF 2.3+) writes",
    },
    {
      type: /^TypeError$/,
      // Keras 3 ≥ 3.9 imports only keras packages while deserializing, so a tf_keras module is never located
      // (R1/R1'): keras3-extra/tf_keras_functional.keras in Keras 3.15.1.
      message: /Could not (?:locate|deserialize) class '(?<className>\w+)'[\s\S]*?'module': '(?<module>tf_keras(?:\.[\w]+)*)'/,
      weight: 0.9,
      means: "the file was written by tf_keras, and Keras 3 cannot import tf_keras classes",
    },
    {
      type: /^(?:ValueError|TypeError)$/,
      // Keras 3 Sequential.add (3.x wording, captured in Keras 3.15.1 with a tf_keras Dense).
      message: /Only instances of `keras\.Layer` can be added to a Sequential model\.(?: Received: <(?<objectClass>[\w.]+)(?: object|$)|(?: \w*:?)*$)/,
      weight: 0.75,
      means: "an object that is not a Keras 3 layer was added to a Keras 3 model",
    },
    {
      type: /^TypeError$/,
      // Keras 2 Sequential.add (tf.keras 2.x and tf_keras) receiving a Keras 3 layer.
      // tf_keras 2.21 prints "Received: layer=<Dense name=dense, built=False> of type <class 'keras.src...Dense'>."
      message: /The added layer must be an instance of class Layer\.(?: (?:Found|Received): (?:layer=<[^>]*> of type <class '|<)?(?<objectClass>[\w.]+)|(?: \w*:?)*$)/,
      weight: 0.75,
      means: "an object that is not a Keras 2 layer was added to a Keras 2 model",
    },
    {
      type: /^ValueError$/,
      // Also "A KerasTensor is symbolic ... You cannot convert it to a NumPy array": a tf_keras layer (hub.KerasLayer,
      // tensorflow_addons) called on a Keras 3 tensor, printed inside tf_keras' "Exception encountered when calling".
      message: /(?<kerasTensor>A KerasTensor cannot be used as input to a TensorFlow function|A KerasTensor is symbolic: it's a placeholder)/,
      weight: 0.85,
      means: "a Keras 3 symbolic tensor went into a TensorFlow function (Keras 2 code style)",
    },
    {
      type: /^ValueError$/,
      // Keras 3 functional deserialization when custom_objects hands it a tf_keras layer class (captured with a
      // tf_keras subclass passed for a Keras 2 .h5's custom layer).
      message: /Unexpected object from deserialization, expected a layer or operation, got a(?: <class '(?<objectClass>[\w.]+)(?:'>|$)|\s*$)/,
      weight: 0.6,
      means: "a class given to Keras 3 is not a Keras 3 layer (often a tf.keras / tf_keras subclass)",
    },
    {
      // The same switch when TF's lazy loader imports tf_keras itself (TF 2.16-2.17): the missing module is named,
      // so this needs no environment facts to tell it from keras-not-installed.
      type: /^(?:ModuleNotFoundError|ImportError)$/,
      message: /No module named '(?=(?<legacyModule>tf_keras))(?<legacyFlag>tf_keras)[\w.]*'/,
      frame: /lazy_loader/,
      weight: 0.88,
      means: "TensorFlow was told to use tf_keras (TF_USE_LEGACY_KERAS) but cannot import it",
    },
    {
      type: /^ImportError$/,
      // TensorFlow ≥ 2.16 lazy_loader: with TF_USE_LEGACY_KERAS set and tf_keras missing it logs a warning and
      // then raises this; `when` needs Keras itself to be importable, or this is keras-not-installed.
      message: /(?<legacyFlag>Keras cannot be imported)\. Check that it is installed\./,
      frame: /lazy_loader/,
      weight: 0.5,
      means: "TensorFlow was told to use tf_keras (TF_USE_LEGACY_KERAS) but cannot import it",
    },
    {
      // The same line pasted alone (no lazy_loader frame): one of two readings, with keras-not-installed.
      type: /^ImportError$/,
      message: /^(?<legacyFlag>Keras cannot be imported)\. Check that it is installed\.?\s*$/,
      weight: 0.45,
      means: "TensorFlow ≥ 2.16 could not import the Keras it was set to use (tf_keras when TF_USE_LEGACY_KERAS is set)",
    },
    {
      type: /^AttributeError$/,
      message: /`(?<legacyApi>tf\.compat\.v[12]\.keras|[\w.]+)` is not available with Keras 3/,
      weight: 0.8,
      means: "Keras 2-only TensorFlow API used while tf.keras is Keras 3",
    },
    BUILTIN_ELSEWHERE_MATCHER,
    // The Keras 2 era (issue 22): standalone multi-backend keras 2.2-2.3 (frames of files only it has) reading a
    // file tf.keras wrote, or handed tf.keras objects. The empty `standalone` group marks that the frames were seen.
    {
      ...BUILTIN_ELSEWHERE_MATCHER,
      // Only class names of initializers, regularizers and constraints (GlorotUniform): tf.keras writes them as
      // classes, while a lower-case function name (swish) may just as well be the user's own.
      message: /(?<standalone>)Unknown (?<elsewhereKind>initializer|regularizer|constraint): ?'?(?<elsewhereName>[A-Z]\w*)'?(?:[.,)\s]|$)/,
      frame: STANDALONE_KERAS_FRAME,
      weight: 0.8,
      means: "standalone keras does not know a built-in name tf.keras writes",
    },
    {
      // tf.keras (TF 1.15+) writes InputLayer(ragged=...); standalone keras 2.2-2.3's InputLayer has no such argument
      // ("got an expected keyword" is a paste's typo of it).
      type: /^TypeError$/,
      message: /(?:InputLayer\.)?__init__\(\) got an (?:un)?expected keyword argument '(?<tfKerasArgument>ragged)'/,
      weight: 0.86,
      means: "an InputLayer argument only tf.keras writes, refused by standalone keras",
    },
    {
      // Standalone keras 2.2.x layers called on tensors of tf.keras / TensorFlow 2 (its Node has no output_masks).
      type: /^AttributeError$/,
      message: /'Node' object has no attribute '(?<kerasInternal>output_masks|inbound_layers|outbound_layer)'/,
      weight: 0.8,
      means: "standalone keras layers met tensors or layers of tf.keras",
    },
    {
      // The same meeting seen from the tensors: standalone keras 2.x (or code written for it) reading its private
      // attributes off a TensorFlow or tf.keras tensor, or refusing one as not symbolic.
      type: /^(?:AttributeError|ValueError)$/,
      message: /'(?:Tensor|EagerTensor|KerasTensor|SymbolicTensor)' object has no attribute '(?<kerasInternal>_keras_history|_keras_shape|_keras_mask|_uses_learning_phase)'|was called with an input that isn't a (?<kerasInternal2>symbolic tensor)\. Received type: <class 'tensorflow\./,
      weight: 0.72,
      means: "Keras code of one library met a tensor of the other",
    },
    {
      // A tf.keras 2.4+ symbolic tensor handed to a TensorFlow API (the Keras 2 wording of the Keras 3 KerasTensor
      // error below).
      type: /^TypeError$/,
      message: /(?<kerasTensor>Keras symbolic inputs\/outputs do not implement `__len__`)/,
      weight: 0.75,
      means: "a Keras symbolic tensor was passed to a TensorFlow function",
    },
    {
      // An object of one Keras library handed to the other's get(): "Could not interpret optimizer identifier:
      // <tensorflow.python.keras.optimizer_v2.adam.Adam object at 0x...>" in standalone keras.
      type: /^(?:ValueError|TypeError)$/,
      message: /Could not interpret \w+(?: function)? identifier:'?,? <(?<objectClass>(?:tensorflow(?:_core)?\.python\.keras|tensorflow\.keras|keras\.src|tf_keras|keras)\.[\w.]+) object/,
      weight: 0.82,
      means: "an object from the other Keras library was passed where this one expected its own",
    },
    {
      // TensorFlow 2.16+ has no tf.compat.v1.keras / tf.compat.v2.keras when Keras 3 is its tf.keras.
      type: /^(?:ModuleNotFoundError|ImportError)$/,
      message: /No module named '(?<legacyApi>tensorflow\.compat\.v[12]\.keras)[\w.]*'/,
      weight: 0.8,
      means: "Keras 2-only TensorFlow API used while tf.keras is Keras 3",
    },
    {
      // A library whose models are tf.keras (Keras 2) objects running on Keras 3: its frames and Keras 3's own
      // (keras/src/layers/layer.py, ops/, backend/...; the `keras3Frame` capture) in one traceback, whatever broke
      // first (transformers' TF models on TF 2.16+ fail in their build or call with a TypeError/AttributeError).
      message: /(?<keras2Library>)/,
      frame: /(?:^|\/)(?:transformers\/modeling_tf_\w+|tensorflow_hub\/\w+|tensorflow_addons\/[\w/]+|tf_keras\/[\w/]+)\.py$/,
      weight: 0.6,
      means: "code written for tf.keras (Keras 2) runs on Keras 3 objects in one call",
    },
    // Keras 2 content errors, claimed only when tf_keras wrote the file (see `when`).
    ...keras2InKeras3Matchers.map((matcher) => ({ ...matcher, weight: (matcher.weight ?? 0.8) * 0.9 })),
  ],
  when: (captures, facts) => {
    const v = versionFacts(facts);
    // Both libraries' frames must be there; with an environment, its Keras must be Keras 3.
    if (captures.keras2Library !== undefined) return captures.keras3Frame === "yes" && (!facts.env || facts.env.loader === "keras3") ? 1 : false;
    if (captures.tfKerasArgument !== undefined || captures.kerasInternal !== undefined || captures.kerasInternal2 !== undefined) {
      if (!facts.env) return 1;
      return facts.env.loader === "keras2" ? 1.3 : 0.6;
    }
    if (captures.standalone !== undefined && !facts.env) {
      // Standalone keras frames: the name must be one tf.keras exports and multi-backend keras does not.
      if (captures.elsewhereName !== undefined) {
        const lines = linesExporting(kindsOf(captures.elsewhereKind ?? ""), captures.elsewhereName);
        return lines.includes("tf-keras2") && !lines.includes("keras2") ? 1.1 : false;
      }
      return 1.1;
    }
    if (captures.elsewhereName !== undefined) {
      // tf.keras exports it and multi-backend keras does not: a tf.keras file read by `import keras` (2.x).
      const lines = linesExporting(kindsOf(captures.elsewhereKind ?? ""), captures.elsewhereName);
      if (!lines.includes("tf-keras2") || lines.includes("keras2")) return false;
      if (!facts.env) return 0.8;
      return facts.env.loader === "keras2" && facts.env.packages?.tensorflow ? 1.6 : false;
    }
    if (captures.topClass) {
      if (!facts.env) return 0.7;
      const tf = /^(\d+)\.(\d+)/.exec(facts.env.packages?.tensorflow ?? "");
      const tfReadsIt = tf !== null && (Number(tf[1]) > 2 || (Number(tf[1]) === 2 && Number(tf[2]) >= 3));
      return facts.env.loader === "keras2" && tfReadsIt ? 2 : false;
    }
    if (captures.legacyModule) return true;
    if (captures.legacyFlag) {
      // Without an environment it stays one reading of two (keras-not-installed is the other).
      if (!facts.env) return 0.8;
      const keras = facts.env?.packages?.keras;
      return keras && !facts.env?.packages?.tf_keras ? 1.6 : false;
    }
    if (captures.module) return KERAS2_MODULE.test(captures.module) ? 1.1 : false;
    if (captures.objectClass) {
      // A class from either Keras library named where the other one was expected.
      const kerasClass = KERAS2_MODULE.test(captures.objectClass) || /^keras\.src\./.test(captures.objectClass);
      return kerasClass ? 1.25 : facts.env?.packages?.tf_keras ? 1 : 0.8;
    }
    if (captures.kerasTensor || captures.legacyApi) return true;
    // The shared Keras 2 content matchers: only for a file tf_keras (2.16+) wrote, read by Keras 3.
    return v.relation === "tfkeras-in-keras3" ? 1.25 : false;
  },
  detect: (facts) => {
    const v = versionFacts(facts);
    if (v.relation !== "tfkeras-in-keras3") return null;
    return {
      confidence: 0.7,
      captures: { fileVersion: v.fileVersion ?? "" },
      evidence: [
        `the file says keras_version ${v.fileVersion}: only tf_keras writes Keras 2 versions after 2.15`,
        `this Python loads with Keras ${v.loaderVersion ?? "3"}${facts.env?.packages?.tf_keras ? `, and tf_keras ${facts.env.packages.tf_keras} is installed beside it` : ""}`,
      ],
    };
  },
  culprit: (captures, facts) => {
    if (captures.fileVersion && !captures.className && !captures.objectClass) {
      return `file by tf_keras ${captures.fileVersion}, loaded by Keras ${versionFacts(facts).loaderVersion ?? "3"}`;
    }
    return whatMixed(captures);
  },
  start: "explain",
  steps: versionSteps({
    explain: (ctx) => {
      const v = versionFacts(ctx);
      const c = ctx.diagnosis.captures;
      if (c.legacyFlag) {
        return paragraphs(
          [text("TF_USE_LEGACY_KERAS=1 tells TensorFlow to use tf_keras (Keras 2) for tf.keras, but tf_keras is not installed, so TensorFlow gives up with "), code("Keras cannot be imported"), text(".")],
          "Either install tf_keras (same minor version as TensorFlow), or unset TF_USE_LEGACY_KERAS to use Keras 3.",
        );
      }
      if (isStandaloneEra(c)) {
        return paragraphs(
          "Standalone multi-backend keras (`import keras`, 2.2–2.3) and TensorFlow's own tf.keras are two libraries. This file or these objects come from tf.keras, and standalone keras does not know them.",
          [text("Here: "), code(whatMixed(c)), text(".")],
          "Load the file with the library that wrote it: `from tensorflow import keras` (or `tf.keras.models.load_model`), or install the standalone Keras that matches it. Do not combine `keras.*` and `tf.keras.*` objects in one program.",
        );
      }
      if (c.kerasTensor || c.objectClass || c.legacyApi) {
        return paragraphs(
          "Keras 3 (`import keras`, and tf.keras from TensorFlow 2.16 on) and Keras 2 (`import tf_keras`, or tf.keras with TF_USE_LEGACY_KERAS=1, or TensorFlow ≤ 2.15) are two libraries. Their layers, models and tensors cannot be combined.",
          [text("Here: "), code(whatMixed(c)), text(".")],
          "Use one of them everywhere in the program: the imports (`keras` vs `tf_keras` / `tf.keras`), your custom layers' base class, and the loader.",
        );
      }
      return paragraphs(
        `tf_keras ${v.fileVersion ?? "(Keras 2)"} wrote this file, and this Python loads it with Keras ${v.loaderVersion ?? "3"}. tf_keras files are Keras 2 files: Keras 3 cannot import their classes${c.module ? ` (${c.module})` : ""}.`,
        writtenByTfKeras(v.fileVersion)
          ? "The file was probably saved with TF_USE_LEGACY_KERAS=1 set, or with `import tf_keras`. Load it the same way."
          : "Load it with the same library that saved it.",
      );
    },
    tryFix: (ctx: StepContext): LoadFix | null =>
      ctx.diagnosis.captures.legacyFlag || ctx.diagnosis.captures.kerasTensor || isStandaloneEra(ctx.diagnosis.captures) || !tfKerasInstalled(ctx) ? null : { legacyKeras: true },
    tryLabel: "Load it with tf_keras, the library that saved it, and check",
    fixedBody: (ctx) =>
      paragraphs(
        "It loads with tf_keras:",
        [
          python(
            [
              "import os",
              'os.environ["TF_USE_LEGACY_KERAS"] = "1"  # before TensorFlow is imported',
              "import tf_keras",
              `model = tf_keras.models.load_model(${JSON.stringify(ctx.modelPath ?? ctx.file?.path ?? "model.keras")})`,
            ].join("\n"),
          ),
        ],
        "Keep this model in tf_keras (its layers, callbacks and optimizers from tf_keras too). To move it to Keras 3, rebuild the architecture with `import keras` and load the weights saved by tf_keras with model.save_weights(\"weights.h5\").",
      ),
    rebuildBody: (ctx) =>
      paragraphs(
        "Rebuild with one library only: import keras (Keras 3) everywhere, make custom layers subclass keras.layers.Layer, wrap TensorFlow functions in a layer (or use keras.ops), then load the weights:",
        [python(["import keras", "model = build_model()  # Keras 3 code only", `model.load_weights(${JSON.stringify(ctx.modelPath ?? "weights.h5")})`].join("\n"))],
      ),
  }),
};
