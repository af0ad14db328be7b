// A to_json() architecture and a save_weights() file are the two halves of one model, and people keep them side by
// side (model.json + model.weights.h5). Whichever half keras-fix is given, the code it shows names the user's own
// files (issue 21: the example said "model.json" and "model.weights.h5" whatever the files were called). Only file
// names and a JSON file's first bytes are read; nothing is run.
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pythonString } from "../../src/core/fixes/loader-script.js";
import type { ModelFacts } from "../../src/core/types.js";

const stemOf = (file: string) => basename(file).replace(/\.weights\.h5$/i, "").replace(/\.(?:json|h5|hdf5|keras)$/i, "").replace(/[._-]?weights$/i, "");

function filesBeside(path: string): string[] {
  try {
    const dir = dirname(path);
    return readdirSync(dir)
      .filter((name) => name !== basename(path))
      .sort()
      .map((name) => join(dir, name))
      .filter((file) => statSync(file).isFile());
  } catch {
    return [];
  }
}

/** A to_json() document starts with its class_name (tf.js' model.json starts with modelTopology or format instead). */
function looksLikeKerasJson(file: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(4096);
    const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString("utf8");
    // Keras 2 writes {"class_name": ..., "config": ...}; Keras 3 puts "module" first.
    return /^\s*\{\s*(?:"module"\s*:\s*"[^"]*"\s*,\s*)?"class_name"\s*:/.test(text) && text.includes('"config"');
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Of several candidates, the one named like `path` (model.json ~ model.weights.h5), else the only preferred one,
 * else the only one; null when that does not decide. */
function pick(path: string, candidates: string[], preferred: (file: string) => boolean = () => false): string | null {
  const same = candidates.filter((file) => stemOf(file) === stemOf(path));
  if (same.length === 1) return same[0];
  const best = candidates.filter(preferred);
  if (best.length === 1) return best[0];
  return candidates.length === 1 ? candidates[0] : null;
}

/** The to_json() architecture beside a weights file, when one file there is (or is named like) it. */
export function architectureBeside(weightsPath: string): string | null {
  return pick(weightsPath, filesBeside(weightsPath).filter((file) => /\.json$/i.test(file) && looksLikeKerasJson(file)));
}

/** The weights file beside a to_json() architecture, when one file there is (or is named like) it. */
export function weightsBeside(jsonPath: string): string | null {
  // A `.weights.h5` name is weights for sure; a plain .h5 may be a whole model.
  return pick(jsonPath, filesBeside(jsonPath).filter((file) => /\.(?:weights\.h5|h5|hdf5)$/i.test(file)), (file) => /\.weights\.h5$/i.test(file));
}

/** Rebuild from the architecture, load the weights, save both as one .keras file: with the user's file names. */
export function fromJsonCode(jsonPath: string, weightsPath: string | null, kerasLine: ModelFacts["kerasLine"] = null): string {
  const legacy = kerasLine === "tf-keras2" || kerasLine === "keras2" || kerasLine === "keras1";
  // A new name, never one of the two halves (a Keras 2 weights file is often <stem>.h5 itself).
  const saveAs = join(dirname(jsonPath), `${stemOf(jsonPath) || "model"}.rebuilt${legacy ? ".h5" : ".keras"}`);
  return [
    legacy ? "from tensorflow import keras  # the architecture was written by Keras 2" : "import keras",
    "",
    `with open(${pythonString(jsonPath)}) as f:`,
    "    model = keras.models.model_from_json(f.read())  # custom layers: add custom_objects={...}",
    weightsPath
      ? `model.load_weights(${pythonString(weightsPath)})`
      : `model.load_weights(${pythonString(join(dirname(jsonPath), `${stemOf(jsonPath) || "model"}.weights.h5`))})  # the weights saved beside it: no weights file found next to ${basename(jsonPath)}`,
    `model.save(${pythonString(saveAs)})  # one file with both, which load_model reads`,
  ].join("\n");
}
