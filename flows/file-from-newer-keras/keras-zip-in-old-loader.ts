// A `.keras` zip handed to a Keras that predates the format. TF ≤ 2.11's tf.keras takes the name for a SavedModel
// folder ("SavedModel file does not exist at: model.keras/{saved_model.pbtxt|saved_model.pb}"); multi-backend Keras
// and TF ≤ 2.1 open every file with h5py, which finds no HDF5 signature in a zip (captured in the tf115-py36 and
// tf21-py37 envs on Keras 3 and Keras 2.15 `.keras` files: fixtures/tracebacks/_matrix). A Keras 3 file is the
// common reading today (keras3-file-in-keras2), a Keras 2.12+ one the other (file-from-newer-keras); the file's
// facts decide when there is a file.
import type { Facts, Matcher } from "../../src/core/types.js";

const means = "a Keras that predates the .keras format could not open a .keras file";

/**
 * The matchers, weighted for the cause that uses them (the Keras 3 reading a little above the Keras 2 one);
 * `bareWeight` is for h5py's wording with no `.keras` name in sight, which a Git LFS pointer or an HTML page gives too.
 */
export function kerasZipInOldLoader(weight: number, bareWeight: number): Matcher[] {
  return [
    {
      type: /^(?:OSError|IOError)$/,
      message: /SavedModel file does not exist at: (?<zipPath>[^\n{]*?\.keras)\/?\{saved_model\.pbtxt\|saved_model\.pb\}/,
      weight,
      means,
    },
    {
      // h5py's wording with the user's `.keras` name in a frame (their own load_model line).
      type: /^(?:OSError|IOError)$/,
      message: /Unable to (?:synchronously )?open file \((?<zipAsHdf5>file signature not found)(?:\)|$)/,
      frame: /\.keras['"]/,
      weight: weight - 0.12,
      means,
    },
    {
      // The same without the name: any file that is not HDF5 says so (not-a-model-file ranks above it).
      type: /^(?:OSError|IOError)$/,
      message: /Unable to (?:synchronously )?open file \((?<zipAsHdf5>file signature not found)(?:\)|$)/,
      weight: bareWeight,
      means: "h5py found no HDF5 signature, which a .keras zip opened by a Keras that reads only HDF5 gives",
    },
  ];
}

/** undefined when the hit is not one of these matchers'; otherwise the verdict for `when` (the file's format decides). */
export function zipInOldLoaderVerdict(captures: Record<string, string>, facts: Facts): boolean | undefined {
  if (captures.zipPath === undefined && captures.zipAsHdf5 === undefined) return undefined;
  if (captures.stackShows === "other") return false;
  return facts.file ? facts.file.format === "keras-zip" : true;
}

/** The culprit of such a hit: the file, in a format this Keras does not know; undefined for other hits. */
export function zipCulprit(captures: Record<string, string>): string | undefined {
  if (captures.zipPath !== undefined) return `${captures.zipPath} (the .keras format is newer than this Keras)`;
  if (captures.zipAsHdf5 !== undefined) return "a .keras file read as HDF5 (the .keras format is newer than this Keras)";
  return undefined;
}
