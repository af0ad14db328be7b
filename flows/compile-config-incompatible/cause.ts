// The model itself would load, but the training setup saved with it (optimizer, loss, metrics) cannot be rebuilt
// by this Keras: `lr` and `decay` keywords, legacy optimizers, string losses that Keras 3.11+ refuses to import.
// Proved by keras2/legacy_optimizer.h5 and keras3/compiled_mse_alias.h5 in the keras3 env.
import { code, paragraphs, python, strong, text } from "../../src/core/content.js";
import { keepFixSteps } from "../_shared/keep-fix.js";
import { builtinsFor } from "../../src/core/versions/builtins.js";
import type { Cause, StepContext } from "../../src/core/types.js";
import { KERAS_MODULE, r8Alone } from "../_shared/wrapper-first-line.js";

// Frames where Keras rebuilds the saved training configuration (K3 legacy H5, K3 .keras, K2 H5).
const COMPILE_FRAMES = /compile_args_from_training_config|compile_from_config|_deserialize_nested_config|training_config/;

function storedName(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(storedName).filter(Boolean).join(", ") || null;
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.class_name === "string") return record.class_name;
    if (typeof record.config === "string") return record.config;
  }
  return null;
}

/** Python for compile(...) with what the file stored, keeping only names Keras accepts as strings. */
export function recompileCode(ctx: StepContext): string {
  const path = ctx.modelPath ?? ctx.file?.path ?? "model.h5";
  const loss = storedName(ctx.file?.loss);
  const metrics = Array.isArray(ctx.file?.metrics) ? (ctx.file!.metrics as unknown[]).map(storedName).filter(Boolean) : [];
  const optimizer = (ctx.file?.optimizer ?? "adam").replace(/^Custom>/, "");
  // A mixed-precision LossScaleOptimizer wraps another optimizer the file does not name at this level: Adam is a guess.
  const name = optimizer.toLowerCase() === "lossscaleoptimizer" ? "adam" : optimizer.toLowerCase();
  const args = [`optimizer=${JSON.stringify(name)}`];
  if (loss) args.push(`loss=${JSON.stringify(loss === "mse" ? "mean_squared_error" : loss)}`);
  if (metrics.length > 0) args.push(`metrics=${JSON.stringify(metrics)}`);
  const loader = ctx.env?.loader === "tf.keras" ? "import tensorflow as tf\nkeras = tf.keras" : "import keras";
  return [
    loader,
    `model = keras.models.load_model(${JSON.stringify(path)}, compile=False)`,
    "# Only needed to train or evaluate; prediction works without compile().",
    `model.compile(${args.join(", ")})`,
  ].join("\n");
}

export const compileConfigIncompatible: Cause = {
  id: "compile-config-incompatible",
  title: "The saved training setup cannot be rebuilt by this Keras",
  summary: (ctx) =>
    paragraphs([
      text("The model is fine, but the optimizer or loss saved with it ("),
      code(ctx.diagnosis.culprit ?? "training config"),
      text(") does not exist in this Keras. Loading without compiling skips it."),
    ]),
  matchers: [
    {
      // Raised as TypeError by some Keras 3 releases (mined table: base_optimizer.__init__), ValueError by others.
      type: /^(?:ValueError|TypeError)$/,
      // F5: Keras 3 base_optimizer.py with Keras 2 keys (`lr` from Keras ≤ 2.2.4 / TF ≤ 2.1 files, `decay`...).
      message: /Argument\(s\) not recognized: (?<kwargs>\{[^}]*\})/,
      weight: 0.9,
      means: "Keras 3's optimizer refuses a Keras 2 optimizer argument saved in the file",
    },
    {
      // TF 2.11-2.15 optimizer_experimental.Optimizer refusing an argument of another release's optimizer config.
      type: /^(?:TypeError|ValueError)$/,
      message: /(?<kwargs>\w+) is not a valid argument, kwargs should be empty\s+for\s+"?(?<optimizer>optimizer_experimental\.Optimizer|[\w.]*Optimizer)"?/,
      weight: 0.8,
      means: "the optimizer of this release refuses an argument another release saved in the training config",
    },
    {
      type: /^ImportError$/,
      message: /(?<optimizer>`keras\.optimizers\.legacy`) is not supported in Keras 3/,
      weight: 0.9,
      means: "the file (or code) uses a Keras 2 legacy optimizer",
    },
    {
      type: /^ValueError$/,
      message: /Could not interpret optimizer identifier: (?<optimizer>.+)/,
      weight: 0.85,
      means: "this Keras does not know the saved optimizer",
    },
    {
      type: /^ValueError$/,
      // R3 (Keras ≥ 3.11): a saved loss/metric/optimizer resolved to a Keras module attribute that is not a
      // KerasSaveable: `keras.metrics.mse` for the string "mse", `keras.optimizers.legacy.Adam`.
      message: /Could not deserialize '(?<name>keras\.(?:optimizers|losses|metrics)\.[\w.]+)(?:' because it is not a KerasSaveable subclass|$)/,
      weight: 0.9,
      means: "Keras 3 refuses to rebuild the saved loss, metric or optimizer from its name",
    },
    {
      type: /^(?:ValueError|TypeError)$/,
      // Keras 3 reading a Keras 2 optimizer saved under the "Custom>" package (Keras 2.11+ file, older Keras 3).
      // Quoted by Keras >= 2.11 and Keras 3, unquoted by Keras 2.6-2.10 (TF 2.10 reading a TF 2.11+ file).
      message: /(?:Could not locate class|Unknown optimizer:) '?(?<optimizer>Custom>(?:Adam|AdamW|SGD|RMSprop|Adagrad|Adadelta|Adamax|Nadam|Ftrl|Lion|Adafactor))\b'?/,
      weight: 0.85,
      means: "a Keras 2 optimizer name this Keras does not resolve",
    },
    {
      type: /^TypeError$/,
      // R1 for a loss/metric stored under a Keras module: a Keras 2 H5's training_config names Keras' own alias
      // ('mae', 'mse', 'acc') with module 'keras.metrics'/'keras.losses', which Keras 3 cannot resolve by that name.
      // A user's own function never carries a Keras module.
      message: /Could not locate function '(?<name>\w+)'[\s\S]*?'module': '(?<module>(?:keras|tf_keras)(?:\.src)?\.(?:losses|metrics))'/,
      weight: 0.88,
      means: "Keras 3 cannot resolve a Keras 2 loss or metric alias saved in the training config",
    },
    {
      type: /^TypeError$/,
      // A Keras loss/metric/optimizer class refusing an argument another version saved: Keras 3.15 reading a TF 2.15
      // MeanSquaredError(reduction="auto") gets `fn`. `when` keeps only Keras' own classes.
      message: /(?<className>\w+)\.__init__\(\) got an unexpected keyword argument '(?<keyword>\w+)'/,
      frame: COMPILE_FRAMES,
      weight: 0.85,
      means: "a Keras training object refuses an argument saved by another Keras version",
    },
    {
      // R8's first line around one of Keras' own losses, metrics or optimizers: only the training config holds them
      // (captured: Keras 3.15 on a TF 2.15 .h5 compiled with MeanSquaredError(), fixtures/tracebacks/_scenarios).
      message: r8Alone(`${KERAS_MODULE}(?:losses|metrics|optimizers)\\.[\\w.]*?(?<name>\\w+)`),
      weight: 0.65,
      means: "Keras could not rebuild a loss, metric or optimizer of the saved training configuration",
    },
    {
      // The same pasted without frames: only a training config holds loss, metric and optimizer objects (captured:
      // Keras 3.15 and 3.5 on a TF 2.15 .h5 compiled with MeanSquaredError(), fixtures/tracebacks/_scenarios).
      type: /^TypeError$/,
      message: /(?<className>\w+)\.__init__\(\) got an unexpected keyword argument '(?<keyword>\w+)'/,
      weight: 0.7,
      means: "a Keras training object refuses an argument saved by another Keras version (the frames were not pasted)",
    },
    {
      // Anything else raised while rebuilding the training config (e.g. `MeanSquaredError.__init__() got an
      // unexpected keyword argument 'fn'` for a Keras 2 loss object with reduction="auto").
      // Unknown custom losses/metrics raised here belong to the custom-object causes: left out.
      message: /^(?!Unknown |Could not locate |Could not deserialize class )(?<detail>.+)/,
      frame: COMPILE_FRAMES,
      weight: 0.55,
      means: "the error was raised while rebuilding the saved training configuration",
    },
    {
      // Keras 2.11+ / tf_keras restoring a file saved with an optimizer from before 2.11 (mined table).
      type: /^ValueError$/,
      message: /You are trying to restore a checkpoint from a (?<optimizer>legacy (?:TF-)?Keras optimizer) into a v2\.11\+ Optimizer/,
      weight: 0.85,
      means: "the file's optimizer state was saved by an optimizer this Keras replaced",
    },
    {
      // TF 1.x-2.x graph-mode compile on a saved loss that comes back as a class (mined table).
      type: /^ValueError$/,
      message: /Received uninstantiated Loss class: (?<name>\S+)/,
      weight: 0.75,
      means: "the saved loss came back as a class this Keras cannot compile with",
    },
    {
      // Keras 2 / tf.keras compile on a saved loss or metrics dict keyed by output names this model does not have
      // (mined table: generic_utils.check_for_unexpected_keys).
      type: /^ValueError$/,
      message: /Unknown entries in (?:loss|metrics|loss_weights|sample_weight_mode|weighted_metrics|\w+) dictionary: (?<name>\[[^\]]*\]|\S+)\. Only expected following keys/,
      weight: 0.7,
      means: "the saved training setup names outputs this model does not have",
    },
  ],
  when: (captures) => {
    if (captures.keyword === undefined || captures.className === undefined) return true;
    const builtins = builtinsFor(null);
    return ["losses", "metrics", "optimizers"].some((kind) => builtins.has(kind as "losses", captures.className)) ? 1.1 : false;
  },
  culprit: (captures, facts) =>
    (captures.keyword ? `${captures.className}(${captures.keyword}=...)` : null) ?? captures.kwargs ?? captures.optimizer ?? captures.name ?? (facts.file?.optimizer ? `optimizer ${facts.file.optimizer}` : captures.detail ?? null),
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "The training setup, not the model",
      body: (ctx) =>
        paragraphs(
          [
            text("When a file is saved after compile(), it also stores the optimizer, loss and metrics. This Keras cannot rebuild one of them: "),
            code(ctx.diagnosis.culprit ?? "see the error"),
            text("."),
          ],
          "The layers and weights are not affected. Loading with compile=False skips the stored training setup; you can compile again with current names if you want to train.",
        ),
      next: "verify",
    },
    {
      kind: "action",
      id: "verify",
      title: "Loading with compile=False",
      action: () => ({ kind: "verify-load", fix: { compile: false } }),
      onSuccess: "keep",
      onFailure: "still-failing",
    },
    ...keepFixSteps({ id: "keep", fixedId: "fixed" }),
    {
      kind: "end",
      id: "fixed",
      outcome: "fixed",
      title: "It loads without its training setup",
      body: (ctx) => [
        ...(ctx.results.verify?.summary ?? []),
        ...paragraphs([strong("Load it like this, and compile again only to train:")], [python(recompileCode(ctx))]),
      ],
    },
    {
      kind: "end",
      id: "still-failing",
      outcome: "not-fixed",
      title: "compile=False was not enough",
      body: (ctx) => [
        ...(ctx.results.verify?.summary ?? []),
        ...paragraphs("The model's architecture fails too: run keras-fix on the new error, or paste it to `keras-fix explain`."),
      ],
    },
  ],
};
