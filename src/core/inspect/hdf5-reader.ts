// Reads a Keras HDF5 file's root attributes and group names through h5wasm. h5wasm's Node build uses Emscripten's
// NODERAWFS, so HDF5 reads the file through positioned reads on demand: a 1 GB file costs only its headers
// (scripts/bench-inspect.mjs measures it).
import { closeSync, openSync } from "node:fs";
import { basename } from "node:path";
import type { ModelFacts } from "../types.js";
import { isRecord, kerasLineOf, parseJson, problemFacts } from "./facts.js";
import { readSuperblock } from "./hdf5-superblock.js";
import { factsFromModel } from "./model-facts.js";
import { problems } from "./problems.js";

type H5Module = typeof import("h5wasm/node");
type H5Group = InstanceType<H5Module["Group"]>;

let h5: Promise<H5Module> | null = null;

/** Loaded on first use (the wasm module is 4 MB); its errors throw instead of printing HDF5-DIAG to stderr. */
function loadH5wasm(): Promise<H5Module> {
  h5 ??= import("h5wasm/node").then(async (module) => {
    const ready = await module.default.ready;
    ready.activate_throwing_error_handler();
    return module;
  });
  return h5;
}

/** What Emscripten prints on a damaged file: HDF5's abort (which h5wasm then throws, and we report) and its
 * complaint about undecodable names. */
const EMSCRIPTEN_NOISE = /^(Aborted\(|warning: Invalid UTF-8)/;

/**
 * Runs synchronous h5wasm calls with Emscripten's own messages kept off stderr: it prints them through the
 * console it captured at start-up, while the facts we return already say the file is damaged.
 */
function quietly<T>(run: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    EMSCRIPTEN_NOISE.test(String(chunk)) ? true : (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest)) as typeof write;
  try {
    return run();
  } finally {
    process.stderr.write = write;
  }
}

function attributeNames(group: H5Group): string[] {
  return Object.keys(group.attrs);
}

function decode(value: unknown): unknown {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(decode);
  return value;
}

/** One attribute's value, or `null` when absent; Keras splits attributes over 64 KB into `name0`, `name1`, ... */
function readAttribute(group: H5Group, names: string[], name: string): unknown {
  if (names.includes(name)) return decode(group.get_attribute(name, true));
  if (!names.includes(`${name}0`)) return null;
  const parts: unknown[] = [];
  for (let i = 0; names.includes(`${name}${i}`); i++) {
    const part = decode(group.get_attribute(`${name}${i}`, true));
    if (Array.isArray(part)) parts.push(...part);
    else parts.push(part);
  }
  return parts;
}

const asString = (value: unknown): string | null => (typeof value === "string" ? value : null);

function parseAttributeJson(value: unknown): unknown {
  if (typeof value !== "string") return null;
  const parsed = parseJson(value);
  return parsed.ok ? parsed.value : null;
}

export async function readHdf5(path: string, fileSize: number, offset: number): Promise<ModelFacts> {
  const details: Record<string, unknown> = { container: "hdf5" };
  if (offset > 0) details.h5UserBlock = offset;
  const fd = openSync(path, "r");
  let superblock;
  try {
    superblock = readSuperblock(fd, offset);
  } finally {
    closeSync(fd);
  }
  if (superblock) details.hdf5SuperblockVersion = superblock.version;
  if (superblock?.endOfFile != null && fileSize < superblock.endOfFile) {
    return problemFacts(path, "truncated", fileSize, problems.truncatedHdf5(superblock.endOfFile, fileSize), {
      ...details,
      expectedSize: superblock.endOfFile,
      actualSize: fileSize,
    });
  }
  const module = await loadH5wasm();
  let file: InstanceType<H5Module["File"]>;
  try {
    file = quietly(() => new module.File(path, "r"));
  } catch (error) {
    const reason = /truncated/i.test(String(error)) ? "truncated file" : "unreadable superblock or object headers";
    return problemFacts(path, "truncated", fileSize, problems.brokenHdf5(reason), details);
  }
  try {
    return quietly(() => describe(file, path, fileSize, details));
  } catch {
    return problemFacts(path, "truncated", fileSize, problems.brokenHdf5("damaged object headers"), details);
  } finally {
    try {
      file.close();
    } catch {
      // A file HDF5 aborted on may refuse to close; the facts above already say it is damaged.
    }
  }
}

function describe(file: H5Group, path: string, fileSize: number, details: Record<string, unknown>): ModelFacts {
  const rootAttrs = attributeNames(file);
  const rootKeys = file.keys();
  const kerasVersion = asString(readAttribute(file, rootAttrs, "keras_version"));
  const backend = asString(readAttribute(file, rootAttrs, "backend"));
  const modelConfigText = readAttribute(file, rootAttrs, "model_config");
  if (modelConfigText !== null) {
    const modelConfig = parseAttributeJson(modelConfigText);
    if (!isRecord(modelConfig)) {
      return problemFacts(path, "h5-model", fileSize, problems.badJson("its model_config attribute is not valid JSON"), details);
    }
    if (/\.keras$/i.test(basename(path))) {
      // Keras 2.12 and earlier wrote HDF5 even when the name ended in .keras; Keras 3 dispatches on the name and
      // then finds no zip (saving_api.py: "File not found: filepath=... Please ensure the file is an accessible
      // `.keras` zip file.").
      details.nameMismatch =
        "This HDF5 file is named .keras: Keras 3 refuses it (it expects a zip under that name). Load a copy named .h5.";
    }
    details.hasOptimizerWeights = rootKeys.includes("optimizer_weights");
    return factsFromModel({
      path,
      format: "h5-model",
      fileSize,
      container: "h5",
      kerasVersion,
      backend,
      modelConfig,
      trainingConfig: parseAttributeJson(readAttribute(file, rootAttrs, "training_config")),
      details,
    });
  }
  const layerNames = readAttribute(file, rootAttrs, "layer_names");
  if (Array.isArray(layerNames) || rootKeys.includes("model_weights")) {
    // Keras 2 (and tf.keras 2.2.4-tf) save_weights: root layer_names + one group per layer.
    const names = Array.isArray(layerNames) ? layerNames.map(String) : [];
    return weightsFacts(path, fileSize, kerasVersion, backend, "Keras 2 save_weights layout", {
      ...details,
      weightsLayout: "keras2-layer-names",
      layerNames: names,
    });
  }
  if (rootKeys.some((key) => key === "layers" || key === "_layer_checkpoint_dependencies" || key === "vars")) {
    // Keras 3 .weights.h5 (H5IOStore): layers/<snake_case>/vars/0 ...; Keras 2.13 used _layer_checkpoint_dependencies.
    const layersKey = rootKeys.includes("layers") ? "layers" : "_layer_checkpoint_dependencies";
    const layers = rootKeys.includes(layersKey) ? file.get(layersKey) : null;
    const layerNamesV3 = layers && "keys" in layers ? (layers as H5Group).keys() : [];
    return weightsFacts(path, fileSize, kerasVersion, backend, "Keras 3 .weights.h5 layout", {
      ...details,
      weightsLayout: "keras3-h5iostore",
      layerNames: layerNamesV3,
    });
  }
  return problemFacts(path, "not-a-model", fileSize, problems.notKerasHdf5(rootKeys), { ...details, rootKeys });
}

function weightsFacts(
  path: string,
  fileSize: number,
  kerasVersion: string | null,
  backend: string | null,
  layout: string,
  details: Record<string, unknown>,
): ModelFacts {
  const facts = problemFacts(path, "h5-weights", fileSize, problems.weightsOnly(layout), details);
  // A .weights.h5 (H5IOStore) stores no version; only Keras 3 (and Keras 2.13+'s .keras internals) write it.
  const kerasLine = kerasVersion !== null ? kerasLineOf(kerasVersion, "h5") : details.weightsLayout === "keras3-h5iostore" ? "keras3" : null;
  return { ...facts, kerasVersion, backend, kerasLine };
}
