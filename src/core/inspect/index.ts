// `inspectModel`: what a model path holds, read without Python. It never throws for bad input: a missing,
// empty, truncated or foreign file is a ModelFacts with the right format and a `problem` saying what to do.
// The path is sniffed here and handed to one reader, which returns what it found (found.ts); to-facts.ts turns that
// into ModelFacts, and bounds.ts cuts what came from the file to size.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { ModelFacts } from "../types.js";
import { boundFacts } from "./bounds.js";
import { findCheckpoint, readCheckpoint } from "./checkpoint-reader.js";
import { problemFacts } from "./facts.js";
import { type Found, problemFound } from "./found.js";
import { readHdf5 } from "./hdf5-reader.js";
import { readJson } from "./json-reader.js";
import { problems } from "./problems.js";
import { looksLikeSavedModel, readSavedModel } from "./savedmodel-reader.js";
import { sniffFile } from "./sniff.js";
import { toFacts } from "./to-facts.js";
import { isRecord, parseJson } from "./values.js";
import { readZip } from "./zip-reader.js";

const MODEL_EXTENSIONS = /\.(keras|h5|hdf5|h5f|model|pb|json|tflite|onnx|pt|pth|pkl)$/i;

export async function inspectModel(path: string): Promise<ModelFacts> {
  try {
    return boundFacts(await toFacts(await inspectPath(path)));
  } catch (error) {
    // A reader bug must not become a stack trace for the user; the message says it is ours.
    const reason = error instanceof Error ? error.message : String(error);
    return problemFacts(path, "not-a-model", null, {
      cause: "not-a-model-file",
      message: `keras-fix could not read this file (${reason.slice(0, 200)}).`,
      hint: "If the file loads in Keras, please report this as a keras-fix bug.",
    }, { internalError: reason });
  }
}

async function inspectPath(path: string): Promise<Found> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") return problemFound(path, "missing", null, problems.unreadable(path, "permission denied"));
    // A TF checkpoint's prefix names no file: `<prefix>.index` and `<prefix>.data-*` are what exist.
    const checkpoint = findCheckpoint(path);
    if (checkpoint) return readCheckpoint(path, checkpoint);
    return problemFound(path, "missing", null, problems.missing(path));
  }
  if (info.isDirectory()) return inspectDirectory(path);
  const name = basename(path);
  const checkpoint = /\.index$|\.data-\d{5}-of-\d{5}$|^checkpoint$/.test(name) ? findCheckpoint(path) : null;
  if (checkpoint) return readCheckpoint(path, checkpoint);
  if (name === "saved_model.pb" || name === "saved_model.pbtxt") return readSavedModel(dirname(path), name);
  if (info.size === 0) return problemFound(path, "empty", 0, problems.empty());
  let sniffed;
  try {
    sniffed = sniffFile(path, info.size);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return problemFound(path, "missing", info.size, problems.unreadable(path, code === "EACCES" ? "permission denied" : code));
  }
  const size = info.size;
  switch (sniffed.kind) {
    case "empty":
      return problemFound(path, "empty", 0, problems.empty());
    case "hdf5":
      return readHdf5(path, size, sniffed.offset);
    case "zip":
      return readZip(path, size);
    case "json":
      return readJson(path, size);
    case "lfs":
      return problemFound(path, "git-lfs-pointer", size, problems.lfs(sniffed.size, sniffed.oid), {
        lfsSize: sniffed.size,
        lfsOid: sniffed.oid,
      });
    case "html":
      return problemFound(path, "html", size, problems.html());
    case "text":
      return problemFound(path, "not-a-model", size, problems.text(sniffed.what));
    case "pickle":
      return problemFound(path, "not-a-model", size, sniffed.torch ? problems.pytorch() : problems.pickle(sniffed.hints), {
        detected: sniffed.torch ? "pytorch" : "pickle",
      });
    case "onnx":
      return problemFound(path, "not-a-model", size, problems.onnx(sniffed.producer), { detected: "onnx" });
    case "tflite":
      return problemFound(path, "not-a-model", size, problems.tflite(), { detected: "tflite" });
    case "safetensors":
      return problemFound(path, "not-a-model", size, problems.safetensors(), { detected: "safetensors" });
    case "archive":
      return problemFound(path, "not-a-model", size, problems.archive(sniffed.what), { detected: sniffed.what });
    case "binary":
      if (extname(path).toLowerCase() === ".pb") return problemFound(path, "not-a-model", size, problems.frozenGraph());
      return problemFound(path, "not-a-model", size, problems.unknownBinary());
  }
}

async function inspectDirectory(dir: string): Promise<Found> {
  if (looksLikeSavedModel(dir)) return readSavedModel(dir, null);
  if (existsSync(join(dir, "model.json"))) {
    return { ...(await inspectPath(join(dir, "model.json"))), note: "You gave a folder; keras-fix inspected its model.json." };
  }
  if (existsSync(join(dir, "config.json")) && existsSync(join(dir, "metadata.json"))) return readUnzippedKeras(dir);
  const checkpoint = findCheckpoint(dir);
  if (checkpoint) return readCheckpoint(dir, checkpoint);
  let entries: string[] = [];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return problemFound(dir, "missing", null, problems.unreadable(dir, "cannot list the folder"));
  }
  const candidates = entries.filter((entry) => MODEL_EXTENSIONS.test(entry)).map((entry) => join(dir, entry));
  return problemFound(dir, "not-a-model", null, problems.notSavedModelDir(entries, candidates), { entries: entries.slice(0, 50) });
}

/** Keras 3 also loads a folder holding an extracted .keras archive (saving_api: a directory with config.json). */
function readUnzippedKeras(dir: string): Found {
  const config = parseJson(readFileSync(join(dir, "config.json"), "utf8"));
  const metadata = parseJson(readFileSync(join(dir, "metadata.json"), "utf8"));
  if (!config.ok || !isRecord(config.value)) {
    return problemFound(dir, "keras-zip", null, problems.badJson("its config.json is not valid JSON"), { layout: "directory" });
  }
  const meta = metadata.ok && isRecord(metadata.value) ? metadata.value : {};
  return {
    kind: "config",
    path: dir,
    format: "keras-zip",
    fileSize: null,
    container: "zip",
    kerasVersion: typeof meta.keras_version === "string" ? meta.keras_version : null,
    backend: null,
    modelConfig: config.value,
    compileConfig: config.value.compile_config,
    details: { layout: "directory", dateSaved: meta.date_saved ?? null },
  };
}
