// A file written by Keras 3 is read by Keras 2 (tf.keras in TensorFlow ≤ 2.15, tf_keras, multi-backend Keras),
// which knows neither its InputLayer `batch_shape`, nor its keras.src.models modules, nor its DTypePolicy dicts.
// Proved by keras3/sequential.keras|.h5 and keras3/functional_nested.keras in the keras2 env and through tf_keras.
import { EITHER_CONFIG_SHAPE, KERAS2_CONFIG_SHAPE } from "../file-from-newer-keras/config-shape.js";
import { kerasZipInOldLoader, zipCulprit, zipInOldLoaderVerdict } from "../file-from-newer-keras/keras-zip-in-old-loader.js";
import { code, paragraphs, python, text } from "../../src/core/content.js";
import type { Cause, Facts } from "../../src/core/types.js";
import { builtinsFor } from "../../src/core/versions/builtins.js";
import { versionFacts } from "../../src/core/versions/versions.js";
import { versionSteps } from "../_shared/version-steps.js";
import { r9Alone } from "../_shared/wrapper-first-line.js";

/** A layer only Keras 3 has: in the Keras 3 catalogue, in no Keras 2 one. */
function keras3OnlyLayer(name: string): boolean {
  return builtinsFor("keras3").has("layers", name) && !builtinsFor("tf-keras2").has("layers", name) && !builtinsFor("keras2").has("layers", name);
}

function loaderName(facts: Facts): string {
  const v = versionFacts(facts);
  if (facts.env?.loader === "tf_keras") return `tf_keras ${v.loaderVersion ?? ""}`.trim();
  return `Keras ${v.loaderVersion ?? "2"}`;
}

export const keras3FileInKeras2: Cause = {
  id: "keras3-file-in-keras2",
  title: "A Keras 3 file is being loaded by Keras 2",
  summary: (ctx) =>
    paragraphs([
      text(`Keras ${versionFacts(ctx).fileVersion ?? "3"} saved this file; ${loaderName(ctx)} cannot read Keras 3 files (it stops at `),
      code(ctx.diagnosis.culprit ?? "the first Keras 3 setting"),
      text(")."),
    ]),
  matchers: [
    {
      type: /^(?:ValueError|TypeError)$/,
      // tf-keras / Keras 2 engine/input_layer.py: Keras 3 InputLayer configs say batch_shape (and optional, 3.4+).
      message: /Unrecognized keyword arguments: \[(?<keywords>[^\]]*'(?<keyword>batch_shape)'[^\]]*)\]/,
      weight: 0.9,
      means: "Keras 2 does not know the Keras 3 InputLayer argument batch_shape",
    },
    {
      type: /^TypeError$/,
      // R2: Keras 3 modules that Keras 2 cannot import; tf_keras first rewrites keras.* to tf_keras.*.
      message:
        /Could not deserialize class '(?<className>\w+)' because its parent module (?<module>(?:tf_)?keras\.src\.(?:models|layers|ops|backend|trainers|dtype_policies|saving|losses|metrics|optimizers)(?:\.[\w.]+)?)(?: cannot be imported|(?: \w*)*$)/,
      weight: 0.9,
      means: "the file names a Keras 3 module that Keras 2 does not have",
    },
    {
      type: /^ValueError$/,
      // R10 in Keras 2.11+ / tf_keras for a class only Keras 3 has; also an unknown DTypePolicy.
      message: /Unknown (?:layer|dtype policy|object): '(?<className>\w+)'/,
      weight: 0.6,
      means: "Keras 2 does not have a class only Keras 3 writes",
    },
    {
      type: /^TypeError$/,
      // The same InputLayer arguments refused by older Keras 2 wordings: multi-backend Keras / tf.keras ≤ 2.x
      // validate_kwargs ("Keyword argument not understood") and a plain __init__ (TF 1.x InputLayer). No Keras 2
      // ever wrote batch_shape (it wrote batch_input_shape), so a Keras 3 file leads over a newer Keras 2 one.
      message: /(?:\('Keyword argument not understood:', '|__init__\(\) got an unexpected keyword argument ')(?<keyword>batch_shape)'/,
      weight: 0.88,
      means: "this Keras 2 does not know the Keras 3 InputLayer argument batch_shape",
    },
    KERAS2_CONFIG_SHAPE,
    EITHER_CONFIG_SHAPE,
    ...kerasZipInOldLoader(0.74, 0.5),
    {
      // Only R9's first line pasted, around an InputLayer holding Keras 3's batch_shape (captured: TF 2.15 on Keras 3
      // files, fixtures/tracebacks/_matrix).
      message: r9Alone("(?<className>InputLayer)", "\\{[^\\n]*?'(?<keyword>batch_shape)':"),
      weight: 0.7,
      means: "the InputLayer's config holds batch_shape, which only Keras 3 saves (the inner error was not pasted)",
    },
    {
      // A class Keras 2 cannot locate whose saved module is one only Keras 3 has: Keras 3 records its models as
      // keras.src.models.* (Keras 2.13-2.15 as keras.src.engine.*), its operations as keras.src.ops.*.
      type: /^(?:TypeError|ValueError)$/,
      message: /Could not (?:locate|deserialize) class '(?<className>\w+)'[\s\S]*?'module': '(?<module>keras\.src\.(?:models|ops|backend)\.[\w.]+)'/,
      weight: 0.88,
      means: "the file names a module only Keras 3 has",
    },
    {
      // Keras 3 writes the Functional class into `.h5` files too, which TF ≤ 2.3 and multi-backend Keras do not know
      // (captured: tf115-py36 on a Keras 3.15 nested functional .h5); a TF 2.4–2.15 file is the other reading.
      type: /^ValueError$/,
      message: /^Unknown layer: '?(?<functionalClass>Functional)'?(?:\.|\s|$)/,
      weight: 0.5,
      means: "an old loader does not know the Functional class, which Keras 3 writes too",
    },
  ],
  when: (captures, facts) => {
    const v = versionFacts(facts);
    if (v.relation === "keras3-in-keras2") return 1.15;
    if (v.relation !== "unknown" && v.loaderLine === "keras3") return false;
    const zip = zipInOldLoaderVerdict(captures, facts);
    if (zip !== undefined) return zip && v.relation !== "newer-file";
    if (captures.functionalClass !== undefined) return v.relation === "unknown";
    if (captures.module || captures.keyword || captures.configShape !== undefined) return true;
    return captures.className === "DTypePolicy" || keras3OnlyLayer(captures.className ?? "") ? 1 : false;
  },
  detect: (facts) => {
    const v = versionFacts(facts);
    if (v.relation !== "keras3-in-keras2") return null;
    return {
      confidence: 0.8,
      captures: { fileVersion: v.fileVersion ?? "" },
      evidence: [`Keras ${v.fileVersion} saved the file; this Python loads with ${loaderName(facts)}, which cannot read Keras 3 files`],
    };
  },
  culprit: (captures, facts) => {
    const v = versionFacts(facts);
    const what =
      captures.keyword ??
      (captures.module ? `${captures.module}.${captures.className}` : captures.className) ??
      zipCulprit(captures);
    if (!v.fileVersion) return what ?? null;
    // Read as a sentence after "At fault:": the name first, then who wrote it and who cannot read it.
    if (what) return `${what}, written by Keras ${v.fileVersion} and unknown to ${loaderName(facts)}`;
    return `a file from Keras ${v.fileVersion}, which ${loaderName(facts)} cannot read`;
  },
  start: "explain",
  steps: versionSteps({
    explain: (ctx) =>
      paragraphs(
        `Keras ${versionFacts(ctx).fileVersion ?? "3"} saved this file; this Python loads it with ${loaderName(ctx)}.`,
        "Keras 3 files do not load in Keras 2: Keras 3 saves its input layer with batch_shape, names its own modules (keras.src.models...) and stores dtypes as DTypePolicy objects, none of which Keras 2 knows. The fix is to load it with Keras 3: TensorFlow 2.16 or newer, or standalone keras 3.",
        ...(ctx.env?.loader === "tf_keras"
          ? [[text("This Python has Keras 3 too, but TF_USE_LEGACY_KERAS=1 routes loading to tf_keras: unset it (or use "), code("import keras"), text(") for this file.")]]
          : []),
      ),
    // Nothing in a Keras 2 loader can read it; the probe has no "load without TF_USE_LEGACY_KERAS" fix to verify.
    tryFix: null,
    tryLabel: "",
    fixedBody: () => [],
    rebuildBody: (ctx) =>
      paragraphs(
        "To stay on Keras 2: in a Keras 3 environment load the file and save it as legacy HDF5 (model.save(\"for_keras2.h5\")). Keras 2 cannot load that as a model either, but it can load its weights into the same architecture built in Keras 2 code (checked here: Keras 2.15 reads a Keras 3.15 .h5 this way):",
        [python(["model = build_model()  # same layers, same order, in Keras 2", 'model.load_weights("for_keras2.h5")'].join("\n"))],
        `(${ctx.modelPath ?? "The file"} itself cannot be read by Keras 2.)`,
      ),
  }),
};
