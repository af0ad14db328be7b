// Walks a saved Keras config tree (legacy H5/SavedModel/JSON style or the `.keras` style with `module` keys) and
// finds every layer, every name the loader cannot resolve by itself, and every Lambda: the facts a diagnosis needs.
import type { Builtins, BuiltinKind } from "../versions/builtins.js";
import type { CustomObjectKind, CustomObjectRef, LambdaInfo, LayerNode } from "../types.js";
import { isRecord } from "./values.js";

export interface ConfigFacts {
  topClass: string | null;
  layerClasses: string[];
  customClasses: string[];
  customObjects: CustomObjectRef[];
  lambdas: LambdaInfo[];
  hasLambda: boolean;
  layers: LayerNode | null;
  /** The base64 marshalled code of the first few Python lambdas (Lambda layers), each cut to MAX_LAMBDA_CODE. */
  lambdaBytecode: string[];
  /** The config nests deeper than MAX_CONFIG_DEPTH: the walk stopped there and the facts miss what lies below. */
  tooDeep: boolean;
}

/**
 * How deep the walk follows a config (each object or array is a level). Keras writes a few dozen levels for
 * nested models; Python's json and Keras' deserializer recurse and give up near 1000. Past this the walk stops,
 * so a hostile 10k-deep config cannot overflow our stack.
 */
export const MAX_CONFIG_DEPTH = 200;
/** Lambda code strings kept for the bytecode hint (src/core/fixes/marshal-hint.ts reads the first bytes). */
const MAX_LAMBDA_CODES = 4;
const MAX_LAMBDA_CODE = 16 * 1024;

/** Keys that never hold objects a loader resolves by name (graph wiring, shapes, dtype policies). */
const SKIPPED_KEYS = new Set([
  "inbound_nodes",
  "build_config",
  "dtype",
  "dtype_policy",
  "input_layers",
  "output_layers",
  "shared_object_id",
  "compile_config",
  "batch_input_shape",
  "batch_shape",
  "build_input_shape",
]);

/** Keys under which a config nests whole layers (wrappers, RNN cells, nested models). */
const LAYER_KEYS = new Set(["layer", "layers", "cell", "cells", "backward_layer", "forward_layer"]);

/** `.keras` placeholders for values that are not objects to look up (serialization_lib special class names). */
const isPlaceholder = (className: string) => className.startsWith("__") && className.endsWith("__");

const LAMBDA_CODE_KEYS = new Set(["function", "output_shape", "mask"]);

const MODEL_CLASSES = new Set(["Functional", "Model", "Sequential"]);

const KIND_TO_CATALOGUE: Partial<Record<CustomObjectKind, BuiltinKind>> = {
  layer: "layers",
  model: "layers",
  loss: "losses",
  metric: "metrics",
  optimizer: "optimizers",
  activation: "activations",
  initializer: "initializers",
  regularizer: "regularizers",
  constraint: "constraints",
};

/** What an object is, judged from the config key it sits under. */
export function kindForKey(key: string): CustomObjectKind | null {
  if (/activation$/.test(key)) return "activation";
  if (/initializer$/.test(key)) return "initializer";
  if (/regularizer$/.test(key)) return "regularizer";
  if (/constraint$/.test(key)) return "constraint";
  if (key === "loss" || key === "losses") return "loss";
  if (key === "metrics" || key === "weighted_metrics") return "metric";
  if (key === "optimizer" || key === "optimizer_config" || key === "inner_optimizer") return "optimizer";
  return null;
}

/** A `.keras` function reference: `{"class_name": "function", "config": "<name>", "module", "registered_name"}`. */
function functionName(value: Record<string, unknown>): string | null {
  return value.class_name === "function" && typeof value.config === "string" ? value.config : null;
}

/** `Package>Name` is how register_keras_serializable names a class; legacy configs store it as class_name. */
function splitRegistered(stored: string): { className: string; registeredName: string | null } {
  const at = stored.lastIndexOf(">");
  return at > 0 ? { className: stored.slice(at + 1), registeredName: stored } : { className: stored, registeredName: null };
}

/** A module path inside Keras itself (keras.layers, keras.src.engine.functional, tf_keras.src...). */
const isKerasModule = (module: unknown) => typeof module === "string" && /^(keras|tf_keras)(\.|$)/.test(module);

export class ConfigWalker {
  private readonly layerClasses = new Set<string>();
  private readonly customObjects: CustomObjectRef[] = [];
  private readonly lambdas: LambdaInfo[] = [];
  private readonly lambdaBytecode: string[] = [];
  private depth = 0;
  private tooDeep = false;

  /**
   * `native`: a `.keras` / Keras 3 to_json config, where `module` and `registered_name` are what the loader uses.
   * `legacy`: H5, SavedModel and TF.js configs; their loaders look names up by the stored class_name alone, so
   * that is the custom_objects key whatever `module`/`registered_name` the object carries.
   */
  constructor(
    private readonly builtins: Builtins,
    private readonly style: "native" | "legacy" = "legacy",
  ) {}

  /** Whether Keras resolves this stored object by itself. */
  isBuiltin(kind: CustomObjectKind, value: Record<string, unknown> | string): boolean {
    if (typeof value === "string") return this.builtinName(kind, value);
    const fn = functionName(value);
    if (fn !== null) {
      const registered = value.registered_name;
      if (typeof registered === "string" && registered !== "function" && registered !== fn) return false;
      return this.builtinName(kind, fn);
    }
    const className = String(value.class_name);
    if (this.builtinName(kind, className)) {
      const registered = value.registered_name;
      // A user class that shares a built-in name is registered under its own name (`Package>Dense`).
      return !(typeof registered === "string" && registered.includes(">"));
    }
    // A newer Keras than our catalogue: its own module path and no registered name of a user package.
    return isKerasModule(value.module) && (value.registered_name == null || value.registered_name === className);
  }

  private builtinName(kind: CustomObjectKind, name: string): boolean {
    const catalogue = KIND_TO_CATALOGUE[kind];
    if (kind === "optimizer" && name.startsWith("Custom>")) {
      // tf.keras 2.11–2.15 register their own optimizers under the package "Custom" (training_config of
      // fixtures/models/keras2/sequential.h5 stores `Custom>Adam`).
      return this.builtins.has("optimizers", name.slice("Custom>".length));
    }
    if (catalogue) return this.builtins.has(catalogue, name);
    const all: BuiltinKind[] = ["layers", "losses", "metrics", "activations", "initializers", "regularizers",
      "constraints", "optimizers"];
    return all.some((k) => this.builtins.has(k, name));
  }

  addCustom(kind: CustomObjectKind, value: Record<string, unknown> | string, where: string[]): void {
    let ref: CustomObjectRef;
    if (typeof value === "string") {
      const split = splitRegistered(value);
      ref = { kind, ...split, module: null, key: value, config: null, where };
    } else {
      const fn = functionName(value);
      const stored = fn ?? String(value.class_name);
      const newStyle = this.style === "native" && "module" in value;
      // Reported as stored, even where the loader ignores it (Keras 2.13+ H5 writes `"module": "builtins"` for
      // functions): it tells where the object was defined when it is a real module.
      const module = typeof value.module === "string" ? value.module : null;
      const registeredRaw = typeof value.registered_name === "string" ? value.registered_name : null;
      const registeredName = fn !== null && registeredRaw === "function" ? null : registeredRaw;
      const config = isRecord(value.config) ? value.config : null;
      ref = newStyle
        ? { kind, className: stored, registeredName, module, key: registeredName ?? stored, config, where }
        : { kind, ...splitRegistered(stored), module, key: stored, config, where };
    }
    if (!this.customObjects.some((o) => o.kind === ref.kind && o.key === ref.key)) this.customObjects.push(ref);
  }

  /** Walks a model or layer object and returns its node in the layer tree. */
  walkLayer(value: Record<string, unknown>, where: string[], top = false): LayerNode {
    const stored = String(value.class_name);
    const config = value.config;
    const name =
      (typeof value.name === "string" && value.name) ||
      (isRecord(config) && typeof config.name === "string" && config.name) ||
      stored;
    const custom = !this.isBuiltin(top ? "model" : "layer", value);
    const className = custom && !(this.style === "native" && "module" in value) ? splitRegistered(stored).className : stored;
    if (!top) this.layerClasses.add(className);
    const isModel = top || (isRecord(config) && Array.isArray(config.layers)) || Array.isArray(config);
    if (custom) this.addCustom(isModel ? "model" : "layer", value, where);
    const node: LayerNode = { name, className, custom, lambda: stored === "Lambda", children: [] };
    if (stored === "Lambda" && isRecord(config)) {
      this.lambdas.push(lambdaInfo(name, config));
      const code = lambdaCode(config);
      if (code !== null && this.lambdaBytecode.length < MAX_LAMBDA_CODES) this.lambdaBytecode.push(code.slice(0, MAX_LAMBDA_CODE));
    }
    const inside = [...where, name];
    // Keras 1 and early Keras 2 Sequential configs are a bare list of layers.
    const nested = Array.isArray(config) ? { layers: config } : config;
    if (isRecord(nested)) {
      for (const [key, child] of Object.entries(nested)) {
        // A Lambda's function is code or a plain name, described in `lambdas`, not an object to look up.
        if (stored === "Lambda" && LAMBDA_CODE_KEYS.has(key)) continue;
        this.visit(child, key, inside, node);
      }
    }
    return node;
  }

  /** Visits any value inside a layer's config, adding nested layers to `parent` and recording custom objects. */
  visit(value: unknown, key: string, where: string[], parent: LayerNode | null): void {
    if (SKIPPED_KEYS.has(key)) return;
    if (this.depth >= MAX_CONFIG_DEPTH) {
      this.tooDeep = true;
      return;
    }
    this.depth++;
    try {
      this.visitValue(value, key, where, parent);
    } finally {
      this.depth--;
    }
  }

  private visitValue(value: unknown, key: string, where: string[], parent: LayerNode | null): void {
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item, key, where, parent);
      return;
    }
    const kind = kindForKey(key);
    if (typeof value === "string") {
      // Legacy configs name activations, initializers, losses ... by a bare string.
      if (kind && kind !== "optimizer" && !this.isBuiltin(kind, value)) this.addCustom(kind, value, where);
      return;
    }
    if (!isRecord(value)) return;
    const className = value.class_name;
    if (typeof className !== "string") {
      for (const [childKey, child] of Object.entries(value)) this.visit(child, childKey, where, parent);
      return;
    }
    // SavedModel metadata wraps tuples as {"class_name": "__tuple__", "items": [...]} (keras_metadata.pb of
    // Keras 2.15); other placeholders hold tensors, shapes and literals.
    if (className === "__tuple__") return this.visit(value.items, key, where, parent);
    if (isPlaceholder(className)) return;
    if (kind === null && this.looksLikeLayer(value, key)) {
      const node = this.walkLayer(value, where);
      parent?.children.push(node);
      return;
    }
    const objectKind = kind ?? "other";
    if (!this.isBuiltin(objectKind, value)) this.addCustom(objectKind, value, where);
    if (isRecord(value.config)) {
      for (const [childKey, child] of Object.entries(value.config)) this.visit(child, childKey, where, parent);
    }
  }

  private looksLikeLayer(value: Record<string, unknown>, key: string): boolean {
    const className = String(value.class_name);
    if (LAYER_KEYS.has(key) || MODEL_CLASSES.has(className) || this.builtins.has("layers", className)) return true;
    // Every layer's base config carries `name` and `trainable`; initializers, losses and the like do not.
    const config = value.config;
    return isRecord(config) && "name" in config && "trainable" in config;
  }

  result(top: LayerNode | null, topClass: string | null): ConfigFacts {
    const customClasses = new Set(
      this.customObjects.filter((o) => o.kind === "layer" || o.kind === "model").map((o) => o.className),
    );
    return {
      topClass,
      layerClasses: [...this.layerClasses].sort(),
      customClasses: [...customClasses].sort(),
      customObjects: this.customObjects,
      lambdas: this.lambdas,
      hasLambda: this.lambdas.length > 0,
      layers: top,
      lambdaBytecode: this.lambdaBytecode,
      tooDeep: this.tooDeep,
    };
  }
}

/** The function a Lambda stores: legacy `function` (a list or `__tuple__`) or the `.keras` `__lambda__` object. */
function storedFunction(config: Record<string, unknown>): unknown {
  const stored = config.function;
  return isRecord(stored) && stored.class_name === "__tuple__" ? stored.items : stored;
}

/**
 * A Python lambda's marshalled code (base64) as the config stores it: Keras 2 func_dump writes
 * `function: [code, defaults, closure]` with `function_type: "lambda"` (fixtures keras2/lambda_layer.h5,
 * tf21/lambda_layer_py37.h5); Keras 3 writes `{"class_name": "__lambda__", "config": {"code": ...}}`
 * (keras3/lambda_layer.keras).
 */
function lambdaCode(config: Record<string, unknown>): string | null {
  const fn = storedFunction(config);
  if (isRecord(fn)) {
    return fn.class_name === "__lambda__" && isRecord(fn.config) && typeof fn.config.code === "string" ? fn.config.code : null;
  }
  if (config.function_type !== "lambda") return null;
  const code = Array.isArray(fn) ? fn[0] : fn;
  return typeof code === "string" && code.length > 0 ? code : null;
}

/** How a Lambda stored its function: marshalled bytecode (a Python lambda), a name, or raw source. */
function lambdaInfo(layerName: string, config: Record<string, unknown>): LambdaInfo {
  const fn = storedFunction(config);
  const module = typeof config.module === "string" ? config.module : null;
  const shapeIsLambda = config.output_shape_type === "lambda";
  if (isRecord(fn)) {
    // `.keras`: {"class_name": "__lambda__", "config": {"code": ...}} or a function reference.
    if (fn.class_name === "__lambda__") {
      return { layerName, functionType: "lambda", functionName: null, hasBytecode: true, module };
    }
    const name = functionName(fn);
    const fnModule = typeof fn.module === "string" ? fn.module : module;
    if (name !== null) return { layerName, functionType: "function", functionName: name, hasBytecode: shapeIsLambda, module: fnModule };
    return { layerName, functionType: "unknown", functionName: null, hasBytecode: shapeIsLambda, module };
  }
  const type = config.function_type;
  if (type === "lambda") {
    const code = Array.isArray(fn) ? fn[0] : fn;
    return { layerName, functionType: "lambda", functionName: null, hasBytecode: typeof code === "string" && code.length > 0, module };
  }
  if (type === "function" && typeof fn === "string") {
    return { layerName, functionType: "function", functionName: fn, hasBytecode: shapeIsLambda, module };
  }
  if (type === "raw") return { layerName, functionType: "raw", functionName: null, hasBytecode: shapeIsLambda, module };
  return { layerName, functionType: "unknown", functionName: null, hasBytecode: shapeIsLambda, module };
}

/** The whole walk of a model config: `{"class_name", "config", ...}` at the top. */
export function walkModelConfig(modelConfig: unknown, walker: ConfigWalker): ConfigFacts {
  if (!isRecord(modelConfig) || typeof modelConfig.class_name !== "string") return walker.result(null, null);
  const top = walker.walkLayer(modelConfig, [], true);
  return walker.result(top, String(modelConfig.class_name));
}
