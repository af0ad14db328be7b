// Issue 22: what people really paste. Each text here is written for this test (no user's paste is copied): the
// load-path messages the classifier had never seen, errors inside prose, and a text that only names an error.
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";

const diagnose = (text: string) => classify(parseTraceback(text), { file: null, env: null, load: null }, causes);

describe("explain on pasted text alone", () => {
  it.each([
    ["ValueError: Cannot create group in read only mode.", "weights-only-file"],
    ["Exception: Invalid layer: MyAttention", "custom-layer-missing"],
    ["Exception: Invalid objective: focal_loss", "custom-loss-missing"],
    ["ValueError: Unable to restore custom object of type _tf_keras_metric currently. Please make sure that the layer implements `get_config`and `from_config` when saving.", "custom-metric-missing"],
    [
      "ValueError: File format not supported: filepath=exported.model. Keras 3 only supports V3 `.keras` files and legacy H5 format files (`.h5` extension). Note that the legacy SavedModel format is not supported by `load_model()` in Keras 3.",
      "savedmodel-in-keras3",
    ],
    ["ValueError: File format not supported: filepath=notes.txt. Keras 3 only supports V3 `.keras` files and legacy H5 format files (`.h5` extension).", "not-a-model-file"],
    ["ImportError: Keras requires TensorFlow 2.2 or higher. Install TensorFlow via `pip install tensorflow`", "env-package-conflict"],
    ["ValueError: This library needs the tf-keras package with TensorFlow 2.16. Please run `pip install tf-keras`.", "keras-not-installed"],
    ["TypeError: __init__() got an unexpected keyword argument 'ragged'", "keras-tfkeras-mixing"],
    ["ModuleNotFoundError: No module named 'tensorflow.compat.v1.keras'", "keras-tfkeras-mixing"],
    ["TypeError: learning_rate_decay is not a valid argument, kwargs should be empty  for \"optimizer_experimental.Optimizer\"", "compile-config-incompatible"],
  ])("%s -> %s", (text, cause) => {
    expect(diagnose(text).cause).toBe(cause);
  });

  it("reads a message that runs on into the user's prose, and one retold in a sentence", () => {
    expect(diagnose("ValueError: Unknown optimizer: Lookahead\n\nDoes anyone know how to load it?")).toMatchObject({ cause: "custom-optimizer-missing", culprit: "Lookahead" });
    expect(diagnose("After upgrading I get ValueError: Unknown layer: TokenEmbedding throws every time I call load_model")).toMatchObject({
      cause: "custom-layer-missing",
      culprit: "TokenEmbedding",
    });
    expect(diagnose("when I load my model it responds No model found in config file, what can I do").cause).toBe("weights-only-file");
  });
});

describe("a one-line markdown block quote amid prose (issue 22)", () => {
  it("reads the quoted error as the message", () => {
    const text = [
      "Saving works, but loading it back fails:",
      "",
      "> \"<class 'keras.src.models.functional.Functional'> could not be deserialized properly. Please ensure that components that are Python object instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized in the model's `from_config()` method.",
      "",
      "Any idea?",
    ].join("\n");
    expect(diagnose(text).cause).not.toBe("unclassified");
  });
});
