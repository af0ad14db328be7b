// Writes a real `build_model()` script from a saved model config: every layer from its saved arguments
// (`layers.X.from_config({...})`, the same path Keras takes), Sequential, functional and nested models, and each
// Lambda's function as a named, registered Python function. A Lambda whose bytecode the decompiler could write
// gets that body; any other gets a TODO that raises and lists what the bytecode uses, never a guess.
import { pythonString } from "../fixes/loader-script.js";
import { isObject, layersOf, MODEL_CLASSES, type ConfigObject, type Json } from "./config.js";
import type { LambdaReport } from "./types.js";

export type RebuildLoader = "keras3" | "tf.keras" | "tf_keras" | "keras2";

export interface LambdaFunction {
  layerName: string;
  functionName: string;
  /** Keras 2 lines only: the small registered layer class that calls the function (see lambdaLayerClass). */
  className: string | null;
  /** True when the body is a TODO (the decompiler could not write it, or its verdict is dangerous). */
  todo: boolean;
  why: string | null;
}

export interface BuildScript {
  code: string;
  functions: LambdaFunction[];
  /** Things the script cannot do exactly (unknown layer shapes, masks, custom classes): each makes it unproven. */
  notes: string[];
}

class Unbuildable extends Error {}

/** JSON config values as Python literals; strings through pythonString (escapes bidi and C1 characters). */
export function pythonLiteral(value: Json | undefined): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : `float(${pythonString(String(value))})`;
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(", ")}]`;
  if (value.__tuple__ === true && Array.isArray(value.items)) {
    const items = value.items.map(pythonLiteral);
    return `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
  }
  // shared_object_id is the saving process's id() of a shared object: meaningless in another process.
  return `{${Object.entries(value).filter(([k]) => k !== "shared_object_id").map(([k, v]) => `${pythonString(k)}: ${pythonLiteral(v)}`).join(", ")}}`;
}

function identifier(name: string, used: Set<string>, suffix: string): string {
  let base = `${name.replace(/\W/g, "_").replace(/^(\d)/, "_$1")}${suffix}`;
  if (/^(None|True|False|and|or|not|if|else|for|in|is|def|class|return|lambda|import|from|as|with|while|try|except|pass)$/.test(base)) base = `${base}_`;
  let candidate = base;
  for (let n = 2; used.has(candidate); n++) candidate = `${base}_${n}`;
  used.add(candidate);
  return candidate;
}

const shapeOf = (value: Json | undefined): (number | null)[] | null => {
  const items = isObject(value) && value.__tuple__ === true ? value.items : value;
  return Array.isArray(items) && items.every((d) => d === null || typeof d === "number") ? (items as (number | null)[]) : null;
};

function dtypeName(value: Json | undefined): string | null {
  if (typeof value === "string") return value;
  if (isObject(value) && isObject(value.config) && typeof value.config.name === "string") return value.config.name;
  return null;
}

/** keras.Input(...) for an InputLayer config (K3 batch_shape, K2 batch_input_shape). */
function inputCall(config: ConfigObject): string {
  const shape = shapeOf(config.batch_shape) ?? shapeOf(config.batch_input_shape);
  if (!shape) throw new Unbuildable(`input ${String(config.name)} stores no shape`);
  const args = [`batch_shape=${pythonLiteral(shape.length === 1 ? { __tuple__: true, items: shape } : shape)}`];
  const dtype = dtypeName(config.dtype);
  if (dtype) args.push(`dtype=${pythonString(dtype)}`);
  if (typeof config.name === "string") args.push(`name=${pythonString(config.name)}`);
  return `keras.Input(${args.join(", ")})`.replace(/batch_shape=\[(.*?)\]/, "batch_shape=($1)");
}

interface Writer {
  lines: string[];
  used: Set<string>;
  lambdas: Map<string, LambdaFunction>;
  notes: string[];
  /** Nested model builders, written before build_model. */
  builders: string[][];
}

/** The expression that creates one (non-input) layer. */
function layerExpression(layer: ConfigObject, writer: Writer, depth: number): string {
  const className = String(layer.class_name);
  const config = isObject(layer.config) ? { ...layer.config } : {};
  if (MODEL_CLASSES.has(className)) return `${modelBuilder(layer, writer, depth + 1)}()`;
  if (className === "Lambda") {
    const name = String(config.name ?? "lambda");
    const fn = writer.lambdas.get(name);
    if (!fn) throw new Unbuildable(`Lambda ${name} stores no function keras-fix can write`);
    if (fn.className) {
      const args = isObject(config.arguments) && Object.keys(config.arguments).length > 0 ? [`arguments=${pythonLiteral(config.arguments)}`] : [];
      return `${fn.className}(${[...args, `name=${pythonString(name)}`].join(", ")})`;
    }
    const args = [fn.functionName];
    const shape = shapeOf(config.output_shape);
    if (shape && config.output_shape_type !== "lambda") args.push(`output_shape=${pythonLiteral({ __tuple__: true, items: shape })}`);
    else if (config.output_shape != null) writer.notes.push(`Lambda ${name}: its output_shape is a function; Keras infers the shape instead.`);
    if (config.mask != null) writer.notes.push(`Lambda ${name}: its mask function is not carried over.`);
    if (isObject(config.arguments) && Object.keys(config.arguments).length > 0) args.push(`arguments=${pythonLiteral(config.arguments)}`);
    args.push(`name=${pythonString(name)}`);
    return `layers.Lambda(${args.join(", ")})`;
  }
  // A shape on a first layer becomes an explicit keras.Input (Keras 3 layers refuse batch_input_shape).
  delete config.batch_input_shape;
  if (!/^[A-Za-z_]\w*$/.test(className)) throw new Unbuildable(`layer class ${JSON.stringify(className)} is not a Python name`);
  return `layers.${className}.from_config(${pythonLiteral(config)})`;
}

/** A reference to a tensor in a functional config: [layer, node, tensor] in K2 lists and K3 __keras_tensor__. */
type TensorRef = { layer: string; node: number; tensor: number };

function asRef(value: Json): TensorRef | null {
  if (isObject(value) && value.class_name === "__keras_tensor__" && isObject(value.config) && Array.isArray(value.config.keras_history)) {
    const [layer, node, tensor] = value.config.keras_history;
    return typeof layer === "string" ? { layer, node: Number(node), tensor: Number(tensor) } : null;
  }
  return null;
}

function legacyRef(value: Json): TensorRef | null {
  if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "number") {
    return { layer: value[0], node: value[1], tensor: Number(value[2] ?? 0) };
  }
  return null;
}

/** The model's input or output layer list, as [[name, node, tensor], ...] whichever way it was stored. */
function endpoints(value: Json | undefined): TensorRef[] {
  if (!Array.isArray(value)) return isObject(value) ? Object.values(value).flatMap((v) => endpoints([v])) : [];
  if (legacyRef(value) && !Array.isArray(value[0])) return [legacyRef(value)!];
  return value.map((item) => legacyRef(item)).filter((r): r is TensorRef => r !== null);
}

interface Call {
  layer: string;
  /** Python text of the call's arguments, with tensor references left as placeholders resolved later. */
  args: Json[];
  kwargs: ConfigObject;
  legacy: boolean;
}

/** The calls (nodes) of one layer, in node order, from K3 `{args, kwargs}` or K2 `[[name, node, tensor, kwargs], ...]`. */
function callsOf(layer: ConfigObject): Call[] {
  const name = String((isObject(layer.config) && layer.config.name) ?? layer.name);
  const nodes = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : [];
  return nodes.map((node) => {
    if (isObject(node)) return { layer: name, args: Array.isArray(node.args) ? node.args : [], kwargs: isObject(node.kwargs) ? node.kwargs : {}, legacy: false };
    const inbound = Array.isArray(node) ? node : [];
    const kwargs = inbound.length > 0 && Array.isArray(inbound[0]) && isObject(inbound[0][3]) ? inbound[0][3] : {};
    return { layer: name, args: inbound.length === 1 ? [inbound[0]] : [inbound], kwargs, legacy: true };
  });
}

function refsIn(value: Json, legacy: boolean, found: TensorRef[] = []): TensorRef[] {
  const ref = legacy ? legacyRef(value) : asRef(value);
  if (ref) found.push(ref);
  else if (Array.isArray(value)) value.forEach((v) => refsIn(v, legacy, found));
  else if (isObject(value)) Object.values(value).forEach((v) => refsIn(v, legacy, found));
  return found;
}

function argumentText(value: Json, legacy: boolean, tensors: Map<string, string>): string {
  const ref = legacy ? legacyRef(value) : asRef(value);
  if (ref) return tensorName(ref, tensors);
  if (Array.isArray(value)) return `[${value.map((v) => argumentText(v, legacy, tensors)).join(", ")}]`;
  if (isObject(value) && !(value.__tuple__ === true)) {
    // shared_object_id is the saving process's id() of a shared object: meaningless in another process.
  return `{${Object.entries(value).filter(([k]) => k !== "shared_object_id").map(([k, v]) => `${pythonString(k)}: ${argumentText(v, legacy, tensors)}`).join(", ")}}`;
  }
  return pythonLiteral(value);
}

const refKey = (ref: { layer: string; node: number }) => `${ref.layer}\u0000${ref.node}`;

function tensorName(ref: TensorRef, tensors: Map<string, string>): string {
  const name = tensors.get(refKey(ref));
  if (!name) throw new Unbuildable(`tensor ${ref.layer}[${ref.node}] is used before it exists`);
  return tensors.get(`${refKey(ref)}\u0000multi`) ? `${name}[${ref.tensor}]` : name;
}

/** Writes `def build_<name>():` for a Sequential or functional config and returns the function's name. */
function modelBuilder(model: ConfigObject, writer: Writer, depth: number): string {
  if (depth > 16) throw new Unbuildable("models nested deeper than 16 levels");
  const className = String(model.class_name);
  const config = isObject(model.config) ? model.config : {};
  const modelName = typeof config.name === "string" ? config.name : className.toLowerCase();
  const fnName = depth === 0 ? "build_model" : identifier(`build_${modelName}`, writer.used, "");
  const body: string[] = [];
  const locals = new Set<string>();
  const layerList = layersOf(model);
  if (className === "Sequential") {
    body.push(`model = keras.Sequential(name=${pythonString(modelName)})`);
    layerList.forEach((layer, index) => {
      const layerConfig = isObject(layer.config) ? layer.config : {};
      if (layer.class_name === "InputLayer") {
        body.push(`model.add(${inputCall(layerConfig)})`);
        return;
      }
      if (index === 0 && (layerConfig.batch_input_shape || config.build_input_shape)) {
        const shape = shapeOf(layerConfig.batch_input_shape) ?? shapeOf(config.build_input_shape);
        if (shape) body.push(`model.add(${inputCall({ batch_shape: shape, dtype: layerConfig.dtype ?? null })})`);
      }
      body.push(`model.add(${layerExpression(layer, writer, depth)})`);
    });
    body.push("return model");
  } else {
    const tensors = new Map<string, string>();
    const layerVars = new Map<string, string>();
    const pending: Call[] = [];
    // Keras 2 numbers a nested model's calls from 1: its node 0 is its own construction (_should_skip_first_node).
    const nodeBase = new Map<string, number>();
    for (const layer of layerList) {
      const layerConfig = isObject(layer.config) ? layer.config : {};
      const name = String(layerConfig.name ?? layer.name);
      if (layer.class_name === "InputLayer") {
        const variable = identifier(name, locals, "");
        body.push(`${variable} = ${inputCall({ ...layerConfig, name })}`);
        tensors.set(refKey({ layer: name, node: 0 }), variable);
        continue;
      }
      const variable = identifier(name, locals, "_layer");
      layerVars.set(name, variable);
      body.push(`${variable} = ${layerExpression(layer, writer, depth)}`);
      const calls = callsOf(layer);
      if (MODEL_CLASSES.has(String(layer.class_name)) && calls.some((c) => c.legacy)) nodeBase.set(name, 1);
      pending.push(...calls);
    }
    // Tensors read at an index > 0 belong to layers with several outputs.
    const allRefs = [...pending.flatMap((c) => refsIn([c.args, c.kwargs] as Json, c.legacy)), ...endpoints(config.output_layers)];
    for (const ref of allRefs) if (ref.tensor > 0) tensors.set(`${refKey(ref)}\u0000multi`, "1");
    const nodeCount = new Map<string, number>();
    // Calls in dependency order: a call runs once every tensor it reads exists (shared layers keep node order).
    while (pending.length > 0) {
      const index = pending.findIndex((call) => {
        const own = nodeCount.get(call.layer) ?? 0;
        const firstOfLayer = pending.find((c) => c.layer === call.layer) === call;
        return firstOfLayer && refsIn([call.args, call.kwargs] as Json, call.legacy).every((ref) => tensors.has(refKey(ref))) && own >= 0;
      });
      if (index < 0) throw new Unbuildable(`the graph of ${modelName} refers to layers it does not contain`);
      const [call] = pending.splice(index, 1);
      const node = (nodeCount.get(call.layer) ?? 0) + (nodeBase.get(call.layer) ?? 0);
      nodeCount.set(call.layer, (nodeCount.get(call.layer) ?? 0) + 1);
      const variable = identifier(call.layer, locals, "_out");
      const args = call.args.map((a) => argumentText(a, call.legacy, tensors));
      const kwargs = Object.entries(call.kwargs).map(([k, v]) => `${k}=${argumentText(v, call.legacy, tensors)}`);
      body.push(`${variable} = ${layerVars.get(call.layer)}(${[...args, ...kwargs].join(", ")})`);
      tensors.set(refKey({ layer: call.layer, node }), variable);
    }
    const inputs = endpoints(config.input_layers).map((ref) => tensorName(ref, tensors));
    const outputs = endpoints(config.output_layers).map((ref) => tensorName(ref, tensors));
    const list = (items: string[]) => (items.length === 1 ? items[0] : `[${items.join(", ")}]`);
    body.push(`return keras.Model(inputs=${list(inputs)}, outputs=${list(outputs)}, name=${pythonString(modelName)})`);
  }
  writer.builders.push([`def ${fnName}():`, ...body.map((line) => `    ${line}`)]);
  return fnName;
}

function lambdaFunctionLines(report: LambdaReport, fn: LambdaFunction): string[] {
  const args = report.args.length > 0 ? report.args : ["x"];
  const defaults = (report.defaults ?? []) as Json[];
  // func_dump's defaults belong to the last positional parameters.
  const withDefaults = args.map((arg, i) => {
    const d = i - (args.length - defaults.length);
    return d >= 0 && !arg.startsWith("*") ? `${arg}=${pythonLiteral(defaults[d])}` : arg;
  });
  const params = [...withDefaults, ...Object.keys(report.arguments).filter((k) => !args.includes(k)).map((k) => `${k}=None`)];
  const lines = ['@keras.utils.register_keras_serializable(package="keras_fix")', `def ${fn.functionName}(${params.join(", ")}):`];
  lines.push(`    """Lambda layer ${report.layerName.replace(/"/g, "'")}: ${fn.todo ? "TODO" : "rebuilt from its bytecode by keras-fix"}."""`);
  if (!fn.todo) {
    // The closure's values, as the config stores them (func_dump's closure).
    for (const [name, value] of Object.entries(report.closure)) lines.push(`    ${name} = ${pythonLiteral(value as Json)}`);
    lines.push(`    return ${report.expression}`);
    return lines;
  }
  lines.push(`    # TODO(keras-fix): write this Lambda's body; ${fn.why}.`);
  if (report.uses.length > 0) lines.push(`    # It uses: ${report.uses.join(", ")}`);
  if (report.constants.length > 0) lines.push(`    # Its constants: ${report.constants.join(", ").replace(/\n/g, " ")}`);
  if (report.reasons.length > 0) lines.push(...report.reasons.map((r) => `    # ${report.verdict}: ${r}`));
  lines.push(`    raise NotImplementedError(${pythonString(`keras-fix could not rebuild Lambda ${report.layerName}: write its body`)})`);
  return lines;
}

/**
 * tf.keras / Keras 2 save ANY Lambda function as bytecode (their get_config func_dumps every FunctionType), so a
 * re-saved Lambda would need safe_mode=False again; there each Lambda becomes a registered layer calling the
 * function, which saves by name. Lambda layers have no weights, so the weight order is unchanged.
 */
function lambdaLayerClass(fn: LambdaFunction): string[] {
  return [
    '@keras.utils.register_keras_serializable(package="keras_fix")',
    `class ${fn.className}(layers.Layer):`,
    `    """Lambda layer ${fn.layerName.replace(/"/g, "'")} as a named layer that calls ${fn.functionName}."""`,
    "",
    "    def __init__(self, arguments=None, **kwargs):",
    "        super().__init__(**kwargs)",
    "        self.arguments = dict(arguments or {})",
    "",
    "    def call(self, inputs):",
    `        return ${fn.functionName}(inputs, **self.arguments)`,
    "",
    "    def get_config(self):",
    "        config = super().get_config()",
    '        config["arguments"] = self.arguments',
    "        return config",
  ];
}

/** Roots the decompiled bodies use, and the import that provides each in this Keras. */
function importsFor(roots: Set<string>, loader: RebuildLoader): string[] {
  const keras3 = loader === "keras3";
  const lines: string[] = [];
  if (roots.has("tf") || roots.has("tensorflow")) lines.push("import tensorflow as tf");
  if (roots.has("np") || roots.has("numpy")) lines.push("import numpy as np");
  if (roots.has("K") || roots.has("backend")) {
    // Keras 3 moved the backend's tensor functions to keras.ops (same names for the common ones).
    lines.push(keras3 ? "from keras import ops as K  # Keras 3: the backend's tensor functions live in keras.ops" : "from keras import backend as K");
  }
  if (roots.has("ops")) lines.push("from keras import ops");
  if (roots.has("math")) lines.push("import math");
  return lines;
}

/** Layer arguments only Keras 1 wrote (Keras 2.0 renamed them; its legacy decorators translated them on load). */
const KERAS1_ARGUMENTS = /"(output_dim|init|W_regularizer|W_constraint|border_mode|nb_filter|nb_row|subsample|dim_ordering)":/;

export interface BuildScriptInput {
  config: ConfigObject;
  lambdas: LambdaReport[];
  loader: RebuildLoader;
  modelPath: string;
}

export function buildModelScript({ config, lambdas, loader, modelPath }: BuildScriptInput): BuildScript {
  const used = new Set<string>(["build_model", "keras", "layers", "tf", "np", "K", "ops", "math", "MODEL_PATH"]);
  const functions = new Map<string, LambdaFunction>();
  const roots = new Set<string>();
  const fnLines: string[] = [];
  for (const report of lambdas) {
    const why =
      report.verdict === "dangerous"
        ? "its bytecode does more than tensor maths, so keras-fix does not copy it"
        : report.expression === null
          ? `the decompiler cannot write it (${report.error ?? report.unsupported ?? "unknown"})`
          : null;
    const functionName = identifier(report.layerName, used, "_fn");
    const className = loader === "keras3" ? null : identifier(`${functionName.replace(/_fn$/, "").replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase())}Layer`, used, "");
    const fn: LambdaFunction = { layerName: report.layerName, functionName, className, todo: why !== null, why };
    functions.set(report.layerName, fn);
    if (!fn.todo) for (const use of report.uses) roots.add(use.split(".")[0]);
    fnLines.push(...lambdaFunctionLines(report, fn), "", "");
    if (className) fnLines.push(...lambdaLayerClass(fn), "", "");
  }
  const writer: Writer = { lines: [], used, lambdas: functions, notes: [], builders: [] };
  // Keras 1 saved other argument names, which from_config in Keras 2 and 3 refuses: say so beside the error.
  if (KERAS1_ARGUMENTS.test(JSON.stringify(config))) {
    writer.notes.push("The config is Keras 1's (output_dim, init, W_regularizer, border_mode ...): its layers need Keras 2's argument names (units, kernel_initializer, kernel_regularizer, padding ...) before the weights load; the Lambdas' functions above are complete.");
  }
  modelBuilder(config, writer, 0);
  const tensorflowKeras = loader === "tf.keras";
  const header = [
    `"""Rebuilds ${modelPath.split(/[\\/]/).at(-1)} in code, generated by keras-fix from the file's saved config.`,
    "",
    "Every layer is created from its saved arguments; each Lambda is a named, registered function, so a model",
    "saved from this one loads in safe mode. Loading the weights (load_weights) runs nothing from the file.",
    '"""',
    ...(tensorflowKeras ? ["from tensorflow import keras", "from tensorflow.keras import layers"] : ["import keras", "from keras import layers"]),
    ...importsFor(roots, loader),
    "",
    `MODEL_PATH = ${pythonString(modelPath)}`,
    "",
    "",
  ];
  const code = [
    ...header,
    ...fnLines,
    ...writer.builders.flatMap((builder) => [...builder, "", ""]),
    'if __name__ == "__main__":',
    "    model = build_model()",
    "    model.load_weights(MODEL_PATH)  # weights only: no code from the file runs",
    "    model.summary()",
    "",
  ].join("\n");
  return { code, functions: [...functions.values()], notes: writer.notes };
}

export { Unbuildable };
