// The static safety read: what in a model file could run code, read or write files, fetch URLs, or show one reader
// something other than what Keras loads, judged from the bytes alone before any Python touches the file. Configs
// of every format are read here (scanConfig); containers in safety-zip.ts, safety-folder.ts and the HDF5 worker.
// The rules follow the Keras advisories of 2024–2026 (/work/shared/research/keras-security.md §1–§5); which releases
// each finding can harm is data in safety-exposure.ts. A clean read is not a proof of safety (README).
import type { SafetyFinding, SafetyRead } from "../types.js";
import type { Hdf5StorageNote } from "./hdf5-extract.js";
import { clipText } from "./bounds.js";
import { describeExposure, knownExposure } from "./safety-exposure.js";

/** Findings kept per file: a hostile config may repeat one trick 100k times. */
const MAX_FINDINGS = 50;
/** Values visited in a config; a real config of a huge model has a few hundred thousand. */
const MAX_CONFIG_VALUES = 5_000_000;
/** As deep as the config walk (config-walk.ts MAX_CONFIG_DEPTH); deeper configs are refused there. */
const MAX_DEPTH = 200;

export function finding(id: string, severity: SafetyFinding["severity"], where: string, why: string): SafetyFinding {
  const known = knownExposure(id);
  return { id, severity, where: clipText(where, 200), why: clipText(why, 600), advisory: known.advisory, exposure: known.exposure, openIn: describeExposure(known.exposure) };
}

export function safetyRead(findings: SafetyFinding[]): SafetyRead {
  // One finding per (id, where); dangerous first, so the first lines shown are the ones that matter.
  const seen = new Set<string>();
  const unique = findings.filter((f) => !seen.has(`${f.id}\0${f.where}`) && seen.add(`${f.id}\0${f.where}`));
  unique.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "dangerous" ? -1 : 1));
  const kept = unique.slice(0, MAX_FINDINGS);
  const verdict = kept.some((f) => f.severity === "dangerous") ? "dangerous" : kept.length > 0 ? "caution" : "ok";
  return { verdict, findings: kept };
}

export function mergeSafety(...reads: (SafetyRead | SafetyFinding[])[]): SafetyRead {
  return safetyRead(reads.flatMap((read) => (Array.isArray(read) ? read : read.findings)));
}

// ----------------------------------------------------------------------------------------------------------------
// Configs

/** Top packages `.keras` deserialization may import (3.9's allow-list, plus tf_keras and TensorFlow's own Keras). */
const KERAS_PACKAGES = new Set(["keras", "keras_hub", "keras_cv", "keras_nlp", "tf_keras"]);
const isKerasModule = (module: string) => KERAS_PACKAGES.has(module.split(".")[0]) || /^tensorflow\.(?:python\.)?keras(\.|$)/.test(module);

/** Modules no model config has a reason to name: they run commands, touch files or the network, or load code.
 * The Python standard library's risky parts (modelscan's unsafe_globals) plus the loaders people reach for. */
const DANGEROUS_MODULES = new Set([
  "os", "posix", "nt", "subprocess", "sys", "shutil", "socket", "pty", "runpy", "pickle", "_pickle", "cPickle", "marshal",
  "importlib", "imp", "ctypes", "code", "codeop", "bdb", "pdb", "timeit", "trace", "pkgutil", "site", "sysconfig",
  "io", "pathlib", "tempfile", "glob", "fileinput", "zipfile", "tarfile", "urllib", "urllib2", "urllib3", "http",
  "httplib", "ftplib", "smtplib", "telnetlib", "webbrowser", "requests", "httpx", "aiohttp", "multiprocessing",
  "threading", "_thread", "asyncio", "signal", "operator", "functools", "platform", "sqlite3", "shelve", "dbm",
  "distutils", "setuptools", "pip", "commands", "popen2", "dill", "cloudpickle", "joblib", "torch", "numpy",
]);

/** Python built-in functions that run code or touch the outside world (CVE-2025-1550 used `builtins` as module). */
const DANGEROUS_BUILTINS = new Set([
  "eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "delattr", "globals", "locals", "vars",
  "input", "breakpoint", "exit", "quit", "help", "print", "memoryview", "type", "object", "super", "apply", "execfile",
  "reload", "file", "classmethod", "staticmethod", "property", "map", "filter", "iter", "next", "bytearray", "bytes",
]);

/** keras.* functions that load, save or fetch instead of modelling (NON_MODELING_APIS at master, §3). */
const NON_MODELING = /^(?:load_model|model_from_json|model_from_config|model_from_yaml|save_model|load_weights|save_weights|get_file|load_img|save_img|clear_session|register_keras_serializable|deserialize_keras_object|serialize_keras_object|\w+_dataset_from_directory|enable_unsafe_deserialization|set_global_attribute|extract_archive)$/;

/** Lookup layers whose string `vocabulary` is a path or URI read at load time (CVE-2025-12058). */
const LOOKUP_LAYERS = new Set(["StringLookup", "IntegerLookup", "TextVectorization", "IndexLookup", "Hashing"]);
/** keras_hub / keras_nlp classes that read a vocabulary, merges or SentencePiece proto file named in their config. */
const READS_TOKENIZER_FILES = /(?:Tokenizer|Preprocessor|Detokenizer)$/;
const TOKENIZER_FILE_KEYS = ["vocabulary", "merges", "proto", "spm_proto"] as const;

/**
 * The names a config object can resolve to, spelled the ways Keras lines resolve them: `class_name` as written;
 * its last part when dotted (Keras 3 and tf_keras join `module` + "." + `class_name` and look that up in the public
 * API table, so `{"module": "keras", "class_name": "layers.TFSMLayer"}` is keras.layers.TFSMLayer); and
 * `registered_name`, after its `package>` prefix or last dot (the registry's key, and the legacy `package>name`).
 * A rule on a class name judges every one of them, so another spelling of the same class cannot pass.
 */
export function resolvedNames(object: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value !== "string" || value === "") return;
    names.add(value);
    const last = value.split(/[>.]/).pop();
    if (last) names.add(last);
  };
  add(object.class_name);
  add(object.registered_name);
  // A function reference names its function in `config`: `{"class_name": "function", "config": "utils.get_file"}`.
  if (object.class_name === "function") add(object.config);
  return names;
}

const URL_LIKE = /^(?:https?|ftp|gs|s3|hdfs|file):\/\//i;
const PATH_ESCAPE = /(?:^|[\\/])\.\.(?:[\\/]|$)|^[\\/]|^[A-Za-z]:[\\/]|\\/;

interface Frame {
  value: unknown;
  path: string;
  depth: number;
  /** The value sits in a model's `layers` list: a plain function there is called by the functional rebuild. */
  inLayers: boolean;
}

/**
 * Every object of a config (model config, compile or training config) checked against the rules above. `style`:
 * `native` configs (`.keras`, Keras 3 to_json) are read by serialization_lib, which imports `module`; `legacy` ones
 * (H5, SavedModel, TF.js) by loaders that look names up in their own tables and never import.
 */
export function scanConfig(config: unknown, root: string, style: "native" | "legacy", isKerasBuiltin: (name: string) => boolean): SafetyFinding[] {
  const found: SafetyFinding[] = [];
  const stack: Frame[] = [{ value: config, path: root, depth: 0, inLayers: false }];
  let visited = 0;
  while (stack.length > 0 && found.length < MAX_FINDINGS * 4) {
    const { value, path, depth, inLayers } = stack.pop()!;
    if (++visited > MAX_CONFIG_VALUES) {
      found.push(finding("config-not-fully-read", "caution", root, `The config holds more than ${MAX_CONFIG_VALUES.toLocaleString("en-US")} values; the safety read stopped there.`));
      break;
    }
    if (depth > MAX_DEPTH) continue;
    if (typeof value === "string") {
      if (URL_LIKE.test(value)) found.push(finding("config-url", "caution", path, `The config names a URL (${clipText(value, 80)}); a layer that fetches it at load time reads from the network.`));
      // A function reference's own `config` string is judged with its object (objectFindings).
      if (value === "enable_unsafe_deserialization" && !path.endsWith(".config")) {
        found.push(finding("config-disables-safe-mode", "dangerous", path, "The config names keras.config.enable_unsafe_deserialization: calling it during the load turns safe mode off, so a Lambda later in the file runs."));
      }
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1, inLayers });
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const object = value as Record<string, unknown>;
    found.push(...objectFindings(object, path, style, inLayers, isKerasBuiltin));
    const entries = Object.entries(object);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      stack.push({ value: child, path: `${path}${path.endsWith(":") ? "" : "."}${key}`, depth: depth + 1, inLayers: key === "layers" });
    }
  }
  return found;
}

function objectFindings(
  object: Record<string, unknown>,
  path: string,
  style: "native" | "legacy",
  inLayers: boolean,
  isKerasBuiltin: (name: string) => boolean,
): SafetyFinding[] {
  const found: SafetyFinding[] = [];
  const className = typeof object.class_name === "string" ? object.class_name : null;
  const config = typeof object.config === "object" && object.config !== null && !Array.isArray(object.config) ? (object.config as Record<string, unknown>) : null;
  const fnName = className === "function" && typeof object.config === "string" ? object.config : null;
  const module = typeof object.module === "string" ? object.module : null;
  const label = fnName ?? className ?? "object";
  const names = resolvedNames(object);
  const is = (name: string) => names.has(name);
  const isAny = (test: (name: string) => boolean) => [...names].some(test);

  if (className === "__lambda__") {
    found.push(finding("lambda-bytecode-keras", "caution", path, "A Python lambda stored as bytecode: loading runs it. Keras 3 and tf_keras refuse it in a .keras file unless safe_mode=False; keras-fix asks before it allows that."));
  }
  if (is("Lambda") && config) {
    const legacyCode = config.function_type === "lambda" || config.output_shape_type === "lambda";
    if (legacyCode) {
      found.push(finding("lambda-bytecode-legacy", "caution", `${path}.config.function`, "A Lambda layer stores Python bytecode: tf.keras and tf_keras run it on load without asking in .h5 and SavedModel files, Keras 3 before 3.11.3 too; keras-fix's probe refuses it unless you say yes."));
    }
  }
  if (is("TFSMLayer")) {
    const target = config && typeof config.filepath === "string" ? ` (${clipText(config.filepath, 80)})` : "";
    found.push(finding("config-tfsmlayer", "dangerous", path, `A TFSMLayer loads and runs another SavedModel${target} from a path or URL the file chooses.`));
  }
  if (is("TorchModuleWrapper")) {
    found.push(finding("config-torch-module-wrapper", "dangerous", path, "A TorchModuleWrapper stores a torch.save blob, which torch.load unpickles: a pickle runs any code it names."));
  }
  if (isAny((n) => LOOKUP_LAYERS.has(n)) && config && typeof config.vocabulary === "string") {
    found.push(finding("config-vocabulary-path", "dangerous", `${path}.config.vocabulary`, `A ${clipText(label, 60)} reads its vocabulary from ${clipText(config.vocabulary, 80)} at load time: a file on your machine or a URL, not data stored in the model.`));
  } else if (config && (isAny((n) => READS_TOKENIZER_FILES.test(n)) || /^keras_(?:hub|nlp)(\.|$)/.test(module ?? ""))) {
    for (const key of TOKENIZER_FILE_KEYS) {
      const value = config[key];
      if (typeof value !== "string") continue;
      found.push(finding("config-tokenizer-file", "dangerous", `${path}.config.${key}`, `A ${clipText(label, 60)} reads its ${key} from ${clipText(value, 80)} at load time: a file on your machine or a URL, not data stored in the model.`));
    }
  }
  if (module !== null && className !== null) {
    const top = module.split(".")[0];
    if (isKerasModule(module)) {
      // By any spelling: `{"class_name": "function", "config": "get_file"}`, a dotted `config` or `class_name`.
      const called = [...names].find((n) => NON_MODELING.test(n));
      if (called !== undefined) {
        const id = /enable_unsafe_deserialization|set_global_attribute/.test(called) ? "config-disables-safe-mode" : "config-non-modeling-api";
        found.push(finding(id, "dangerous", path, `The config calls ${module}.${clipText(label, 80)}, a function that loads, saves, fetches or changes settings, not a part of a model.`));
      }
    } else if (top === "builtins") {
      // Keras 3 writes `builtins` for the user's own functions too (fixtures keras3/custom_loss.keras): only names
      // of Python's own built-ins are a sign.
      if (DANGEROUS_BUILTINS.has(label) && !isKerasBuiltin(label)) {
        found.push(finding("config-imports-module", "dangerous", path, `The config names the Python built-in ${label}: an older Keras (and tf_keras) would call it with arguments from the file.`));
      }
    } else if (DANGEROUS_MODULES.has(top)) {
      found.push(finding("config-imports-module", style === "native" ? "dangerous" : "caution", path, `The config names ${module}.${label}: Keras 3 before 3.9 and tf_keras import that module and call it with arguments from the file (it can run commands or touch files).`));
    } else if (style === "native" && top !== "__main__") {
      found.push(finding("config-imports-module", "caution", path, `Keras 3 before 3.9 and tf_keras import the module ${clipText(module, 80)} to find ${clipText(label, 80)}: loading runs that module's import-time code. Fine when it is your own code.`));
    }
  }
  if (inLayers && className === "function") {
    found.push(finding("config-function-as-layer", "dangerous", path, `A plain function (${clipText(module ?? "?", 60)}.${clipText(label, 60)}) sits where a layer belongs: rebuilding the model calls it with arguments the file chooses.`));
  }
  const registered = typeof object.registered_name === "string" ? object.registered_name : null;
  if (registered && registered.includes(">")) {
    const pkg = registered.slice(0, registered.indexOf(">"));
    if (DANGEROUS_MODULES.has(pkg) || pkg === "builtins") {
      found.push(finding("config-imports-module", "dangerous", path, `The registered name ${clipText(registered, 80)} claims to come from ${pkg}, which no model's own code lives in.`));
    }
  }
  const name = config && typeof config.name === "string" ? config.name : null;
  if (name !== null && className !== null && PATH_ESCAPE.test(name)) {
    found.push(finding("config-path-in-name", "dangerous", `${path}.config.name`, `A layer is named ${clipText(name, 80)}: Keras 3 before 3.12.3 / 3.15.0 joins layer names into asset paths, so this name reads or writes outside its folder.`));
  }
  return found;
}

// ----------------------------------------------------------------------------------------------------------------
// HDF5 structure (read in the HDF5 worker: hdf5-extract.ts readStorage)

export function hdf5Findings(notes: Hdf5StorageNote[], error: string | null): SafetyFinding[] {
  const found = notes.map((note) => {
    switch (note.kind) {
      case "external-link":
        return finding("h5-link", "dangerous", note.path, `An external link to ${clipText(note.detail, 120)}: reading the weights reads another HDF5 file of your machine into the model.`);
      case "soft-link":
        return finding("h5-link", "dangerous", note.path, `A soft link to ${clipText(note.detail, 120)}, which is not an object of this file: Keras never writes links, and a link where weights belong redirects what loads.`);
      case "external-storage":
        return finding("h5-external-data", "dangerous", note.path, `A dataset whose bytes are stored in ${clipText(note.detail, 120)}, outside the model: loading the weights reads that file of your machine into the model.`);
      case "virtual-dataset":
        return finding("h5-external-data", "dangerous", note.path, `A virtual dataset mapped onto ${clipText(note.detail, 120)}: its values are read from other files of your machine.`);
      case "object-data":
        return finding("h5-object-data", "caution", note.path, `A dataset of ${note.detail} where Keras stores numbers; Keras never writes one.`);
    }
  });
  if (error) found.push(finding("safety-read-incomplete", "caution", "(hdf5)", `keras-fix could not walk the file's HDF5 structure (${clipText(error, 120)}); links and datasets were not all checked.`));
  return found;
}
