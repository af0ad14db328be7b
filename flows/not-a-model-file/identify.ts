// Names what a file that is not a Keras model actually is (a web page, a PyTorch checkpoint, a TFLite flatbuffer,
// ...) from the inspector's facts, and says what loads that kind of file instead.
import type { ModelFacts } from "../../src/core/types.js";
import { weightsBeside } from "../../src/core/inspect/halves.js";
import { fromJsonCode } from "../weights-only-file/architecture.js";

export interface OtherFormat {
  id: string;
  name: string;
  /** What to use instead of keras.models.load_model, one paragraph. */
  instead: string;
  /** Python that loads it, when there is a standard way. */
  snippet?: string;
}

const FORMATS: { test: RegExp; format: OtherFormat }[] = [
  {
    test: /html|<!doctype|<html/i,
    format: {
      id: "html",
      name: "a web page (HTML), not a model",
      instead:
        "The download saved a page instead of the file: a Google Drive virus-scan or sign-in page, a GitHub or Hugging Face page (a /blob/ URL instead of the raw or /resolve/ one), or an expired link. Download the file itself and check its size.",
    },
  },
  {
    test: /pytorch|torch|\.(?:pt|pth)$|pickle.*torch|\.bin$/i,
    format: {
      id: "pytorch",
      name: "a PyTorch checkpoint",
      instead: "Keras cannot read PyTorch files. Load it with PyTorch (the model class must be importable), or find the Keras/TensorFlow release of the model.",
      snippet: 'import torch\nstate = torch.load("model.pt", map_location="cpu", weights_only=True)',
    },
  },
  {
    test: /safetensors/i,
    format: {
      id: "safetensors",
      name: "a safetensors weights file",
      instead: "It holds tensors only, no architecture. Load it with the library that made it (transformers, diffusers, keras-hub presets) or safetensors directly.",
      snippet: 'from safetensors.numpy import load_file\ntensors = load_file("model.safetensors")',
    },
  },
  {
    test: /onnx/i,
    format: {
      id: "onnx",
      name: "an ONNX model",
      instead: "Run it with onnxruntime; converting ONNX back to Keras is lossy (onnx2tf produces a SavedModel/TFLite).",
      snippet: 'import onnxruntime as ort\nsession = ort.InferenceSession("model.onnx")',
    },
  },
  {
    test: /tflite|flatbuffer|TFL3/i,
    format: {
      id: "tflite",
      name: "a TensorFlow Lite model",
      instead: "TFLite models run with the TFLite interpreter; they cannot be turned back into a Keras model.",
      snippet: 'import tensorflow as tf\ninterpreter = tf.lite.Interpreter(model_path="model.tflite")\ninterpreter.allocate_tensors()',
    },
  },
  {
    test: /pickle|joblib|\.pkl$/i,
    format: {
      id: "pickle",
      name: "a Python pickle",
      instead: "Pickles run code when loaded: only open one you trust, with the same libraries that wrote it. A Keras model inside a pickle needs the exact Keras version that pickled it.",
    },
  },
  {
    test: /\.npz$|\.npy$|numpy/i,
    format: {
      id: "numpy",
      name: "NumPy arrays",
      instead: "It holds arrays only. Build the model in code and set the weights from the arrays (model.set_weights).",
      snippet: 'import numpy as np\narrays = np.load("weights.npz")',
    },
  },
  {
    test: /\.(?:ckpt|index)$|checkpoint/i,
    format: {
      id: "tf-checkpoint",
      name: "a TensorFlow checkpoint (weights only)",
      instead: "Build the model in code, then model.load_weights(checkpoint_prefix) (the prefix without .index / .data-*).",
    },
  },
  {
    test: /^text$|plain text|\.txt$|\.csv$/i,
    format: { id: "text", name: "a text file", instead: "It is not a model at all: check which file was meant." },
  },
];

const TFJS: OtherFormat = {
  id: "tfjs",
  name: "a TensorFlow.js model (model.json + weight shards)",
  instead: "Convert it with the tensorflowjs converter to a Keras H5, then load that.",
  snippet: "pip install tensorflowjs\ntensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras model.json model.h5",
};

const KERAS_JSON: OtherFormat = {
  id: "keras-json",
  name: "a Keras architecture saved with to_json() (no weights)",
  instead: "Rebuild the model from the JSON, then load the weights from their own file.",
};

/** What the file is, or null when the facts do not say it is something other than a model. */
export function identifyOtherFormat(file: ModelFacts | null): OtherFormat | null {
  if (!file) return null;
  if (file.format === "tfjs") return TFJS;
  if (file.format === "keras-json") {
    // The example names the user's files: this JSON, and the weights file beside it when there is one.
    const weights = weightsBeside(file.path);
    const found = weights ? "" : " No weights file was found beside it: name the one saved with the JSON.";
    return { ...KERAS_JSON, instead: `${KERAS_JSON.instead}${found}`, snippet: fromJsonCode(file.path, weights, file.kerasLine) };
  }
  if (file.format !== "html" && file.format !== "not-a-model") return null;
  if (file.format === "html") return FORMATS[0].format;
  const details = file.details ?? {};
  const described = [details.kind, details.detected, details.magic, details.format, file.problem?.message]
    .filter((value): value is string => typeof value === "string")
    .join(" ");
  for (const { test, format } of FORMATS.slice(1)) if (described && test.test(described)) return format;
  for (const { test, format } of FORMATS.slice(1)) if (test.test(file.path)) return format;
  return { id: "unknown", name: "not a format Keras reads", instead: "Check which file was meant: Keras loads .keras zips, .h5 files and (Keras 2) SavedModel folders." };
}
