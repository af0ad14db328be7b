// The fallback when no cause in the catalogue matched: it still shows the real error, walks the general checks
// that solve most load failures (custom objects, versions, Lambda layers) using what the file says, and explains
// how to report the case so it can become a cause of its own. classify.ts never matches it directly.
import { code, command, paragraphs, python, strong } from "../../src/core/content.js";
import type { Cause, Content, StepContext } from "../../src/core/types.js";

function realError(ctx: StepContext): { type: string; message: string } | null {
  const { exceptionType, exceptionMessage } = ctx.diagnosis.captures;
  if (exceptionMessage) return { type: exceptionType ?? "", message: exceptionMessage };
  const chain = ctx.load?.chain ?? ctx.env?.importError ?? null;
  const final = chain?.[chain.length - 1];
  return final ? { type: final.type, message: final.message } : null;
}

/** The general checks, each phrased from what the file and environment say. */
export function generalChecks(ctx: StepContext): Content {
  const file = ctx.file;
  const checks: Content = [];
  const custom = file?.customObjects.length ? file.customObjects.map((ref) => ref.key) : (file?.customClasses ?? []);
  if (custom.length > 0) {
    const entries = custom.slice(0, 3).map((name) => `${JSON.stringify(name)}: ${name.split(">").pop()}`);
    checks.push(
      ...paragraphs(
        [strong("Custom objects: "), "the file uses ", code(custom.slice(0, 6).join(", ")), ". Import the code that defines them and pass it:"],
        [python(`model = keras.models.load_model(path, custom_objects={${entries.join(", ")}})`)],
      ),
    );
  } else {
    checks.push(
      ...paragraphs([
        strong("Custom objects: "),
        "a class or function defined in the training code (layer, loss, metric, activation) must be importable and passed in ",
        code("custom_objects"),
        ".",
      ]),
    );
  }
  const packages = ctx.env?.packages ?? {};
  const installed = packages.keras ? `keras ${packages.keras}` : packages.tensorflow ? `tensorflow ${packages.tensorflow}` : null;
  checks.push(
    ...paragraphs([
      strong("Versions: "),
      ...(file?.kerasVersion ? ["the file was saved by Keras ", code(file.kerasVersion)] : ["the Keras version that saved the file is unknown"]),
      ...(installed ? ["; this environment has ", code(installed)] : []),
      ". Loading with the Keras major.minor that saved the file rules out most version problems.",
    ]),
  );
  if (file?.hasLambda) {
    checks.push(
      ...paragraphs([
        strong("Lambda layers: "),
        "the file contains Lambda layers, whose Python code is stored as bytecode: they load only on the Python minor version that saved them, and Keras 3 needs ",
        code("safe_mode=False"),
        " (only for files you trust).",
      ]),
    );
  }
  checks.push(
    ...paragraphs([
      strong("Compile state: "),
      code("load_model(path, compile=False)"),
      " skips the optimizer, loss and metrics: enough for inference, and it avoids many training-config errors.",
    ]),
  );
  return checks;
}

export const unclassified: Cause = {
  id: "unclassified",
  title: "No known cause matched this error",
  summary: (ctx) => {
    const error = realError(ctx);
    return error
      ? paragraphs(["keras-fix does not recognise this error: ", code(`${error.type ? `${error.type}: ` : ""}${error.message.split("\n")[0]}`)])
      : paragraphs("keras-fix found nothing in the file or the environment that explains the failure.");
  },
  matchers: [],
  start: "error",
  steps: [
    {
      kind: "info",
      id: "error",
      title: "The error as Python printed it",
      body: (ctx) => {
        const error = realError(ctx);
        const content: Content = error
          ? [[code(`${error.type ? `${error.type}: ` : ""}${error.message}`)]]
          : paragraphs("There was no Python error to show (the load was not attempted, or it failed without a traceback).");
        const close = ctx.diagnosis.alternatives.filter((alternative) => alternative.confidence > 0);
        if (close.length > 0) {
          content.push(...paragraphs(["Weak matches, for what they are worth: ", close.map((alternative) => `${alternative.cause} (${Math.round(alternative.confidence * 100)}%)`).join(", "), "."]));
        }
        return content;
      },
      next: "checks",
    },
    {
      kind: "info",
      id: "checks",
      title: "The checks that solve most load failures",
      body: generalChecks,
      next: "report",
    },
    {
      kind: "end",
      id: "report",
      outcome: "escalate",
      title: "Report it so keras-fix learns this error",
      body: (ctx) =>
        paragraphs(
          ["Run ", command(`keras-fix --json ${ctx.modelPath ?? "model.h5"} > report.json`), " and open an issue with report.json attached: it holds the versions, the file's structure (no weights) and the full traceback."],
          "Say which Keras/TensorFlow saved the model, if you know, and how it was saved (model.save, save_weights, a checkpoint callback).",
        ),
    },
  ],
};
