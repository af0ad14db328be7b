// A Lambda layer's bytecode was written by another Python minor version: marshal.loads in func_load fails with
// "bad marshal data (unknown type code)", SystemError "bad argument to internal function" (3.11 bytecode read by
// 3.7: fixtures tf-2.1.4--* and keras-2.3.1--*), "unknown opcode", "XXX lineno", or a types.CodeType argument
// TypeError. Marshal has no version header; the code object's layout tells the family (src/core/fixes/marshal-hint.ts).
import { code, paragraphs, python, strong } from "../../src/core/content.js";
import { bytecodeIsForeign, storedBytecodeHint, type BytecodeHint } from "../../src/core/fixes/marshal-hint.js";
import type { Cause, Facts, StepContext } from "../../src/core/types.js";
import { READ_STEP, readLambdasStep, REBUILD_STEP, rebuildSteps } from "../../src/core/lambda/steps.js";

const LAMBDA_FRAMES = /func_load|marshal|python_utils|generic_utils|lambda_layer|layers\/core/;

function hintOf(facts: Facts): BytecodeHint | null {
  return storedBytecodeHint(facts);
}

// Python minors each saving line supported (python_requires at each tag, TF release notes); a file's
// keras_version narrows the writer to these when the bytecode itself cannot be read.
function pythonsFor(kerasVersion: string | null): string | null {
  const match = /^(\d+)\.(\d+)/.exec(kerasVersion ?? "");
  if (!match) return null;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  // Keras 1 and multi-backend Keras 2.0-2.3 (tf.keras 2.2.4-tf too) ran on Python 2.7 as well.
  if (major === 1) return "2.7 or 3.4 to 3.6";
  if (major === 3) return minor >= 13 ? "3.11 or newer" : minor >= 11 ? "3.10 or newer" : "3.9 or newer";
  if (major === 2) {
    if (minor >= 16) return "3.9 to 3.12";
    if (minor >= 14) return "3.9 to 3.11";
    if (minor >= 12) return "3.8 to 3.11";
    if (minor >= 8) return "3.7 to 3.10";
    if (minor >= 5) return "3.6 to 3.9";
    return "2.7 or 3.5 to 3.8";
  }
  return null;
}

function writerPython(ctx: StepContext): string | null {
  return hintOf(ctx)?.range ?? pythonsFor(ctx.file?.kerasVersion ?? null);
}

/**
 * Keras lines that read an .h5 only through h5py 2 (`model_config.decode('utf-8')` fails on h5py 3's str), yet do not
 * pin it: Keras 1, multi-backend Keras before 2.4, tf.keras before TF 2.4 (2.2.4-tf, 2.3.0-tf). pip would install
 * h5py 3 beside them (measured: TF 2.1 with h5py 3.8 fails so on these files, TF 1.15 with h5py 2.10 loads them).
 */
function needsH5py2(keras: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(keras);
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major === 1 || (major === 2 && minor < 4);
}

// The TensorFlow releases whose tf.keras wrote each "-tf" version, for a file that does not record its TensorFlow
// (TF 1.x .h5 files do not): pip picks the newest of them, which reads the older ones' files.
const TF_OF_TF_KERAS: Record<string, string> = { "2.1.6-tf": ">=1.11,<1.13", "2.2.4-tf": ">=1.13,<2.2", "2.3.0-tf": ">=2.2,<2.3" };

/** What the file's Keras needs beside it: tf.keras came with TensorFlow; multi-backend Keras with its backend. */
function savingPackages(ctx: StepContext): string {
  const keras = ctx.file?.kerasVersion ?? null;
  if (!keras) return "<the Keras and backend the model was saved with>";
  const h5py = needsH5py2(keras) ? ['"h5py<3"'] : [];
  if (keras.endsWith("-tf")) {
    const tensorflow = ctx.file?.tensorflowVersion ? `tensorflow==${ctx.file.tensorflowVersion}` : TF_OF_TF_KERAS[keras] ? `"tensorflow${TF_OF_TF_KERAS[keras]}"` : null;
    return tensorflow ? [tensorflow, ...h5py].join(" ") : "<the TensorFlow the model was saved with>";
  }
  const backend = ctx.file?.backend;
  return [`keras==${keras}`, ...(backend === "theano" || backend === "tensorflow" || backend === "cntk" ? [backend] : []), ...h5py].join(" ");
}

/** A virtualenv of the writer's Python with the saving Keras: Python 2.7 has no venv module, so virtualenv. */
function writerRoute(ctx: StepContext): string | null {
  const hint = hintOf(ctx);
  if (!hint) return null;
  // Keras 1 and 2.0 ran on 3.4 and 3.5, not 3.0-3.3.
  const minor = hint.minors.includes("3.5") ? "3.5" : hint.minors[0];
  const venv = minor.startsWith("2.") ? `virtualenv -p python${minor} venv-${minor}` : `python${minor} -m venv venv-${minor}`;
  return `${venv} && venv-${minor}/bin/pip install ${savingPackages(ctx)}`;
}

export const lambdaPythonMismatch: Cause = {
  id: "lambda-python-mismatch",
  title: "A Lambda layer's code was saved by another Python version",
  summary: (ctx) => {
    const writer = writerPython(ctx);
    return paragraphs([
      "The Lambda layer's stored bytecode cannot be read by Python ",
      code(ctx.env?.python.version ?? "this Python"),
      writer ? "; it was written by Python " : ".",
      writer ? code(writer) : "",
    ]);
  },
  matchers: [
    {
      type: /^(ValueError|EOFError)$/,
      // Also raised by Python's import machinery for a corrupt .pyc: with frames that load nothing, `when` declines.
      message: /(?<marshalError>bad marshal data|marshal data too short)/,
      weight: 0.9,
      means: "marshal could not read the Lambda's bytecode: another Python version wrote it",
    },
    {
      // marshal's own wording when the bytes end before an object does (captured: Python 3.6 bytecode read by
      // 3.11 in TF 2.15 and by 3.12 in Keras 3.5, fixtures/tracebacks/_matrix); pickle says "Ran out of input".
      type: /^EOFError$/,
      message: /(?<marshalError>EOF read where (?:object|not expected))/,
      weight: 0.85,
      means: "marshal ran out of bytes reading the Lambda's bytecode: another Python version wrote it",
    },
    {
      type: /^SystemError$/,
      message: /unknown opcode|XXX lineno|bad argument to internal function/,
      frame: LAMBDA_FRAMES,
      weight: 0.85,
      means: "the Lambda's bytecode does not fit this Python's code objects",
    },
    {
      // The same pasted without frames (issue 9 §8: every way another Python's bytecode fails is this cause).
      type: /^SystemError$/,
      message: /(?<bytecodeError>unknown opcode|XXX lineno|bad argument to internal function)/,
      weight: 0.6,
      means: "this is how a Lambda's bytecode from another Python fails; nothing else in a load raises it",
    },
    {
      // keras-fix's guard refuses every stored Lambda before marshal reads it (flows/lambda-safe-mode), so the first
      // load never meets the marshal error; the bytecode's own layout then tells that this Python could not read it.
      type: /^KerasFixRefusedLambda$/,
      message: /(?<refusedLambda>keras-fix) refused to run the Python bytecode stored for/,
      weight: 0.95,
      means: "keras-fix refused the Lambda's bytecode before it ran, and the bytecode's layout is another Python's",
    },
    {
      type: /^TypeError$/,
      message: /code\(\) (?:argument \d+ must be|takes|expected)|an integer is required \(got type bytes\)/,
      frame: LAMBDA_FRAMES,
      weight: 0.8,
      means: "the Lambda's code object was built for another Python's layout",
    },
  ],
  // A marshal error from frames that load nothing is a corrupt .pyc of the user's own module, not a Lambda.
  when: (captures, facts) => {
    if (captures.refusedLambda !== undefined) {
      // Only when the stored bytecode is known to be another minor's; otherwise the refusal is lambda-safe-mode's.
      return bytecodeIsForeign(facts) ? 1.1 : false;
    }
    return !((captures.marshalError !== undefined || captures.bytecodeError !== undefined) && captures.stackShows === "other");
  },
  culprit: (_captures, facts) => {
    const hint = hintOf(facts);
    const layers = (facts.file?.lambdas ?? []).filter((l) => l.hasBytecode).map((l) => l.layerName);
    const what = layers.length > 0 ? `Lambda ${layers.join(", ")}` : "Lambda bytecode";
    return hint ? `${what} (written by Python ${hint.range})` : what;
  },
  start: READ_STEP,
  steps: [
    readLambdasStep("explain"),
    {
      kind: "info",
      id: "explain",
      title: "The Lambda's bytecode belongs to another Python",
      body: (ctx) => {
        const writer = writerPython(ctx);
        const hint = hintOf(ctx);
        return [
          ...paragraphs(
            ["A Lambda layer keeps its function as Python bytecode, and bytecode changes between Python minor versions. You are loading with Python ", code(ctx.env?.python.version ?? "?"), "."],
            writer
              ? [strong(`It was written by Python ${writer}`), hint ? " (read from the bytecode's layout)." : ` (the range the file's Keras ${ctx.file?.kerasVersion ?? ""} supported).`]
              : ["The file does not say which Python wrote it."],
          ),
          ...paragraphs("Two routes: rebuild the model in code and load only its weights, which works in any Python, or load it with that Python (a virtualenv with the same Keras)."),
        ];
      },
      next: "choose",
    },
    {
      kind: "choice",
      id: "choose",
      title: "How do you want to load it?",
      options: [
        { id: "rebuild", label: "Rebuild the model in code and load only its weights (works in this Python, runs nothing from the file)", next: REBUILD_STEP },
        { id: "saving-python", label: "Show how to load it with the Python that saved it", next: "route" },
      ],
      auto: "rebuild",
    },
    ...rebuildSteps({
      unprovenExtra: () => paragraphs("The other road: load the file with the Python that saved it (run keras-fix without --auto to see how)."),
    }),
    {
      kind: "end",
      id: "route",
      outcome: "not-fixed",
      title: "Use the saving Python, or rebuild and load the weights",
      body: (ctx) => {
        const model = JSON.stringify(ctx.modelPath ?? "model.h5");
        const route = writerRoute(ctx);
        return paragraphs(
          route ? ["With that Python (loading runs the Lambda's code: only for a file you trust): ", code(route)] : [],
          "Or, in any Python:",
          [python(["def build_model():", "    # the same layers, each Lambda's lambda written as a named function", "    ...", "", "model = build_model()", `model.load_weights(${model})`].join("\n"))],
        );
      },
    },
  ],
};
