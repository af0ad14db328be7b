// What a reader found in a model path, in the reader's own terms: a Keras config to walk, or a file described by its
// container alone (a problem, weights only, a SavedModel without Keras metadata). Each reader reads its bytes once
// and returns one of these; to-facts.ts alone turns them into ModelFacts.
import type { FileProblem, ModelFacts, ModelFormat, SafetyFinding } from "../types.js";
import type { FoundModel } from "./model-facts.js";

/** A Keras config (and what the container says about it): the facts come from walking it (model-facts.ts). */
export interface FoundConfig extends FoundModel {
  kind: "config";
  /** The file's problem whatever the config says (an incomplete SavedModel). */
  problem?: FileProblem;
  /** The file's problem unless the config walk finds its own (a config too deep to read). */
  problemUnlessWalk?: FileProblem;
  tensorflowVersion?: string | null;
  /** Reads the stored weight shapes; asked only when the config has custom layers, whose stand-ins
   * (src/core/fixes/skeleton.ts) need them, and the file has no problem. */
  weightShapes?: () => Promise<Record<string, unknown>>;
  /** The container's own safety findings (HDF5 links, virtual or object datasets), after the config's. */
  storageSafety?: SafetyFinding[];
  /** A note on what was read instead of the path given (a folder's model.json), added to details last. */
  note?: string;
}

/** A path with no config to walk. */
export interface FoundFile {
  kind: "file";
  path: string;
  format: ModelFormat;
  fileSize: number | null;
  problem: FileProblem | null;
  details: Record<string, unknown>;
  kerasVersion?: string | null;
  backend?: string | null;
  kerasLine?: ModelFacts["kerasLine"];
  tensorflowVersion?: string | null;
  storageSafety?: SafetyFinding[];
  note?: string;
}

export type Found = FoundConfig | FoundFile;

/** A file with a problem and nothing else to say. */
export function problemFound(
  path: string,
  format: ModelFormat,
  fileSize: number | null,
  problem: FileProblem,
  details: Record<string, unknown> = {},
): FoundFile {
  return { kind: "file", path, format, fileSize, problem, details };
}
