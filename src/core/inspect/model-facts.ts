// Turns what a reader found (version, backend, model config, compile config) into ModelFacts, the same way for
// every container, so an H5 file and a `.keras` zip of the same model describe it alike.
import { builtinsFor } from "../versions/builtins.js";
import type { ModelFacts, ModelFormat } from "../types.js";
import { readCompileConfig, readTrainingConfig } from "./compile-config.js";
import { ConfigWalker, MAX_CONFIG_DEPTH, walkModelConfig } from "./config-walk.js";
import { baseFacts } from "./facts.js";
import { isRecord, kerasLineOf } from "./values.js";
import { problems } from "./problems.js";
import { safetyRead, scanConfig } from "./safety.js";

export interface FoundModel {
  path: string;
  format: ModelFormat;
  fileSize: number | null;
  container: "h5" | "zip" | "savedmodel" | "json";
  kerasVersion: string | null;
  backend: string | null;
  modelConfig: unknown;
  /** Legacy `training_config` (H5, SavedModel, TF.js). */
  trainingConfig?: unknown;
  /** `.keras` / Keras 3 to_json `compile_config`. */
  compileConfig?: unknown;
  details?: Record<string, unknown>;
}

export function factsFromModel(found: FoundModel): ModelFacts {
  const kerasLine = kerasLineOf(found.kerasVersion, found.container);
  // `.keras` configs and Keras 3 to_json are read by serialization_lib (module + registered_name); the rest by
  // the legacy loaders, which know only class names.
  const native =
    found.container === "zip" || (found.container === "json" && found.format === "keras-json" && isRecord(found.modelConfig) && "module" in found.modelConfig);
  const builtins = builtinsFor(kerasLine);
  const walker = new ConfigWalker(builtins, native ? "native" : "legacy");
  const config = walkModelConfig(found.modelConfig, walker);
  const compile =
    found.trainingConfig != null
      ? readTrainingConfig(found.trainingConfig, walker)
      : readCompileConfig(found.compileConfig, walker);
  const after = walker.result(config.layers, config.topClass);
  const details = { ...found.details };
  // details.lambdaBytecode: string[], the base64 marshalled code of the first Lambda layers' Python lambdas
  // (read by flows/lambda-python-mismatch through src/core/fixes/marshal-hint.ts).
  if (after.lambdaBytecode.length > 0) details.lambdaBytecode = after.lambdaBytecode;
  if (after.tooDeep) details.configDepthLimit = MAX_CONFIG_DEPTH;
  const isKerasBuiltin = (name: string) => (["activations", "losses", "metrics", "initializers", "regularizers", "constraints"] as const).some((kind) => builtins.has(kind, name));
  const style = native ? "native" : "legacy";
  // Where the config lives, as findings name it: `config.json:config.layers[0]`.
  const root = { zip: "config.json:", h5: "model_config:", savedmodel: "keras_metadata.pb:", json: "model.json:" }[found.container];
  const safety = safetyRead([
    ...scanConfig(found.modelConfig, root, style, isKerasBuiltin),
    ...(found.trainingConfig != null ? scanConfig(found.trainingConfig, found.container === "h5" ? "training_config:" : `${root}training_config`, style, isKerasBuiltin) : []),
    // A .keras compile_config sits inside the model config and was scanned with it.
    ...(found.compileConfig != null && !(isRecord(found.modelConfig) && found.modelConfig.compile_config === found.compileConfig) ? scanConfig(found.compileConfig, `${root}compile_config`, style, isKerasBuiltin) : []),
  ]);
  return {
    ...baseFacts(found.path, after.tooDeep ? "not-a-model" : found.format, found.fileSize),
    problem: after.tooDeep ? problems.configTooDeep(MAX_CONFIG_DEPTH) : null,
    kerasVersion: found.kerasVersion,
    backend: found.backend,
    kerasLine,
    topClass: after.topClass,
    layerClasses: after.layerClasses,
    customClasses: after.customClasses,
    customObjects: after.customObjects,
    lambdas: after.lambdas,
    hasLambda: after.hasLambda,
    layers: after.layers,
    compiled: compile.compiled,
    loss: compile.loss,
    metrics: compile.metrics,
    optimizer: compile.optimizer,
    safety,
    details,
  };
}
