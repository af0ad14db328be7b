// The messages between the main thread and the HDF5 worker, and the weight-shape table inspect reports: shared by
// both sides so that what the worker sends is what the reader expects.
import type { Hdf5Root, Hdf5StorageNote } from "./hdf5-extract.js";

/**
 * `ModelFacts.details.weightShapes`: layer name → the weights the file stores for it, in order, with their shapes
 * (read from the HDF5 metadata, never the data). src/core/fixes/skeleton.ts creates them in a stand-in's build().
 */
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
