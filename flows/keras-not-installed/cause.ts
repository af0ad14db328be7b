// The Python keras-fix found has no Keras (nor TensorFlow's tf.keras) to load the model with: the probe imported
// nothing (EnvFacts.loader null without an import error), or a pasted traceback says "No module named 'keras'".
// The fix is one pip line, chosen from the file's Keras version and the Python's version.
import { code, paragraphs, shell, strong, text } from "../../src/core/content.js";
import type { Cause, Content, CustomObjectRef, Facts, ModelFacts, StepContext, Token } from "../../src/core/types.js";
import { tooOldPython } from "../python-too-old/cause.js";
import { installAdvice, pipCommand } from "./install-line.js";

const KERAS_PACKAGES = ["keras", "tensorflow", "tf_keras"];

function adviceFor(ctx: StepContext) {
  return installAdvice(ctx.file, ctx.env?.python.version ?? null);
}

function pythonPath(ctx: StepContext): string {
  return ctx.env?.python.path ?? "python";
}

const KIND_WORDS: Partial<Record<CustomObjectRef["kind"], string>> = {
  layer: "custom layer", model: "custom model class", loss: "custom loss", metric: "custom metric", optimizer: "custom optimizer",
  activation: "custom activation", initializer: "custom initializer", regularizer: "custom regularizer", constraint: "custom constraint",
  function: "custom function",
};

/**
 * What the file says it will need once Keras is there (issue 21: a first run on a Python without Keras stopped at
 * "install Keras" while the model also needed its custom layer's code): each custom object's code, its Lambda
 * layers' stored code. Read from the file alone; nothing here is a guess about the user's code.
 */
export function needsAfterInstall(file: ModelFacts | null): Content {
  if (!file || file.problem) return [];
  const items: Token[][] = file.customObjects.map((ref) => [
    text("• the Python code of its "),
    text(KIND_WORDS[ref.kind] ?? "custom object"),
    text(" "),
    code(ref.className),
    text(ref.module === "__main__" ? " (defined in the training script itself)" : ref.module && !ref.module.startsWith("keras") ? ` (saved from the module ${ref.module})` : ""),
    text(": keras-fix looks for it near the model, or name the .py file that defines it with "),
    code("--custom-objects file.py"),
  ]);
  const stored = file.lambdas.filter((lambda) => lambda.hasBytecode);
  if (stored.length > 0) {
    const names = stored.map((lambda) => lambda.layerName).join(", ");
    items.push([text(`• its Lambda layer${stored.length === 1 ? "" : "s"} ${names} store Python bytecode, which Keras runs only with safe_mode=False: keras-fix asks before that, or rebuilds them as code`)]);
  }
  if (items.length === 0) {
    if (file.layerClasses.length === 0) return [];
    return paragraphs("The file uses only Keras' own layers: once Keras is installed, nothing else should be needed.");
  }
  return [[strong("Then the model needs more"), text(`: ${file.path.split("/").at(-1)} also needs, once Keras is installed,`)], ...items];
}

function nothingImportable(facts: Facts): boolean {
  return facts.env !== null && facts.env.loader === null && facts.env.importError === null && !tooOldPython(facts.env);
}

export const kerasNotInstalled: Cause = {
  id: "keras-not-installed",
  title: "Keras is not installed in this Python",
  summary: (ctx) =>
    paragraphs([
      code(pythonPath(ctx)),
      ctx.env ? ` (Python ${ctx.env.python.version})` : "",
      " has neither Keras nor TensorFlow installed, so it cannot load any model.",
    ]),
  matchers: [
    {
      // Captured: the bare env (`import keras` with nothing installed). Submodules such as 'keras.src.engine' are a
      // version problem, not a missing install, hence the anchored name.
      type: /^(?:ModuleNotFoundError|ImportError)$/,
      // Python 2 prints the name without quotes ("No module named keras").
      message: /^No module named '?(?<module>keras|tensorflow|tf_keras)(?:'$|$)/,
      weight: 0.85,
      means: "Python could not import the package at all",
    },
    {
      // A library's own guard asking for tf_keras (transformers, deepface, retinaface on TF >= 2.16 / Keras 3):
      // "... requires tf-keras package. Please run `pip install tf-keras`", "Please install the backwards-compatible
      // tf-keras package with `pip install tf-keras`".
      type: /^(?:ValueError|ImportError|ModuleNotFoundError|RuntimeError)$/,
      message: /(?:requires?|needs?|install)(?: the)?(?: backwards-compatible)? (?<module>tf[-_]keras)(?: package)?\b[\s\S]*?pip install tf[-_]keras/,
      weight: 0.8,
      means: "a library asks for tf_keras (Keras 2), which is not installed",
    },
    {
      // TensorFlow ≥ 2.16's lazy loader for tf.keras when no Keras imports (keras-tfkeras-mixing reads the same line
      // when TF_USE_LEGACY_KERAS asks for a tf_keras that is missing; the environment decides).
      type: /^ImportError$/,
      message: /(?<kerasImport>Keras cannot be imported)\. Check that it is installed/,
      weight: 0.5,
      means: "TensorFlow could not import any Keras for tf.keras",
    },
  ],
  // When the probe saw the package installed, the traceback came from another Python (an IDE's interpreter, a
  // notebook kernel): say so through a lower score instead of claiming it.
  // Keras 3 installed without its configured backend fails `import keras` with "No module named 'tensorflow'":
  // Keras is there, its backend is not (keras-backend-unavailable), so this cause steps aside.
  when: (captures, facts) => {
    const installed = facts.env?.packages[captures.module ?? ""];
    if (captures.module !== "keras" && facts.env?.loader === "keras3") return false;
    return installed ? 0.4 : 1;
  },
  detect: (facts) =>
    nothingImportable(facts)
      ? {
          confidence: 0.95,
          captures: { python: facts.env!.python.path },
          evidence: [
            `${facts.env!.python.path} (Python ${facts.env!.python.version}) imports none of ${KERAS_PACKAGES.join(", ")}`,
          ],
        }
      : null,
  culprit: (captures, facts) => (captures.module ? captures.module.replace("tf-keras", "tf_keras") : null) ?? facts.env?.python.path ?? null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Install Keras into this Python",
      body: (ctx) => {
        const advice = adviceFor(ctx);
        return paragraphs(
          ...advice.notes,
          ctx.env
            ? ["keras-fix used ", code(pythonPath(ctx)), ` (found via ${ctx.env.python.source})`, ". If Keras lives in another environment, run keras-fix with ", code("--python /path/to/that/python"), " instead."]
            // explain: no Python was run; the traceback came from the one to install into.
            : ["Install it into the Python that printed this traceback (", code("python"), " below stands for it). If Keras lives in another environment, run keras-fix with ", code("--python /path/to/that/python"), "."],
        );
      },
      next: "route",
    },
    {
      kind: "choice",
      id: "route",
      title: "Install it?",
      body: (ctx) => paragraphs([code(pipCommand(pythonPath(ctx), adviceFor(ctx)))]),
      options: [
        { id: "show", label: "Show me the command, I will run it", next: "commands" },
        {
          id: "install",
          label: (ctx) => `Run ${pipCommand(pythonPath(ctx), adviceFor(ctx))} now`,
          next: "install",
          when: (ctx) => ctx.env !== null,
          needsConsent: { risk: "runs pip, which downloads and installs packages (hundreds of MB for TensorFlow) into this Python" },
        },
      ],
      auto: "show",
    },
    {
      kind: "action",
      id: "install",
      title: "Installing",
      action: (ctx) => ({ kind: "run-command", argv: [pythonPath(ctx), "-m", "pip", "install", ...adviceFor(ctx).packages] }),
      onSuccess: "installed",
      onFailure: "commands",
    },
    {
      kind: "end",
      id: "installed",
      outcome: "not-fixed",
      title: "Installed: check again",
      body: (ctx) => [...paragraphs("pip finished. Run keras-fix again to load the model with the new install."), ...needsAfterInstall(ctx.file)],
    },
    {
      kind: "end",
      id: "commands",
      outcome: "not-fixed",
      title: "Install Keras, then run keras-fix again",
      body: (ctx) => {
        const advice = adviceFor(ctx);
        const variables = Object.entries(advice.env).map(([name, value]) => `export ${name}=${value}`);
        return [
          ...paragraphs(
            [shell([pipCommand(pythonPath(ctx), advice), ...variables].join("\n"))],
            "Better in a fresh virtual environment (python -m venv .venv) than in a system Python.",
          ),
          ...needsAfterInstall(ctx.file),
        ];
      },
    },
  ],
};
