// Reads a Keras HDF5 file's root attributes, group names and (for custom layers) weight shapes, and returns what it
// found (found.ts). The file's structures are read by hdf5-plain.ts when they are in h5py's default layout, else by
// HDF5 itself (h5wasm) in a worker under a time limit (hdf5-thread.ts); either way a 1 GB file costs only its headers
// (scripts/bench-inspect.mjs measures it). The JSON configs are parsed here, where a problem in them is the
// config's, never the container's.
import { closeSync, openSync } from "node:fs";
import { basename } from "node:path";
import type { Found, FoundFile } from "./found.js";
import { problemFound } from "./found.js";
import type { Hdf5Root } from "./hdf5-extract.js";
import { readSuperblock } from "./hdf5-superblock.js";
import { readHdf5Bounded, type Hdf5Read } from "./hdf5-thread.js";
import { problems } from "./problems.js";
import { hdf5Findings } from "./safety.js";
import { isRecord, kerasLineOf, parseJson } from "./values.js";

/** A string attribute: the worker sends scalar variable-length strings as UTF-8 bytes (hdf5-extract.ts). */
function asString(value: unknown): string | null {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return typeof value === "string" ? value : null;
}

function parseAttributeJson(value: unknown): unknown {
  const text = asString(value);
  if (text === null) return null;
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : null;
}

/** Why HDF5 could not read the file, in the words the problem message uses. */
function damageReason(failure: NonNullable<Hdf5Read["failure"]>): string {
  if (failure.stage === "time-limit") return `${failure.reason}: its structures loop or point at themselves`;
  return failure.stage === "open" ? "HDF5 cannot open it" : "HDF5 fails while reading its headers";
}

export async function readHdf5(path: string, fileSize: number, offset: number): Promise<Found> {
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
  // The one sure sign of a cut file: shorter than the end-of-file address its superblock records.
  if (superblock?.endOfFile != null && fileSize < superblock.endOfFile) {
    return problemFound(path, "truncated", fileSize, problems.truncatedHdf5(superblock.endOfFile, fileSize), {
      ...details,
      expectedSize: superblock.endOfFile,
      actualSize: fileSize,
    });
  }
  const read = await readHdf5Bounded(path, { root: true, weightShapes: false, storage: true });
  if (read.failure || !read.root) {
    const failure = read.failure ?? { stage: "read" as const, reason: "no root group" };
    return problemFound(path, "not-a-model", fileSize, problems.damagedHdf5(damageReason(failure)), {
      ...details,
      damaged: "hdf5",
      hdf5Error: failure.reason,
    });
  }
  return { ...describe(read.root, path, fileSize, details), storageSafety: hdf5Findings(read.storage ?? [], read.storageError ?? null) };
}

/** details.weightShapes (hdf5-contents.ts), or why they are missing: damaged weights do not hide a readable config. */
async function weightShapesOf(path: string): Promise<Record<string, unknown>> {
  const read = await readHdf5Bounded(path, { root: false, weightShapes: true });
  if (read.weightShapes) return { weightShapes: read.weightShapes };
  const reason = read.weightShapesError ?? read.failure?.reason ?? null;
  return reason ? { weightShapesUnreadable: reason } : {};
}

function describe(root: Hdf5Root, path: string, fileSize: number, details: Record<string, unknown>): Found {
  const kerasVersion = asString(root.attributes.keras_version);
  const backend = asString(root.attributes.backend);
  const modelConfigText = root.attributes.model_config;
  if (modelConfigText !== undefined) {
    const modelConfig = parseAttributeJson(modelConfigText);
    // The text is parsed: drop it (up to tens of MB) before walking.
    delete root.attributes.model_config;
    if (!isRecord(modelConfig)) {
      return problemFound(path, "h5-model", fileSize, problems.badJson("its model_config attribute is not valid JSON"), details);
    }
    if (/\.keras$/i.test(basename(path))) {
      // Keras 2.12 and earlier wrote HDF5 even when the name ended in .keras; Keras 3 dispatches on the name and
      // then finds no zip (saving_api.py: "File not found: filepath=... Please ensure the file is an accessible
      // `.keras` zip file.").
      details.nameMismatch =
        "This HDF5 file is named .keras: Keras 3 refuses it (it expects a zip under that name). Load a copy named .h5.";
    }
    details.hasOptimizerWeights = root.keys.includes("optimizer_weights");
    return {
      kind: "config",
      path,
      format: "h5-model",
      fileSize,
      container: "h5",
      kerasVersion,
      backend,
      modelConfig,
      trainingConfig: parseAttributeJson(root.attributes.training_config),
      details,
      // Weight shapes serve the stand-in classes written for custom layers: a lookup per weight, worth it only
      // when there is a custom layer to stand in for.
      weightShapes: () => weightShapesOf(path),
    };
  }
  const layerNames = root.attributes.layer_names;
  if (Array.isArray(layerNames) || root.keys.includes("model_weights")) {
    // Keras 2 (and tf.keras 2.2.4-tf) save_weights: root layer_names + one group per layer (TF >= 2.13 adds a
    // `top_level_model_weights` group, the model's own weights, usually with an empty weight_names).
    const names = Array.isArray(layerNames) ? layerNames.map(String) : [];
    return weightsFacts(path, fileSize, kerasVersion, backend, "Keras 2 save_weights layout", {
      ...details,
      weightsLayout: "keras2-layer-names",
      layerNames: names,
    });
  }
  if (root.keys.some((key) => key === "layers" || key === "_layer_checkpoint_dependencies" || key === "vars")) {
    // Keras 3 .weights.h5 (H5IOStore): layers/<snake_case>/vars/0 ...; Keras 2.13 used _layer_checkpoint_dependencies.
    return weightsFacts(path, fileSize, kerasVersion, backend, "Keras 3 .weights.h5 layout", {
      ...details,
      weightsLayout: "keras3-h5iostore",
      layerNames: root.keras3LayerGroups ?? [],
    });
  }
  return problemFound(path, "not-a-model", fileSize, problems.notKerasHdf5(root.keys), { ...details, rootKeys: root.keys });
}

function weightsFacts(
  path: string,
  fileSize: number,
  kerasVersion: string | null,
  backend: string | null,
  layout: string,
  details: Record<string, unknown>,
): FoundFile {
  // A .weights.h5 (H5IOStore) stores no version; only Keras 3 (and Keras 2.13+'s .keras internals) write it.
  const kerasLine = kerasVersion !== null ? kerasLineOf(kerasVersion, "h5") : details.weightsLayout === "keras3-h5iostore" ? "keras3" : null;
  return { ...problemFound(path, "h5-weights", fileSize, problems.weightsOnly(layout), details), kerasVersion, backend, kerasLine };
}
