// What inspect needs from an HDF5 file, read through h5wasm inside the HDF5 worker (hdf5-worker.ts): the root's
// attribute and group names, the attributes Keras reads (configs, versions), and the shapes of the stored weights,
// never their data. Only plain values come out, so they cross to the main thread as a structured clone; string
// attributes come out as UTF-8 bytes, moved (not copied) to the main thread.
import { ROOT_ATTRIBUTES, type Hdf5Root, type Hdf5StorageNote, type RootAttributeName, type WeightShapes } from "./hdf5-contents.js";

export type { Hdf5Root, Hdf5StorageNote, RootAttributeName };

type H5Module = typeof import("h5wasm/node");
/** The Emscripten module under h5wasm's classes. */
export type H5Wasm = Awaited<H5Module["ready"]>;
type H5Group = InstanceType<H5Module["Group"]>;
type H5Entity = ReturnType<H5Group["get"]>;

/** Weight datasets whose shapes are read, at most; a model with more gets the first ones only. */
const MAX_WEIGHTS = 20_000;
/** Keras 3 nests layers in groups (layers/<layer>/<sublayer>/vars); deeper is not a Keras file. */
const MAX_GROUP_DEPTH = 24;


const isGroup = (entity: H5Entity): entity is H5Group => !!entity && "keys" in entity;
const isDataset = (entity: H5Entity): entity is Extract<H5Entity, { shape: unknown }> => !!entity && "shape" in entity && !("keys" in entity);

function decode(value: unknown): unknown {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(decode);
  return value;
}

/**
 * A scalar variable-length string attribute (what h5py writes for a Python str, e.g. model_config) as its UTF-8
 * bytes, or null for any other type. h5wasm would decode it to a JS string, a copy the main thread would then copy
 * again: for a 50 MB config those copies, beside HDF5's own in the wasm heap, came near 500 MB.
 */
function stringBytes(wasm: H5Wasm, group: H5Group, name: string): Uint8Array | null {
  const metadata = wasm.get_attribute_metadata(group.file_id, group.path, name);
  if (metadata.type !== wasm.H5T_class_t.H5T_STRING.value || !metadata.vlen || metadata.total_size !== 1) return null;
  // A one-element array (save_weights of a model with one weighted layer: layer_names = ["dense"]) is a list,
  // not a scalar string: it must stay an array.
  if (Array.isArray(metadata.shape) && metadata.shape.length > 0) return null;
  const pointer = wasm._malloc(Math.max(metadata.size, 8));
  if (!pointer) throw new Error("out of memory in the HDF5 reader");
  try {
    wasm.get_attribute_data(group.file_id, group.path, name, BigInt(pointer));
    // HEAPU8 is read after the call: HDF5 may have grown the heap, which replaces the buffer.
    const heap = wasm.HEAPU8;
    const start = new DataView(heap.buffer).getUint32(pointer, true);
    if (start === 0) return new Uint8Array(0);
    const end = heap.indexOf(0, start);
    return heap.slice(start, end < 0 ? heap.length : end);
  } finally {
    wasm.reclaim_vlen_memory(group.file_id, group.path, name, BigInt(pointer));
    wasm._free(pointer);
  }
}

/** One attribute's value, or `null` when absent; Keras splits attributes over 64 KB into `name0`, `name1`, ... */
function readAttribute(wasm: H5Wasm, group: H5Group, names: string[], name: string): unknown {
  if (names.includes(name)) return stringBytes(wasm, group, name) ?? decode(group.get_attribute(name, true));
  if (!names.includes(`${name}0`)) return null;
  const parts: unknown[] = [];
  for (let i = 0; names.includes(`${name}${i}`); i++) {
    const part = decode(group.get_attribute(`${name}${i}`, true));
    if (Array.isArray(part)) parts.push(...part);
    else parts.push(part);
  }
  return parts;
}

export function readRoot(wasm: H5Wasm, file: H5Group): Hdf5Root {
  const attributeNames = Object.keys(file.attrs);
  const keys = file.keys();
  const attributes: Hdf5Root["attributes"] = {};
  for (const name of ROOT_ATTRIBUTES) {
    const value = readAttribute(wasm, file, attributeNames, name);
    if (value !== null) attributes[name] = value;
  }
  const layersKey = keys.includes("layers") ? "layers" : keys.includes("_layer_checkpoint_dependencies") ? "_layer_checkpoint_dependencies" : null;
  const layers = layersKey ? file.get(layersKey) : null;
  return { attributeNames, keys, attributes, keras3LayerGroups: isGroup(layers) ? layers.keys() : null };
}

function shapeOf(entity: H5Entity): number[] | null {
  if (!isDataset(entity)) return null;
  const shape = entity.shape;
  return Array.isArray(shape) ? shape.map(Number) : null;
}

/** Keras 2 / legacy layout: `<group>/<layer>` holds a `weight_names` attribute naming datasets under it. */
function legacyShapes(group: H5Group, layerNames: string[]): WeightShapes {
  const table: WeightShapes = {};
  let budget = MAX_WEIGHTS;
  for (const layerName of layerNames) {
    if (budget <= 0) break;
    const layer = group.get(layerName);
    if (!isGroup(layer)) continue;
    const attributeNames = Object.keys(layer.attrs);
    const names = attributeNames.includes("weight_names") ? decode(layer.get_attribute("weight_names", true)) : [];
    const list = Array.isArray(names) ? names.map(String) : typeof names === "string" ? [names] : [];
    table[layerName] = [];
    for (const name of list.slice(0, budget)) {
      budget--;
      const shape = shapeOf(layer.get(name));
      if (shape) table[layerName].push({ name, shape });
    }
  }
  return table;
}

/**
 * Keras 3 H5IOStore layout (model.weights.h5, .weights.h5): `layers/<snake_case>/.../vars/<0..n>`, where the
 * `vars` group's `name` attribute is the layer's name (fixtures keras3/functional_nested.keras: group `dense`,
 * name `shared_dense`). The first layer of a name wins.
 */
function keras3Shapes(root: H5Group): WeightShapes {
  const table: WeightShapes = {};
  let budget = MAX_WEIGHTS;
  const walk = (group: H5Group, path: string, depth: number) => {
    if (depth > MAX_GROUP_DEPTH || budget <= 0) return;
    for (const key of group.keys()) {
      const child = group.get(key);
      if (!isGroup(child)) continue;
      const childPath = path ? `${path}/${key}` : key;
      if (key === "vars") {
        const attributeNames = Object.keys(child.attrs);
        const stored = attributeNames.includes("name") ? decode(child.get_attribute("name", true)) : null;
        const layerName = typeof stored === "string" ? stored : path;
        const indices = child.keys().filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(a) - Number(b));
        const weights = [];
        for (const index of indices.slice(0, budget)) {
          budget--;
          const shape = shapeOf(child.get(index));
          if (shape) weights.push({ name: `${childPath}/${index}`, shape });
        }
        if (!(layerName in table)) table[layerName] = weights;
      } else {
        walk(child, childPath, depth + 1);
      }
    }
  };
  walk(root, "", 0);
  return table;
}

/** The stored weights' shapes per layer name, from whichever layout the file has; null when it has none. */
export function readWeightShapes(file: H5Group): WeightShapes | null {
  const asNames = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const keys = file.keys();
  if (keys.includes("model_weights")) {
    const group = file.get("model_weights");
    if (!isGroup(group)) return null;
    const names = Object.keys(group.attrs).includes("layer_names") ? decode(group.get_attribute("layer_names", true)) : [];
    return legacyShapes(group, asNames(names));
  }
  // Keras 2 save_weights: layer_names on the root (always an array of names, never the split form in practice).
  const layerNames = Object.keys(file.attrs).includes("layer_names") ? decode(file.get_attribute("layer_names", true)) : null;
  if (Array.isArray(layerNames)) return legacyShapes(file, asNames(layerNames));
  if (keys.includes("layers")) {
    const layers = file.get("layers");
    return isGroup(layers) ? keras3Shapes(layers) : null;
  }
  return null;
}

/** What the safety read needs from an HDF5 file's structure (src/core/inspect/safety.ts turns it into findings). */

/** Entities visited by the storage scan; Keras files hold a few per weight. */
const MAX_STORAGE_ENTITIES = 50_000;
const MAX_STORAGE_NOTES = 50;

/** A datatype that holds Python objects, references or untyped bytes rather than numbers, however nested. */
function objectType(wasm: H5Wasm, metadata: { type: number; vlen?: boolean; compound_type?: { members: unknown[] }; array_type?: unknown; vlen_type?: unknown }, depth = 0): string | null {
  const classes = wasm.H5T_class_t;
  if (depth > 8) return null;
  if (metadata.type === classes.H5T_OPAQUE.value) return "opaque bytes";
  if (metadata.type === classes.H5T_REFERENCE.value) return "object references";
  if (metadata.type === classes.H5T_VLEN.value) return "variable-length sequences";
  for (const member of metadata.compound_type?.members ?? []) {
    const inner = objectType(wasm, member as typeof metadata, depth + 1);
    if (inner) return `a compound type holding ${inner}`;
  }
  if (metadata.array_type) return objectType(wasm, metadata.array_type as typeof metadata, depth + 1);
  return null;
}

/**
 * Links that lead outside the file (external links, and soft links whose target is missing), virtual datasets
 * mapped onto other files, and datasets whose type is not numbers (research keras-security.md rows 9-10, §1c).
 * An external link whose target exists is followed by HDF5 and looks like the object it points at: h5wasm does not
 * expose the link itself, so such a link goes unseen here.
 */
export function readStorage(wasm: H5Wasm, file: H5Group): Hdf5StorageNote[] {
  const notes: Hdf5StorageNote[] = [];
  let budget = MAX_STORAGE_ENTITIES;
  const walk = (group: H5Group, depth: number) => {
    if (depth > MAX_GROUP_DEPTH) return;
    for (const key of group.keys()) {
      if (--budget <= 0 || notes.length >= MAX_STORAGE_NOTES) return;
      const path = group.path === "/" ? `/${key}` : `${group.path}/${key}`;
      const type = group.get_type(path);
      if (type === wasm.H5G_UDLINK) {
        const target = group.get_external_link(path) as { filename?: string; obj_path?: string } | null;
        notes.push({ path, kind: "external-link", detail: `${target?.filename ?? "?"}:${target?.obj_path ?? "?"}` });
      } else if (type === wasm.H5G_LINK) {
        notes.push({ path, kind: "soft-link", detail: String(group.get_link(path)) });
      } else if (type === wasm.H5G_GROUP) {
        const child = group.get(key);
        if (isGroup(child)) walk(child, depth + 1);
      } else if (type === wasm.H5G_DATASET) {
        const metadata = wasm.get_dataset_metadata(group.file_id, path);
        if (metadata.virtual_sources && metadata.virtual_sources.length > 0) {
          const files = metadata.virtual_sources.map((source) => source.file_name).slice(0, 3).join(", ");
          notes.push({ path, kind: "virtual-dataset", detail: files });
        }
        const stored = objectType(wasm, metadata);
        if (stored) notes.push({ path, kind: "object-data", detail: stored });
      }
    }
  };
  walk(file, 0);
  return notes;
}
