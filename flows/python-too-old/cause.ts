// The Python keras-fix was given is older than anything that can load a Keras model worth saving today, and older
// than the probe runs on (3.6): Python 2.7 or 3.0-3.5. src/core/probe/probe.ts asks such an interpreter its version when
// the probe refuses to start, and reports it in EnvFacts with nothing imported. No pip line helps: another Python does.
import { code, paragraphs, shell, strong } from "../../src/core/content.js";
import { MIN_PYTHON } from "../../src/core/probe/probe.js";
import type { Cause, EnvFacts, StepContext } from "../../src/core/types.js";

/** The interpreter's major.minor when it is older than the probe supports, else null. */
export function tooOldPython(env: EnvFacts | null): [number, number] | null {
  const match = env ? /^(\d+)\.(\d+)/.exec(env.python.version) : null;
  if (!match) return null;
  const version: [number, number] = [Number(match[1]), Number(match[2])];
  const older = version[0] < MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] < MIN_PYTHON[1]);
  return older ? version : null;
}

/** What to run instead, from the file's Keras line: old TF 1.x/Keras 2.2 files want the oldest Python that still has wheels. */
function suggestion(ctx: StepContext): { python: string; packages: string } {
  const line = ctx.file?.kerasLine ?? null;
  const version = ctx.file?.kerasVersion ?? "";
  if (/^2\.[0-2]\./.test(version) || line === "keras1") {
    return { python: "3.6 or 3.7", packages: '"tensorflow==1.15.5" "h5py<3"' };
  }
  if (line === "keras3") return { python: "3.11", packages: "keras tensorflow" };
  return { python: "3.11", packages: '"tensorflow<2.16" "h5py"' };
}

export const pythonTooOld: Cause = {
  id: "python-too-old",
  title: "This Python is too old for Keras",
  summary: (ctx) =>
    paragraphs([
      code(ctx.env?.python.path ?? "python"),
      ` is Python ${ctx.env?.python.version ?? "2"}: no TensorFlow or Keras that reads today's model files runs on it, and keras-fix needs Python ${MIN_PYTHON.join(".")} or newer.`,
    ]),
  matchers: [],
  detect: (facts) =>
    tooOldPython(facts.env)
      ? {
          confidence: 0.98,
          captures: { python: facts.env!.python.path, version: facts.env!.python.version },
          evidence: [`${facts.env!.python.path} is Python ${facts.env!.python.version}; keras-fix's probe runs on ${MIN_PYTHON.join(".")}+`],
        }
      : null,
  culprit: (captures) => (captures.version ? `Python ${captures.version} (${captures.python})` : null),
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Use a Python 3 interpreter",
      body: (ctx) =>
        paragraphs(
          [
            "keras-fix used ",
            code(ctx.env?.python.path ?? "python"),
            ctx.env ? ` (found via ${ctx.env.python.source})` : "",
            ". On many systems ",
            code("python"),
            " is still Python 2 while ",
            code("python3"),
            " is Python 3.",
          ],
          [strong("The last releases for Python 2.7: "), "TensorFlow 2.1 and Keras 2.3.1; no Keras 3 file and no TF 2.2+ file can be read there."],
        ),
      next: "instead",
    },
    {
      kind: "end",
      id: "instead",
      outcome: "not-fixed",
      title: "Run keras-fix with a newer Python",
      body: (ctx) => {
        const advice = suggestion(ctx);
        return paragraphs(
          [`For this file, Python ${advice.python}:`],
          [shell([`python3 -m venv .venv`, `.venv/bin/python -m pip install ${advice.packages}`, `keras-fix --python .venv/bin/python ${ctx.modelPath ?? "model.h5"}`].join("\n"))],
          ["Or point keras-fix at a Python 3 you already have: ", code("keras-fix --python python3 ..."), "."],
        );
      },
    },
  ],
};
