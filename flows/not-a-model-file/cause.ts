// The file exists but is not a Keras model: a web page saved by a failed download, a PyTorch/ONNX/TFLite file, a
// pickle, a TF.js folder, an architecture-only JSON. Loaders report it as "file signature not found" (h5py),
// "File format not supported" (Keras 3) or "Filepath is not an hdf5 file ... or SavedModel" (tf-keras).
import { paragraphs, path, python, shell, strong } from "../../src/core/content.js";
import type { Cause, Facts, StepContext } from "../../src/core/types.js";
import { identifyOtherFormat } from "./identify.js";

const OTHER_FORMATS = new Set(["html", "not-a-model", "tfjs", "keras-json"]);

// With the file's facts, only a file the inspector called something else counts; without them a generic "not a
// readable model file" is the best reading (an LFS pointer or a truncated file are the alternatives).
function judgeByFile(facts: Facts): boolean | number {
  if (!facts.file) return 1;
  return OTHER_FORMATS.has(facts.file.format) ? 1.5 : false;
}

const targetOf = (ctx: StepContext) => ctx.file?.path ?? ctx.modelPath ?? ctx.diagnosis.captures.path ?? "the file";

export const notAModelFile: Cause = {
  id: "not-a-model-file",
  title: "The file is not a Keras model",
  summary: (ctx) => {
    const other = identifyOtherFormat(ctx.file);
    return paragraphs([path(targetOf(ctx)), other ? ` is ${other.name}.` : " is not a file Keras can read as a model."]);
  },
  matchers: [
    {
      // h5py, every Keras line (captured: keras2 env on model.tflite and an HTML page; keras3 env on an HTML page).
      type: /^(?:OSError|IOError)$/,
      message: /Unable to (?:synchronously )?open file \(file signature not found(?:\)|$)/,
      weight: 0.55,
      means: "h5py found no HDF5 signature at the start of the file",
    },
    {
      // Keras 3 saving_api for names it does not dispatch (research §0.7; captured: keras3 env on notes.txt).
      type: /^ValueError$/,
      // A paste cut right after the path keeps only "File format not supported: filepath=...".
      message: /File format not supported: filepath=(?<path>.*?)(?:\.?\s+Keras (?:3|Core) only supports V3 `\.keras` (?:files|and)|\.?$)/m,
      weight: 0.5,
      means: "Keras 3 does not read this kind of file",
    },
    {
      // Keras 3 for a `.keras` name that is not a zip (an HTML page saved as model.keras).
      type: /^ValueError$/,
      message: /File not found: filepath=(?<path>.*?)\. Please ensure the file is an accessible `\.keras` zip file/,
      weight: 0.45,
      means: "Keras 3 could not open the file as a .keras zip",
    },
    {
      // tf-keras / Keras 2 legacy save.py (research §0).
      type: /^(?:OSError|IOError)$/,
      message: /Unable to load model\. Filepath is not an hdf5 file \(or h5py is not available\) or SavedModel\.(?: Received: filepath=(?<path>.*)$)?/m,
      weight: 0.7,
      means: "tf-keras found neither an HDF5 file nor a SavedModel",
    },
    {
      // pickle / joblib reading a web page saved under the model's name (a download link's HTML).
      type: /^UnpicklingError$/,
      message: /invalid load key, '(?<firstByte><)'/,
      weight: 0.6,
      means: "the pickled model starts with \"<\": a web page, not a model",
    },
    {
      // json.loads on an HTML page or binary passed to model_from_json.
      type: /^JSONDecodeError$/,
      message: /Expecting value: line 1 column 1 \(char 0\)/,
      weight: 0.4,
      means: "the file is not JSON",
    },
    {
      // Keras 3 saving_lib reading an unzipped model folder, given something else (mined table).
      type: /^ValueError$/,
      message: /Path isn't a directory: (?<path>.+)$/m,
      weight: 0.6,
      means: "Keras 3 expected an unzipped model folder at this path",
    },
  ],
  when: (_captures, facts) => judgeByFile(facts),
  detect: (facts) => {
    const other = identifyOtherFormat(facts.file);
    if (!other || !facts.file) return null;
    return {
      confidence: other.id === "unknown" ? 0.8 : 0.92,
      captures: { path: facts.file.path, format: other.id },
      evidence: [`the file is ${other.name}`],
    };
  },
  culprit: (captures, facts) => facts.file?.path ?? captures.path ?? captures.loadedPath ?? captures.mentionedPath ?? null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "What the file is",
      body: (ctx) => {
        const other = identifyOtherFormat(ctx.file);
        if (!other) {
          return paragraphs(
            ["The loader could not read ", path(targetOf(ctx)), " as a Keras model (no HDF5 signature, not a .keras zip)."],
            "Common reasons: the download saved a web page instead of the file, the file is a Git LFS pointer, it was cut short, or it is another framework's format (PyTorch .pt, ONNX, TFLite).",
            "Look at its size and first bytes: `ls -l` and `head -c 200` show a web page or a pointer at once.",
          );
        }
        const content = paragraphs([path(targetOf(ctx)), " is ", strong(other.name), "."], other.instead);
        if (other.snippet) content.push([other.id === "tfjs" ? shell(other.snippet) : python(other.snippet)]);
        return content;
      },
      next: "end",
    },
    {
      kind: "end",
      id: "end",
      outcome: "not-fixed",
      title: "Get the model in a format Keras reads",
      body: (ctx) =>
        paragraphs(
          "Keras loads a .keras file, an .h5 file with a model config, or (Keras 2, or Keras 3 through TFSMLayer) a SavedModel folder.",
          ["Once you have such a file, run keras-fix on it instead of ", path(targetOf(ctx)), "."],
        ),
    },
  ],
};
