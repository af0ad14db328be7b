// The weights in a file do not fit the architecture they are loaded into: another layer count, weight count or
// shape (research W1–W6). Usually `model.load_weights(...)` after building the model in code with other sizes;
// through load_model, a file whose stored config disagrees with its own weights (keras3-extra/config_weights_disagree.h5).
import { code, paragraphs, python, text } from "../../src/core/content.js";
import { builtinsFor } from "../../src/core/versions/builtins.js";
import type { Cause, StepContext } from "../../src/core/types.js";

const SHAPE = String.raw`(?:\([^)]*\)|\[[^\]]*\]|TensorShape\([^)]*\))`;

/** `sequential/dense/kernel` → `dense`; `dense/kernel:0` → `dense`. */
function layerOfWeightPath(weight: string | undefined): string | null {
  if (!weight) return null;
  const parts = weight.trim().replace(/:\d+$/, "").split("/").filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2] : null;
}

function describe(captures: Record<string, string>): string | null {
  const layer = captures.layer ?? layerOfWeightPath(captures.weight);
  // The TF ~2.4–2.8 assign wording fills expected2/found2 (a regex cannot reuse a group name across branches).
  const expected = captures.expected ?? captures.expected2;
  const found = captures.found ?? captures.found2;
  if (expected && found) {
    // Counts are bare numbers: of layers with weights (W1, no layer named) or of one layer's weights (W2/W7).
    const count = /^\d+$/.test(expected);
    const what = !count ? "shape" : layer ? "weights" : "layers with weights";
    return `${layer ? `layer ${layer}: ` : ""}model ${what} ${expected}, file ${what} ${found}`;
  }
  return layer ? `layer ${layer}` : null;
}

function loadWeightsCode(ctx: StepContext, skip: boolean): string {
  const path = ctx.modelPath ?? ctx.file?.path ?? "weights.h5";
  const keras3 = ctx.env?.loader === "keras3";
  if (!skip) return `model = build_model()  # must match the saved architecture exactly\nmodel.load_weights(${JSON.stringify(path)})`;
  return keras3
    ? `model.load_weights(${JSON.stringify(path)}, skip_mismatch=True)  # mismatched layers keep fresh weights`
    : `model.load_weights(${JSON.stringify(path)}, by_name=True, skip_mismatch=True)  # Keras 2: only with by_name`;
}

export const weightsArchitectureMismatch: Cause = {
  id: "weights-architecture-mismatch",
  title: "The saved weights do not fit the model's architecture",
  summary: (ctx) =>
    paragraphs([text("The weights do not fit: "), code(describe(ctx.diagnosis.captures) ?? "a layer differs"), text(".")]),
  matchers: [
    {
      type: /^ValueError$/,
      // W1 (Keras 2.7+, tf_keras, Keras 3 legacy H5). Counts layers that have weights.
      message: /Layer count mismatch when loading weights from file\. Model expected (?<expected>\d+) layers?, found (?<found>\d+)(?: saved layers?|(?: \w*)*$)/,
      weight: 0.9,
      means: "the model and the file have different numbers of layers with weights",
    },
    {
      type: /^(?:ValueError|Exception)$/,
      // Keras 1.x-2.x load_weights(by_name=True) (mined table): a layer's weight count or shape differs.
      message: new RegExp(
        String.raw`Layer #\d+ \(named "(?<layer>[^"]+)"[^)]*\)(?: expects (?<expected>\d+) weight\(s\), but the saved weights have (?<found>\d+) element\(s\)|, weight \S+ has shape (?<expected2>${SHAPE}|\S+), but the saved weight has shape (?<found2>${SHAPE}|\S+?)\.?$)`,
      ),
      weight: 0.9,
      means: "a layer's weights differ in number or shape from what the file holds for it",
    },
    {
      type: /^(?:ValueError|Exception)$/,
      // W1 in TF ≤ 2.5 / Keras 2.6 / TF 1.x wording (multi-backend Keras 1.x-2.0 raise a bare Exception).
      message: /You are trying to load a weight file containing (?<found>\d+) layers into a model with (?<expected>\d+) layers/,
      weight: 0.9,
      means: "the model and the file have different numbers of layers with weights",
    },
    {
      type: /^ValueError$/,
      message: /Weight count mismatch for (?:layer #\d+ \(named (?<layer>[^\s,)]+)[^)]*\)|top-level weights[^.]*)\. (?:Layer|Model) expects (?<expected>\d+) (?:top-level )?weight\(s\)\. Received (?<found>\d+) saved (?:top-level )?weight\(s\)/,
      weight: 0.9,
      means: "a layer has a different number of weights than the file holds for it",
    },
    {
      type: /^ValueError$/,
      // W5 (Keras 3 ≥ 3.6, with Keras' missing space before "for") and W5' (3.0–3.5, tf_keras by_name).
      message: new RegExp(
        String.raw`Shape mismatch in (?:layer #\d+ \(named (?<layer>[^)]+)\)\s*|model |top-level model\s*)for (?:top-level )?weight (?<weight>\S+?)\. Weight expects shape (?<expected>${SHAPE})(?:\. Received saved weight with shape (?<found>${SHAPE})|\.?(?: \w*)*$)`,
      ),
      weight: 0.9,
      means: "a weight in the file has another shape than the layer expects",
    },
    {
      type: /^(?:ValueError|InvalidArgumentError)$/,
      // W6: TensorFlow's assign in Keras 2 topological loading, three generations of wording.
      message: new RegExp(
        String.raw`Cannot assign (?:value )?to variable '?\s*(?<weight>[^'\s]+)'?:? (?:Shape mismatch\.\s*The variable shape (?<expected>${SHAPE}), and the assigned value shape (?<found>${SHAPE}) are incompatible|due to variable shape (?<expected2>${SHAPE}) and value shape (?<found2>${SHAPE}) are incompatible)`,
      ),
      weight: 0.85,
      means: "TensorFlow could not assign a saved weight of another shape",
    },
    {
      type: /^(?:ValueError|InvalidArgumentError)$/,
      message: new RegExp(String.raw`Dimension \d+ in both shapes must be equal, but are \d+ and \d+\. Shapes are (?<expected>${SHAPE}) and (?<found>${SHAPE})`),
      weight: 0.75,
      means: "TensorFlow 1 could not assign a saved weight of another shape",
    },
    {
      // Keras 3 `.weights.h5` loading into a model of other sizes (inside W9), captured in Keras 3.15.1.
      message: new RegExp(
        String.raw`The shape of the target variable and the shape of the target value in \`variable\.assign\(value\)\` must match\. variable\.shape=(?<expected>${SHAPE}), Received: value\.shape=(?<found>${SHAPE})\.(?: Target variable: <Variable path=(?<weight>[^,\s]+))?`,
      ),
      weight: 0.85,
      means: "a saved weight has another shape than the model's variable",
    },
    {
      // W7 from model.load_weights (a layer the file has no weights for); through load_model it is usually a
      // custom layer's state: saved-variables-mismatch.
      message: /Layer '(?<layer>[^']+)' expected (?<expected>\d+) variables, but received (?<found>\d+) variables during loading/,
      frame: /load_weights/,
      weight: 0.9,
      means: "model.load_weights found no matching weights for a layer",
    },
    {
      // The same without frames (Keras 3 filters them out of load_weights tracebacks): `when` decides by class.
      message: /Layer '(?<layer>[^']+)' expected (?<expected>\d+) variables, but received (?<found>\d+) variables during loading/,
      weight: 0.7,
      means: "a layer found another number of saved weights than it has",
    },
    {
      // NumPy refusing to reshape or transpose a saved array while Keras converts weights for a layer (multi-backend
      // Keras preprocess_weights_for_loading, batch_set_value): the array does not fit the layer it is loaded into.
      type: /^ValueError$/,
      message: /(?<numpyShape>axes don't match array|cannot reshape array of size \d+ into shape \S+|could not broadcast input array from shape \S+ into shape \S+)/,
      frame: /load_weights|preprocess_weights_for_loading|batch_set_value|set_weights/,
      weight: 0.7,
      means: "a saved weight array does not fit the layer it is being loaded into",
    },
    {
      // Only the first line of Keras 3's W9 pasted: some objects' weights did not load (the reason was cut off).
      message: /^A total of \d+ objects? could not be loaded\.(?: Example error message for object <(?<layerClass>\w+) name=(?<layer>[^,>]+)| Example[^<]*<?$|\s*$)/,
      weight: 0.45,
      means: "Keras could not load the weights of some layers (the error for them was not pasted)",
    },
    {
      type: /^(?:ValueError|Exception)$/,
      // Multi-backend Keras 2.0-2.3 / tf.keras 1.x-2.1 topological loading (mined table).
      message:
        /Layer #\d+ \(named "(?<layer>[^"]+)" in the current model\) was found to correspond to layer \S+ in the save file\. However the new layer \S+ expects (?<expected>\d+) weights, but the saved weights have (?<found>\d+) elements/,
      weight: 0.9,
      means: "a layer's weights differ in number from what the file holds for it",
    },
    {
      type: /^ValueError$/,
      // Multi-backend Keras 2.x preprocess_weights_for_loading reshaping a convolution kernel (mined table).
      message: new RegExp(
        String.raw`Weights must be of equal size to apply a reshape operation\. Layer (?<layer>\S+?)'s weights have shape (?<expected>${SHAPE}|\S+) and size .+?\. The weights for loading have shape (?<found>${SHAPE}|\S+) and size`,
      ),
      weight: 0.85,
      means: "a saved kernel has another size than the layer's",
    },
    {
      type: /^ValueError$/,
      // tf.keras / Keras 2 _convert_rnn_weights: CuDNN and plain RNN weights of kinds that cannot be converted.
      message: /(?<found>(?:CuDNN)?(?:LSTM|GRU)[^\s]*) is not compatible with (?<expected>(?:CuDNN)?(?:LSTM|GRU)\S*)/,
      weight: 0.8,
      means: "the file's recurrent layer saved weights of a kind this layer cannot take",
    },
  ],
  when: (captures) => {
    // The unframed W7: a built-in layer short of weights is an architecture difference; a custom one is more
    // likely saved-variables-mismatch (its own state).
    if (captures.layer === undefined || captures.expected === undefined || !/^\d+$/.test(captures.expected)) return true;
    const className = /^<(?<name>[\w.]+) name=/.exec(captures.wrappedObject ?? "")?.groups?.name.split(".").pop();
    if (!className) return true;
    return builtinsFor(null).has("layers", className) ? 1.1 : 0.7;
  },
  culprit: (captures) => describe(captures),
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Model and weights disagree",
      body: (ctx) =>
        paragraphs(
          [text("Keras copies saved weights into a model layer by layer; here they do not fit: "), code(describe(ctx.diagnosis.captures) ?? "a layer differs"), text(".")],
          ctx.file?.format === "h5-model" || ctx.file?.format === "keras-zip"
            ? "This happened while loading a whole model file: its stored architecture does not match its own weights (an edited or mixed-up file)."
            : "This usually means the model was built in code with other sizes (units, filters, input shape, vocabulary) or other layers than the one that saved the weights.",
        ),
      next: "route",
    },
    {
      kind: "choice",
      id: "route",
      title: "What do you want to do?",
      options: [
        { id: "match", label: "Make the architecture match the saved one", next: "match" },
        { id: "skip", label: "Load what fits and leave the rest freshly initialised", next: "skip" },
      ],
      auto: "match",
    },
    {
      kind: "end",
      id: "match",
      outcome: "not-fixed",
      title: "Build the same architecture as the one that saved the weights",
      body: (ctx) =>
        paragraphs(
          ["Change the model code so that ", code(describe(ctx.diagnosis.captures) ?? "every layer"), " matches the file, then load again:"],
          [python(loadWeightsCode(ctx, false))],
          "`keras-fix inspect` on the weights file lists the saved layers and shapes to compare with model.summary().",
        ),
    },
    {
      kind: "end",
      id: "skip",
      outcome: "not-fixed",
      title: "Skip the layers that do not fit",
      body: (ctx) =>
        paragraphs(
          "Only for fine-tuning (e.g. a new output layer): the mismatched layers start from random weights.",
          [python(loadWeightsCode(ctx, true))],
        ),
    },
  ],
};
