// Keras 3 is installed but cannot run on the backend it is configured for (KERAS_BACKEND, else the `backend` key of
// $KERAS_HOME/keras.json, else tensorflow): that backend's package is missing (`import keras` itself then fails with
// "No module named 'tensorflow'"), broken, or not the one the file's layers need (TorchModuleWrapper needs torch,
// JaxLayer/FlaxLayer jax, TFSMLayer tensorflow). Another backend is installed: the fix is KERAS_BACKEND=<it>,
// proven by a load in a worker started with it.
import { code, paragraphs, python, shell, strong } from "../../src/core/content.js";
import type { Cause, EnvFacts, ExceptionInfo, Facts, LoadFix, StepContext } from "../../src/core/types.js";
import { keepFixSteps } from "../_shared/keep-fix.js";

/** The package each Keras 3 backend imports. The numpy backend needs only numpy (inference only). */
const BACKENDS = ["tensorflow", "jax", "torch"] as const;
/** Every name Keras 3 takes as a backend (openvino since Keras 3.8, inference only). */
const isKerasBackend = (name: string) => (BACKENDS as readonly string[]).includes(name) || name === "numpy" || name === "openvino";
type Backend = (typeof BACKENDS)[number];

/** Layers that only run on one backend (keras/src/utils/torch_utils.py, jax_layer.py, tfsm_layer.py). */
const LAYER_BACKEND: Record<string, Backend> = {
  TorchModuleWrapper: "torch",
  JaxLayer: "jax",
  FlaxLayer: "jax",
  TFSMLayer: "tensorflow",
};

const installed = (env: EnvFacts, backend: string): boolean => Boolean(env.packages[backend]);

/** The backend the file's own layers need, when it has backend-specific layers. */
export function fileBackend(facts: Facts): Backend | null {
  for (const name of facts.file?.layerClasses ?? []) {
    const backend = LAYER_BACKEND[name];
    if (backend) return backend;
  }
  return null;
}

/** The backend to try instead: the one the file needs, else the first installed one other than the configured. */
export function alternativeBackend(facts: Facts): Backend | null {
  const env = facts.env;
  if (!env) return null;
  const needed = fileBackend(facts);
  if (needed) return needed !== env.backend && installed(env, needed) ? needed : null;
  return BACKENDS.find((backend) => backend !== env.backend && installed(env, backend)) ?? null;
}

function chainText(chain: ExceptionInfo[] | null): string {
  return (chain ?? []).map((e) => `${e.type}: ${e.message}\n${e.frames.map((f) => f.file).join("\n")}`).join("\n");
}

type Problem = { kind: "missing" | "broken" | "unknown" | "file-needs"; evidence: string; confidence: number };

/** What is wrong with the configured backend, from the facts alone; null when nothing is. */
export function backendProblem(facts: Facts): Problem | null {
  const env = facts.env;
  if (!env || env.loader !== "keras3" || !env.backend) return null;
  const backend = env.backend;
  const where = env.backendSource && env.backendSource !== "default" ? `set by ${env.backendSource}` : "Keras 3's default";
  const needed = fileBackend(facts);
  if (env.importError) {
    const text = chainText(env.importError);
    if (!isKerasBackend(backend)) {
      return { kind: "unknown", evidence: `the configured backend "${backend}" (${where}) is not one Keras knows`, confidence: 0.9 };
    }
    if (!installed(env, backend) || new RegExp(`No module named '${backend}'`).test(text)) {
      return { kind: "missing", evidence: `Keras ${env.packages.keras} is installed; its backend ${backend} (${where}) is not`, confidence: 0.95 };
    }
    // The backend's own package raised while Keras imported it: broken, or one of its dependencies is.
    if (new RegExp(`[/\\\\](?:site|dist)-packages[/\\\\]${backend}[/\\\\]`).test(text) && alternativeBackend(facts)) {
      return { kind: "broken", evidence: `importing Keras failed inside ${backend} ${env.packages[backend]} (${where})`, confidence: 0.6 };
    }
    return null;
  }
  if (needed && needed !== backend && !facts.load?.ok) {
    return { kind: "file-needs", evidence: `the file has layers that run only on ${needed}; Keras runs on ${backend} (${where})`, confidence: 0.9 };
  }
  return null;
}

function fixOf(ctx: StepContext): LoadFix | null {
  const backend = alternativeBackend(ctx);
  return backend ? { backend } : null;
}

function configCommands(ctx: StepContext, backend: string): string {
  const keras = ctx.env?.backendSource && ctx.env.backendSource.endsWith("keras.json") ? ctx.env.backendSource : "~/.keras/keras.json";
  return [`export KERAS_BACKEND=${backend}   # Windows: set KERAS_BACKEND=${backend}`, `# or for good: set "backend": "${backend}" in ${keras}`].join("\n");
}

export const kerasBackendUnavailable: Cause = {
  id: "keras-backend-unavailable",
  title: "Keras 3 is installed, but not its configured backend",
  summary: (ctx) => {
    const env = ctx.env;
    const problem = backendProblem(ctx);
    const alt = alternativeBackend(ctx);
    // Without a probed environment (a pasted traceback), the backend is the one the error names.
    const backend = env?.backend ?? ctx.diagnosis.captures.module ?? "tensorflow";
    const named = !env && ctx.diagnosis.captures.module !== undefined;
    const kind = problem?.kind ?? (named && !isKerasBackend(backend) ? "unknown" : "missing");
    return paragraphs([
      `Keras ${env?.packages.keras ?? "3"} is installed and configured to run on `,
      strong(backend),
      {
        "file-needs": `, but this file's layers run only on ${fileBackend(ctx)}.`,
        broken: ", which fails to import.",
        unknown: ", which is not a Keras backend (tensorflow, jax, torch, numpy, openvino).",
        missing: ", which is not installed.",
      }[kind],
      alt ? ` ${alt} is installed: KERAS_BACKEND=${alt} picks it.` : "",
    ]);
  },
  matchers: [
    {
      // Captured: keras35-py312 (Keras 3.5 + JAX) with KERAS_BACKEND unset: `import keras` reaches keras/src/...
      // modules that import the default backend, tensorflow. Keras' own frames tell it from a missing install.
      type: /^(?:ModuleNotFoundError|ImportError)$/,
      message: /^No module named '(?<module>tensorflow|jax|torch)(?:'$|$)/,
      frame: /(?:^|\/)keras\/src\//,
      weight: 0.85,
      means: "Keras 3 is installed and imports a backend that is not",
    },
    {
      // The same line pasted without its frames: JAX and PyTorch are what Keras 3 imports as backends (captured:
      // keras3 and keras35-py312 with KERAS_BACKEND=torch or jax, fixtures/tracebacks/_scenarios).
      type: /^(?:ModuleNotFoundError|ImportError)$/,
      message: /^No module named '(?<module>jax|torch)(?:'$|$)/,
      weight: 0.6,
      means: "a Keras 3 backend is not installed (the frames were not pasted)",
    },
    {
      // TensorFlow without frames is first of all not installed (keras-not-installed); a backend is the other reading.
      type: /^(?:ModuleNotFoundError|ImportError)$/,
      message: /^No module named '(?<module>tensorflow)(?:'$|$)/,
      weight: 0.45,
      means: "Keras 3's default backend, TensorFlow, is not installed (the frames were not pasted)",
    },
    {
      // Multi-backend Keras 1 / 2 imports keras/backend/<name>_backend.py for the backend KERAS_BACKEND or keras.json
      // names (theano, cntk, tensorflow; mxnet in keras-mxnet): that package is not installed. Python 2 leaves the
      // quotes out.
      type: /^(?:ModuleNotFoundError|ImportError)$/,
      message: /^No module named '?(?<module>theano|cntk|tensorflow|mxnet)(?:'|$|\s)/,
      frame: /(?:^|\/)keras\/backend\/(?:__init__|(?:theano|cntk|tensorflow|mxnet)_backend)\.py$/,
      weight: 0.85,
      means: "multi-backend Keras imports a backend that is not installed",
    },
    {
      // Theano, CNTK and MXNet pasted without frames: in a Keras paste they are multi-backend Keras' backends.
      type: /^(?:ModuleNotFoundError|ImportError)$/,
      message: /^No module named '?(?<module>theano|cntk|mxnet)(?:'|$|\s)/,
      weight: 0.65,
      means: "a backend of multi-backend Keras is not installed (the frames were not pasted)",
    },
    {
      // Keras 3 for a KERAS_BACKEND (or keras.json backend) it has no module for (captured: KERAS_BACKEND=bogus).
      type: /^ValueError$/,
      message: /Unable to import backend : (?<module>[\w.-]+)/,
      weight: 0.85,
      means: "Keras 3 was told to use a backend it does not have",
    },
  ],
  // With the probe's facts, the backend it names must be the configured one; a pasted traceback alone is enough.
  when: (captures, facts) => !facts.env || (facts.env.loader === "keras3" && facts.env.backend === captures.module),
  detect: (facts) => {
    const problem = backendProblem(facts);
    if (!problem) return null;
    const alt = alternativeBackend(facts);
    const evidence = [problem.evidence, alt ? `${alt} ${facts.env!.packages[alt]} is installed` : "no other backend (tensorflow, jax, torch) is installed"];
    return { confidence: problem.confidence, captures: { backend: facts.env!.backend!, problem: problem.kind, ...(alt ? { alternative: alt } : {}) }, evidence };
  },
  culprit: (captures, facts) => {
    const backend = captures.backend ?? captures.module ?? facts.env?.backend ?? "tensorflow";
    // Where the backend was chosen is known only from a probed environment; without one, only tensorflow is known
    // to be Keras' default.
    if (!facts.env && backend !== "tensorflow") return `backend ${backend}`;
    const where = facts.env?.backendSource ?? "default";
    return `backend ${backend} (${where === "default" ? "Keras' default" : where})${captures.alternative ? `; ${captures.alternative} is installed` : ""}`;
  },
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Keras 3 runs on one backend, chosen when it is imported",
      body: (ctx) =>
        paragraphs(
          ["Keras 3 reads ", code("KERAS_BACKEND"), ", else the ", code("backend"), " key of ", code("~/.keras/keras.json"), " (", code("$KERAS_HOME"), " moves it), else uses tensorflow. Here it is ", strong(ctx.env?.backend ?? "tensorflow"), ctx.env?.backendSource ? ` (${ctx.env.backendSource})` : "", "."],
          ["Installed backends: ", BACKENDS.filter((b) => ctx.env && installed(ctx.env, b)).map((b) => `${b} ${ctx.env!.packages[b]}`).join(", ") || "none", "."],
        ),
      next: "route",
    },
    {
      kind: "choice",
      id: "route",
      title: "Load it on another backend?",
      options: [
        {
          id: "try",
          label: (ctx) => `Load it with KERAS_BACKEND=${alternativeBackend(ctx)} and check`,
          next: "verify",
          when: (ctx) => fixOf(ctx) !== null,
        },
        { id: "show", label: "Show me how to install or pick a backend", next: "commands" },
      ],
      auto: { pick: (ctx: StepContext) => (fixOf(ctx) ? "try" : "show"), among: ["try", "show"] },
    },
    {
      kind: "action",
      id: "verify",
      title: "Loading in a Python started with KERAS_BACKEND set",
      action: (ctx) => ({ kind: "verify-load", fix: fixOf(ctx) ?? {} }),
      onSuccess: "keep",
      onFailure: "commands",
    },
    ...keepFixSteps({ id: "keep", fixedId: "fixed" }),
    {
      kind: "end",
      id: "fixed",
      outcome: "fixed",
      title: "It loads on another backend",
      body: (ctx) => {
        const backend = fixOf(ctx)?.backend ?? "jax";
        return paragraphs(
          [shell(configCommands(ctx, backend))],
          ["Or in the script, before the first ", code("import keras"), ":"],
          [python(["import os", `os.environ["KERAS_BACKEND"] = "${backend}"`, "import keras"].join("\n"))],
        );
      },
    },
    {
      kind: "end",
      id: "commands",
      outcome: "not-fixed",
      title: "Install the backend, or pick an installed one",
      body: (ctx) => {
        const backend = ctx.env?.backend ?? "tensorflow";
        const pythonPath = ctx.env?.python.path ?? "python";
        const needed = fileBackend(ctx);
        const install = needed ?? backend;
        const alt = alternativeBackend(ctx);
        return paragraphs(
          [`Install ${install} into this Python:`],
          [shell(`${pythonPath} -m pip install ${install}`)],
          ...(alt ? [[`Or use ${alt}, which is installed:`], [shell(configCommands(ctx, alt))]] : []),
        );
      },
    },
  ],
};
