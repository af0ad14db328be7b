// Which pip packages load a given model file on a given Python: the file's Keras version picks the Keras line,
// the Python version rules out releases that do not support it. Sources: requires-python of Keras 3 (3.0-3.10
// >= 3.9, 3.11-3.12 >= 3.10, 3.13+ >= 3.11), TF 2.x Python ranges from the TensorFlow install table, TF 2.6-2.15
// pairing with keras 2.<same minor>, tf_keras for Keras 2 files on TF >= 2.16 (research §0, §3).
import type { ModelFacts } from "../../src/core/types.js";

export interface InstallAdvice {
  /** Arguments after `pip install`. */
  packages: string[];
  /** Environment variables the load needs (TF_USE_LEGACY_KERAS for tf_keras). */
  env: Record<string, string>;
  notes: string[];
}

type Version = [number, number];

function parse(version: string | null | undefined): Version | null {
  const match = version?.match(/^(\d+)\.(\d+)/);
  return match ? [Number(match[1]), Number(match[2])] : null;
}
const below = (a: Version, b: Version) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** Python range [min, max] of the TensorFlow 2.x minor that went with Keras 2.<minor>. */
const TF_PYTHON: Record<number, [Version, Version]> = {
  6: [[3, 6], [3, 9]],
  7: [[3, 7], [3, 9]],
  8: [[3, 7], [3, 10]],
  9: [[3, 7], [3, 10]],
  10: [[3, 7], [3, 10]],
  11: [[3, 7], [3, 10]],
  12: [[3, 8], [3, 11]],
  13: [[3, 8], [3, 11]],
  14: [[3, 9], [3, 11]],
  15: [[3, 9], [3, 11]],
};

/** The Keras 3 minor range a Python can install. */
function keras3CeilingFor(python: Version): Version | null {
  if (below(python, [3, 9])) return null;
  if (below(python, [3, 10])) return [3, 10];
  if (below(python, [3, 11])) return [3, 12];
  return [99, 0];
}

function legacyRoute(notes: string[]): InstallAdvice {
  return {
    packages: ["tensorflow", "tf_keras"],
    env: { TF_USE_LEGACY_KERAS: "1" },
    notes: [...notes, "tf_keras is Keras 2 for current TensorFlow; TF_USE_LEGACY_KERAS=1 makes tf.keras use it."],
  };
}

/** The pip install line that gives this Python a Keras able to load the file. */
export function installAdvice(file: ModelFacts | null, pythonVersion: string | null): InstallAdvice {
  const python = parse(pythonVersion);
  const saved = parse(file?.kerasVersion?.replace(/-tf$/, ""));
  const line = file?.kerasLine ?? (saved ? (saved[0] >= 3 ? "keras3" : "tf-keras2") : null);

  if (line === "keras3" && saved) {
    const ceiling = python ? keras3CeilingFor(python) : [99, 0];
    if (ceiling === null || below(ceiling as Version, saved)) {
      const needs = below(saved, [3, 11]) ? "3.9" : below(saved, [3, 13]) ? "3.10" : "3.11";
      return {
        packages: [`keras>=${saved.join(".")}`, "tensorflow"],
        env: {},
        notes: [`The file was saved by Keras ${file!.kerasVersion}, which needs Python ${needs} or newer; this Python is ${pythonVersion}. Use a newer Python.`],
      };
    }
    return { packages: [`keras>=${saved.join(".")}`, "tensorflow"], env: {}, notes: [`The file was saved by Keras ${file!.kerasVersion}: any Keras 3 at least that new reads it.`] };
  }

  if (line === "tf-keras2" || line === "keras2" || line === "keras1") {
    const minor = saved && saved[0] === 2 && saved[1] >= 6 && saved[1] <= 15 ? saved[1] : 15;
    const range = TF_PYTHON[minor];
    const fits = !python || (!below(python, range[0]) && !below(range[1], python));
    const origin = file?.kerasVersion ? `The file was saved by Keras ${file.kerasVersion} (Keras 2 line).` : "The file comes from Keras 2.";
    if (fits) {
      return {
        packages: [`tensorflow==2.${minor}.*`],
        env: {},
        notes: [origin, `TensorFlow 2.${minor} brings the matching tf.keras 2.${minor}.`],
      };
    }
    return legacyRoute([origin, `TensorFlow 2.${minor} does not install on Python ${pythonVersion}.`]);
  }

  return {
    packages: ["keras", "tensorflow"],
    env: {},
    notes: ["The file does not record its Keras version; the current Keras 3 reads .keras and most .h5 files."],
  };
}

export function pipCommand(pythonPath: string, advice: InstallAdvice): string {
  const quoted = advice.packages.map((name) => (/[<>=*]/.test(name) ? `"${name}"` : name));
  return `${pythonPath} -m pip install ${quoted.join(" ")}`;
}
