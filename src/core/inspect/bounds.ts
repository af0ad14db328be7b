// Keeps what a hostile file can put into ModelFacts small and shallow: every string from the file is cut to a few
// hundred characters (a 50 MB layer name becomes 256 characters and its length), and free-form values (configs,
// losses, details) are copied only a bounded number of levels deep, so printing the facts can neither exhaust
// memory nor overflow the stack (JSON.stringify recurses).
import type { CustomObjectRef, LambdaInfo, LayerNode, ModelFacts } from "../types.js";

/** The longest string from the file that facts carry. */
export const MAX_TEXT = 256;
/** Our own messages embed strings from the file (already cut); they may be longer than a name. */
const MAX_MESSAGE = 2048;
/** Levels of a free-form value (a stored config, a loss) copied into facts; real configs are far shallower. */
const MAX_VALUE_DEPTH = 32;

/** A fresh flat copy: a slice of a 50 MB string would otherwise keep all of it alive in V8. */
const detached = (text: string) => text.split("").join("");

export function clipText(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  return `${detached(text.slice(0, max))}… (${text.length.toLocaleString("en-US")} characters)`;
}

const clipOrNull = (text: string | null) => (text === null ? null : clipText(text));

/** A copy of a JSON-like value with strings (keys too) cut and anything deeper than MAX_VALUE_DEPTH replaced. */
export function boundValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return clipText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_VALUE_DEPTH) return `… (nested deeper than ${MAX_VALUE_DEPTH} levels)`;
  if (Array.isArray(value)) return value.map((item) => boundValue(item, depth + 1));
  if (ArrayBuffer.isView(value)) return `… (binary data, ${value.byteLength} bytes)`;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[clipText(key)] = boundValue(item, depth + 1);
  return copy;
}

function boundLayer(node: LayerNode): LayerNode {
  // The config walk stops descending at its own depth limit (config-walk.ts), so this recursion is bounded.
  return { ...node, name: clipText(node.name), className: clipText(node.className), children: node.children.map(boundLayer) };
}

function boundCustomObject(ref: CustomObjectRef): CustomObjectRef {
  return {
    ...ref,
    className: clipText(ref.className),
    registeredName: clipOrNull(ref.registeredName),
    module: clipOrNull(ref.module),
    key: clipText(ref.key),
    config: ref.config === null ? null : (boundValue(ref.config) as Record<string, unknown>),
    where: ref.where.map((name) => clipText(name)),
  };
}

function boundLambda(info: LambdaInfo): LambdaInfo {
  return { ...info, layerName: clipText(info.layerName), functionName: clipOrNull(info.functionName), module: clipOrNull(info.module) };
}

/**
 * The facts as printed: every string from the file cut to MAX_TEXT. `path` is the user's own argument and stays;
 * `details.lambdaBytecode` has its own, larger cap (config-walk.ts) because its bytes are what a reader decodes.
 */
export function boundFacts(facts: ModelFacts): ModelFacts {
  const { lambdaBytecode, ...details } = facts.details;
  const boundedDetails = boundValue(details) as Record<string, unknown>;
  if (lambdaBytecode !== undefined) boundedDetails.lambdaBytecode = lambdaBytecode;
  return {
    ...facts,
    problem: facts.problem && {
      ...facts.problem,
      message: clipText(facts.problem.message, MAX_MESSAGE),
      ...(facts.problem.hint !== undefined ? { hint: clipText(facts.problem.hint, MAX_MESSAGE) } : {}),
    },
    kerasVersion: clipOrNull(facts.kerasVersion),
    backend: clipOrNull(facts.backend),
    topClass: clipOrNull(facts.topClass),
    layerClasses: facts.layerClasses.map((name) => clipText(name)),
    customClasses: facts.customClasses.map((name) => clipText(name)),
    loss: boundValue(facts.loss),
    metrics: boundValue(facts.metrics),
    optimizer: clipOrNull(facts.optimizer),
    customObjects: facts.customObjects.map(boundCustomObject),
    lambdas: facts.lambdas.map(boundLambda),
    layers: facts.layers && boundLayer(facts.layers),
    tensorflowVersion: clipOrNull(facts.tensorflowVersion),
    details: boundedDetails,
  };
}
