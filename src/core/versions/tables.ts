// Which Keras, TensorFlow, tf_keras and Python versions go together, as data with their sources; checked by
// test/core/versions.test.ts against the real cases the flows meet.
import { comparePython, compareVersions, minorOf, parseKerasVersion, pythonMinor, pythonSpecifier, versionSatisfies } from "./numbers.js";

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

export function tfSupportsPython(tfMinor: string, python: string): boolean {
  const range = TF_PYTHON[tfMinor];
  const minor = pythonMinor(python);
  return !!range && !!minor && versionSatisfies(minor, pythonSpecifier(range.min, range.max));
}

const TF_MINORS = Object.keys(TF_PYTHON).sort((a, b) => compareVersions(a, b));

/** TF minors from `from` to `to` (inclusive), oldest first. */
export function tfMinorsBetween(from: string, to: string): string[] {
  return TF_MINORS.filter((tf) => compareVersions(tf, from) >= 0 && compareVersions(tf, to) <= 0);
}

/** The same, limited to those with wheels for this Python. */
export function tfMinorsFor(python: string, from: string, to: string): string[] {
  return tfMinorsBetween(from, to).filter((tf) => tfSupportsPython(tf, python));
}

/** The Requires-Python of a TensorFlow minor's wheels (">=3.9,<3.12" for 2.15), null when the table lacks it. */
export function tfPythonSpecifier(tfMinor: string): string | null {
  const range = TF_PYTHON[tfMinor];
  return range ? pythonSpecifier(range.min, range.max) : null;
}

/** The Python range that covers any of these TF minors, as "3.9–3.11", for "you need Python ..." sentences. */
export function pythonRangeOf(tfMinors: string[]): string {
  const ranges = tfMinors.map((tf) => TF_PYTHON[tf]).filter(Boolean);
  if (ranges.length === 0) return "none";
  const min = ranges.map((r) => r.min).sort(comparePython)[0];
  const max = ranges.map((r) => r.max).sort(comparePython).at(-1)!;
  return `${min}–${max}`;
}
