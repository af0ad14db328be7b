// A to_json() architecture and a save_weights() file are the two halves of one model, and people keep them side by
// side (model.json + model.weights.h5). Given one half, the other is found by file names and a JSON file's first
// bytes only; nothing is run. Used by inspect's hint and by the flows that show the rebuild code.
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export const stemOf = (file: string) => basename(file).replace(/\.weights\.h5$/i, "").replace(/\.(?:json|h5|hdf5|keras)$/i, "").replace(/[._-]?weights$/i, "");

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
 * else the only one; null when that does not decide. A candidate named like another file of path's own kind (`rivals`)
 * is that file's other half, never path's. */
function pick(path: string, candidates: string[], rivals: string[], preferred: (file: string) => boolean = () => false): string | null {
  const same = candidates.filter((file) => stemOf(file) === stemOf(path));
  if (same.length === 1) return same[0];
  const taken = new Set(rivals.map(stemOf));
  const free = candidates.filter((file) => !taken.has(stemOf(file)));
  const best = free.filter(preferred);
  if (best.length === 1) return best[0];
  return free.length === 1 ? free[0] : null;
}

const isArchitecture = (file: string) => /\.json$/i.test(file) && looksLikeKerasJson(file);
const isWeights = (file: string) => /\.(?:weights\.h5|h5|hdf5)$/i.test(file);

/** The to_json() architecture beside a weights file, when one file there is (or is named like) it. */
export function architectureBeside(weightsPath: string): string | null {
  const beside = filesBeside(weightsPath);
  return pick(weightsPath, beside.filter(isArchitecture), beside.filter(isWeights));
}

/** The weights file beside a to_json() architecture, when one file there is (or is named like) it. */
export function weightsBeside(jsonPath: string): string | null {
  const beside = filesBeside(jsonPath);
  // A `.weights.h5` name is weights for sure; a plain .h5 may be a whole model.
  return pick(jsonPath, beside.filter(isWeights), beside.filter(isArchitecture), (file) => /\.weights\.h5$/i.test(file));
}
