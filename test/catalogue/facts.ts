// Builds complete Facts from the partial ones a test or a fixture sidecar gives, so that a fixture only states
// what matters to it (format, size, versions) and the rest is the neutral default.
import type { EnvFacts, Facts, ModelFacts } from "../../src/core/types.js";

export function modelFacts(partial: Partial<ModelFacts> = {}): ModelFacts {
  return {
    schemaVersion: 1,
    path: "model.h5",
    format: "h5-model",
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
    fileSize: null,
    customObjects: [],
    lambdas: [],
    layers: null,
    kerasLine: null,
    tensorflowVersion: null,
    details: {},
    ...partial,
  };
}

export function envFacts(partial: Partial<EnvFacts> = {}): EnvFacts {
  return {
    python: { path: "/usr/bin/python3", version: "3.11.9", source: "path" },
    packages: {},
    backend: null,
    legacyKeras: false,
    loader: null,
    importError: null,
    importSeconds: null,
    ...partial,
  };
}

export function facts(partial: { file?: Partial<ModelFacts> | null; env?: Partial<EnvFacts> | null } = {}): Facts {
  return {
    file: partial.file ? modelFacts(partial.file) : null,
    env: partial.env ? envFacts(partial.env) : null,
    load: null,
  };
}
