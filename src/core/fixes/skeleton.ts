// Writes a Python stand-in for custom classes and functions whose code the user does not have, built from what the
// model file stores (constructor arguments, weight shapes, registered keys), so loading can get past them and the
// user sees exactly what is left to write.
import type { CustomObjectRef, EnvFacts, ModelFacts } from "../types.js";
import { pythonString } from "./loader-script.js";

export interface Skeleton {
  code: string;
  notes: string[];
}

/** One stored weight of a layer, as inspect may record it in `ModelFacts.details.weightShapes[layerName]`. */
interface StoredWeight {
  name: string;
  shape: number[];
}

// Keys every layer's base config carries (Keras 2 and 3): they belong to **kwargs, not to the class' own arguments.
const BASE_LAYER_KEYS = new Set([
  "name",
  "trainable",
  "dtype",
  "autocast",
  "activity_regularizer",
  "batch_input_shape",
  "batch_shape",
  "input_shape",
  "input_dim",
  "dynamic",
  "build_config",
]);

const PYTHON_KEYWORDS = new Set(
  ("False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield").split(" "),
);

/** The marker every generated `call`/function raises with: the flows recognise a skeleton's own failure by it. */
export const SKELETON_MARKER = "keras-fix skeleton";

const isIdentifier = (name: string) => /^[A-Za-z_]\w*$/.test(name) && !PYTHON_KEYWORDS.has(name);

/** A JSON value from a model config as a Python literal. */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : `float(${pythonString(String(value))})`;
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonString(k)}: ${pythonLiteral(v)}`);
    return `{${entries.join(", ")}}`;
  }
  return "None";
}

function kerasImport(env: EnvFacts | null): string {
  switch (env?.loader) {
    case "tf.keras":
      return "from tensorflow import keras";
    case "tf_keras":
      return "import tf_keras as keras";
    default:
      return "import keras";
  }
}

/** `@register_keras_serializable(package, name)` producing `key`, or null when the key has no package part. */
function registration(key: string): string | null {
  const at = key.lastIndexOf(">");
  if (at <= 0) return null;
  return `@keras.utils.register_keras_serializable(package=${pythonString(key.slice(0, at))}, name=${pythonString(key.slice(at + 1))})`;
}

function storedWeights(facts: ModelFacts, ref: CustomObjectRef): StoredWeight[] | null {
  const table = facts.details?.weightShapes;
  if (!table || typeof table !== "object") return null;
  const layerName = typeof ref.config?.name === "string" ? ref.config.name : ref.where[ref.where.length - 1];
  const found = layerName ? (table as Record<string, unknown>)[layerName] : undefined;
  if (!Array.isArray(found)) return null;
  const weights = found.filter(
    (w): w is StoredWeight =>
      !!w && typeof (w as StoredWeight).name === "string" && Array.isArray((w as StoredWeight).shape),
  );
  return weights.length === found.length ? weights : null;
}

/** The variable name a stored weight path ends with: "scaled_dense/kernel:0" -> kernel. */
function weightAttribute(name: string, index: number): string {
  const last = name.split("/").pop()!.replace(/:\d+$/, "");
  return isIdentifier(last) && last !== "index" ? last : `weight_${index}`;
}

const FUNCTION_SIGNATURES: Partial<Record<CustomObjectRef["kind"], string>> = {
  loss: "y_true, y_pred",
  metric: "y_true, y_pred",
  activation: "x",
  regularizer: "weights",
  initializer: "shape, dtype=None",
  constraint: "w",
};

const CLASS_BASES: Partial<Record<CustomObjectRef["kind"], string>> = {
  model: "keras.Model",
  initializer: "keras.initializers.Initializer",
  regularizer: "keras.regularizers.Regularizer",
  constraint: "keras.constraints.Constraint",
  loss: "keras.losses.Loss",
  metric: "keras.metrics.Metric",
};

function layerClass(ref: CustomObjectRef, facts: ModelFacts, notes: string[]): string[] {
  const config = ref.config ?? {};
  const own = Object.entries(config).filter(([key]) => !BASE_LAYER_KEYS.has(key));
  const args = own.filter(([key]) => isIdentifier(key));
  for (const [key] of own) if (!isIdentifier(key)) notes.push(`${ref.className}: the config key "${key}" is not a Python name; it was left out.`);
  const base = CLASS_BASES[ref.kind] ?? "keras.layers.Layer";
  const params = [...args.map(([key, value]) => `${key}=${pythonLiteral(value)}`), "**kwargs"].join(", ");
  const lines: string[] = [];
  const decorator = registration(ref.key);
  if (decorator) lines.push(decorator);
  lines.push(
    `class ${ref.className}(${base}):`,
    `    """Rebuilt by keras-fix from the config the model file stores; the maths of call() is not stored there."""`,
    "",
    `    def __init__(self, ${params}):`,
    "        super().__init__(**kwargs)",
    ...args.map(([key]) => `        self.${key} = ${key}`),
  );
  const weights = storedWeights(facts, ref);
  if (ref.kind === "layer" || ref.kind === "model" || ref.kind === "other") {
    lines.push("", "    def build(self, input_shape):");
    if (weights && weights.length > 0) {
      lines.push(`        # The file stores ${weights.length} weight(s) for this layer, in this order and with these shapes.`);
      weights.forEach((weight, index) => {
        const attribute = weightAttribute(weight.name, index);
        lines.push(
          `        self.${attribute} = self.add_weight(name=${pythonString(attribute)}, shape=(${weight.shape.join(", ")}${weight.shape.length === 1 ? "," : ""}), initializer="zeros")`,
        );
      });
    } else if (weights) {
      lines.push("        # The file stores no weights for this layer.");
    } else {
      lines.push("        # TODO: create the weights this layer had, with self.add_weight(name=..., shape=...), in the order");
      lines.push("        # the original build() created them: keras-fix could not read their shapes from the file.");
      notes.push(`${ref.className}: write build() so it creates the same weights (names, shapes, order) as the original class.`);
    }
    lines.push(
      "        super().build(input_shape)",
      "",
      "    def call(self, inputs):",
      "        # TODO: the computation the original class did.",
      `        raise NotImplementedError(${pythonString(`${ref.className}.call() is a ${SKELETON_MARKER}: write the computation the original layer did`)})`,
    );
  } else {
    lines.push(
      "",
      "    def __call__(self, *args, **kwargs):",
      `        raise NotImplementedError(${pythonString(`${ref.className} is a ${SKELETON_MARKER}: write what the original ${ref.kind} did`)})`,
    );
  }
  const ownConfig = `{${args.map(([key]) => `${pythonString(key)}: self.${key}`).join(", ")}}`;
  const isLayer = ref.kind === "layer" || ref.kind === "model" || ref.kind === "other";
  // Layers extend the base config (name, trainable, dtype); Keras 3's Regularizer.get_config raises, so others don't.
  lines.push(
    "",
    "    def get_config(self):",
    ...(isLayer
      ? ["        config = super().get_config()", `        config.update(${ownConfig})`, "        return config"]
      : [`        return ${ownConfig}`]),
  );
  if (isLayer) notes.push(`${ref.className}: write call(); loading can get past the class, but the model cannot run until you do.`);
  return lines;
}

function functionStub(ref: CustomObjectRef, notes: string[]): string[] {
  const signature = FUNCTION_SIGNATURES[ref.kind] ?? "*args, **kwargs";
  const lines: string[] = [];
  const decorator = registration(ref.key);
  if (decorator) lines.push(decorator);
  lines.push(
    `def ${ref.className}(${signature}):`,
    `    """Stands in for the ${ref.kind === "function" ? "function" : ref.kind} the model refers to by name; its body is not stored in the file."""`,
    `    raise NotImplementedError(${pythonString(`${ref.className}() is a ${SKELETON_MARKER}: write what the original ${ref.kind} computed`)})`,
  );
  const whenNeeded =
    ref.kind === "loss" || ref.kind === "metric"
      ? "it is only called when you train or evaluate"
      : "it is called as soon as the model runs";
  notes.push(`${ref.className}: write its body; ${whenNeeded}.`);
  return lines;
}

/**
 * A module defining every missing object, each under the exact key the file stores (registered names keep their
 * package). Objects whose Python name cannot be a Python name are skipped with a note.
 */
export function skeletonModule(refs: CustomObjectRef[], facts: ModelFacts, env: EnvFacts | null): Skeleton {
  const notes: string[] = [];
  const blocks: string[][] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    if (seen.has(ref.className)) continue;
    seen.add(ref.className);
    if (!isIdentifier(ref.className)) {
      notes.push(`"${ref.className}" is not a valid Python name, so no stand-in was written for it.`);
      continue;
    }
    if (ref.kind === "optimizer") {
      notes.push(`${ref.className} is an optimizer: load with compile=False instead of faking it, then compile with an optimizer you have.`);
      continue;
    }
    blocks.push(ref.config === null ? functionStub(ref, notes) : layerClass(ref, facts, notes));
  }
  const header = [
    `"""Stand-ins for the custom objects ${(facts.path.split(/[\\/]/).pop() ?? "the model").replace(/["\\]/g, "_")} refers to, generated by keras-fix from the saved`,
    "config. Every TODO is something the file does not store: fill it in before trusting the model's outputs.",
    '"""',
    kerasImport(env),
  ];
  const code = [header.join("\n"), ...blocks.map((block) => block.join("\n"))].join("\n\n\n");
  return { code: `${code}\n`, notes };
}
