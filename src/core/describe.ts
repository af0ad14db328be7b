// One-line descriptions of what each stage found, shared by the wizard's stage list and the text report so the
// two never word the same fact differently.
import { unwrapChain } from "./classify/traceback.js";
import type { EnvFacts, LoadAttempt, ModelFacts } from "./types.js";

const FORMAT_NAMES: Record<string, string> = {
  "h5-model": "HDF5 model",
  "h5-weights": "HDF5 weights-only file",
  "tf-checkpoint": "TensorFlow checkpoint (weights only)",
  "keras-zip": ".keras archive",
  savedmodel: "TensorFlow SavedModel folder",
  tfjs: "TensorFlow.js model",
  "keras-json": "Keras JSON config",
  "git-lfs-pointer": "Git LFS pointer (not the model itself)",
  html: "HTML page (not a model)",
  empty: "empty file",
  truncated: "truncated file",
  missing: "nothing at this path",
  "not-a-model": "not a Keras model",
};

export function describeFile(file: ModelFacts): string {
  const parts = [FORMAT_NAMES[file.format] ?? file.format];
  if (file.kerasVersion) parts.push(`saved by Keras ${file.kerasVersion}`);
  else if (file.tensorflowVersion) parts.push(`saved by TensorFlow ${file.tensorflowVersion}`);
  if (file.backend) parts.push(`(${file.backend} backend)`);
  if (file.customClasses.length > 0) parts.push(`· custom: ${file.customClasses.join(", ")}`);
  if (file.hasLambda) parts.push("· has Lambda layers");
  return parts.join(" ");
}

export function describePython(env: EnvFacts): string {
  const where: Record<string, string> = {
    flag: "--python",
    KERAS_FIX_PYTHON: "KERAS_FIX_PYTHON",
    virtualenv: "active virtualenv",
    conda: "active conda env",
    path: "PATH",
  };
  return `Python ${env.python.version} (${where[env.python.source] ?? env.python.source}: ${env.python.path})`;
}

export function describeKeras(env: EnvFacts): string {
  const p = env.packages;
  const parts: string[] = [];
  if (p.keras) parts.push(`keras ${p.keras}`);
  if (p.tensorflow) parts.push(`tensorflow ${p.tensorflow}`);
  if (p.tf_keras) parts.push(`tf_keras ${p.tf_keras}`);
  // Keras 3 configured for a backend whose package is missing must not read as a working "backend tensorflow".
  const backendMissing = env.loader === "keras3" && env.backend && env.backend in p && !p[env.backend];
  if (env.backend) parts.push(`backend ${env.backend}${backendMissing ? " (not installed)" : ""}`);
  if (env.legacyKeras) parts.push("TF_USE_LEGACY_KERAS=1");
  if (parts.length === 0 && /^(?:[0-2]\.|3\.[0-5]\.)/.test(env.python.version)) return "too old for keras-fix (needs Python 3.6+)";
  if (parts.length === 0) return "no Keras installed";
  return parts.join(", ");
}

export function describeLoad(load: LoadAttempt): string {
  if (load.ok) {
    const model = load.model ? `${load.model.className}${load.model.params != null ? `, ${load.model.params} params` : ""}, ` : "";
    return `loads (${model}${load.seconds.toFixed(1)} s)`;
  }
  // Keras wraps the real error in "could not be deserialized properly ... Exception encountered: ...": name the
  // innermost one, which is what the user needs to read.
  const finalIndex = load.chain.length - 1;
  const innermost = unwrapChain(load.chain)
    .filter((entry) => entry.origin === finalIndex)
    .sort((a, b) => b.depth - a.depth)[0];
  const firstLine = innermost ? `${innermost.type ? `${innermost.type}: ` : ""}${innermost.message.trim().split("\n")[0]}` : "failed";
  return firstLine.length > 160 ? `${firstLine.slice(0, 157)}...` : firstLine;
}
