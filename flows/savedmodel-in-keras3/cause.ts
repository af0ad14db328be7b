// A TensorFlow SavedModel folder given to Keras 3's load_model, which no longer reads SavedModels (research §0.7:
// "File format not supported ... use keras.layers.TFSMLayer"). Two routes load it: wrap it as an inference-only
// TFSMLayer, or, when it was written by Keras 2's model.save (keras_metadata.pb present), load it as a Keras 2 model
// through tf_keras with TF_USE_LEGACY_KERAS=1.
import { code, command, paragraphs, path, python, shell, shellWord, strong } from "../../src/core/content.js";
import { keepFixSteps } from "../_shared/keep-fix.js";
import { tfKerasInstalled } from "../_shared/version-steps.js";
import type { Cause, Facts, StepContext } from "../../src/core/types.js";

/** true: written by Keras 2 model.save (has keras_metadata.pb); false: tf.saved_model.save export; null: unknown. */
export function hasKerasMetadata(facts: Facts): boolean | null {
  const file = facts.file;
  if (!file || file.format !== "savedmodel") return null;
  const flag = (file.details ?? {}).hasKerasMetadata ?? (file.details ?? {}).kerasMetadata;
  if (typeof flag === "boolean") return flag;
  // The inspector reads versions out of keras_metadata.pb: a version means the file is there.
  return file.kerasVersion !== null || file.topClass !== null;
}

const NOT_SAVEDMODEL_NAME = /\.(?:txt|json|ya?ml|csv|tflite|onnx|pt|pth|ckpt|npz|npy|zip|png|jpe?g|html?|bin|safetensors|joblib|weights\.h5)$/i;
const looksLikeFolder = (target: string) => /[\\/]$|saved_model\.pb$|^[^.]*$|(?:^|[\\/])[^.\\/]+$/.test(target);
const targetOf = (ctx: StepContext) => ctx.file?.path ?? ctx.modelPath ?? ctx.diagnosis.captures.path ?? "saved_model_dir";

function tfMinor(ctx: StepContext): string | null {
  const version = ctx.env?.packages.tensorflow;
  const match = version?.match(/^(\d+)\.(\d+)/);
  return match ? `${match[1]}.${match[2]}` : null;
}

/** TFSMLayer wraps a TensorFlow SavedModel: Keras 3 on another backend (JAX, torch) cannot run it. */
function tensorflowBackend(ctx: StepContext): boolean {
  return ctx.env?.backend === "tensorflow" && !!ctx.env.packages.tensorflow;
}

export const savedmodelInKeras3: Cause = {
  id: "savedmodel-in-keras3",
  title: "Keras 3 cannot load a TensorFlow SavedModel with load_model",
  summary: (ctx) =>
    paragraphs([path(targetOf(ctx)), " is a TensorFlow SavedModel; Keras 3's load_model reads only .keras and .h5 files."]),
  matchers: [
    {
      // Keras 3.0-3.15 saving_api (captured: keras3 env on a Keras 2 SavedModel and a tf.saved_model.save export).
      type: /^ValueError$/,
      // Keras Core (keras_core 0.1) said "Keras Core only supports" and "legacy SavedModel format is not supported in
      // Keras Core"; a paste may lose the full stop after the path.
      message: /File format not supported: filepath=(?<path>.*?)\.?\s+Keras (?:3|Core) only supports V3 `\.keras` (?:files|and)[\s\S]*?(?:TFSMLayer|legacy SavedModel format is not)/,
      weight: 0.75,
      means: "Keras 3 refused the path and suggested TFSMLayer",
    },
    {
      // The same refusal cut before its TFSMLayer advice: the path (a folder or not) decides in `when`.
      type: /^ValueError$/,
      message: /File format not supported: filepath=(?<path>.*?)\.?\s+Keras (?:3|Core) only supports V3 `\.keras` (?:files|and)(?![\s\S]*(?:TFSMLayer|legacy SavedModel format is not|`\.weights\.h5` files))/,
      weight: 0.5,
      means: "Keras 3 refused the path (the rest of its message, which names TFSMLayer, was cut)",
    },
    {
      // The same refusal cut off after the path (a paste that lost its tail): a path without a file extension is a
      // folder, and the folder Keras 3 refuses is a SavedModel.
      type: /^ValueError$/,
      message: /File format not supported: filepath=(?<path>[^\s.]*(?:\.(?!keras\b|h5\b|hdf5\b|json\b|tflite\b|onnx\b|pt\b|pth\b|pkl\b|txt\b|model\b)[^\s.]*)*?)\.?$/,
      weight: 0.55,
      means: "Keras 3 refused a path without a file extension (a folder)",
    },
    {
      // A SavedModel folder named like a file (`model.save("m.h5", save_format="tf")` in TF 2.x): Keras 3 takes the
      // .h5 route and h5py is handed a directory (errno 21). Only the facts (or a folder-like path) make it ours.
      type: /^(?:IsADirectoryError|OSError)$/,
      message: /Unable to (?:synchronously )?open file \(unable to open file: name = '(?<path>[^']*)', errno = 21\b/,
      weight: 0.7,
      means: "h5py was handed a folder: a SavedModel saved under a file-like name",
    },
    {
      // Keras 3 saving_lib given a folder reads it as an unzipped .keras model and finds no weights file in it
      // (keras 2.12-3.x: "Expected a {VARS_FNAME}.h5 or {VARS_FNAME}.npz file."): the folder Keras 3 is handed is, in
      // the reports, a SavedModel. The other reading, a .keras archive without that member, is rarer: an archive cut
      // short fails earlier (zipfile finds no directory at its end), so without the file this one comes first.
      type: /^ValueError$/,
      message: /Expected a (?:model\.weights|\{?\w+\}?)\.h5 or (?:model\.weights|\{?\w+\}?)\.npz file/,
      weight: 0.65,
      means: "Keras 3 read a folder as an unzipped .keras model and found no weights in it",
    },
    {
      // The SavedModel did load, as a TFSMLayer, but calling it fails (Keras 3 layer call wrapper K3, keras/src/export
      // tfsm_layer.py): TFSMLayer hands its endpoint one `inputs` argument, and a SavedModel exported by Keras 2 with
      // several inputs, or keywords, has a signature that cannot bind it.
      message: /^Exception encountered when calling (?<tfsmLayer>TFSMLayer)\.call\(\)/,
      weight: 0.62,
      means: "a SavedModel wrapped as a TFSMLayer (Keras 3's way to load one) cannot be called as that layer calls it",
    },
  ],
  // The same message answers any unknown file type: the facts (or, without them, the path's shape) say whether it
  // is really a SavedModel.
  when: (captures, facts) => {
    if (facts.file) return facts.file.format === "savedmodel" ? 1.3 : false;
    const target = captures.path ?? "";
    // Without the file: a folder-like path is a SavedModel; a path named as another known format is not; any other
    // name (.model, .pkl, .tf, .pb: names people gave SavedModel folders) is most often one too.
    if (looksLikeFolder(target)) return 1.1;
    return NOT_SAVEDMODEL_NAME.test(target) ? 0.6 : 1.05;
  },
  detect: (facts) =>
    facts.file?.format === "savedmodel" && facts.env?.loader === "keras3"
      ? {
          confidence: 0.85,
          captures: { path: facts.file.path },
          evidence: ["the path is a SavedModel folder and the environment's load_model is Keras 3"],
        }
      : null,
  culprit: (captures, facts) => facts.file?.path ?? captures.path ?? captures.loadedPath ?? captures.mentionedFolder ?? captures.mentionedPath ?? null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "SavedModel folders need another loader in Keras 3",
      body: (ctx) => {
        const keras2 = hasKerasMetadata(ctx);
        return paragraphs(
          "Keras 3 dropped SavedModel support from load_model. It can still run one as a layer (keras.layers.TFSMLayer, inference only, TensorFlow backend), and Keras 2 (the tf_keras package) can still load it as a full model.",
          keras2 === true
            ? ["This folder has ", code("keras_metadata.pb"), ": Keras 2's model.save wrote it, so tf_keras can rebuild the whole model."]
            : keras2 === false
              ? ["This folder has no ", code("keras_metadata.pb"), " (exported with tf.saved_model.save): only TFSMLayer or tf.saved_model.load apply."]
              : [],
        ).filter((paragraph) => paragraph.length > 0);
      },
      next: "route",
    },
    {
      kind: "choice",
      id: "route",
      title: "How do you want to load it?",
      options: [
        // Each route only where it can work here: TFSMLayer runs on the TensorFlow backend, tf_keras needs tf_keras and TensorFlow.
        { id: "tfsm", label: "As an inference-only layer (keras.layers.TFSMLayer), checked now", next: "try-tfsm", when: tensorflowBackend },
        {
          id: "legacy",
          label: "As a full Keras 2 model (tf_keras with TF_USE_LEGACY_KERAS=1), checked now",
          next: "try-legacy",
          when: (ctx) => hasKerasMetadata(ctx) !== false && tfKerasInstalled(ctx),
        },
        { id: "show", label: "Just show me the code", next: "code" },
      ],
      auto: { among: ["tfsm", "show"], pick: (ctx) => (tensorflowBackend(ctx) ? "tfsm" : "show") },
    },
    {
      kind: "action",
      id: "try-tfsm",
      title: "Loading it with TFSMLayer (endpoint serving_default)",
      action: () => ({ kind: "verify-load", fix: { tfsmLayer: { callEndpoint: "serving_default" } } }),
      onSuccess: "keep-tfsm",
      onFailure: "try-serve",
    },
    {
      // Keras 3's model.export() names its endpoint "serve" (research §2c).
      kind: "action",
      id: "try-serve",
      title: "Trying the endpoint Keras 3 exports use (serve)",
      action: () => ({ kind: "verify-load", fix: { tfsmLayer: { callEndpoint: "serve" } } }),
      onSuccess: "keep-tfsm",
      onFailure: "code",
    },
    {
      kind: "action",
      id: "try-legacy",
      title: "Loading it with tf_keras (TF_USE_LEGACY_KERAS=1)",
      action: () => ({ kind: "verify-load", fix: { legacyKeras: true } }),
      onSuccess: "keep-legacy",
      onFailure: "legacy-failed",
    },
    ...keepFixSteps({ id: "keep-tfsm", fixedId: "tfsm-works" }),
    ...keepFixSteps({ id: "keep-legacy", fixedId: "legacy-works" }),
    {
      kind: "end",
      id: "tfsm-works",
      outcome: "fixed",
      title: "It loads as a TFSMLayer",
      body: (ctx) => {
        const endpoint = ctx.results["try-tfsm"]?.ok ? "serving_default" : "serve";
        return paragraphs(
          ["Loaded with endpoint ", code(endpoint), ". Use it like this (inference only; it cannot be trained further as a Keras model):"],
          [
            python(
              [
                "import keras",
                `layer = keras.layers.TFSMLayer(${JSON.stringify(targetOf(ctx))}, call_endpoint=${JSON.stringify(endpoint)})`,
                "outputs = layer(inputs)  # a dict of tensors when the signature has named outputs",
                "# As a model: inputs = keras.Input(shape=...); model = keras.Model(inputs, layer(inputs))",
              ].join("\n"),
            ),
          ],
        );
      },
    },
    {
      kind: "end",
      id: "legacy-works",
      outcome: "fixed",
      title: "It loads as a Keras 2 model through tf_keras",
      body: (ctx) =>
        paragraphs(
          ["Set ", code("TF_USE_LEGACY_KERAS=1"), " before TensorFlow is imported, then:"],
          [python(["import os", 'os.environ["TF_USE_LEGACY_KERAS"] = "1"', "import tf_keras", `model = tf_keras.models.load_model(${JSON.stringify(targetOf(ctx))})`].join("\n"))],
          ["To move to Keras 3 for good, save it again from there: ", code('model.save("model.h5")'), " loads in Keras 3."],
        ),
    },
    {
      kind: "end",
      id: "legacy-failed",
      outcome: "not-fixed",
      title: "tf_keras could not load it here",
      body: (ctx) => {
        const minor = tfMinor(ctx);
        return paragraphs(
          ["tf_keras must be installed at the same minor version as TensorFlow", minor ? ` (${minor})` : "", ":"],
          [shell(`pip install "tf_keras==${minor ?? "<your TensorFlow major.minor>"}.*"`)],
          ["Then run keras-fix again, or load it with ", command("TF_USE_LEGACY_KERAS=1"), " set. TFSMLayer is the other route."],
        );
      },
    },
    {
      kind: "end",
      id: "code",
      outcome: "not-fixed",
      title: "Load the SavedModel yourself",
      body: (ctx) => {
        const target = JSON.stringify(targetOf(ctx));
        // Every route here runs TensorFlow: on a JAX or torch Keras, TFSMLayer needs the TensorFlow backend chosen
        // before Keras is imported, and TensorFlow itself installed. Without facts (a pasted error) nothing is known.
        const tensorflowMissing = !!ctx.env && !ctx.env.packages.tensorflow;
        const onTensorflow = !ctx.env || tensorflowBackend(ctx);
        // The interpreter as one shell word: a path with a space in it stays one argument.
        const interpreter = ctx.env?.python.path ?? "python";
        const pythonWord = shellWord(interpreter);
        // The module, not the saved_model_cli script: the environment's bin folder need not be on PATH.
        const listEndpoints = `${pythonWord} -m tensorflow.python.tools.saved_model_cli show --dir ${shellWord(targetOf(ctx))} --all`;
        const tfsm = `import keras\nlayer = keras.layers.TFSMLayer(${target}, call_endpoint="serving_default")`;
        return paragraphs(
          ...(tensorflowMissing
            ? [
                [strong("Every route below needs TensorFlow"), ", which this Python does not have. Install it first:"],
                [shell(`${pythonWord} -m pip install tensorflow`)],
              ]
            : []),
          onTensorflow
            ? [strong("Inference in Keras 3"), " (TensorFlow backend): the endpoint name is listed by ", command(listEndpoints), "."]
            : [strong("Inference in Keras 3"), ": TFSMLayer runs only on the TensorFlow backend, so choose it before Keras is imported. The endpoint name is listed by ", command(listEndpoints), "."],
          [python(onTensorflow ? tfsm : `import os\nos.environ["KERAS_BACKEND"] = "tensorflow"\n${tfsm}`)],
          [strong("Plain TensorFlow:")],
          [python(`import tensorflow as tf\nloaded = tf.saved_model.load(${target})\ninfer = loaded.signatures["serving_default"]`)],
          hasKerasMetadata(ctx) === false
            ? ["This export has no Keras metadata, so no Keras version can rebuild it as a Keras model."]
            : [strong("As a Keras 2 model:"), " ", code(`${pythonWord} -m pip install tf_keras`), ", set ", code("TF_USE_LEGACY_KERAS=1"), ", then ", code(`tf_keras.models.load_model(${target})`), "."],
        );
      },
    },
  ],
};
