// A to_json() architecture and a save_weights() file are the two halves of one model, and people keep them side by
// side (model.json + model.weights.h5). Whichever half keras-fix is given, the code it shows names the user's own
// files (issue 21: the example said "model.json" and "model.weights.h5" whatever the files were called).
import { basename, dirname, join } from "node:path";
import { pythonString } from "../../src/core/fixes/loader-script.js";
import { stemOf } from "../../src/core/inspect/halves.js";
import type { ModelFacts } from "../../src/core/types.js";

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
