// The model config a file stores, read as data (never deserialized by Keras), and the Lambdas in it: the
// rebuild (build-model.ts) writes each layer from it and the bytecode reader (read.ts) gets each Lambda's code.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import yauzl from "yauzl";
import { readHdf5Bounded } from "../inspect/hdf5-thread.js";
import { readMember } from "../inspect/zip-member.js";
import type { StoredLambda } from "./read.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type ConfigObject = { [key: string]: Json };

export const isObject = (value: unknown): value is ConfigObject => typeof value === "object" && value !== null && !Array.isArray(value);

function parse(text: string): ConfigObject | null {
  try {
    const value = JSON.parse(text) as unknown;
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function attributeText(value: unknown): string | null {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === "string") return value;
  // Keras splits attributes over 64 KB into model_config0, model_config1, ...
  if (Array.isArray(value) && value.every((part) => typeof part === "string" || part instanceof Uint8Array)) {
    return value.map((part) => attributeText(part) ?? "").join("");
  }
  return null;
}

async function zipConfig(path: string): Promise<ConfigObject | null> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName === "config.json") return parse(await readMember(zip, entry));
    }
    return null;
  } finally {
    zip.close();
  }
}

/** `{class_name, config}` of the saved model from an HDF5 file, a `.keras` zip or an extracted `.keras` folder. */
export async function readModelConfig(path: string): Promise<ConfigObject | null> {
  try {
    if (statSync(path).isDirectory()) {
      const file = join(path, "config.json");
      return existsSync(file) ? parse(readFileSync(file, "utf8")) : null;
    }
    const head = Buffer.alloc(2);
    const fd = openSync(path, "r");
    try {
      readSync(fd, head, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
    if (head.toString("latin1") === "PK") return await zipConfig(path);
    const read = await readHdf5Bounded(path, { root: true, weightShapes: false });
    const text = attributeText(read.root?.attributes.model_config);
    return text === null ? null : parse(text);
  } catch {
    return null;
  }
}

/** The layer list of a Sequential or functional config (old Sequential configs are the list itself). */
export function layersOf(model: ConfigObject): ConfigObject[] {
  const config = model.config;
  const list = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : [];
  return list.filter(isObject);
}

export const MODEL_CLASSES = new Set(["Sequential", "Functional", "Model"]);

/** Every Lambda layer config, nested models included, outermost first. */
export function lambdaLayers(model: ConfigObject, depth = 0): ConfigObject[] {
  if (depth > 32) return [];
  const found: ConfigObject[] = [];
  for (const layer of layersOf(model)) {
    if (layer.class_name === "Lambda") found.push(layer);
    else if (typeof layer.class_name === "string" && MODEL_CLASSES.has(layer.class_name)) found.push(...lambdaLayers(layer, depth + 1));
  }
  return found;
}

/**
 * A Lambda's marshalled code as the config stores it: Keras 2 func_dump `function: [code, defaults, closure]` (or
 * `{"__tuple__": true, "items": [...]}`) with `function_type: "lambda"`; Keras 3 `{"class_name": "__lambda__",
 * "config": {"code": ...}}`.
 */
export function lambdaCodeOf(layerConfig: ConfigObject): string | null {
  const fn = layerConfig.function;
  if (isObject(fn)) {
    if (fn.class_name === "__lambda__" && isObject(fn.config) && typeof fn.config.code === "string") return fn.config.code;
    if (fn.__tuple__ === true && Array.isArray(fn.items) && typeof fn.items[0] === "string") return fn.items[0];
    return null;
  }
  if (layerConfig.function_type !== "lambda") return null;
  if (Array.isArray(fn) && typeof fn[0] === "string") return fn[0];
  return typeof fn === "string" ? fn : null;
}

const listOf = (value: Json | undefined): Json[] | null => {
  if (Array.isArray(value)) return value;
  if (isObject(value) && value.__tuple__ === true && Array.isArray(value.items)) return value.items;
  return null;
};

/** func_dump's defaults and closure: items 1 and 2 of the Keras 2 list, or beside `code` in Keras 3. */
function funcDumpParts(layerConfig: ConfigObject): { defaults: Json[] | null; closure: Json[] | null } {
  const fn = layerConfig.function;
  if (isObject(fn) && fn.class_name === "__lambda__" && isObject(fn.config)) {
    return { defaults: listOf(fn.config.defaults), closure: listOf(fn.config.closure) };
  }
  const items = listOf(fn);
  return items ? { defaults: listOf(items[1]), closure: listOf(items[2]) } : { defaults: null, closure: null };
}

/** The Lambdas whose function is stored bytecode, with their `arguments=` (closure arguments). */
export function storedLambdas(model: ConfigObject): StoredLambda[] {
  const stored: StoredLambda[] = [];
  for (const layer of lambdaLayers(model)) {
    const config = isObject(layer.config) ? layer.config : {};
    const code = lambdaCodeOf(config);
    if (code === null) continue;
    const { defaults, closure } = funcDumpParts(config);
    stored.push({ layerName: String(config.name ?? layer.name ?? "lambda"), code, arguments: isObject(config.arguments) ? config.arguments : {}, defaults, closure });
  }
  return stored;
}
