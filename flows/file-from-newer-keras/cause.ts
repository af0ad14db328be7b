// The loader is older than the Keras that wrote the file, on the same line: it meets a layer class or a
// constructor argument added later. Seen as `Unknown layer: Functional` (TF ≤ 2.2 / Keras ≤ 2.3.1 reading TF ≥ 2.3
// files), `('Keyword argument not understood:', 'groups')` (the same old loaders), and in Keras 3 as
// "Unrecognized keyword arguments passed to X" or an unknown class added in a later 3.x.
import { BUILTIN_ELSEWHERE_MATCHER, builtinElsewhere, kindsOf } from "../_shared/builtin-elsewhere.js";
import { EITHER_CONFIG_SHAPE, KERAS2_CONFIG_SHAPE, KERAS3_CONFIG_SHAPE } from "./config-shape.js";
import { kerasZipInOldLoader, zipCulprit, zipInOldLoaderVerdict } from "./keras-zip-in-old-loader.js";
import { code, paragraphs, python, text } from "../../src/core/content.js";
import type { Cause, Facts } from "../../src/core/types.js";
import { builtinsFor } from "../../src/core/versions/builtins.js";
import { versionFacts } from "../../src/core/versions/versions.js";
import { compareVersions } from "../../src/core/versions/numbers.js";
import { KERAS2_ONLY_KWARGS, KERAS2_ONLY_LAYERS, KERAS3_KWARGS_ADDED, KERAS3_LAYERS_ADDED } from "../../src/core/versions/tables.js";
import { versionSteps } from "../_shared/version-steps.js";
import { KERAS_MODULE, r8Alone, r9Alone } from "../_shared/wrapper-first-line.js";

// Names the old loaders did not know yet although they are Keras built-ins: `Functional` arrived with TF 2.3,
// the TF-op layers with TF 2.4.
const LATER_KERAS2_NAMES = new Set(["Functional", "TFOpLambda", "SlicingOpLambda"]);

function isKerasBuiltin(name: string): boolean {
  return LATER_KERAS2_NAMES.has(name) || name in KERAS3_LAYERS_ADDED || builtinsFor(null).has("layers", name);
}

export const fileFromNewerKeras: Cause = {
  id: "file-from-newer-keras",
  title: "The file was saved by a newer Keras than the one loading it",
  summary: (ctx) => {
    const v = versionFacts(ctx);
    const what = ctx.diagnosis.captures.keyword ?? ctx.diagnosis.captures.className;
    return paragraphs([
      text(`Keras ${v.fileVersion ?? "(newer)"} saved this file; Keras ${v.loaderVersion ?? "(older)"} is loading it`),
      ...(what ? [text(" and does not know "), code(what)] : []),
      text("."),
    ]);
  },
  matchers: [
    {
      type: /^ValueError$/,
      // R10' without quotes: multi-backend Keras ≤ 2.3.1 and TF ≤ 2.5 tf.keras (tf21-py37 reading a TF 2.15 config).
      message: /^Unknown layer: (?<className>[A-Za-z_]\w*)\s*$/,
      weight: 0.8,
      means: "an old loader does not know a Keras built-in layer that newer versions write",
    },
    {
      type: /^TypeError$/,
      // Keras 2 generic_utils.validate_kwargs raises TypeError(message, kwarg): Python prints the tuple.
      message: /\('Keyword argument not understood:', '(?<keyword>\w+)'\)/,
      weight: 0.85,
      means: "an old loader refuses a constructor argument that newer versions save",
    },
    {
      // tf.keras 1.x (TF 1.13-1.14) base_layer: ValueError(('Unrecognized keyword arguments:', kwargs.keys())).
      type: /^(?:ValueError|TypeError)$/,
      message: /\('Unrecognized keyword arguments:', dict_keys\(\['(?<keyword>\w+)'/,
      weight: 0.8,
      means: "an old tf.keras refuses a constructor argument that newer versions save",
    },
    {
      type: /^(?:ValueError|TypeError)$/,
      message: /Unrecognized keyword arguments passed to (?<className>\w+): \{'(?<keyword>\w+)'/,
      weight: 0.6,
      means: "this Keras 3 refuses a constructor argument the file's Keras saved",
    },
    {
      type: /^TypeError$/,
      // R1/R1': Keras 3 could not find a class; `when` keeps only Keras built-ins added after the loader's version.
      message: /Could not locate class '(?<className>\w+)'/,
      weight: 0.6,
      means: "this Keras 3 does not have a built-in class the file uses",
    },
    {
      type: /^ValueError$/,
      // R10 (quoted) on the legacy H5 path of Keras 3, for a layer added in a later Keras 3.
      message: /Unknown layer: '(?<className>\w+)'/,
      weight: 0.6,
      means: "this Keras does not have a built-in layer the file uses",
    },
    {
      type: /^ValueError$/,
      // Issue 9 §8: a variables-count error on a `.keras` that a newer Keras 2 wrote (its layers save other
      // variables than this Keras builds). Only the file's own version can say so: `when` requires it.
      message: /Layer '(?<variablesLayer>[^']+)' expected \d+ variables, but received \d+ variables during loading/,
      weight: 0.8,
      means: "a layer of this file saved other variables than this older Keras builds",
    },
    {
      type: /^ValueError$/,
      // tf.keras 2.3-2.15 / tf_keras TFOpLambda.from_config (mined table): the file calls a TensorFlow function this
      // TensorFlow does not have, because a newer one wrote it.
      message: /(?:TF|TensorFlow) symbol `(?<tfSymbol>[\w.]+)` could not be found/,
      weight: 0.8,
      means: "the file calls a TensorFlow function this TensorFlow does not have",
    },
    KERAS3_CONFIG_SHAPE,
    KERAS2_CONFIG_SHAPE,
    EITHER_CONFIG_SHAPE,
    BUILTIN_ELSEWHERE_MATCHER,
    ...kerasZipInOldLoader(0.7, 0.44),
    {
      // Only R9's first line pasted, around a built-in class whose config Keras 3 wrote ('module': 'keras...'): an
      // argument a newer Keras 3 added is one reading (captured: Keras 3.5 on Keras 3.15 files).
      message: r9Alone("(?<newerConfigClass>\\w+)", "\\{[^\\n]*?'module': '(?:keras|tf_keras)[.']"),
      weight: 0.45,
      means: "a built-in class could not be rebuilt from a config Keras 3 wrote; a newer Keras 3 is one reading",
    },
    {
      // Only the first line of Keras 3's R8 wrapper around a model or a built-in layer or initializer: something in
      // it could not be rebuilt, which a newer file's layer or argument does often (the inner error was not pasted).
      message: r8Alone(`${KERAS_MODULE}(?:models|engine|layers|initializers|regularizers|constraints)\\.[\\w.]+`, "configShape"),
      weight: 0.45,
      means: "Keras could not rebuild part of the model; a newer file is one reading (the inner error was not pasted)",
    },
  ],
  when: (captures, facts) => {
    // Class and keyword errors mean a file only while something is being loaded (not while the user builds a model).
    if (captures.stackShows === "other") return false;
    const v = versionFacts(facts);
    if (captures.variablesLayer !== undefined) return v.relation === "newer-file" && facts.file?.format === "keras-zip" ? 1.4 : false;
    if (v.relation === "keras2-in-keras3" || v.relation === "tfkeras-in-keras3" || v.relation === "keras3-in-keras2") return false;
    const zip = zipInOldLoaderVerdict(captures, facts);
    if (zip !== undefined) return zip ? (v.relation === "newer-file" ? 1.3 : 1) : false;
    if (captures.newerConfigClass !== undefined) return isKerasBuiltin(captures.newerConfigClass) ? (v.relation === "newer-file" ? 1.3 : 1) : false;
    if (captures.tfSymbol !== undefined) return v.relation === "newer-file" ? 1.3 : 1;
    if (captures.elsewhereName !== undefined) {
      // Some Keras exports the name, but not every one: an older loader than the file's is one reading.
      if (!builtinElsewhere(kindsOf(captures.elsewhereKind ?? ""), captures.elsewhereName)) return false;
      return v.relation === "newer-file" ? 1.4 : v.relation === "unknown" ? 0.75 : false;
    }
    // A config of another shape: a newer file on the same line is the reading the facts can confirm.
    if (captures.configShape !== undefined) return v.relation === "newer-file" ? 1.4 : v.relation === "unknown" ? 1 : 0.6;
    const name = captures.className;
    const keyword = captures.keyword;
    if (keyword) {
      // A custom layer refusing an argument is its own config problem (custom-object-config), whatever the versions.
      if (name && !isKerasBuiltin(name)) return false;
      // Keras 2 arguments that Keras 3 dropped belong to keras2-file-in-keras3 unless the facts say "newer file".
      if (v.relation === "newer-file") return 1.4;
      if (KERAS2_ONLY_KWARGS.includes(keyword) && captures.className) return false;
      const added = KERAS3_KWARGS_ADDED.some((entry) => entry.kwarg === keyword && (!name || !entry.className || entry.className === name));
      return added ? 1.2 : 1;
    }
    if (!name || !isKerasBuiltin(name)) return false;
    if (KERAS2_ONLY_LAYERS.includes(name) && facts.env?.loader === "keras3") return false;
    const added = KERAS3_LAYERS_ADDED[name];
    if (added && v.loaderVersion && compareVersions(v.loaderVersion, added.inKeras) >= 0) return false;
    if (v.relation === "newer-file" || added) return 1.3;
    return LATER_KERAS2_NAMES.has(name) ? 1.1 : 0.9;
  },
  detect: (facts) => {
    const v = versionFacts(facts);
    if (v.relation !== "newer-file") return null;
    const newer = (facts.file?.layerClasses ?? []).filter((name) => {
      const added = KERAS3_LAYERS_ADDED[name];
      return added && v.loaderVersion && compareVersions(v.loaderVersion, added.after) <= 0;
    });
    const evidence = [`Keras ${v.fileVersion} saved the file; this Python loads with the older Keras ${v.loaderVersion}`];
    if (newer.length > 0) evidence.push(`the file uses layers added after Keras ${v.loaderVersion}: ${newer.join(", ")}`);
    return {
      confidence: newer.length > 0 ? 0.85 : 0.55,
      captures: newer.length > 0 ? { className: newer[0] } : ({} as Record<string, string>),
      evidence,
    };
  },
  culprit: (captures, facts) => {
    const what = captures.keyword
      ? `${captures.className ? `${captures.className}(${captures.keyword}=...)` : captures.keyword}`
      : captures.className ?? captures.elsewhereName ?? (captures.tfSymbol ? `tf.${captures.tfSymbol.replace(/^tf\./, "")}` : undefined) ?? zipCulprit(captures);
    const v = versionFacts(facts);
    if (!v.fileVersion || !v.loaderVersion) return what ?? null;
    // Read as a sentence after "At fault:": the name first, then who wrote it and who cannot read it.
    if (what) return `${what}, written by Keras ${v.fileVersion} and unknown to Keras ${v.loaderVersion}`;
    return `a file from Keras ${v.fileVersion}, newer than the Keras ${v.loaderVersion} loading it`;
  },
  start: "explain",
  steps: versionSteps({
    explain: (ctx) => {
      const v = versionFacts(ctx);
      const c = ctx.diagnosis.captures;
      const what = c.keyword ? `the argument ${c.keyword}${c.className ? ` of ${c.className}` : ""}` : c.className ? `the class ${c.className}` : "something in it";
      return paragraphs(
        `The file was saved by Keras ${v.fileVersion ?? "(a newer version)"}; this Python loads it with Keras ${v.loaderVersion ?? "(an older version)"}.`,
        `Keras can read files from older versions, not from newer ones: the older one does not know ${what}, which was added later.`,
        c.className === "Functional"
          ? "TensorFlow 2.3 renamed the functional model class from Model to Functional; TensorFlow ≤ 2.2 and multi-backend Keras ≤ 2.3.1 do not know that name."
          : "Upgrading Keras (or TensorFlow, which pins its Keras) to at least the version that saved the file fixes it.",
      );
    },
    tryFix: null,
    tryLabel: "",
    fixedBody: () => [],
    rebuildBody: (ctx) =>
      paragraphs(
        "If you cannot upgrade: rebuild the architecture in code with this Keras (without the newer layer or argument), then load only the weights:",
        [python(["model = build_model()  # same layers, same order", `model.load_weights(${JSON.stringify(ctx.modelPath ?? ctx.file?.path ?? "model.h5")})`].join("\n"))],
      ),
  }),
};
