// Keras refuses to load a Lambda layer's Python bytecode unless the user allows it (safe_mode): K3 L1/L1'/L2/L2'
// (3.0-3.9 print a literal `{arg_name}`), tf-keras L3/L4. Also owns `NameError` raised inside a Lambda while
// loading: that lambda passed the safety check and ran, but refers to a global (tf, K, np) the loader does not
// give it; the cure is the same "trust it and supply what it needs, or rebuild" conversation, not Python versions.
import { code, command, paragraphs, python, strong } from "../../src/core/content.js";
import { keepFixSteps } from "../_shared/keep-fix.js";
import { bytecodeIsForeign } from "../../src/core/fixes/marshal-hint.js";
import { dangerousLambdas, READ_STEP, readLambdasStep, REBUILD_STEP, rebuildSteps } from "../../src/core/lambda/steps.js";
import type { Cause, LoadAttempt, StepContext } from "../../src/core/types.js";

const RISK =
  "The file contains Python bytecode that runs on your machine while loading, with your user's rights. Only allow it for files from a source you trust.";

const isNameError = (ctx: StepContext) => !!ctx.diagnosis.captures.globalName;
// keras-fix's own guard (src/python/keras_probe.py) refused it, not Keras' safe_mode.
const refusedByKerasFix = (ctx: StepContext) => ctx.diagnosis.captures.refusedBy === "keras-fix";

function rebuildCode(ctx: StepContext): string {
  const model = JSON.stringify(ctx.modelPath ?? "model.h5");
  return [
    "import keras",
    "",
    "def build_model():",
    "    # The same layers as the saved model, with each Lambda's function written as a named Python function.",
    "    ...",
    "",
    "model = build_model()",
    `model.load_weights(${model})  # weights only: no code from the file runs`,
  ].join("\n");
}

export const lambdaSafeMode: Cause = {
  id: "lambda-safe-mode",
  title: "The model has a Lambda layer, which Keras will not load without your permission",
  summary: (ctx) =>
    isNameError(ctx)
      ? paragraphs(["A Lambda layer's code ran while loading and uses ", code(ctx.diagnosis.captures.globalName), ", which the loader does not give it."])
      : refusedByKerasFix(ctx)
        ? paragraphs("The model contains a Lambda layer, and loading it runs Python code stored in the file. This Keras runs that code without asking, so keras-fix refused it and stopped the load before the code ran. It runs only after you type yes.")
        : paragraphs("The model contains a Lambda layer whose Python code Keras refuses to run unless you allow it (safe_mode)."),
  matchers: [
    {
      // L1 (3.0-3.11), L1' (>= 3.12), L2' (>= 3.12, fixtures keras-3.15.1--lambda-layer-*), L3 (tf-keras), L4.
      type: /^ValueError$/,
      message:
        /Requested the deserialization of a (?:`lambda` object|Python lambda|`Lambda` layer whose `(?<arg>\w+)` is a(?: Python lambda| ?\w*$)|Lambda layer with a Python `lambda` inside it)/,
      weight: 0.9,
      means: "Keras' safe mode refuses to run the bytecode stored for a Lambda",
    },
    {
      // L2: 3.0-3.9 print the literal `{arg_name}` (missing f-prefix), 3.10-3.11 the argument's name.
      type: /^ValueError$/,
      message: /The `(?<argName>[^`]+)` of this `Lambda` layer is a Python lambda\. Deserializing it is unsafe/,
      weight: 0.9,
      means: "Keras' safe mode refuses to run the bytecode stored for a Lambda",
    },
    {
      // keras-fix's own guard in the probe (every Keras line; Keras' safe_mode misses .h5/SavedModel in many):
      // "keras-fix refused to run the Python bytecode stored for Lambda layer 'x' before it ran: ...".
      type: /^KerasFixRefusedLambda$/,
      message: /(?<refusedBy>keras-fix) refused to run the Python bytecode stored for (?:Lambda layer '(?<layer>[^']*)'|a Lambda layer)/,
      weight: 0.95,
      means: "keras-fix refused to run the bytecode stored for a Lambda before it ran",
    },
    {
      // K2 "Exception encountered when calling layer 'lambda' (type Lambda)." / K3 "... calling Lambda.call()."
      // around a NameError; the classifier unwraps both (wrappedClass Lambda).
      type: /^NameError$/,
      message: /name '(?<globalName>\w+)' is not defined/,
      weight: 0.75,
      means: "a Lambda's code ran and refers to a global name the loader does not provide",
    },
  ],
  when: (captures, facts) => {
    if (captures.globalName !== undefined) {
      // Only a NameError from inside a Lambda (wrapper or file facts say so) is ours.
      if (captures.wrappedClass === "Lambda") return 1.1;
      return facts.file?.hasLambda ? 1 : false;
    }
    // keras-fix's own refusal of bytecode that this Python could not even read: lambda-python-mismatch says more.
    if (captures.refusedBy !== undefined && bytecodeIsForeign(facts)) return 0.7;
    return facts.file && !facts.file.hasLambda && facts.file.format !== "missing" ? 0.8 : 1.05;
  },
  culprit: (captures, facts) => {
    const layers = (facts.file?.lambdas ?? []).filter((l) => l.hasBytecode).map((l) => l.layerName);
    if (captures.globalName) return `Lambda uses ${captures.globalName}`;
    if (layers.length > 0) return `Lambda layer ${layers.join(", ")}`;
    return captures.layer ? `Lambda layer ${captures.layer}` : "Lambda layer";
  },
  start: READ_STEP,
  steps: [
    readLambdasStep("explain"),
    {
      kind: "info",
      id: "explain",
      title: "What a Lambda layer stores, and why Keras asks first",
      body: (ctx) => {
        const names = (ctx.file?.lambdas ?? []).map((l) => l.layerName);
        if (isNameError(ctx)) {
          const name = ctx.diagnosis.captures.globalName;
          return paragraphs(
            ["A Lambda layer's code (", names.length ? code(names.join(", ")) : "a Lambda", ") ran while loading and uses ", code(name), ", which was a global name in the script that saved it (e.g. ", code("import tensorflow as tf"), ")."],
            ["Keras 2 looks such names up in ", code("custom_objects"), ": pass ", code(`custom_objects={"${name}": ${name}}`), " after importing it. Keras 3 gives the lambda no globals at all, so there the reliable route is to rebuild the model in code and load only the weights."],
          );
        }
        const dangerous = dangerousLambdas(ctx);
        return [
          ...paragraphs(
            ["The model has ", names.length ? code(names.join(", ")) : "a Lambda layer", ": a layer whose function is a Python ", code("lambda"), ". The file keeps that function as Python bytecode."],
            [strong("Loading it runs that bytecode. "), RISK],
          ),
          ...paragraphs(
            dangerous.length > 0
              ? [strong("Do not allow this file's code to run: "), `${dangerous.map((r) => r.layerName).join(", ")} would do more than tensor maths. Rebuilding in code copies no bytecode.`]
              : "Keras therefore refuses it by default (safe mode). You can allow it for this file, or rebuild the model in code and load only the weights, which runs nothing from the file.",
          ),
        ];
      },
      next: "choose",
    },
    {
      kind: "choice",
      id: "choose",
      title: "How do you want to load it?",
      options: [
        { id: "rebuild", label: "Rebuild the model in code and load only its weights (runs nothing from the file)", next: REBUILD_STEP },
        {
          id: "unsafe",
          label: (ctx) =>
            dangerousLambdas(ctx).length > 0
              ? "I trust this file despite the DANGEROUS Lambda: load it with safe_mode=False"
              : "I trust this file: load it with safe_mode=False",
          when: (ctx) => !isNameError(ctx),
          needsConsent: { risk: RISK },
          next: "verify-unsafe",
        },
      ],
      auto: "rebuild",
    },
    {
      kind: "action",
      id: "verify-unsafe",
      title: "Load with safe_mode=False",
      // Reached only through the typed "yes": allowStoredCode lifts keras-fix's own guard, safeMode Keras' one.
      action: () => ({ kind: "verify-load", fix: { safeMode: false, allowStoredCode: true } }),
      onSuccess: "loaded",
      onFailure: "unsafe-failed",
    },
    ...keepFixSteps({ id: "loaded", fixedId: "fixed", title: "It loads with safe_mode=False. Keep the fix?" }),
    {
      kind: "end",
      id: "fixed",
      outcome: "fixed",
      title: "Fixed: it loads because you allowed its code to run",
      body: (ctx) =>
        paragraphs(
          [python(`model = keras.models.load_model(${JSON.stringify(ctx.modelPath ?? "model.keras")}, safe_mode=False)`)],
          "To be rid of the question for good, rewrite each Lambda as a named function (or a small custom layer) and save the model again.",
        ),
    },
    {
      kind: "end",
      id: "unsafe-failed",
      outcome: "escalate",
      title: "The Lambda's code could not run here",
      body: (ctx) => {
        const attempt = ctx.results["verify-unsafe"]?.data?.attempt as LoadAttempt | undefined;
        const final = attempt?.chain[attempt.chain.length - 1];
        return paragraphs(
          final ? ["With safe mode off, loading fails with ", code(`${final.type}: ${final.message.split("\n")[0]}`), "."] : "Loading still fails.",
          "Errors such as \"bad marshal data\" or \"unknown opcode\" mean the bytecode was written by another Python version; run keras-fix again to see which. The rebuild route below works in any Python.",
          [python(rebuildCode(ctx))],
        );
      },
    },
    ...rebuildSteps({
      unprovenExtra: (ctx) =>
        isNameError(ctx)
          ? []
          : paragraphs(["If you trust the file's source, keras-fix can load it with ", code("safe_mode=False"), " after asking you: run ", command(`keras-fix ${JSON.stringify(ctx.modelPath ?? "model.keras")}`), " without --auto."]),
    }),
  ],
};
