// keras-fix found no Python to load the model with (no --python, no KERAS_FIX_PYTHON, no active virtualenv or
// conda env, nothing on PATH): the diagnosis layer sets Facts.pythonMissing. Pasted shell errors ("python: command
// not found", Windows' "is not recognized" and Store alias, a venv whose base Python moved) mean the same.
import { code, paragraphs, shell, strong } from "../../src/core/content.js";
import type { Cause, StepContext } from "../../src/core/types.js";
import { installAdvice, pipCommand } from "../keras-not-installed/install-line.js";

function venvCommands(ctx: StepContext): string {
  const advice = installAdvice(ctx.file, null);
  return [
    "python3 -m venv .venv",
    "source .venv/bin/activate        # Windows: .venv\\Scripts\\activate",
    pipCommand("python", advice),
    ...Object.entries(advice.env).map(([name, value]) => `export ${name}=${value}`),
  ].join("\n");
}

export const pythonNotFound: Cause = {
  id: "python-not-found",
  title: "No Python interpreter was found",
  summary: () => paragraphs("keras-fix needs a Python with Keras to load the model, and found none."),
  matchers: [
    {
      // bash/sh ("bash: python: command not found") and /usr/bin/env ("env: ‘python’: No such file or directory").
      message: /(?:^|\s|:|‘|')(?<python>python[\d.]*|py)(?:[’']?: No such file or directory|: (?:command )?not found)/m,
      weight: 0.85,
      means: "the shell found no Python command",
    },
    {
      // zsh puts the name last.
      message: /command not found: (?<python>python[\d.]*|py)\b/,
      weight: 0.85,
      means: "the shell found no Python command",
    },
    {
      // cmd.exe, and the Microsoft Store alias that stands in for Python on Windows 10/11.
      message: /'(?<python>python[\d.]*|py)' is not recognized as an internal or external command|Python was not found; run without arguments to install from the Microsoft Store/,
      weight: 0.85,
      means: "Windows found no Python command",
    },
    {
      // A venv's launcher whose base interpreter was moved or uninstalled.
      message: /No Python at '(?<python>[^']+)'/,
      weight: 0.85,
      means: "the virtual environment points at a Python that no longer exists",
    },
  ],
  detect: (facts) => {
    if (!facts.pythonMissing) return null;
    const named = facts.pythonMissingReason;
    // A --python that points at nothing is the user's own choice: name it rather than search further.
    if (named) return { confidence: 0.97, captures: { python: named.flag }, evidence: [named.message] };
    return {
      confidence: 0.97,
      captures: {} as Record<string, string>,
      evidence: ["no interpreter was found: no --python, no KERAS_FIX_PYTHON, no active virtualenv or conda env, nothing on PATH"],
    };
  },
  culprit: (captures) => captures.python ?? null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Where keras-fix looks for Python",
      body: () =>
        paragraphs(
          ["In this order: the ", code("--python"), " flag, the ", code("KERAS_FIX_PYTHON"), " variable, the active virtualenv (", code("VIRTUAL_ENV"), ") or conda env (", code("CONDA_PREFIX"), "), then ", code("python3"), " and ", code("python"), " on PATH."],
          "It never runs an interpreter found inside the model's own folder.",
        ),
      next: "route",
    },
    {
      kind: "choice",
      id: "route",
      title: "Do you have a Python with Keras somewhere?",
      options: [
        { id: "have", label: "Yes: tell keras-fix where it is", next: "point" },
        { id: "make", label: "No: show me how to make one", next: "make" },
      ],
      auto: "have",
    },
    {
      kind: "end",
      id: "point",
      outcome: "not-fixed",
      title: "Run keras-fix with that Python",
      body: () =>
        paragraphs(
          [shell("keras-fix --python /path/to/venv/bin/python model.h5\n# or: export KERAS_FIX_PYTHON=/path/to/venv/bin/python")],
          ["Find it with ", code("which python3"), " inside the environment you train in, ", code("conda env list"), ", or in a notebook ", code("import sys; print(sys.executable)"), "."],
        ),
    },
    {
      kind: "end",
      id: "make",
      outcome: "not-fixed",
      title: "Make a virtual environment with Keras",
      body: (ctx) =>
        paragraphs(
          ["Install Python 3.11 (python.org, your package manager, or ", code("pyenv install 3.11"), "), then:"],
          [shell(venvCommands(ctx))],
          [strong("Then: "), code("keras-fix --python .venv/bin/python model.h5"), "."],
        ),
    },
  ],
};
