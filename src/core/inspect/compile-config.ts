// Reads how a model was compiled (legacy `training_config` or `.keras` `compile_config`): loss, metrics, optimizer,
// and the custom losses/metrics/optimizers a compile=True load must resolve.
import type { CustomObjectKind } from "../types.js";
import type { ConfigWalker } from "./config-walk.js";
import { isRecord } from "./values.js";

export interface CompileFacts {
  compiled: boolean;
  loss: unknown;
  metrics: unknown;
  optimizer: string | null;
}

const NOT_COMPILED: CompileFacts = { compiled: false, loss: null, metrics: null, optimizer: null };

/** Losses and metrics nest a few levels (a dict of lists per output); a deeper value is hostile, not read further. */
const MAX_DEPTH = 16;

/** A stored loss/metric reduced to what a person recognises: names stay names, objects become their name. */
function simplify(value: unknown, depth = 0): unknown {
  if (depth >= MAX_DEPTH && (Array.isArray(value) || isRecord(value))) return `… (nested deeper than ${MAX_DEPTH} levels)`;
  if (Array.isArray(value)) return value.map((item) => simplify(item, depth + 1));
  if (!isRecord(value)) return value ?? null;
  if (typeof value.class_name === "string") {
    if (value.class_name === "function" && typeof value.config === "string") return value.config;
    // Keras 2 wraps metric functions: {"class_name": "MeanMetricWrapper", "config": {"fn": "mean_abs_gap"}}.
    if (value.class_name === "MeanMetricWrapper" && isRecord(value.config) && typeof value.config.fn === "string") {
      return value.config.fn;
    }
    return value.class_name;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, simplify(v, depth + 1)]));
}

/** Records every loss or metric the loader cannot resolve; dicts map output names to losses, lists hold several. */
function collect(walker: ConfigWalker, value: unknown, kind: CustomObjectKind, depth = 0): void {
  if (depth >= MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(walker, item, kind, depth + 1);
  } else if (typeof value === "string") {
    if (!walker.isBuiltin(kind, value)) walker.addCustom(kind, value, []);
  } else if (isRecord(value)) {
    if (typeof value.class_name !== "string") {
      for (const item of Object.values(value)) collect(walker, item, kind, depth + 1);
    } else if (value.class_name === "MeanMetricWrapper" && isRecord(value.config) && typeof value.config.fn === "string") {
      collect(walker, value.config.fn, kind, depth + 1);
    } else if (!walker.isBuiltin(kind, value)) {
      walker.addCustom(kind, value, []);
    }
  }
}

function optimizerName(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (isRecord(value) && typeof value.class_name === "string") return value.class_name;
  return null;
}

function collectOptimizer(walker: ConfigWalker, value: unknown): void {
  if (!isRecord(value) || typeof value.class_name !== "string") return;
  if (!walker.isBuiltin("optimizer", value)) walker.addCustom("optimizer", value, []);
  // Schedules and wrapped optimizers (LossScaleOptimizer's inner_optimizer) sit inside the optimizer's config.
  if (isRecord(value.config)) {
    for (const [key, child] of Object.entries(value.config)) walker.visit(child, key, [], null);
  }
}

/** Legacy H5 / SavedModel / TF.js `training_config`. */
export function readTrainingConfig(training: unknown, walker: ConfigWalker): CompileFacts {
  if (!isRecord(training)) return NOT_COMPILED;
  collect(walker, training.loss, "loss");
  collect(walker, training.metrics, "metric");
  collect(walker, training.weighted_metrics, "metric");
  collectOptimizer(walker, training.optimizer_config);
  return {
    compiled: true,
    loss: simplify(training.loss),
    metrics: simplify(training.metrics),
    optimizer: optimizerName(training.optimizer_config),
  };
}

/** `.keras` / to_json `compile_config` (Keras 3 and Keras 2.13+); `{}` or null means never compiled. */
export function readCompileConfig(compile: unknown, walker: ConfigWalker): CompileFacts {
  if (!isRecord(compile)) return NOT_COMPILED;
  const compiled = compile.loss != null || compile.optimizer != null || compile.metrics != null;
  if (!compiled) return NOT_COMPILED;
  collect(walker, compile.loss, "loss");
  collect(walker, compile.metrics, "metric");
  collect(walker, compile.weighted_metrics, "metric");
  if (typeof compile.optimizer === "string") {
    if (!walker.isBuiltin("optimizer", compile.optimizer)) walker.addCustom("optimizer", compile.optimizer, []);
  } else {
    collectOptimizer(walker, compile.optimizer);
  }
  return {
    compiled: true,
    loss: simplify(compile.loss),
    metrics: simplify(compile.metrics),
    optimizer: optimizerName(compile.optimizer),
  };
}
