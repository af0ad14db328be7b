// The messages for files that are not loadable Keras models: each names what the file really is and the fix a
// person needs, in one place so that the wording stays consistent across readers.
import { basename } from "node:path";
import { pythonString } from "../fixes/loader-script.js";
import type { FileProblem } from "../types.js";
import { clipText } from "./bounds.js";
import { weightsBeside } from "./halves.js";

/** Names from the file, listed in a message: a few, each cut short. */
const list = (names: string[], count: number) =>
  names.slice(0, count).map((name) => clipText(name, 80)).join(", ") + (names.length > count ? ", …" : "");

export const CAUSE = {
  missing: "file-not-found",
  notAModel: "not-a-model-file",
  truncated: "truncated-file",
  lfs: "git-lfs-pointer",
  weightsOnly: "weights-only-file",
} as const;

const mb = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${bytes.toLocaleString("en-US")} bytes`;

export const problems = {
  missing: (path: string): FileProblem => ({
    cause: CAUSE.missing,
    message: `Nothing exists at ${path}.`,
    hint: "Check the path (relative paths start from the current folder) and that the download or copy finished.",
  }),
  unreadable: (path: string, reason: string): FileProblem => ({
    cause: CAUSE.missing,
    message: `${path} exists but cannot be read (${reason}).`,
    hint: "Check the file's permissions, or copy it somewhere you can read.",
  }),
  empty: (): FileProblem => ({
    cause: CAUSE.notAModel,
    message: "The file is empty (0 bytes): an interrupted download or a failed copy.",
    hint: "Download or copy the model again and check that its size matches the original.",
  }),
  lfs: (size: number | null, oid: string | null): FileProblem => ({
    cause: CAUSE.lfs,
    message:
      `This is a Git LFS pointer, not the model: the repository was cloned without its large files` +
      (size !== null ? ` (the real file is ${mb(size)}` + (oid ? `, sha256 ${oid.slice(0, 12)}…)` : ")") : "") +
      "; `git lfs pull` fetches it.",
    hint: "Run `git lfs install` once, then `git lfs pull` in the repository (or download the file from the web page's raw/download link).",
  }),
  html: (): FileProblem => ({
    cause: CAUSE.notAModel,
    message:
      "This is a web page saved under a model name (a sign-in, download-warning or 404 page), not a model.",
    hint: "Re-download the raw file: use the site's direct download link (e.g. GitHub `raw`, Hugging Face `resolve/main`, Google Drive with the confirm step), not the page URL.",
  }),
  text: (what: string): FileProblem => ({
    cause: CAUSE.notAModel,
    message: `This is a text file (${what}), not a Keras model.`,
    hint: "Point keras-fix at the model file itself (.keras, .h5, or a SavedModel folder).",
  }),
  unknownBinary: (): FileProblem => ({
    cause: CAUSE.notAModel,
    message: "This file is not in any format Keras saves (not HDF5, not a .keras zip, not a SavedModel).",
    hint: "Check that this is the model file you meant; a corrupted or encrypted copy also looks like this. Download it again.",
  }),
  frozenGraph: (): FileProblem => ({
    cause: CAUSE.notAModel,
    message: "This .pb file is not a SavedModel's saved_model.pb: probably a frozen TensorFlow graph (GraphDef), which Keras cannot load.",
    hint: "Load a frozen graph with tf.compat.v1 (tf.io.gfile + tf.compat.v1.GraphDef); to get a Keras model, re-export it from the original training code.",
  }),
  truncatedHdf5: (expected: number, actual: number): FileProblem => ({
    cause: CAUSE.truncated,
    message: `The HDF5 file is truncated: its header says it is ${mb(expected)} but only ${mb(actual)} are here (${Math.floor((actual / expected) * 100)}%).`,
    hint: "The download or copy stopped early. Fetch the file again and compare its size (or checksum) with the original.",
  }),
  // A file as long as its header says but whose inner structures do not read back: a corrupted copy, not a cut one.
  damagedHdf5: (reason: string): FileProblem => ({
    cause: CAUSE.notAModel,
    message: `The file's HDF5 structure is damaged (${reason}): it starts like an HDF5 model but HDF5 cannot read it back.`,
    hint: "The copy is corrupted. Download or copy it again and compare its checksum (or size) with the original.",
  }),
  truncatedZip: (): FileProblem => ({
    cause: CAUSE.truncated,
    message: "The zip archive is cut short: a .keras file is a zip, and this one lacks the table of contents a zip ends with.",
    hint: "The download or copy stopped early. Fetch the file again and compare its size with the original.",
  }),
  damagedZip: (reason: string): FileProblem => ({
    cause: CAUSE.notAModel,
    message: `The .keras zip is damaged (${reason}): its table of contents or a member does not read back.`,
    hint: "The copy is corrupted. Download or copy it again and compare its checksum (or size) with the original.",
  }),
  configTooDeep: (limit: number): FileProblem => ({
    cause: CAUSE.notAModel,
    message:
      `The file is intact, but its model config nests deeper than ${limit} levels, far past anything Keras writes; ` +
      "Python's JSON reader and Keras' deserializer give up on such a config (RecursionError), so no Keras loads it.",
    hint: "model.save() did not write this config: check where the file came from, and re-save the model from the code that built it.",
  }),
  notKerasHdf5: (groups: string[]): FileProblem => ({
    cause: CAUSE.notAModel,
    message:
      "This is an HDF5 file but not a Keras model: it has no `model_config` and no `layer_names`" +
      (groups.length ? ` (top-level entries: ${list(groups, 8)}).` : "."),
    hint: "It may be a dataset or another library's checkpoint. Use the file the model was saved to with model.save().",
  }),
  weightsOnly: (layout: string): FileProblem => ({
    cause: CAUSE.weightsOnly,
    message: `This file holds weights only (${layout}), without the model's architecture, so load_model cannot build a model from it.`,
    hint: "Rebuild the model in code exactly as it was trained, then call model.load_weights(path). Or load the full model file saved with model.save().",
  }),
  tfCheckpoint: (prefix: string, variables: number, missingShards: string[]): FileProblem => ({
    cause: CAUSE.weightsOnly,
    message:
      `This is a TensorFlow checkpoint (save_weights without .h5, or ModelCheckpoint(save_weights_only=True)): ` +
      `${variables} stored variables and no architecture, so load_model cannot build a model from it.` +
      (missingShards.length ? ` Its data file${missingShards.length > 1 ? "s" : ""} ${list(missingShards, 3)} ${missingShards.length > 1 ? "are" : "is"} missing: copy ${missingShards.length > 1 ? "them" : "it"} too.` : ""),
    hint: `Build the model in code exactly as it was trained, then call model.load_weights(${JSON.stringify(prefix)}) with the prefix (not the .index file).`,
  }),
  pytorch: (): FileProblem => ({
    cause: CAUSE.notAModel,
    message: "This is a PyTorch checkpoint (torch.save), not a Keras model.",
    hint: "Load it with torch.load in PyTorch. To use it in Keras, rebuild the network in Keras and copy the weights, or export to ONNX and convert.",
  }),
  numpyZip: (): FileProblem => ({
    cause: CAUSE.notAModel,
    message: "This is a NumPy .npz archive (arrays only), not a Keras model.",
    hint: "Load it with numpy.load. If it holds a model's weights, rebuild the model and assign them with set_weights.",
  }),
  otherZip: (members: string[]): FileProblem => ({
    cause: CAUSE.notAModel,
    message:
      "This is a zip archive but not a .keras model: it has no config.json" +
      (members.length ? ` (it holds ${list(members, 6)}).` : "."),
    hint: "Unzip it and point keras-fix at the model inside, or use the file saved with model.save('name.keras').",
  }),
  oversizedMember: (reason: string): FileProblem => ({
    cause: CAUSE.notAModel,
    message: `This zip is not a plausible .keras file: ${reason} (a real config.json is a few MB at most); keras-fix did not inflate it.`,
    hint: "Check where the file came from; re-save the model with model.save('name.keras') from its source.",
  }),
  onnx: (producer: string | null): FileProblem => ({
    cause: CAUSE.notAModel,
    message: `This is an ONNX model${producer ? ` (made by ${producer})` : ""}, not a Keras model.`,
    hint: "Run it with onnxruntime. Converting ONNX back to Keras (e.g. onnx2tf) is possible but lossy; prefer the original Keras file.",
  }),
  pickle: (hints: string[]): FileProblem => ({
    cause: CAUSE.notAModel,
    message: `This is a Python pickle${hints.length ? ` (${hints.join(", ")})` : ""}, not a Keras model file.`,
    hint: "Unpickle it only if you trust its source (pickle runs code), in the same library versions that wrote it; save Keras models with model.save('name.keras') instead.",
  }),
  tflite: (): FileProblem => ({
    cause: CAUSE.notAModel,
    message: "This is a TensorFlow Lite model (.tflite flatbuffer), not a Keras model; it cannot be turned back into one.",
    hint: "Run it with tf.lite.Interpreter (or ai_edge_litert). For a Keras model, use the file it was converted from.",
  }),
  safetensors: (): FileProblem => ({
    cause: CAUSE.notAModel,
    message: "This is a safetensors weights file (Hugging Face), not a Keras model.",
    hint: "Load it with the library that wrote it (transformers, keras_hub's from_preset, safetensors.numpy).",
  }),
  archive: (kind: string): FileProblem => ({
    cause: CAUSE.notAModel,
    message: `This is a ${kind} archive, not a model.`,
    hint: "Unpack it and point keras-fix at the model file or SavedModel folder inside.",
  }),
  notSavedModelDir: (entries: string[], candidates: string[]): FileProblem => ({
    cause: CAUSE.notAModel,
    message:
      "This folder is not a model: a SavedModel folder holds saved_model.pb and variables/, a TF.js model holds model.json." +
      (candidates.length ? ` Model-looking files here: ${candidates.slice(0, 6).join(", ")}.` : ` It holds: ${entries.slice(0, 8).join(", ") || "nothing"}.`),
    hint: candidates.length
      ? `Point keras-fix at the model file, e.g. keras-fix ${candidates[0]}`
      : "Point keras-fix at the .keras/.h5 file or the SavedModel folder itself.",
  }),
  /** `path` as the user gave it, so the code runs from where they are; without it the hint names no file. */
  architectureOnly: (path?: string): FileProblem => {
    const message = "This JSON is a model architecture (model.to_json()) without weights, not a model file; load_model cannot read it.";
    if (!path) {
      return { cause: CAUSE.notAModel, message, hint: "Rebuild it with keras.models.model_from_json(open(path).read()), then model.load_weights(<the weights file>)." };
    }
    const rebuild = `import keras; model = keras.models.model_from_json(open(${pythonString(path)}).read())`;
    const weights = weightsBeside(path);
    return {
      cause: CAUSE.notAModel,
      message,
      hint: weights
        ? `Rebuild it in Python with the weights beside it: ${rebuild}; model.load_weights(${pythonString(weights)})`
        : `Rebuild it in Python: ${rebuild}. Then model.load_weights() needs the file model.save_weights() wrote (.weights.h5 or .h5): none named like ${basename(path)} is beside it.`,
    };
  },
  tfjs: (graph: boolean): FileProblem => ({
    cause: CAUSE.notAModel,
    message: graph
      ? "This is a TensorFlow.js graph model (model.json + shards), which Keras cannot load."
      : "This is a TensorFlow.js layers model (model.json + weight shards), made for TensorFlow.js, not for load_model.",
    hint: graph
      ? "Use it from TensorFlow.js, or re-export from the original model; graph models cannot become Keras models again."
      : "Convert it back with tensorflowjs: tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras model.json model.h5",
  }),
  badJson: (reason: string): FileProblem => ({
    cause: CAUSE.notAModel,
    message: `This JSON file is not a Keras model description (${reason}).`,
    hint: "Point keras-fix at the model file itself (.keras, .h5, or a SavedModel folder).",
  }),
  incompleteSavedModel: (missing: string[]): FileProblem => ({
    cause: CAUSE.truncated,
    message: `This SavedModel folder is incomplete: ${list(missing, 4)} ${missing.length > 1 ? "are" : "is"} missing. A SavedModel is the whole folder (saved_model.pb, variables/, assets/), and a partial copy or download cannot load.`,
    hint: "Copy or download the whole folder again (zip it first, or use `gsutil -m cp -r` / `scp -r`), and check that the missing parts arrive.",
  }),
  badSavedModel: (reason: string): FileProblem => ({
    cause: CAUSE.truncated,
    message: `The SavedModel's saved_model.pb cannot be read (${reason}).`,
    hint: "The folder is damaged or incomplete: copy the whole folder again, including variables/.",
  }),
};
