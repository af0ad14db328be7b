// Reads the JSON files people pass as models: TF.js model.json (modelTopology + weightsManifest) and Keras'
// to_json() architecture. Neither is something load_model reads, so both carry a problem with the way forward.
import { readFileSync } from "node:fs";
import { type Found, problemFound } from "./found.js";
import { problems } from "./problems.js";
import { isRecord, parseJson } from "./values.js";

/** A to_json() of a very large model is tens of MB; past this it is not a model description anyway. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

export function readJson(path: string, fileSize: number): Found {
  if (fileSize > MAX_JSON_BYTES) {
    return problemFound(path, "not-a-model", fileSize, problems.badJson("larger than 256 MB"), { container: "json" });
  }
  const parsed = parseJson(readFileSync(path, "utf8"));
  if (!parsed.ok) {
    return problemFound(path, "not-a-model", fileSize, problems.badJson(`invalid JSON: ${parsed.error.slice(0, 80)}`), {
      container: "json",
    });
  }
  const doc = parsed.value;
  if (isRecord(doc) && ("modelTopology" in doc || "weightsManifest" in doc)) return readTfjs(path, fileSize, doc);
  if (isRecord(doc) && typeof doc.class_name === "string" && "config" in doc) {
    return {
      kind: "config",
      path,
      format: "keras-json",
      fileSize,
      container: "json",
      kerasVersion: typeof doc.keras_version === "string" ? doc.keras_version : null,
      backend: typeof doc.backend === "string" ? doc.backend : null,
      modelConfig: doc,
      compileConfig: doc.compile_config,
      details: { container: "json" },
      // A config too deep to read carries its own problem (model-facts.ts).
      problemUnlessWalk: problems.architectureOnly(path),
    };
  }
  return problemFound(path, "not-a-model", fileSize, problems.badJson("no class_name/config and no modelTopology"), {
    container: "json",
  });
}

function readTfjs(path: string, fileSize: number, doc: Record<string, unknown>): Found {
  const topology = isRecord(doc.modelTopology) ? doc.modelTopology : {};
  const graph = doc.format === "graph-model" || "node" in topology;
  const manifest = Array.isArray(doc.weightsManifest) ? doc.weightsManifest : [];
  const shards = manifest.flatMap((group) => (isRecord(group) && Array.isArray(group.paths) ? group.paths : []));
  const details: Record<string, unknown> = {
    container: "tfjs",
    tfjsFormat: typeof doc.format === "string" ? doc.format : null,
    generatedBy: typeof doc.generatedBy === "string" ? doc.generatedBy : null,
    convertedBy: typeof doc.convertedBy === "string" ? doc.convertedBy : null,
    weightShards: shards,
  };
  if (graph) return problemFound(path, "tfjs", fileSize, problems.tfjs(true), details);
  return {
    kind: "config",
    path,
    format: "tfjs",
    fileSize,
    container: "json",
    kerasVersion: typeof topology.keras_version === "string" ? topology.keras_version : null,
    backend: typeof topology.backend === "string" ? topology.backend : null,
    modelConfig: topology.model_config,
    trainingConfig: topology.training_config ?? doc.trainingConfig,
    details,
    problemUnlessWalk: problems.tfjs(false),
  };
}
