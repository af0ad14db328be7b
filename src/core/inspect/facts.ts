// The two ModelFacts every path starts from: an empty one, and one for a file with a problem. to-facts.ts builds
// the facts of every reader's findings from them.
import type { FileProblem, ModelFacts, ModelFormat } from "../types.js";

export function baseFacts(path: string, format: ModelFormat, fileSize: number | null): ModelFacts {
  return {
    schemaVersion: 1,
    path,
    format,
    problem: null,
    kerasVersion: null,
    backend: null,
    topClass: null,
    layerClasses: [],
    customClasses: [],
    hasLambda: false,
    compiled: false,
    loss: null,
    metrics: null,
    optimizer: null,
    fileSize,
    customObjects: [],
    lambdas: [],
    layers: null,
    kerasLine: null,
    tensorflowVersion: null,
    safety: { verdict: "ok", findings: [] },
    details: {},
  };
}

export function problemFacts(
  path: string,
  format: ModelFormat,
  fileSize: number | null,
  problem: FileProblem,
  details: Record<string, unknown> = {},
): ModelFacts {
  return { ...baseFacts(path, format, fileSize), problem, details };
}
