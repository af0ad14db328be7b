// What the "a custom object is missing" causes share: the error shapes every Keras line prints when a name in the
// file cannot be resolved, and how the name, the key the file stores and the object's kind are read from the
// captures and the file's facts. custom-layer-missing owns this file; the loss, metric, function, optimizer,
// tfhub and registered-name causes import it so that the six causes cannot drift apart.
import { builtinsFor, type BuiltinKind } from "../../src/core/versions/builtins.js";
import type { CustomObjectKind, CustomObjectRef, Facts, Matcher } from "../../src/core/types.js";
import { KERAS_MODULE, r8Alone, r9Alone } from "./wrapper-first-line.js";

/** The causes of the family, by the kind of object that is missing. */
export type MissingFamily = "layer" | "loss" | "metric" | "optimizer" | "function";

// The Keras-line wordings (research §1a): every matcher captures `name`; legacy ones also `printable` (the kind
// the loader was resolving), Keras 3 R1 `objType` and `fullConfig` (which holds `module` and `registered_name`).
export const MISSING_OBJECT_MATCHERS: Matcher[] = [
  {
    // R1 (Keras 3.0-3.11, tf-keras .keras) and R1' (Keras >= 3.12): fixtures keras-3.15.1--*.
    type: /^TypeError$/,
    // A paste cut off after the name loses the closing quote.
    message: /Could not locate (?<objType>class|function) '(?<name>[^'\s]+)(?:'\.(?:[\s\S]*?Full object config: (?<fullConfig>[\s\S]*))?|'|$)/,
    means: "the loader could not find this name among Keras' objects, the registered ones or custom_objects",
  },
  {
    // R10 (Keras 2.11-2.15, tf-keras, Keras 3 legacy .h5): "Unknown layer: 'ScaledDense'. Please ensure ...".
    type: /^ValueError$/,
    message:
      /Unknown (?<printable>layer|object|config_item|activation function|loss function|metric function|optimizer|initializer|regularizer|constraint|function in Lambda layer|function in wrapper|function|loss|metric): '(?<name>[^'\n]+)(?:'|$)/,
    means: "the legacy loader could not find this name in custom_objects or Keras' own objects",
  },
  {
    // R10' (Keras 2.6-2.10, TF-bundled tf.keras, multi-backend Keras <= 2.3.1): the name unquoted, and for
    // functions looked up by string no space after the colon ("Unknown loss function:weighted_mse", Keras 2.3.1).
    // A Python lambda compiled in as a loss prints as `<lambda>`.
    type: /^ValueError$/,
    message:
      /Unknown (?<printable>layer|object|config_item|activation function|activation|loss function|metric function|optimizer|initializer|regularizer|constraint|function in Lambda layer|function in wrapper|function|loss|metric): ?(?<unquoted>)(?<name>[A-Za-z_][\w.>]*?|<lambda>)(?:\. Please ensure|\s*$)/,
    weight: 0.78,
    means: "an older loader could not find this name in custom_objects or Keras' own objects",
  },
  {
    // R2 with the user's own module: Keras 3.0-3.8 import any `module` a config names, so a missing user module
    // reads "parent module fixture_layers cannot be imported" (fixture keras-3.5.0--custom-layer-unregistered-keras).
    // Keras-family modules (keras.src.engine.functional...) are version problems: see `builtin` in resolveMissing.
    type: /^TypeError$/,
    // A paste cut right after the name keeps only "Could not deserialize class 'Name".
    message: /Could not deserialize (?<objType>class|function) '(?<name>[^'\s]+)(?:' because its parent module (?<parentModule>[\w.]+)(?: cannot be imported(?:\. Full object config: (?<fullConfig>[\s\S]*))?|(?: \w*)*$)|'?(?: \w*)*$)/,
    means: "the module the class was saved from cannot be imported here",
  },
  {
    // R6 (Keras 3, tf-keras): a class saved from __main__ (module null) looked up the legacy way.
    type: /^TypeError$/,
    message: /Cannot deserialize object of type `(?<name>[^`\s]+)(?:`\. If `[^`]+` is a custom class|$)/,
    means: "the loader met a class it cannot import (saved from a script's __main__)",
  },
  {
    // tf-keras / Keras 2 SavedModel (research §1e).
    type: /^ValueError$/,
    message: /Unable to restore custom object of class "(?<name>[^"]+)" \(type (?<identifier>[^)]+)\)/,
    means: "the SavedModel loader could not rebuild this custom class without its code",
  },
  {
    type: /^RuntimeError$/,
    message: /Unable to restore object of class '(?<name>[^'\s]+)(?:'\. One of several possible causes could be a missing custom object|$)/,
    weight: 0.7,
    means: "the SavedModel loader could not rebuild this class; a missing custom object is the usual reason",
  },
  {
    // Keras 3 initializers/regularizers/constraints/activations.get on a serialized object it cannot resolve
    // (fixtures keras-3.15.1--custom-initializer etc.): the stored object is printed as a dict.
    type: /^(ValueError|TypeError)$/,
    message:
      /Could not interpret (?<printable>initializer|regularizer|constraint|constraint function|activation function) identifier:'?,? (?<fullConfig>\{(?=[^}]*?'class_name': '(?<name>[A-Za-z_][\w.>]*))?(?:[\s\S]*\}|[\s\S]*$))/,
    means: "Keras could not resolve a custom object stored inside a layer's config",
  },
  {
    // The same lookups given a bare name (mined table: `get()` of activations/initializers/regularizers/constraints/
    // losses/metrics/optimizers in Keras 2.x, tf.keras 1.x-2.5, Keras 3), and multi-backend Keras 2.0-2.3's tuple
    // form "('Could not interpret loss function identifier:', 'weighted_mse')".
    type: /^(ValueError|TypeError)$/,
    message:
      /Could not interpret (?<printable>initializer|regularizer|constraint|constraint function|activation function|loss function|loss|metric function|metric|optimizer) identifier:'?,? '?(?<name>[A-Za-z_][\w.>]*)'?\)?\s*$/,
    weight: 0.82,
    means: "Keras could not resolve this name among its own objects or custom_objects",
  },
  {
    // Multi-backend Keras 2.0-2.1 printed its "Unknown <kind>: <name>" as a tuple: "('Unknown layer', ':MyLayer')".
    type: /^ValueError$/,
    message: /^\('Unknown (?<printable>layer|object|activation function|loss function|metric function|optimizer|initializer|regularizer|constraint|function in Lambda layer|function|loss|metric)', ':(?<name>[^']+)'\)/,
    means: "the legacy loader could not find this name in custom_objects or Keras' own objects",
  },
  {
    // Keras 1.x get_from_module: "Exception: Invalid layer: X" (also objective, metric, activation, optimizer,
    // regularizer, constraint, initialization), raised as a bare Exception.
    type: /^(?:Exception|ValueError)$/,
    message: /^Invalid (?<printable>layer|objective|metric|activation|optimizer|regularizer|constraint|initialization): ?'?(?<name>[A-Za-z_][\w.>]*)'?\s*$/,
    weight: 0.8,
    means: "Keras 1 could not find this name among its own objects or custom_objects",
  },
  {
    // tf.keras 2.x SavedModel revival of a custom object saved without its code: the identifier names its kind
    // (_tf_keras_metric, _tf_keras_layer, _tf_keras_model, _tf_keras_loss); the class name is not printed.
    type: /^ValueError$/,
    message: /Unable to restore custom object of type _tf_keras_(?<printable>metric|layer|loss|model|network|input_layer|rnn_layer|sequential)(?<kindOnly>)\b/,
    weight: 0.78,
    means: "the SavedModel loader could not rebuild a custom object of this kind without its code",
  },
  {
    // Keras 1.x-2.x optimizers.deserialize of a class name it does not know (mined: optimizer_from_config).
    type: /^ValueError$/,
    message: /^\(?'?(?<printable>Optimizer) class not found:'?,? '?(?<name>[A-Za-z_][\w.>]*)'?\)?/,
    means: "the loader could not find this optimizer class among Keras' optimizers or custom_objects",
  },
  {
    // Keras 2.13-2.15 / tf_keras `.keras` deserialize_keras_object: "Could not interpret serialized layer: {...}".
    type: /^(ValueError|TypeError)$/,
    message: /Could not interpret serialized (?<printable>layer|loss|metric|optimizer|initializer|regularizer|constraint|activation function|\w+): (?<fullConfig>\{(?=[^}]*?'class_name': '(?<name>[A-Za-z_][\w.>]*))?(?:[\s\S]*\}|[\s\S]*$))/,
    weight: 0.75,
    means: "Keras could not resolve a serialized object stored in the file",
  },
  {
    // Only the first line of Keras 3's R8 wrapper around a Keras model: one of its layers could not be rebuilt, and
    // that layer's code missing is the usual reason (a newer file or a custom get_config are the other readings).
    message: r8Alone(`${KERAS_MODULE}(?:models|engine)\\.[\\w.]+\\.(?<innerOf>Sequential|Functional|Model)`),
    weight: 0.5,
    means: "Keras could not rebuild a layer inside this model; a layer's code missing is the usual reason",
  },
  {
    // The same around a built-in layer (Dense): what failed inside it is a function its config names.
    message: r8Alone(`${KERAS_MODULE}layers\\.[\\w.]+\\.(?<innerOfLayer>\\w+)`),
    weight: 0.5,
    means: "Keras could not rebuild this built-in layer; a custom function its config names is the usual reason",
  },
  {
    // Only the first line of Keras 3's R8 wrapper pasted: the class it names could not be rebuilt. R8 prints a class
    // Keras found, so the user's own class failing its from_config (custom-object-config) comes first; a layer of
    // theirs missing inside it is the other reading. Keras' own classes are vetoed as built-ins.
    message: r8Alone("(?:(?<parentModule>[\\w.]+)\\.)?(?<name>\\w+)"),
    weight: 0.4,
    means: "Keras could not rebuild this class from the file; its code missing is the usual reason",
  },
  {
    // Only the wrapper's first line pasted ("Error when deserializing class 'Dense' using config={...}" without the
    // "Exception encountered" part): a function reference inside the layer's config is the likely culprit.
    message: r9Alone("(?<wrappedClass>[^']+)", "[\\s\\S]*?'class_name': '(?<objType>function)', 'config': '(?<name>[A-Za-z_]\\w*)(?:'|$)"),
    weight: 0.6,
    means: "the layer's config refers to a custom function by name, which this Keras could not rebuild",
  },
  {
    // The same first line from a legacy `.h5` config, where functions are stored as bare names ('activation':
    // 'swishy'): resolveMissing takes the first name no Keras line exports (captured: Keras 3.15 on a TF 2.1 file).
    message: r9Alone("(?<wrappedClass>[^']+)", "(?<functionsConfig>\\{[\\s\\S]*)$"),
    weight: 0.55,
    means: "the layer's config names a function no Keras exports, which this Keras could not rebuild",
  },
  {
    // Keras 2.13-2.15 `.keras` path for a function reference: "Unknown activation function '{...}' cannot be
    // deserialized." (fixture tf-keras-2.15--custom-activation-keras).
    type: /^ValueError$/,
    message: /Unknown (?<printable>activation function|loss function|metric function|initializer|regularizer|constraint) '(?<fullConfig>\{[\s\S]*?(?:\}(?=' cannot be deserialized)|$))/,
    means: "Keras could not resolve a custom function stored inside a layer's config",
  },
  {
    // Keras 2.10's experimental `.keras` loader: a function saved from a module this Python cannot import.
    type: /^ImportError$/,
    message:
      /The (?<objType>function) module (?<parentModule>[\w.]+) is not available\. The config dictionary provided is (?<fullConfig>\{(?=[\s\S]*?'config': '(?<name>[A-Za-z_]\w*))[\s\S]*)/,
    means: "the module a custom function was saved from cannot be imported here",
  },
];

/**
 * Wordings that name a layer or a model (mined table, catalogues/messages.json), claimed by custom-layer-missing only.
 */
export const LAYER_ONLY_MATCHERS: Matcher[] = [
  {
    // Keras 2.13-2.15 reading a functional `.keras` whose layer class it cannot resolve keeps the class name (a str)
    // as the layer and calls it in process_node: the message names nothing, the file's custom layer is the one.
    type: /^TypeError$/,
    message: /^'str' object is not callable(?<layerFromFile>)$/,
    frame: /functional\.py|process_node/,
    weight: 0.75,
    means: "Keras kept an unresolved layer's class name in place of the layer, then called it: a layer whose code was not given",
  },
  {
    // tf.keras 2.3-2.7 SavedModel revival: "Unable to restore a layer of class X. Layers of class X require that the
    // class be provided to the model loading code".
    type: /^RuntimeError$/,
    message: /Unable to restore a layer of class (?<name>[A-Za-z_][\w.]*?)(?:\. Layers of class|\s*$)/,
    means: "the SavedModel loader needs this layer's code to rebuild it",
  },
  {
    // tf_keras / Keras 2.x SavedModel: the class is known only by its SavedModel identifier.
    type: /^ValueError$/,
    // The message names only the SavedModel identifier (`_tf_keras_layer`): it stands in for the name.
    message: /Unable to restore custom object of type (?<name>\S+?)\.? Please make sure that any custom layers are included/,
    weight: 0.75,
    means: "the SavedModel loader could not rebuild a custom object without its code",
  },
  {
    // tf_keras / Keras 2.x SavedModel: a custom class saved under a built-in's name is read as the built-in.
    type: /^RuntimeError$/,
    message: /Unable to restore object of class '(?<name>[^']+)' likely due to name conflict with built-in Keras class/,
    weight: 0.75,
    means: "a custom class with a built-in's name was saved; its code must be given to rebuild it",
  },
  {
    // tf.keras 2.2-2.15 / tf_keras SavedModel: a subclassed model that could not be revived without its class.
    type: /^ValueError$/,
    message:
      /(?:Error loading model\(s\) in the SavedModel format\. The following model\(s\) could not be initialized|Error when loading from SavedModel -- the following models could not be initialized): \[?'?(?<name>[A-Za-z_][\w.]*)/,
    weight: 0.6,
    means: "a model saved from a subclass could not be rebuilt without its class' code",
  },
  {
    // Keras 2.10's experimental `.keras` loader for a class it cannot find.
    type: /^TypeError$/,
    message: /^Unrecognized type: (?<name>[A-Za-z_][\w.]*)\s*$/,
    weight: 0.6,
    means: "the loader could not find this class among Keras' objects or custom_objects",
  },
];

/**
 * The wordings that name no kind (Keras 3 R1 "Could not locate class/function X", R2 "... parent module M cannot be
 * imported"): the loss, metric and optimizer causes try them too, a little weaker than the layer and function causes,
 * so that the kind read from the config, module and name decides (guessFamily), and the other kinds stay alternatives.
 */
export const KINDLESS_MATCHERS: Matcher[] = [MISSING_OBJECT_MATCHERS[0], MISSING_OBJECT_MATCHERS[3]].map((matcher) => ({
  ...matcher,
  weight: 0.74,
}));

/** Reads a key's value at the top level of a Python dict repr ("{'module': 'x', 'config': {...}, ...}"). */
export function topLevelReprValue(repr: string, key: string): string | null | undefined {
  const at = topLevelKeyEnd(repr, key);
  if (at < 0) return undefined;
  const rest = repr.slice(at);
  if (rest.startsWith("None")) return null;
  // A paste cut right after the name loses the closing quote: the value then runs to the end.
  const literal = /^'([^']*)(?:'|$)|^"([^"]*)(?:"|$)/.exec(rest);
  return literal ? (literal[1] ?? literal[2]) : undefined;
}

/** Where the value of the repr's own (outermost) `key` starts, or -1 when the dict has no such key. */
function topLevelKeyEnd(repr: string, key: string): number {
  let depth = 0;
  let quote: string | null = null;
  const needle = `'${key}': `;
  for (let i = 0; i < repr.length; i++) {
    const ch = repr[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (depth === 1 && repr.startsWith(needle, i)) return i + needle.length;
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "{" || ch === "[" || ch === "(") depth++;
    else if (ch === "}" || ch === "]" || ch === ")") depth--;
  }
  return -1;
}

// Layers that are built into some Keras line but not another, or that belong to another cause: a loader that
// does not know them needs another Keras, not the user's code (research §1f; catalogues/ cover the rest).
const MODEL_CONTAINERS = new Set(["Functional", "Model", "Sequential"]);
const NOT_CUSTOM_LAYERS = new Set(["TFOpLambda", "SlicingOpLambda", "ClassMethod", "InstanceMethod", "InstanceProperty",
  "Functional", "Model", "Sequential", "KerasLayer", "TFSMLayer"]);

const PRINTABLE_FAMILY: Record<string, MissingFamily | null> = {
  layer: "layer",
  "loss function": "loss",
  loss: "loss",
  "metric function": "metric",
  metric: "metric",
  optimizer: "optimizer",
  Optimizer: "optimizer",
  "activation function": "function",
  activation: "function",
  initializer: "function",
  regularizer: "function",
  constraint: "function",
  "constraint function": "function",
  "function in Lambda layer": "function",
  "function in wrapper": "function",
  function: "function",
  object: null,
  config_item: null,
  // Keras 1 "Invalid <kind>" and tf.keras' SavedModel "_tf_keras_<kind>".
  objective: "loss",
  initialization: "function",
  model: "layer",
  network: "layer",
  sequential: "layer",
  input_layer: "layer",
  rnn_layer: "layer",
};

export function familyOfKind(kind: CustomObjectKind): MissingFamily {
  switch (kind) {
    case "loss":
    case "metric":
    case "optimizer":
      return kind;
    case "activation":
    case "initializer":
    case "regularizer":
    case "constraint":
    case "function":
      return "function";
    default:
      return "layer";
  }
}

export interface MissingObject {
  /** The class or function name, without a package. */
  className: string;
  /** The custom_objects key the loader looks up: registered_name for `.keras`, class_name for legacy files. */
  key: string;
  module: string | null;
  family: MissingFamily | null;
  ref: CustomObjectRef | null;
  /** Whether the name is a Keras built-in of some line (then it is not the user's code that is missing). */
  builtin: boolean;
  /**
   * A function, loss, metric or optimizer name that some Keras lines export and others do not (GlorotUniform, mish):
   * another Keras wrote the file more likely than the user's code is missing, so this reading steps back.
   */
  builtinElsewhere: boolean;
}

function refFor(facts: Facts, names: string[]): CustomObjectRef | null {
  const refs = facts.file?.customObjects ?? [];
  for (const name of names) {
    const ref = refs.find((r) => r.key === name) ?? refs.find((r) => r.className === name || r.registeredName === name);
    if (ref) return ref;
  }
  return null;
}

const FUNCTION_KINDS: BuiltinKind[] = ["activations", "initializers", "regularizers", "constraints"];
const FUNCTION_SLOT = /'(?:activation|recurrent_activation|\w+_(?:initializer|regularizer|constraint))': (?:'(?<bare>[A-Za-z_]\w*)'|\{'class_name': '(?<nested>[A-Za-z_]\w*)')/g;

/** The first function a layer's config names (activation, initializers...) that no Keras line exports. */
function unknownFunctionIn(config: string): string | null {
  for (const slot of config.matchAll(FUNCTION_SLOT)) {
    const name = slot.groups?.bare ?? slot.groups?.nested ?? "";
    if (name === "function") continue;
    const known = (["keras3", "tf-keras2", "keras2"] as const).some((line) => FUNCTION_KINDS.some((kind) => builtinsFor(line).has(kind, name)));
    if (!known) return name;
  }
  return null;
}

/** The missing object a hit names, completed from the file's facts. */
export function resolveMissing(captures: Record<string, string>, facts: Facts): MissingObject {
  let stored = captures.name ?? "";
  let printableFamily: MissingFamily | null = null;
  if (!stored && captures.functionsConfig !== undefined) {
    stored = unknownFunctionIn(captures.functionsConfig) ?? "";
    if (stored) printableFamily = "function";
  }
  let registered: string | null | undefined;
  let module: string | null | undefined;
  const full = captures.fullConfig;
  if (full) {
    module = topLevelReprValue(full, "module");
    registered = topLevelReprValue(full, "registered_name");
    const className = topLevelReprValue(full, "class_name");
    // A function reference stores its name under `config`; `registered_name` "function" is a placeholder.
    if (className === "function") {
      stored = topLevelReprValue(full, "config") ?? stored;
      if (registered === "function") registered = null;
    } else if (!stored && className) {
      stored = className;
    }
  }
  // Keras 2.15 reads its own `.h5` function references as the name 'function' (fixture
  // tf-keras-2.15--custom-activation-h5): the real name sits in the wrapped layer config.
  if (stored === "function" && captures.wrappedConfig) {
    const inner = /'class_name': 'function', 'config': '(?<fn>[^']+)'/.exec(captures.wrappedConfig);
    if (inner?.groups) stored = inner.groups.fn;
  }
  // TF 2.1 prints "Unknown activation: function" with no config to read: the file's facts name the function.
  if (stored === "function") {
    const fn = (facts.file?.customObjects ?? []).find((r) => r.config === null && familyOfKind(r.kind) === "function");
    if (fn) stored = fn.key;
  }
  // A hit that names no object but knows its kind (custom-loss-missing's Keras 3 H5 TypeError) takes the file's.
  if (!stored && captures.layerFromFile !== undefined) {
    stored = (facts.file?.customObjects ?? []).find((r) => familyOfKind(r.kind) === "layer")?.key ?? "";
    printableFamily = "layer";
  }
  if (!stored && captures.lossFamily !== undefined) {
    stored = (facts.file?.customObjects ?? []).find((r) => r.kind === "loss")?.key ?? "";
    printableFamily = "loss";
  }
  // "package>Name" (a registered name); a Python lambda's own name "<lambda>" has no package.
  const at = stored.startsWith("<") ? -1 : stored.lastIndexOf(">");
  const className = at > 0 ? stored.slice(at + 1) : stored;
  const ref = refFor(facts, [registered ?? "", stored, className].filter(Boolean));
  const key = registered ?? ref?.key ?? stored;
  const printable = captures.printable;
  let family: MissingFamily | null = printableFamily ?? (ref ? familyOfKind(ref.kind) : null);
  if (printable && PRINTABLE_FAMILY[printable] !== undefined && PRINTABLE_FAMILY[printable] !== null) {
    family = PRINTABLE_FAMILY[printable];
  }
  const builtins = builtinsFor(null);
  // A class or function from Keras' own packages (the module R2 could not import, or the `module` of the stored
  // config, e.g. 'keras.metrics' for a Keras 2 'mae' alias) belongs to another Keras version, not to user code.
  const kerasFamily = /^(keras|tf_keras|keras_hub|keras_cv|keras_nlp|tensorflow)(\.|$)/;
  const kerasFamilyModule = kerasFamily.test(captures.parentModule ?? "") || kerasFamily.test(module ?? "");
  // Keras 2.11+ writes its own new optimizers as "Custom>Adam": a built-in under the "Custom" package.
  const customPackageBuiltin =
    stored.startsWith("Custom>") && (["optimizers", "losses", "metrics"] as const).some((kind) => builtins.has(kind, className));
  // A name Keras itself exports for this kind (issue 9 §8: an initializer stored by an older Keras that a release
  // fails to look up) is a release bug or a version crossing, never the user's missing code.
  // Functions, losses, metrics and optimizers were added over the versions (mish, f1_score): without knowing the
  // loader, only a name every Keras line exports counts.
  const everyLine = (kinds: BuiltinKind[]) =>
    (["keras3", "tf-keras2", "keras2"] as const).every((line) => kinds.some((kind) => builtinsFor(line).has(kind, className)));
  const builtinOfFamily =
    family === "loss" ? everyLine(["losses"])
    : family === "metric" ? everyLine(["metrics"])
    : family === "optimizer" ? everyLine(["optimizers"])
    : family === "function" ? everyLine(["activations", "initializers", "regularizers", "constraints"])
    : builtins.has("layers", className);
  const builtin =
    kerasFamilyModule ||
    customPackageBuiltin ||
    NOT_CUSTOM_LAYERS.has(className) ||
    (builtinOfFamily && !stored.includes(">"));
  // Keras' model containers (the class R8 names when only its first line is pasted) hold layers: a missing object
  // inside them is first of all a layer, so the layer cause keeps that reading ahead of the other kinds.
  const containerFamily = family ?? (MODEL_CONTAINERS.has(className) ? "layer" : null);
  const someLine = (kinds: BuiltinKind[]) =>
    (["keras3", "tf-keras2", "keras2"] as const).some((line) => kinds.some((kind) => builtinsFor(line).has(kind, className)));
  const familyKinds: BuiltinKind[] | null =
    family === "loss" ? ["losses"] : family === "metric" ? ["metrics"] : family === "optimizer" ? ["optimizers"]
    : family === "function" ? ["activations", "initializers", "regularizers", "constraints"] : null;
  const builtinElsewhere = !builtin && familyKinds !== null && !stored.includes(">") && someLine(familyKinds);
  return { className, key, module: module ?? captures.parentModule ?? ref?.module ?? null, family: containerFamily, ref, builtin, builtinElsewhere };
}

/**
 * What a function's name says about its role when neither the wording nor the file does (Keras 3 "Could not locate
 * function 'x'" from the compile step): by the universal naming habit, a name with "loss" is a loss, one with a
 * score word (f1, recall, precision, iou, acc, auc, coef...) a metric. A hint only: it scales, never vetoes.
 */
export function familyHintFromName(name: string): "loss" | "metric" | null {
  if (/loss/i.test(name)) return "loss";
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/);
  // "recall_m", "f1_m": the Keras-community habit of an "_m" suffix for metric functions.
  if (words.some((word, i) => METRIC_WORDS.has(word) || (word === "m" && i > 0))) return "metric";
  // "weighted_mse", "smooth_l1", "focal_bce": the error a loss computes, named without the word "loss".
  return words.some((word) => LOSS_WORDS.has(word)) ? "loss" : null;
}

const LOSS_WORDS = new Set(["mse", "mae", "bce", "cce", "crossentropy", "xent", "hinge", "huber", "l1", "l2", "nll", "kld", "divergence"]);

const METRIC_WORDS = new Set(["f1", "f2", "fbeta", "recall", "precision", "iou", "miou", "acc", "accuracy", "auc", "coef",
  "score", "jaccard", "psnr", "ssim", "metric", "sensitivity", "specificity"]);

// Config keys that only one kind of object stores (Keras 2 and 3 get_config): an optimizer's hyper-parameters, a
// loss's reduction, a layer's trainable + dtype.
const OPTIMIZER_KEYS = /'(?:learning_rate|lr|beta_1|beta_2|momentum|rho|use_ema|ema_momentum|global_clipnorm|clipnorm|amsgrad|nesterov|initial_accumulator_value)':/;
const LOSS_KEYS = /'(?:reduction|from_logits|label_smoothing)':/;
const LAYER_KEYS = /'trainable':[\s\S]*'dtype':|'dtype':[\s\S]*'trainable':/;
const METRIC_KEYS = /'(?:thresholds|num_thresholds|average|top_k)':/;

/**
 * The kind of a missing object when the wording does not say it (Keras 3 "Could not locate class/function X",
 * "... because its parent module M cannot be imported"), from the config shown, the module path and the name.
 * The frames are read by the compile-frame matchers; the file's own config by refFor in resolveMissing.
 */
export function guessFamily(captures: Record<string, string>): MissingFamily | null {
  const config = captures.fullConfig ?? "";
  const module = `${captures.parentModule ?? ""} ${topLevelReprValue(config, "module") ?? ""}`;
  if (/\boptimizers?\b/.test(module)) return "optimizer";
  if (/\blosses\b|\bloss(?:es)?_?/.test(module)) return "loss";
  if (/\bmetrics?\b/.test(module)) return "metric";
  if (/\b(?:activations|initializers|regularizers|constraints)\b/.test(module)) return "function";
  // Only layers and models carry a build_config, only models a compile_config (whose optimizer and loss keys would
  // otherwise read as the object's own: captured, a subclassed model in Keras 3.15, fixtures/tracebacks/_matrix).
  if (topLevelKeyEnd(config, "build_config") >= 0 || topLevelKeyEnd(config, "compile_config") >= 0) return "layer";
  if (OPTIMIZER_KEYS.test(config)) return "optimizer";
  if (LOSS_KEYS.test(config)) return "loss";
  if (METRIC_KEYS.test(config)) return "metric";
  if (LAYER_KEYS.test(config)) return "layer";
  const name = captures.name ?? "";
  if (captures.objType === "class" && /(?:Optimizer|Adam\w*|SGD|RMSprop|Lion|Lamb|Ranger|Lookahead)$/i.test(name)) return "optimizer";
  if (captures.objType === "class" && /Loss$/.test(name)) return "loss";
  if (captures.objType === "class" && /(?:Metric|Score|Accuracy|Precision|Recall|IoU|AUC)$/.test(name)) return "metric";
  return null;
}

/** The family a hit belongs to when nothing says it outright: the matcher's object type decides. */
export function fallbackFamily(captures: Record<string, string>): MissingFamily {
  if (captures.objType === "function") return "function";
  return "layer";
}

/** Plain words for the kinds. */
export const FAMILY_WORDS: Record<MissingFamily, string> = {
  layer: "custom layer",
  loss: "custom loss",
  metric: "custom metric",
  optimizer: "custom optimizer",
  function: "custom function",
};

/** "ScaledDense" or "Gate (stored as FixturePkg>Gate)": the culprit line of every cause of the family. */
export function culpritOf(missing: MissingObject): string {
  return missing.key === missing.className ? missing.className : `${missing.className} (stored as ${missing.key})`;
}

/** Every custom object the file refers to, the missing one first (the loader stops at the first it meets). */
export function missingRefs(missing: MissingObject, facts: Facts): CustomObjectRef[] {
  const refs = facts.file?.customObjects ?? [];
  const first: CustomObjectRef = missing.ref ?? {
    kind: missing.family === "function" ? "function" : missing.family === "layer" || !missing.family ? "layer" : missing.family,
    className: missing.className,
    registeredName: missing.key.includes(">") ? missing.key : null,
    module: missing.module,
    key: missing.key,
    config: null,
    where: [],
  };
  return [first, ...refs.filter((r) => r.key !== first.key)];
}
