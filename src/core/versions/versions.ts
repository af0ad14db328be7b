// Which Keras, TensorFlow, tf_keras and Python versions go together, as data with their sources, and the arithmetic
// that turns "this file was written by Keras X, this Python is Y" into the exact pip commands that can load it.
// Pure: no I/O. The tables are checked by test/core/versions.test.ts against the real cases the flows meet.

import { compare, explain, satisfies } from "@renovatebot/pep440";
import { code, path, python, shell, strong, text } from "../content.js";
import { plansClosedTo } from "./safe-plans.js";
import type { Content, EnvFacts, Facts, ModelFacts, Token, InstallPlan, PlanProof } from "../types.js";

export type KerasLine = NonNullable<ModelFacts["kerasLine"]>;

export interface KerasVersion {
  major: number;
  minor: number;
  patch: number;
  /** "tf" for tf.keras' own version strings inside TensorFlow 1.x–2.2 (`2.2.4-tf`, `2.3.0-tf`). */
  flavor: "tf" | null;
  raw: string;
}

/**
 * `"2.2.4-tf"` → {2, 2, 4, "tf"}; `"3.15.1"`, `"2.15.0.post1"`, `"3.0.0rc1"`, `"2.4"` parse too; junk → null.
 * PEP 440 does the parsing; the one thing ours is `-tf`, which tf.keras in TensorFlow 1.x–2.2 appends to its version
 * (`2.2.4-tf`, `2.3.0-tf`) and which PEP 440 does not allow.
 */
export function parseKerasVersion(version: string | null | undefined): KerasVersion | null {
  if (!version) return null;
  const raw = version.trim();
  const flavor = /-tf\b/.test(raw) ? "tf" : null;
  const parsed = explain(flavor ? raw.replace(/-tf\b.*$/, "") : raw);
  if (!parsed) return null;
  const [major, minor = 0, patch = 0] = parsed.release;
  return { major, minor, patch, flavor, raw };
}

/** The PEP 440 form of a version string (`-tf` dropped), or null. */
function pep440Of(version: string | null | undefined): string | null {
  const parsed = parseKerasVersion(version);
  return parsed ? parsed.raw.replace(/-tf\b.*$/, "").replace(/^v/i, "") : null;
}

/** Orders two version strings by PEP 440 (`-tf` ignored); unparsable ones sort first. */
export function compareVersions(a: string | null | undefined, b: string | null | undefined): number {
  const x = pep440Of(a);
  const y = pep440Of(b);
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  return compare(x, y);
}

/** True when the version satisfies the PEP 440 specifier (`>=3.9,<3.12`); an empty specifier allows anything. */
export function versionSatisfies(version: string | null | undefined, specifier: string | null | undefined): boolean {
  const clean = pep440Of(version);
  if (!clean) return false;
  return !specifier?.trim() || satisfies(clean, specifier);
}

/** "3.15" for "3.15.1": the release line pip pins with `==3.15.*` and `>=3.15`. */
export function minorOf(version: string): string {
  const parsed = parseKerasVersion(version);
  return parsed ? `${parsed.major}.${parsed.minor}` : version;
}

/**
 * The Keras line a stored `keras_version` belongs to (the same rule as inspect's facts.ts): `-tf` is tf.keras in
 * TensorFlow 1.x–2.2; plain 2.0–2.3 is multi-backend Keras (last release 2.3.1); 2.4+ is tf.keras, and from 2.16
 * tf_keras (whose files say 2.16 ... 2.21); 3.x is Keras 3; 1.x is Keras 1.
 */
export function kerasLineOf(version: string | null | undefined): KerasLine | null {
  const parsed = parseKerasVersion(version);
  if (!parsed) return null;
  if (parsed.major >= 3) return "keras3";
  if (parsed.major === 1) return "keras1";
  if (parsed.major !== 2) return null;
  if (parsed.flavor === "tf") return "tf-keras2";
  return parsed.minor <= 3 ? "keras2" : "tf-keras2";
}

/** True for version strings only tf_keras writes: Keras 2 numbered 2.16 and later never shipped inside TensorFlow. */
export function writtenByTfKeras(version: string | null | undefined): boolean {
  const parsed = parseKerasVersion(version);
  return !!parsed && parsed.major === 2 && parsed.flavor === null && parsed.minor >= 16;
}

// ---------------------------------------------------------------------------------------------------------------
// Tables

export interface PythonRange {
  /** Lowest Python minor with a wheel, as "3.X". */
  min: string;
  max: string;
}

/**
 * Python minors with TensorFlow wheels, per TF minor. Verified on 2026-11-21 with
 * `pip index versions tensorflow --python-version 3.X --only-binary=:all:` for X = 6, 7, 8, 9, 10, 11, 12, 13, 14
 * (Linux x86_64 wheels; tensorflow-cpu follows the same tags). Python 3.5 was not queried, so 3.6 is the floor
 * we state for the oldest lines; 3.14 has no TensorFlow wheel at all. TF 2.11.1 dropped 3.7 (2.11.0 has it).
 */
export const TF_PYTHON: Record<string, PythonRange> = {
  "1.15": { min: "3.6", max: "3.7" },
  "2.0": { min: "3.6", max: "3.7" },
  "2.1": { min: "3.6", max: "3.7" },
  "2.2": { min: "3.6", max: "3.8" },
  "2.3": { min: "3.6", max: "3.8" },
  "2.4": { min: "3.6", max: "3.8" },
  "2.5": { min: "3.6", max: "3.9" },
  "2.6": { min: "3.6", max: "3.9" },
  "2.7": { min: "3.7", max: "3.9" },
  "2.8": { min: "3.7", max: "3.10" },
  "2.9": { min: "3.7", max: "3.10" },
  "2.10": { min: "3.7", max: "3.10" },
  "2.11": { min: "3.7", max: "3.10" },
  "2.12": { min: "3.8", max: "3.11" },
  "2.13": { min: "3.8", max: "3.11" },
  "2.14": { min: "3.9", max: "3.11" },
  "2.15": { min: "3.9", max: "3.11" },
  "2.16": { min: "3.9", max: "3.12" },
  "2.17": { min: "3.9", max: "3.12" },
  "2.18": { min: "3.9", max: "3.12" },
  "2.19": { min: "3.9", max: "3.12" },
  "2.20": { min: "3.9", max: "3.13" },
  "2.21": { min: "3.10", max: "3.13" },
};

/** The newest TensorFlow minor in TF_PYTHON (what `pip index versions tensorflow` showed on the date above). */
export const LATEST_TF = "2.21";
/** The newest Keras 3 release (`pip index versions keras --python-version 3.11`, same date). */
export const LATEST_KERAS3 = "3.15.1";

/**
 * The Keras each TensorFlow minor uses as tf.keras (research §0 "TF ↔ Keras coupling"): TF 2.6–2.15 depend on
 * `keras` 2.<same minor>; TF ≥ 2.16 install Keras 3 and offer Keras 2 only as `tf_keras` 2.<same minor> (tf_keras'
 * oss_setup.py requires `tensorflow>=X.Y,<X.(Y+1)`) behind TF_USE_LEGACY_KERAS=1. Before 2.6 tf.keras lived inside
 * TensorFlow and printed its own version (`tf.keras.__version__`): 2.2.4-tf in TF 1.13–2.1, 2.3.0-tf in TF 2.2,
 * 2.4.0 in TF 2.3 and 2.4, 2.5.0 in TF 2.5.
 */
export function tfKerasOf(tfMinor: string): { line: "tf-keras2" | "keras3"; keras: string; tfKeras: string | null } {
  const [major, minor] = tfMinor.split(".").map(Number);
  if (major === 1) return { line: "tf-keras2", keras: "2.2.4-tf", tfKeras: null };
  if (minor <= 1) return { line: "tf-keras2", keras: "2.2.4-tf", tfKeras: null };
  if (minor === 2) return { line: "tf-keras2", keras: "2.3.0-tf", tfKeras: null };
  if (minor <= 4) return { line: "tf-keras2", keras: "2.4.0", tfKeras: null };
  if (minor <= 15) return { line: "tf-keras2", keras: `2.${minor}.0`, tfKeras: null };
  return { line: "keras3", keras: "3", tfKeras: `2.${minor}` };
}

/**
 * The TensorFlow minor that wrote a tf.keras / tf_keras file of this version (the inverse of tfKerasOf): `2.3.0-tf`
 * → 2.2, `2.4.0` → 2.3 (2.4 writes the same string; the older one is the safe floor), 2.M → 2.M for M ≥ 5.
 * Multi-backend Keras (2.0–2.3.1 without `-tf`) and Keras 3 files have no TensorFlow of their own: null.
 */
export function tfMinorThatWrote(kerasVersion: string | null | undefined): string | null {
  const parsed = parseKerasVersion(kerasVersion);
  if (!parsed || parsed.major !== 2) return null;
  if (parsed.flavor === "tf") return parsed.minor <= 2 ? "2.0" : "2.2";
  if (parsed.minor <= 3) return null;
  if (parsed.minor === 4) return "2.3";
  return `2.${parsed.minor}`;
}

/**
 * Keras 3 `requires-python` floors at each tag (research §0), confirmed by the newest Keras pip offers per Python:
 * 3.10.0 on 3.9, 3.12.4 on 3.10, 3.15.1 on 3.11 (`pip index versions keras --python-version 3.X`, 2026-11-21).
 */
export function keras3PythonFloor(kerasVersion: string): string {
  const parsed = parseKerasVersion(kerasVersion);
  if (!parsed || parsed.major < 3 || parsed.minor <= 10) return "3.9";
  return parsed.minor <= 12 ? "3.10" : "3.11";
}

/** The newest Keras 3 minor a Python can install, or null below 3.9. */
export function newestKeras3For(python: string): string | null {
  if (comparePython(python, "3.11") >= 0) return minorOf(LATEST_KERAS3);
  if (comparePython(python, "3.10") >= 0) return "3.12";
  if (comparePython(python, "3.9") >= 0) return "3.10";
  return null;
}

/**
 * Layer classes Keras 3 gained after 3.0.0 (research §4 "Added after 3.0.0"), with the two releases that bound the
 * addition here: `inKeras` is a release that has it. Bounds measured by reading `keras.layers` of the installed
 * 3.5.0 (keras35-py312) and 3.15.1 (keras3): a class in 3.15.1 but not in 3.5.0 says "after 3.5.0, by 3.15.1".
 * TernaryDense exists only on Keras' main branch (3.16 dev) so far.
 */
const ADDED_BY_3_5 = ["AlphaDropout", "MelSpectrogram"];
const ADDED_BY_3_15 = [
  "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
  "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "AugMix", "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization",
  "CutMix", "Equalization", "MaxNumBoundingBoxes", "MixUp", "Pipeline", "RMSNormalization", "RandAugment",
  "RandomColorDegeneration", "RandomColorJitter", "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur",
  "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPerspective", "RandomPosterization", "RandomSaturation",
  "RandomSharpness", "RandomShear", "ReversibleEmbedding", "STFTSpectrogram", "Solarization",
];
export const KERAS3_LAYERS_ADDED: Record<string, { after: string; inKeras: string }> = Object.fromEntries([
  ...ADDED_BY_3_5.map((name) => [name, { after: "3.0.0", inKeras: "3.5.0" }]),
  ...ADDED_BY_3_15.map((name) => [name, { after: "3.5.0", inKeras: "3.15.1" }]),
  ["TernaryDense", { after: "3.15.1", inKeras: "3.16.0" }],
]);

/**
 * Constructor arguments Keras 3 configs gained after 3.0 (research §4 "Renames / shape changes"): an older Keras 3
 * rejects them with "Unrecognized keyword arguments passed to <Class>: {...}". `inKeras` is a release that writes
 * them, `after` one that does not know them. `quantization_config` measured here: keras3/sequential.keras (3.15.1)
 * in keras35-py312 fails with "Unrecognized keyword arguments passed to Dense: {'quantization_config': None}".
 */
export const KERAS3_KWARGS_ADDED: { className: string | null; kwarg: string; after: string; inKeras: string }[] = [
  { className: "InputLayer", kwarg: "optional", after: "3.3.3", inKeras: "3.4.0" },
  { className: "InputLayer", kwarg: "ragged", after: "3.8.0", inKeras: "3.9.0" },
  { className: null, kwarg: "quantization_config", after: "3.5.0", inKeras: "3.15.1" },
];

/**
 * Layer classes only Keras 2 (tf.keras / tf_keras) has (research §4): the TF-op auto-layers Keras 2 inserts when a
 * functional model calls a raw TensorFlow op, and layers Keras 3 removed. A Keras 2 file using one cannot be rebuilt
 * by Keras 3 at all; tf_keras can.
 */
export const KERAS2_ONLY_LAYERS = [
  "TFOpLambda", "SlicingOpLambda", "ClassMethod", "InstanceMethod", "InstanceProperty",
  "AbstractRNNCell", "DenseFeatures", "LocallyConnected1D", "LocallyConnected2D", "RandomHeight", "RandomWidth",
  "ThresholdedReLU", "CuDNNGRU", "CuDNNLSTM", "RandomFourierFeatures", "SyncBatchNormalization",
  "BatchNormalizationV1", "BatchNormalizationV2", "SequenceFeatures", "LinearModel", "WideDeepModel",
];

/** Keras 2 constructor arguments Keras 3 refuses (research §1f, and keras2/functional_nested.h5 in the keras3 env). */
export const KERAS2_ONLY_KWARGS = ["groups", "batch_input_shape", "time_major", "virtual_batch_size", "adjustment"];

// ---------------------------------------------------------------------------------------------------------------
// Python arithmetic

/** "3.11.7" → "3.11"; null for anything else. */
export function pythonMinor(version: string | null | undefined): string | null {
  const parsed = explain(version?.trim().replace(/\+$/, "") ?? null);
  return parsed && parsed.release.length >= 2 ? `${parsed.release[0]}.${parsed.release[1]}` : null;
}

function comparePython(a: string, b: string): number {
  return compareVersions(a, b);
}

/** The PEP 440 specifier of the Python minors from `min` to `max` ("3.9", "3.11" → ">=3.9,<3.12"). */
export function pythonSpecifier(min: string, max?: string): string {
  if (!max) return `>=${min}`;
  const [major, minor] = max.split(".").map(Number);
  return `>=${min},<${major}.${minor + 1}`;
}

/** The Python minors keras-fix knows of (the span of the TensorFlow and Keras tables), oldest first. */
export const KNOWN_PYTHON_MINORS = ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"];

/** Known Python minors a PEP 440 `Requires-Python` specifier allows, nearest to `near` first (newest first without). */
export function pythonMinorsAllowedBy(specifier: string | null, near?: string | null): string[] {
  const allowed = KNOWN_PYTHON_MINORS.filter((minor) => versionSatisfies(minor, specifier)).reverse();
  const anchor = near ? KNOWN_PYTHON_MINORS.indexOf(near) : -1;
  if (anchor < 0) return allowed;
  const distance = (minor: string) => Math.abs(KNOWN_PYTHON_MINORS.indexOf(minor) - anchor);
  // Equal distance: the newer one, as the advice does (it is supported longer).
  return [...allowed].sort((a, b) => distance(a) - distance(b) || compareVersions(b, a));
}

export function tfSupportsPython(tfMinor: string, python: string): boolean {
  const range = TF_PYTHON[tfMinor];
  const minor = pythonMinor(python);
  return !!range && !!minor && versionSatisfies(minor, pythonSpecifier(range.min, range.max));
}

const TF_MINORS = Object.keys(TF_PYTHON).sort((a, b) => compareVersions(a, b));

/** TF minors from `from` to `to` (inclusive), oldest first. */
function tfMinorsBetween(from: string, to: string): string[] {
  return TF_MINORS.filter((tf) => compareVersions(tf, from) >= 0 && compareVersions(tf, to) <= 0);
}

/** The same, limited to those with wheels for this Python. */
function tfMinorsFor(python: string, from: string, to: string): string[] {
  return tfMinorsBetween(from, to).filter((tf) => tfSupportsPython(tf, python));
}

/** The Requires-Python of a TensorFlow minor's wheels (">=3.9,<3.12" for 2.15), null when the table lacks it. */
function tfPythonSpecifier(tfMinor: string): string | null {
  const range = TF_PYTHON[tfMinor];
  return range ? pythonSpecifier(range.min, range.max) : null;
}

/** The Python range that covers any of these TF minors, as "3.9–3.11", for "you need Python ..." sentences. */
function pythonRangeOf(tfMinors: string[]): string {
  const ranges = tfMinors.map((tf) => TF_PYTHON[tf]).filter(Boolean);
  if (ranges.length === 0) return "none";
  const min = ranges.map((r) => r.min).sort(comparePython)[0];
  const max = ranges.map((r) => r.max).sort(comparePython).at(-1)!;
  return `${min}–${max}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Install plans

export type { InstallPlan, PlanProof };

/** "proven" only when a trial environment loaded the model with this plan; everything else is "unproven". */
export function planStatus(plan: InstallPlan): "proven" | "unproven" {
  return plan.proof?.proven ? "proven" : "unproven";
}

export interface PlanInput {
  /** keras_version as the file stores it (`2.15.0`, `2.2.4-tf`, `3.15.1`), null when absent. */
  fileKerasVersion: string | null;
  fileLine: KerasLine | null;
  /** The user's Python version (`3.12.4`); null when unknown (then no Python check is made). */
  userPython: string | null;
  /** Installed versions in the user's env (keras, tensorflow, tf_keras, h5py ...), null when absent. */
  currentPackages: Record<string, string | null>;
  /** The model path, for the load code shown. */
  modelPath?: string;
}

const quote = (spec: string) => `"${spec}"`;

/** The command line a user runs for a plan (`python -m pip install ...`), or null when nothing needs installing. */
export function pipCommand(plan: InstallPlan, python = "python"): string | null {
  return plan.packages.length > 0 ? `${python} -m pip install ${plan.packages.join(" ")}` : null;
}

/** The same as argv for a run-command action: quotes dropped, the interpreter the probe used first. */
export function pipArgv(plan: InstallPlan, pythonPath: string): string[] | null {
  return plan.packages.length > 0
    ? [pythonPath, "-m", "pip", "install", ...plan.packages.map((spec) => spec.replace(/^"|"$/g, ""))]
    : null;
}

function loadCodeFor(route: InstallPlan["route"], modelPath: string): string {
  const path = JSON.stringify(modelPath);
  if (route === "tf-keras-legacy") {
    return [
      "import os",
      'os.environ["TF_USE_LEGACY_KERAS"] = "1"  # before TensorFlow is imported',
      "import tf_keras",
      `model = tf_keras.models.load_model(${path})`,
    ].join("\n");
  }
  if (route === "keras2-tensorflow") return `import tensorflow as tf\nmodel = tf.keras.models.load_model(${path})`;
  if (route === "multibackend") return `import keras\nmodel = keras.models.load_model(${path})`;
  return `import keras\nmodel = keras.models.load_model(${path})`;
}

function plan(fields: Omit<InstallPlan, "loadCode">, modelPath: string): InstallPlan {
  return { ...fields, loadCode: loadCodeFor(fields.route, modelPath) };
}

/**
 * The tf_keras route for this Python and these packages: Keras 2 as `tf_keras` beside a TensorFlow ≥ 2.16, read by
 * TensorFlow only when TF_USE_LEGACY_KERAS=1 is set before it is imported. Keeps an installed TF ≥ 2.16 (adding or
 * aligning tf_keras to its minor); otherwise the oldest TF ≥ 2.16 with wheels for the Python. Null when no such TF
 * exists for the Python (3.8 and older, 3.14).
 */
export function legacyKerasRoute(input: {
  userPython: string | null;
  currentPackages: Record<string, string | null>;
  modelPath?: string;
}): InstallPlan | null {
  const modelPath = input.modelPath ?? "model.h5";
  const env = { TF_USE_LEGACY_KERAS: "1" };
  const installedTf = input.currentPackages.tensorflow ?? input.currentPackages["tensorflow-cpu"] ?? null;
  const installedTfKeras = input.currentPackages.tf_keras ?? input.currentPackages["tf-keras"] ?? null;
  if (installedTf && compareVersions(installedTf, "2.16") >= 0) {
    const tf = minorOf(installedTf);
    const aligned = installedTfKeras !== null && minorOf(installedTfKeras) === tf;
    return plan(
      {
        route: "tf-keras-legacy",
        packages: aligned ? [] : [quote(`tf_keras==${tf}.*`)],
        env,
        pythonOk: true,
        pythonNeeded: null,
        requiresPython: tfPythonSpecifier(tf),
        newEnvRecommended: false,
        why: [
          aligned
            ? `TensorFlow ${installedTf} and tf_keras ${installedTfKeras} are already installed: only TF_USE_LEGACY_KERAS=1 is missing.`
            : `TensorFlow ${installedTf} is installed; tf_keras must have the same minor version (${tf}) to work with it.`,
          "tf_keras is Keras 2, kept up to date for TensorFlow ≥ 2.16; TensorFlow uses it for tf.keras only when TF_USE_LEGACY_KERAS=1 is set before TensorFlow is imported.",
        ],
      },
      modelPath,
    );
  }
  const python = pythonMinor(input.userPython);
  const candidates = python ? tfMinorsFor(python, "2.16", LATEST_TF) : ["2.16"];
  if (candidates.length === 0) return null;
  const tf = candidates[0];
  return plan(
    {
      route: "tf-keras-legacy",
      packages: [quote(`tensorflow==${tf}.*`), quote(`tf_keras==${tf}.*`)],
      env,
      pythonOk: true,
      pythonNeeded: null,
      requiresPython: tfPythonSpecifier(tf),
      newEnvRecommended: true,
      why: [
        `TensorFlow ${tf} is the oldest TensorFlow with Keras 3 that has wheels for Python ${python ?? "(unknown)"}; tf_keras must match its minor version.`,
        "tf_keras is Keras 2: it reads Keras 2 files (TFOpLambda layers, `groups` arguments, Keras 2 `.keras` archives) that Keras 3 cannot.",
      ],
    },
    modelPath,
  );
}

/** A Keras 3 file: the Keras that wrote it (or newer), plus a TensorFlow new enough to accept that Keras if TF is there. */
function keras3Plans(input: PlanInput, modelPath: string): InstallPlan[] {
  const wrote = input.fileKerasVersion ?? "3.0.0";
  const needed = minorOf(wrote);
  const floor = keras3PythonFloor(wrote);
  const python = pythonMinor(input.userPython);
  const installedTf = input.currentPackages.tensorflow ?? input.currentPackages["tensorflow-cpu"] ?? null;
  const pythonOk = !python || comparePython(python, floor) >= 0;
  const packages = [quote(`keras>=${needed}`)];
  const why = [`The file was written by Keras ${wrote}; a Keras at least that new reads everything it may contain.`];
  let newEnv = false;
  let tfAdded: string | null = null;
  if (installedTf && compareVersions(installedTf, "2.16") < 0) {
    // TF ≤ 2.15 pins keras 2.<same minor>: installing Keras 3 beside it breaks tf.keras, so TensorFlow moves too.
    const tfs = python ? tfMinorsFor(python, "2.16", LATEST_TF) : [LATEST_TF];
    const tf = tfs.at(-1);
    if (tf) packages.unshift(quote(`tensorflow==${tf}.*`));
    tfAdded = tf ?? null;
    why.push(`TensorFlow ${installedTf} pins Keras 2; TensorFlow ≥ 2.16 is the first that works with Keras 3.`);
    newEnv = true;
  }
  if (!pythonOk) why.push(`Keras ${needed} needs Python ≥ ${floor}; this Python is ${python}.`);
  const plans = [
    plan(
      {
        route: input.currentPackages.keras && compareVersions(input.currentPackages.keras, "3.0") >= 0 ? "keras3-upgrade" : "keras3-install",
        packages,
        env: {},
        pythonOk,
        pythonNeeded: pythonOk ? null : floor,
        requiresPython: [pythonSpecifier(floor), tfAdded && tfPythonSpecifier(tfAdded)].filter(Boolean).join(","),
        newEnvRecommended: newEnv,
        why,
      },
      modelPath,
    ),
  ];
  const reachable = python ? newestKeras3For(python) : null;
  if (!pythonOk && reachable && compareVersions(reachable, "3.0") >= 0) {
    plans.push(
      plan(
        {
          route: "keras3-upgrade",
          packages: [quote(`keras==${reachable}.*`)],
          env: {},
          pythonOk: true,
          pythonNeeded: null,
          requiresPython: pythonSpecifier(keras3PythonFloor(reachable)),
          newEnvRecommended: newEnv,
          why: [
            `Keras ${reachable} is the newest Keras Python ${python} can install. It is older than the Keras that wrote the file (${wrote}), so it loads the file only if the model uses nothing added after ${reachable}.`,
          ],
        },
        modelPath,
      ),
    );
  }
  return plans;
}

/** A Keras 2 (tf.keras / tf_keras) file: TensorFlow with Keras 2 where the Python allows, else tf_keras. */
function keras2Plans(input: PlanInput, modelPath: string): InstallPlan[] {
  const python = pythonMinor(input.userPython);
  const wroteTf = tfMinorThatWrote(input.fileKerasVersion) ?? "2.3";
  const plans: InstallPlan[] = [];
  const installedTf = input.currentPackages.tensorflow ?? input.currentPackages["tensorflow-cpu"] ?? null;
  const legacy = legacyKerasRoute({ userPython: input.userPython, currentPackages: input.currentPackages, modelPath });
  // A file from tf_keras (2.16+) or an env that already has TF ≥ 2.16: tf_keras first, it changes the least.
  const preferLegacy = compareVersions(wroteTf, "2.16") >= 0 || (installedTf !== null && compareVersions(installedTf, "2.16") >= 0);
  if (legacy && preferLegacy) plans.push(legacy);
  if (compareVersions(wroteTf, "2.15") <= 0) {
    // Keras 2 reads files from older Keras 2 releases, so any TF from the writer's minor to 2.15 will do: the
    // oldest one the Python has wheels for changes the least.
    const tfs = python ? tfMinorsFor(python, wroteTf, "2.15") : [wroteTf];
    const tf = tfs[0];
    if (tf) {
      const oldH5 = compareVersions(tf, "2.3") <= 0;
      plans.push(
        plan(
          {
            route: "keras2-tensorflow",
            packages: [quote(`tensorflow==${tf}.*`), ...(oldH5 ? [quote("h5py<3")] : [])],
            env: {},
            pythonOk: true,
            pythonNeeded: null,
            requiresPython: tfPythonSpecifier(tf),
            newEnvRecommended: installedTf !== null && minorOf(installedTf) !== tf,
            why: [
              `TensorFlow ${tf} bundles Keras 2 (tf.keras ${tfKerasOf(tf).keras}), which reads files written by Keras ${input.fileKerasVersion ?? "2"}${tf === wroteTf ? "" : " and older"}, and has wheels for Python ${python ?? "(unknown)"}.`,
              ...(oldH5 ? ["TensorFlow ≤ 2.3 reads HDF5 attributes as bytes: it needs h5py < 3."] : []),
            ],
          },
          modelPath,
        ),
      );
    } else {
      // Nothing from the writer's TF up has wheels for this Python: the newest older TF it has is a best effort.
      const older = python ? tfMinorsFor(python, "2.3", wroteTf).at(-1) : undefined;
      if (older) {
        plans.push(
          plan(
            {
              route: "keras2-tensorflow",
              packages: [quote(`tensorflow==${older}.*`), ...(compareVersions(older, "2.3") <= 0 ? [quote("h5py<3")] : [])],
              env: {},
              pythonOk: true,
              pythonNeeded: null,
              requiresPython: tfPythonSpecifier(older),
              newEnvRecommended: true,
              why: [
                `TensorFlow ${older} is the newest TensorFlow for Python ${python}. It is older than the one that wrote the file (${wroteTf}), so it loads the file only if the model uses no layer or argument added after it.`,
              ],
            },
            modelPath,
          ),
        );
      }
    }
    if (!tf && !legacy) {
      const range = pythonRangeOf(tfMinorsBetween(wroteTf, "2.15"));
      plans.push(
        plan(
          {
            route: "keras2-tensorflow",
            packages: [quote("tensorflow==2.15.*")],
            env: {},
            pythonOk: false,
            pythonNeeded: range,
            requiresPython: tfPythonSpecifier("2.15"),
            newEnvRecommended: true,
            why: [`No TensorFlow from ${wroteTf} to 2.15 has wheels for Python ${python}: use a Python in ${range}.`],
          },
          modelPath,
        ),
      );
    }
  }
  if (legacy && !preferLegacy) plans.push(legacy);
  if (plans.length === 0) {
    // Only a tf_keras file (2.16+) on a Python no TF ≥ 2.16 supports gets here.
    const range = pythonRangeOf(tfMinorsBetween("2.16", LATEST_TF));
    plans.push(
      plan(
        {
          route: "tf-keras-legacy",
          packages: [quote(`tensorflow==${LATEST_TF}.*`), quote(`tf_keras==${LATEST_TF}.*`)],
          env: { TF_USE_LEGACY_KERAS: "1" },
          pythonOk: false,
          pythonNeeded: range,
          requiresPython: tfPythonSpecifier(LATEST_TF),
          newEnvRecommended: true,
          why: [`No TensorFlow that reads this Keras 2 file has wheels for Python ${python}: use a Python in ${range}.`],
        },
        modelPath,
      ),
    );
  }
  return plans;
}

/** Multi-backend Keras (≤ 2.3.1) and Keras 1 files: the last multi-backend Keras on TensorFlow 1.15, h5py 2. */
function multibackendPlans(input: PlanInput, modelPath: string): InstallPlan[] {
  const python = pythonMinor(input.userPython);
  const pythonOk = !python || tfSupportsPython("1.15", python);
  return [
    plan(
      {
        route: "multibackend",
        packages: [quote("tensorflow==1.15.*"), quote("keras==2.3.1"), quote("h5py<3")],
        env: {},
        pythonOk,
        pythonNeeded: pythonOk ? null : `${TF_PYTHON["1.15"].min}–${TF_PYTHON["1.15"].max}`,
        requiresPython: tfPythonSpecifier("1.15"),
        newEnvRecommended: true,
        why: [
          `The file was written by ${input.fileLine === "keras1" ? "Keras 1" : `multi-backend Keras ${input.fileKerasVersion ?? ""}`.trim()}; Keras 2.3.1 on TensorFlow 1.15 is the last release of that line and reads its files.`,
          "TensorFlow 1.15 has wheels for Python 3.6–3.7 only, and Keras ≤ 2.3.1 reads HDF5 attributes as bytes: it needs h5py < 3.",
        ],
      },
      modelPath,
    ),
  ];
}

/**
 * Version sets that can load THIS file on THIS Python, best first: the first is what a step offers, the rest are
 * alternatives. Keras 3 files → a Keras 3 at least as new as the writer; Keras 2 files → TensorFlow with Keras 2 or
 * tf_keras; multi-backend / Keras 1 files → Keras 2.3.1 on TF 1.15.
 */
export function installPlanFor(input: PlanInput): InstallPlan[] {
  const modelPath = input.modelPath ?? "model.h5";
  const line = input.fileLine ?? kerasLineOf(input.fileKerasVersion);
  if (line === "keras3") return keras3Plans(input, modelPath);
  if (line === "keras1") return multibackendPlans(input, modelPath);
  // Multi-backend Keras 2 files usually load in any tf.keras (TF ≥ 2.3 maps their `Model` configs): those first.
  if (line === "keras2") return [...keras2Plans(input, modelPath), ...multibackendPlans(input, modelPath)];
  return keras2Plans(input, modelPath);
}

// ---------------------------------------------------------------------------------------------------------------
// The file against the environment

/** The Keras version the environment's load_model runs (`packages` names as the probe reports them). */
export function loaderKerasVersion(env: EnvFacts | null): string | null {
  if (!env) return null;
  const packages = env.packages ?? {};
  switch (env.loader) {
    case "keras3":
    case "keras2":
      return packages.keras ?? null;
    case "tf_keras":
      return packages.tf_keras ?? null;
    case "tf.keras": {
      // TF 2.6–2.15 install tf.keras as the `keras` package; before 2.6 a `keras` package is multi-backend Keras,
      // unrelated to tf.keras (tf21-py37 has both), so TensorFlow's own version decides.
      const tf = packages.tensorflow;
      const bundled = tf ? tfKerasOf(minorOf(tf)) : null;
      if (bundled && /^2\.\d+\.0$/.test(bundled.keras) && compareVersions(tf, "2.6") >= 0) return packages.keras ?? bundled.keras;
      return bundled?.keras ?? null;
    }
    default:
      return null;
  }
}

/** The Keras line of the environment's loader. */
export function loaderLineOf(env: EnvFacts | null): KerasLine | null {
  if (!env?.loader) return null;
  if (env.loader === "keras3") return "keras3";
  if (env.loader === "keras2") return kerasLineOf(env.packages?.keras ?? null) ?? "keras2";
  return "tf-keras2";
}

export type VersionRelation =
  /** The loader is older than the Keras that wrote the file, on the same line. */
  | "newer-file"
  /** A Keras 2 file (TF ≤ 2.15 or older) read by Keras 3. */
  | "keras2-in-keras3"
  /** A file tf_keras (2.16+) wrote, read by Keras 3 in what is usually the same environment. */
  | "tfkeras-in-keras3"
  /** A Keras 3 file read by Keras 2 (tf.keras ≤ 2.15, tf_keras, multi-backend). */
  | "keras3-in-keras2"
  | "same-or-older-file"
  | "unknown";

export interface VersionFacts {
  fileVersion: string | null;
  fileLine: KerasLine | null;
  loaderVersion: string | null;
  loaderLine: KerasLine | null;
  relation: VersionRelation;
}

/** How the file's Keras relates to the environment's, from the facts alone. */
export function versionFacts(facts: Facts): VersionFacts {
  const fileVersion = facts.file?.kerasVersion ?? null;
  const fileLine = facts.file?.kerasLine ?? kerasLineOf(fileVersion);
  const loaderVersion = loaderKerasVersion(facts.env);
  const loaderLine = loaderLineOf(facts.env);
  let relation: VersionRelation = "unknown";
  if (fileLine && loaderLine) {
    const keras2ish = (line: KerasLine) => line !== "keras3";
    if (fileLine === "keras3" && keras2ish(loaderLine)) relation = "keras3-in-keras2";
    else if (keras2ish(fileLine) && loaderLine === "keras3") {
      relation = writtenByTfKeras(fileVersion) ? "tfkeras-in-keras3" : "keras2-in-keras3";
    } else if (fileVersion && loaderVersion) {
      // Within a line: tf.keras numbers are comparable once `-tf` strings are mapped to the TF that wrote them.
      const comparable = (version: string) => (parseKerasVersion(version)?.flavor === "tf" ? `2.${tfMinorThatWrote(version)?.split(".")[1] ?? "0"}.0` : version);
      relation = compareVersions(comparable(fileVersion), comparable(loaderVersion)) > 0 ? "newer-file" : "same-or-older-file";
    }
  }
  return { fileVersion, fileLine, loaderVersion, loaderLine, relation };
}

/** The plans for this file in this environment, from the facts. */
export function installPlansForFacts(facts: Facts, modelPath: string | null): InstallPlan[] {
  // Never a release open to what the safety read found (src/core/versions/safe-plans.ts).
  return plansClosedTo(installPlanFor({
    fileKerasVersion: facts.file?.kerasVersion ?? null,
    fileLine: facts.file?.kerasLine ?? null,
    userPython: facts.env?.python.version ?? null,
    currentPackages: facts.env?.packages ?? {},
    modelPath: modelPath ?? facts.file?.path ?? "model.h5",
  }), facts.file?.safety?.findings ?? []);
}

/** The plans with what trial environments showed (proofs[i] belongs to plans[i], as try-versions tried them). */
export function plansWithProofs(facts: Facts, modelPath: string | null, proofs: PlanProof[] | undefined): InstallPlan[] {
  return installPlansForFacts(facts, modelPath).map((plan, index) => (proofs?.[index] ? { ...plan, proof: proofs[index] } : plan));
}

/** A plan as data for --json: its status first, then what to install and what a trial showed. */
export function planJson(plan: InstallPlan) {
  return {
    status: planStatus(plan),
    route: plan.route,
    packages: plan.packages.map((spec) => spec.replace(/^"|"$/g, "")),
    env: plan.env,
    pythonOk: plan.pythonOk,
    pythonNeeded: plan.pythonNeeded,
    requiresPython: plan.requiresPython,
    proof: plan.proof ?? null,
  };
}

/** The first line of every plan shown: proven (loaded in a trial environment) or unproven, and why. */
function proofLine(plan: InstallPlan): Token[] {
  const proof = plan.proof;
  if (proof?.proven) {
    const exact = Object.entries(proof.resolved).map(([name, version]) => `${name} ${version}`).join(", ");
    return [strong("Proven: "), text(`the model loaded with ${exact || proof.pins.join(" ")} on Python ${proof.python}, in a trial environment at `), path(proof.dir ?? ""), text(".")];
  }
  if (proof) return [strong("Unproven: "), text(`a trial environment did not prove it: ${proof.message}.`)];
  return [strong("Unproven: "), text("keras-fix has not loaded the model with this set (a trial environment can prove it: --try-versions).")];
}

/** The interpreter to make a new environment with, for "needs Python 3.9–3.11": the newest of the range. */
function pythonToCreateWith(needed: string | null): string {
  const newest = /(\d+\.\d+)\s*$/.exec(needed ?? "");
  return newest ? `python${newest[1]}` : "python3";
}

/** The folder the advice names for a new environment. */
export const NEW_ENV_DIR = "keras-env";

/**
 * One plan, said once, every command for the interpreter it is meant for: the user's own Python when it can install
 * the set, else a new environment made with a Python that can (never the user's pip after "you need another Python").
 */
export function planContent(plan: InstallPlan, pythonPath = "python"): Content {
  const content: Content = [proofLine(plan)];
  if (!plan.pythonOk) {
    const creator = pythonToCreateWith(plan.pythonNeeded);
    content.push([
      strong(`This needs Python ${plan.pythonNeeded}`),
      text(`: ${pythonPath} cannot install it. Make an environment with such a Python (here ${creator}) and install into it:`),
    ]);
    const pip = pipCommand(plan, `${NEW_ENV_DIR}/bin/python`);
    content.push([shell([`${creator} -m venv ${NEW_ENV_DIR}`, ...(pip ? [pip] : [])].join("\n"))]);
  } else {
    const pip = pipCommand(plan, pythonPath);
    if (pip && plan.newEnvRecommended) {
      content.push([text("This changes which Keras this environment uses (a separate virtual environment keeps your other work intact). For the Python keras-fix ran:")]);
    }
    if (pip) content.push([shell(pip)]);
  }
  const envEntries = Object.entries(plan.env);
  if (envEntries.length > 0) {
    content.push([
      text("Set "),
      ...envEntries.flatMap(([key, value], index) => [...(index > 0 ? [text(" and ")] : []), code(`${key}=${value}`)]),
      text(" before TensorFlow is imported (in the shell, or at the top of the script as below)."),
    ]);
  }
  content.push([python(plan.loadCode)]);
  for (const reason of plan.why) content.push([text(reason)]);
  return content;
}
