// The file holds weights but no architecture: `model.save_weights(...)`, `ModelCheckpoint(save_weights_only=True)`
// or a Keras 3 `.weights.h5`. load_model needs the architecture, so the route is to build the model in code and
// call load_weights. Keras 3 / Keras >= 2.10 say "No model config found in the file at"; Keras 2.6-2.9 "No model
// found in config file."; multi-backend Keras 2.3.1 trips earlier with "Cannot create group in read-only mode."
import { code, paragraphs, path, python } from "../../src/core/content.js";
import type { Cause, LayerNode, ModelFacts, StepContext } from "../../src/core/types.js";
import { architectureBeside } from "../../src/core/inspect/halves.js";
import { fromJsonCode } from "./architecture.js";

/** Layer names stored in the weights file, outermost first, when the inspector found them. */
export function storedLayerNames(file: ModelFacts | null): string[] {
  if (!file) return [];
  const fromDetails = (file.details ?? {}).layerNames;
  if (Array.isArray(fromDetails)) return fromDetails.filter((name): name is string => typeof name === "string");
  const root: LayerNode | null = file.layers;
  return root ? root.children.map((child) => child.name) : [];
}

/** What load_weights takes: a TF checkpoint's prefix (never its folder or .index), otherwise the file itself. */
const targetOf = (ctx: StepContext) => {
  const prefix = (ctx.file?.details ?? {}).checkpointPrefix;
  if (typeof prefix === "string") return prefix;
  return ctx.file?.path ?? ctx.modelPath ?? ctx.diagnosis.captures.path ?? "model.weights.h5";
};

/** A TF checkpoint's stored variables as `name shape` lines, when the inspector read its index. */
function checkpointVariables(file: ModelFacts | null): string[] {
  const variables = (file?.details ?? {}).variables;
  if (file?.format !== "tf-checkpoint" || !Array.isArray(variables)) return [];
  return variables.map((v: { name?: unknown; shape?: unknown }) => `${String(v.name)} ${JSON.stringify(v.shape)}`);
}

/** The build-then-load_weights code, naming the stored layers so the rebuilt model can be checked against them. */
export function loadWeightsCode(target: string, layerNames: string[], kerasLine: ModelFacts["kerasLine"], checkpointVars: string[] = []): string {
  const importLine = kerasLine === "tf-keras2" ? "from tensorflow import keras  # the file was written by tf.keras 2" : "import keras";
  const listed = layerNames.slice(0, 12);
  const layerComment =
    checkpointVars.length > 0
      ? [
          "    # The checkpoint stores these variables (name, shape); TF matches them by position in the model:",
          ...checkpointVars.slice(0, 12).map((line) => `    #   ${line}`),
          ...(checkpointVars.length > 12 ? [`    #   ... and ${checkpointVars.length - 12} more`] : []),
        ]
      : listed.length > 0
      ? [
          "    # The file stores weights for these layers (same names, same order, same shapes needed):",
          ...listed.map((name) => `    #   ${name}`),
          ...(layerNames.length > listed.length ? [`    #   ... and ${layerNames.length - listed.length} more`] : []),
        ]
      : ["    # Recreate exactly the layers the model was trained with (same order, same shapes)."];
  return [
    importLine,
    "",
    "def build_model():",
    ...layerComment,
    "    inputs = keras.Input(shape=(...))  # the training input shape",
    "    ...",
    "    return keras.Model(inputs, outputs)",
    "",
    "model = build_model()",
    `model.load_weights(${JSON.stringify(target)})${checkpointVars.length > 0 ? "  # the checkpoint's prefix, not the .index file" : ""}`,
    ...(target.endsWith(".weights.h5") || checkpointVars.length > 0 ? [] : ["# Layer names differ from the file's? model.load_weights(path, by_name=True) matches them by name (.h5 only)."]),
  ].join("\n");
}

export const weightsOnlyFile: Cause = {
  id: "weights-only-file",
  title: "The file holds only weights, not a whole model",
  summary: (ctx) =>
    paragraphs([path(targetOf(ctx)), " was saved with save_weights (or a weights-only checkpoint): it has no architecture for load_model to rebuild."]),
  matchers: [
    {
      // Keras 3 legacy_h5_format, tf-keras and Keras >= 2.10 (captured: keras3 and keras2 envs on save_weights files).
      type: /^ValueError$/,
      message: /No model config found in the file at (?<path>.*?)\.?$/m,
      weight: 0.92,
      means: "the HDF5 file has no model_config attribute",
    },
    {
      // Keras 2.6-2.9 and TF-bundled tf.keras; multi-backend Keras <= 2.3.1 says "No model found in config."
      type: /^ValueError$/,
      message: /No model found in config(?: file)?\./,
      weight: 0.92,
      means: "the HDF5 file has no model config",
    },
    {
      // Loaders that read the model_config attribute without checking for it: h5py's KeyError, or None.decode in
      // tf.keras' json.loads(model_config.decode('utf-8')) (the attribute is what save_weights does not write).
      type: /^(?:KeyError|AttributeError)$/,
      message: /can't locate attribute:? '(?<attribute>model_config)'|^'NoneType' object has no attribute 'decode'/,
      frame: /hdf5_format\.py$|saving\.py$|load_model_from_hdf5|_deserialize_model/,
      weight: 0.75,
      means: "the HDF5 file has no model_config attribute",
    },
    {
      // The same KeyError pasted without frames: the attribute it names is the architecture.
      type: /^KeyError$/,
      message: /can't locate attribute:? '(?<attribute>model_config)'/,
      weight: 0.7,
      means: "the HDF5 file has no model_config attribute",
    },
    {
      // Keras 3 Orbax checkpoints (research §1c F8).
      message: /Checkpoint does not contain model configuration\. This checkpoint may have been saved with save_weights_only=True/,
      weight: 0.9,
      means: "the checkpoint has no model configuration",
    },
    {
      // Multi-backend Keras 2.3.1 asks its H5Dict for 'model_config' and fails to create it read-only
      // (captured: tf21-py37 env on a weights-only .h5). Other read-only writes print the same text.
      type: /^ValueError$/,
      message: /Cannot create group in re(?:ad-only mode\.|\w*-?\w*$)/,
      frame: /keras\/engine\/saving\.py$|_deserialize_model/,
      weight: 0.6,
      means: "Keras 2.3.1 found no model_config in the file",
    },
  ],
  when: (_captures, facts) => {
    if (!facts.file) return 1;
    if (facts.file.format === "h5-weights" || facts.file.format === "tf-checkpoint") return 1.3;
    return facts.file.format === "h5-model" ? 0.5 : 1;
  },
  detect: (facts) =>
    facts.file?.format === "h5-weights"
      ? {
          confidence: 0.95,
          captures: { path: facts.file.path },
          evidence: ["the HDF5 file has weights but no model_config: it was written by save_weights"],
        }
      : facts.file?.format === "tf-checkpoint"
        ? {
            confidence: 0.95,
            captures: { path: facts.file.path },
            evidence: ["the path is a TensorFlow checkpoint (.index + .data shards): variables only, no architecture"],
          }
        : null,
  culprit: (captures, facts) => facts.file?.path ?? captures.path ?? captures.loadedPath ?? captures.mentionedPath ?? null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Weights without an architecture",
      body: (ctx) => {
        const names = storedLayerNames(ctx.file);
        return paragraphs(
          "load_model rebuilds the model from the architecture stored beside the weights. This file has the weights only, so the architecture has to come from the code that built the model (the training script, the repository's model.py, the paper's reference code).",
          names.length > 0 ? ["The file stores weights for ", String(names.length), " layers: ", code(names.slice(0, 8).join(", ")), names.length > 8 ? ", ..." : "", "."] : [],
        ).filter((paragraph) => paragraph.length > 0);
      },
      next: "end",
    },
    {
      kind: "end",
      id: "end",
      outcome: "not-fixed",
      title: "Build the model in code, then load the weights",
      body: (ctx) => {
        // A to_json() architecture beside the weights is the other half of the model: rebuild from it, by name.
        const json = ctx.file && ctx.file.format === "h5-weights" ? architectureBeside(ctx.file.path) : null;
        if (json) {
          return paragraphs(
            [path(json), " beside it looks like this model's architecture (saved with to_json()). Rebuild the model from it, then load the weights:"],
            [python(fromJsonCode(json, targetOf(ctx), ctx.file?.kerasLine ?? null))],
            "If the architecture does not match the weights (an error about layer counts or shapes), it belongs to another version of the model: build it in code instead, with the layers the file stores.",
          );
        }
        return paragraphs(
          [python(loadWeightsCode(targetOf(ctx), storedLayerNames(ctx.file), ctx.file?.kerasLine ?? null, checkpointVariables(ctx.file)))],
          "Look for a save_model/model.save call next to the save_weights one in the original project: a full model file may exist too.",
          "Once it loads, model.save(\"model.keras\") keeps architecture and weights together.",
        );
      },
    },
  ],
};
