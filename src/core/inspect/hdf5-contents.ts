// The messages between the main thread and the HDF5 worker, and the weight-shape table inspect reports: shared by
// both sides so that what the worker sends is what the reader expects.

/**
 * `ModelFacts.details.weightShapes`: layer name → the weights the file stores for it, in order, with their shapes
 * (read from the HDF5 metadata, never the data). src/core/fixes/skeleton.ts creates them in a stand-in's build().
 */
/** The root attributes inspect reads, with Keras' `<name>0`, `<name>1`, ... split form for ones over 64 KB. */
export const ROOT_ATTRIBUTES = ["keras_version", "backend", "model_config", "training_config", "layer_names"] as const;

export type RootAttributeName = (typeof ROOT_ATTRIBUTES)[number];

export type WeightShapes = Record<string, { name: string; shape: number[] }[]>;

/** What to read: the root (names, configs, versions) and/or the weight shapes (a dataset lookup per weight). */
export interface Hdf5Parts {
  root: boolean;
  weightShapes: boolean;
  /** Links, virtual datasets and non-numeric datasets, for the safety read. */
  storage?: boolean;
}

export interface Hdf5Job extends Hdf5Parts {
  id: number;
  path: string;
}

/** Sent in this order for one job; `failed` may replace any of them once HDF5 throws. */
export type Hdf5WorkerMessage =
  | { id: number; root: Hdf5Root }
  | { id: number; weightShapes: WeightShapes | null; weightShapesError: string | null }
  | { id: number; storage: Hdf5StorageNote[] | null; storageError: string | null }
  | { id: number; done: true; heapBytes: number }
  | { id: number; failed: string; stage: "open" | "read" };

export interface Hdf5Root {
  attributeNames: string[];
  keys: string[];
  /** As h5wasm decodes them, except a scalar variable-length string: its UTF-8 bytes (stringBytes). */
  attributes: Partial<Record<RootAttributeName, unknown>>;
  /** Group names under `layers` (Keras 3 .weights.h5) or `_layer_checkpoint_dependencies` (Keras 2.13). */
  keras3LayerGroups: string[] | null;
}

export interface Hdf5StorageNote {
  path: string;
  kind: "external-link" | "soft-link" | "external-storage" | "virtual-dataset" | "object-data";
  /** The link target, the files the raw bytes come from, the virtual dataset's source files, or the stored type. */
  detail: string;
}
