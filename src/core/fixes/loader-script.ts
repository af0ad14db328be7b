// Writes the small Python script that loads the user's model the way keras-fix verified it loads, so the fix
// outlives this session: the user's module imported by path, custom_objects keyed exactly as the file stores them.
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { toSafeJson } from "../safe-json.js";
import type { EnvFacts, LoadFix, ModelFacts } from "../types.js";

export interface LoaderScriptInput {
  modelPath: string;
  fix: LoadFix;
  fileFacts: ModelFacts | null;
  env: EnvFacts | null;
}

type Loader = "keras3" | "tf.keras" | "tf_keras" | "keras2";

/** A Python string literal for any text (JSON string escapes are valid Python escapes); bidi and C1 characters
 * from a model file are escaped too, so they cannot reorder what the user reads in the generated file. */
export function pythonString(value: string): string {
  return toSafeJson(value);
}

/** The Python module name the probe and the script give a file: its stem with non-word characters replaced. */
export function moduleNameFor(path: string): string {
  const stem = basename(path).replace(/\.py$/, "");
  return stem.replace(/\W/g, "_") || "custom_objects";
}

function stemOf(modelPath: string): string {
  const name = basename(modelPath.replace(/[\\/]+$/, ""));
  const stem = name.replace(/\.weights\.h5$/i, "").replace(/\.(keras|h5|hdf5|json|pb)$/i, "");
  return stem.replace(/[^\w.-]/g, "_") || "model";
}

/** A new `load_<model>.py` path in `dir` (then -2, -3, ...): never a file that already exists. */
export function loaderFileName(modelPath: string, dir: string = process.cwd()): string {
  const stem = stemOf(modelPath);
  for (let n = 1; ; n++) {
    const candidate = join(dir, `load_${stem}${n === 1 ? "" : `-${n}`}.py`);
    if (!existsSync(candidate)) return candidate;
  }
}

function loaderOf(fix: LoadFix, env: EnvFacts | null): Loader {
  if (fix.legacyKeras) return "tf_keras";
  return env?.loader ?? "keras3";
}

function versionTuple(version: string | null | undefined): number[] | null {
  const match = /^(\d+)\.(\d+)/.exec(version ?? "");
  return match ? [Number(match[1]), Number(match[2])] : null;
}

function atLeast(version: string | null | undefined, major: number, minor: number): boolean {
  const tuple = versionTuple(version);
  return tuple !== null && (tuple[0] > major || (tuple[0] === major && tuple[1] >= minor));
}

function importLines(loader: Loader): string[] {
  switch (loader) {
    case "keras3":
      return ["import keras"];
    case "tf_keras":
      // TensorFlow reads TF_USE_LEGACY_KERAS when it is imported: set it before anything imports TensorFlow.
      return ['os.environ["TF_USE_LEGACY_KERAS"] = "1"', "import tf_keras as keras"];
    case "tf.keras":
      return ["from tensorflow import keras"];
    case "keras2":
      return ["import keras"];
  }
}

/** Whether this loader's load_model takes safe_mode (Keras 3, tf_keras, tf.keras from 2.13). */
function hasSafeMode(loader: Loader, env: EnvFacts | null): boolean {
  if (loader === "keras3" || loader === "tf_keras") return true;
  if (loader === "tf.keras") return atLeast(env?.packages.tensorflow ?? env?.packages.keras, 2, 13);
  return false;
}

const IMPORT_FILE_FUNCTION = [
  "def import_file(path):",
  '    """Imports a .py file by its path, with its own folder importable so that its sibling imports work."""',
  "    folder = os.path.dirname(os.path.abspath(path))",
  "    if folder not in sys.path:",
  "        sys.path.insert(0, folder)",
  '    name = re.sub(r"\\W", "_", os.path.splitext(os.path.basename(path))[0])',
  "    spec = importlib.util.spec_from_file_location(name, path)",
  "    module = importlib.util.module_from_spec(spec)",
  "    sys.modules[name] = module",
  "    spec.loader.exec_module(module)",
  "    return module",
];

const SHIM_CODE: Record<string, string[]> = {
  "depthwise-conv2d-groups": [
    "class DepthwiseConv2D(keras.layers.DepthwiseConv2D):",
    '    """Keras 2 files store `groups` for DepthwiseConv2D and Keras 3 rejects it (keras#19151): drop it."""',
    "",
    "    def __init__(self, *args, **kwargs):",
    '        kwargs.pop("groups", None)',
    "        super().__init__(*args, **kwargs)",
  ],
};
const SHIM_OBJECTS: Record<string, Record<string, string>> = {
  "depthwise-conv2d-groups": { DepthwiseConv2D: "DepthwiseConv2D" },
};

/** The loader script's source. Throws on a shim id it does not know (a bug in the caller, not a user error). */
export function loaderScript({ modelPath, fix, fileFacts, env }: LoaderScriptInput): string {
  const loader = loaderOf(fix, env);
  const shims = fix.shims ?? [];
  for (const shim of shims) if (!SHIM_CODE[shim]) throw new Error(`loaderScript: unknown shim ${shim}`);
  const module = fix.customObjectsModule ?? null;
  const mapping = module ? Object.entries(fix.customObjects ?? {}) : [];
  const objectEntries: string[] = [
    ...mapping.map(([key, attribute]) =>
      /^[A-Za-z_]\w*$/.test(attribute)
        ? `    ${pythonString(key)}: custom.${attribute},`
        : `    ${pythonString(key)}: getattr(custom, ${pythonString(attribute)}),`,
    ),
    ...shims.flatMap((shim) => Object.entries(SHIM_OBJECTS[shim]).map(([key, name]) => `    ${pythonString(key)}: ${name},`)),
  ];
  const modelName = basename(modelPath.replace(/[\\/]+$/, ""));

  const lines: string[] = [
    `"""Loads ${modelName.replace(/["\\]/g, "_")} the way keras-fix verified that it loads. Generated by keras-fix; edit freely."""`,
  ];
  lines.push(...(module ? ["import importlib.util", "import os", "import re", "import sys"] : ["import os"]));
  if (fix.loadAs) lines.push("import shutil", "import tempfile");
  lines.push("");
  // Keras 3 reads KERAS_BACKEND once, when it is imported.
  if (fix.backend) lines.push(`os.environ["KERAS_BACKEND"] = ${pythonString(fix.backend)}`);
  lines.push(...importLines(loader));
  lines.push("", `MODEL_PATH = ${pythonString(modelPath)}`);
  if (module) lines.push(`CUSTOM_OBJECTS_FILE = ${pythonString(module)}`);
  if (module) lines.push("", "", ...IMPORT_FILE_FUNCTION);
  for (const shim of shims) lines.push("", "", ...SHIM_CODE[shim]);
  lines.push("", "");
  if (module) lines.push("custom = import_file(CUSTOM_OBJECTS_FILE)");

  if (fix.tfsmLayer) {
    const endpoint = fix.tfsmLayer.callEndpoint;
    lines.push(
      "# Keras 3 reads a TensorFlow SavedModel only as an inference layer: call it on your inputs.",
      `layer = keras.layers.TFSMLayer(MODEL_PATH, call_endpoint=${pythonString(endpoint)})`,
      "# outputs = layer(inputs)",
      "print(layer)",
    );
    return `${lines.join("\n")}\n`;
  }

  if (objectEntries.length > 0) {
    lines.push("# Keys exactly as the model file stores them; values are the classes and functions they stand for.");
    lines.push("CUSTOM_OBJECTS = {", ...objectEntries, "}");
  }
  if (fix.loadAs) {
    lines.push(
      `# Keras 3 reads this HDF5 file only under a ${fix.loadAs} name: it loads a copy so named; the file itself stays as it is.`,
      "LOAD_DIR = tempfile.mkdtemp()",
      `LOAD_PATH = os.path.join(LOAD_DIR, "model${fix.loadAs}")`,
      "shutil.copyfile(MODEL_PATH, LOAD_PATH)",
    );
  }
  const args = [fix.loadAs ? "LOAD_PATH" : "MODEL_PATH"];
  if (objectEntries.length > 0) args.push("custom_objects=CUSTOM_OBJECTS");
  const comments: string[] = [];
  if (fix.compile === false) {
    args.push("compile=False");
    comments.push(
      "# compile=False skips the saved training setup (loss, metrics, optimizer): predict() works as is; call",
      "# model.compile(...) with your own loss and optimizer before training or evaluating.",
    );
  }
  if (fix.safeMode === false) {
    comments.push(
      "# safe_mode=False lets Keras run the Python code stored in this file (its Lambda layers) while loading.",
      "# Keep it only for files from a source you trust: that code can do anything your user account can.",
    );
    if (hasSafeMode(loader, env)) args.push("safe_mode=False");
    else comments.push("# (This Keras has no safe_mode argument: it loads Lambda layers without asking.)");
  }
  // Keras 3.0-3.2 drop custom_objects for .h5 files (research §0.4); a custom_object_scope works on every version.
  const needsScope =
    objectEntries.length > 0 &&
    loader === "keras3" &&
    fileFacts?.format === "h5-model" &&
    !atLeast(env?.packages.keras, 3, 3);
  const call = `keras.models.load_model(${args.join(", ")})`;
  lines.push(...comments);
  if (needsScope) {
    lines.push("# Keras 3.0-3.2 ignore custom_objects for .h5 files; the scope below is honoured everywhere.");
    lines.push("with keras.utils.custom_object_scope(CUSTOM_OBJECTS):", `    model = ${call}`);
  } else {
    lines.push(`model = ${call}`);
  }
  if (fix.loadAs) lines.push("shutil.rmtree(LOAD_DIR, ignore_errors=True)");
  lines.push("model.summary()");
  return `${lines.join("\n")}\n`;
}
