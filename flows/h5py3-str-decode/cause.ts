// Old loaders (TF <= 2.3's tf.keras, multi-backend Keras <= 2.3.1) call `.decode('utf-8')` on HDF5 attributes;
// h5py >= 3.0 returns them as str already, so the load dies with "'str' object has no attribute 'decode'"
// (research §1c F4, tensorflow#44467). Captured in the tf21-py37 env (TF 2.1.4, Keras 2.3.1, h5py 3.8).
import { code, paragraphs, shell } from "../../src/core/content.js";
import type { Cause, EnvFacts, StepContext } from "../../src/core/types.js";

const major = (version: string | null | undefined) => (version ? Number(version.split(".")[0]) : null);

function versionAtMost(version: string | null | undefined, limit: [number, number, number]): boolean {
  if (!version) return false;
  const parts = version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) !== limit[i]) return (parts[i] ?? 0) < limit[i];
  }
  return true;
}

/** h5py >= 3 with a loader that still decodes attributes: TF <= 2.3.x or multi-backend Keras <= 2.3.1. */
export function oldLoaderWithH5py3(env: EnvFacts | null): boolean {
  if (!env) return false;
  const h5py = major(env.packages.h5py);
  if (h5py === null || h5py < 3) return false;
  const oldTf = versionAtMost(env.packages.tensorflow, [2, 3, 99]);
  const oldKeras = versionAtMost(env.packages.keras, [2, 3, 1]);
  return oldTf || oldKeras;
}

function pythonOf(ctx: StepContext): string {
  return ctx.env?.python.path ?? "python";
}

export const h5py3StrDecode: Cause = {
  id: "h5py3-str-decode",
  title: "h5py 3 is too new for this old Keras/TensorFlow",
  summary: (ctx) =>
    paragraphs([
      "This Keras (",
      code(ctx.env?.packages.keras ?? ctx.env?.packages.tensorflow ?? "TF <= 2.3 / Keras <= 2.3.1"),
      ") expects h5py 2 and calls .decode() on strings that h5py ",
      code(ctx.env?.packages.h5py ?? ">= 3"),
      " already returns decoded.",
    ]),
  matchers: [
    {
      // The decode calls in keras/engine/saving.py (Keras 2.3.1), tensorflow_core/python/keras/saving/hdf5_format.py
      // (TF 2.1) and tensorflow/python/keras/saving/hdf5_format.py (TF 2.2-2.3); captured for the first two.
      type: /^AttributeError$/,
      message: /'str' object has no attribute 'decode'/,
      frame: /keras\/engine\/(?:saving|topology|network)\.py$|keras\/saving\/hdf5_format\.py$/,
      weight: 0.9,
      means: "an old Keras loader decoded an HDF5 attribute that is already a str",
    },
    {
      // Only the final line pasted: the versions decide.
      type: /^AttributeError$/,
      message: /'str' object has no attribute 'decode'/,
      weight: 0.45,
      means: "something called .decode() on a str",
    },
  ],
  when: (_captures, facts) => (facts.env ? (oldLoaderWithH5py3(facts.env) ? 1.6 : 0.5) : 1),
  detect: (facts) =>
    oldLoaderWithH5py3(facts.env) && (facts.file?.format === "h5-model" || facts.file?.format === "h5-weights")
      ? {
          confidence: 0.55,
          captures: { h5py: facts.env!.packages.h5py ?? "" },
          evidence: [`h5py ${facts.env!.packages.h5py} is installed next to a loader from before h5py 3 (TF <= 2.3 / Keras <= 2.3.1)`],
        }
      : null,
  culprit: (_captures, facts) => (facts.env?.packages.h5py ? `h5py ${facts.env.packages.h5py}` : "h5py >= 3"),
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Old Keras, new h5py",
      body: () =>
        paragraphs(
          "Keras up to 2.3.1 and TensorFlow up to 2.3 were written for h5py 2, which returned HDF5 string attributes as bytes. h5py 3.0 (November 2020) returns str, and str has no .decode(). The model file is fine.",
          "Two ways out: pin h5py below 3 in this environment, or load with a newer TensorFlow (2.4 or later), which handles both.",
        ),
      next: "route",
    },
    {
      kind: "choice",
      id: "route",
      title: "Which fix?",
      options: [
        { id: "show", label: "Show me the commands", next: "commands" },
        {
          id: "pin",
          label: 'Install "h5py<3" into this environment now',
          next: "pin",
          when: (ctx) => ctx.env !== null,
          needsConsent: { risk: "runs pip, which changes the packages installed in this Python environment" },
        },
      ],
      auto: "show",
    },
    {
      kind: "action",
      id: "pin",
      title: "Installing h5py<3",
      action: (ctx) => ({ kind: "run-command", argv: [pythonOf(ctx), "-m", "pip", "install", "h5py<3"] }),
      onSuccess: "pinned",
      onFailure: "commands",
    },
    {
      kind: "end",
      id: "pinned",
      outcome: "not-fixed",
      title: "h5py 2 installed: check again",
      body: () => paragraphs("pip finished. Run keras-fix again: the load runs in a fresh Python that imports the new h5py."),
    },
    {
      kind: "end",
      id: "commands",
      outcome: "not-fixed",
      title: "Pin h5py, or use a newer TensorFlow",
      body: (ctx) =>
        paragraphs(
          ["Keep this TensorFlow/Keras and pin h5py (2.10.0 has wheels up to Python 3.8):"],
          [shell(`${pythonOf(ctx)} -m pip install "h5py<3"`)],
          ["Or load with TensorFlow 2.4 or later, whose tf.keras reads these files with any h5py:"],
          [shell(`${pythonOf(ctx)} -m pip install "tensorflow>=2.4"`)],
        ),
    },
  ],
};
