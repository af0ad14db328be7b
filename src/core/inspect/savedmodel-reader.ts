// Reads a TensorFlow SavedModel folder without TensorFlow: keras_metadata.pb (Keras 2's model.save(dir), TF >= 2.5)
// carries the Keras version and configs; saved_model.pb's MetaInfoDef carries the TensorFlow version and signatures.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readCheckpointIndex } from "./checkpoint-index.js";
import { type Found, problemFound } from "./found.js";
import { problems } from "./problems.js";
import { ProtoFile } from "./protobuf.js";
import { isRecord, parseJson } from "./values.js";

// saved_model.proto: SavedModel { int64 saved_model_schema_version = 1; repeated MetaGraphDef meta_graphs = 2; }
// meta_graph.proto: MetaGraphDef { MetaInfoDef meta_info_def = 1; ...; map<string, SignatureDef> signature_def = 5; }
// MetaInfoDef { ...; repeated string tags = 4; string tensorflow_version = 5; string tensorflow_git_version = 6; }
// SignatureDef { map<string, TensorInfo> inputs = 1; map<string, TensorInfo> outputs = 2; string method_name = 3; }
// Verified on fixtures/models/keras2/savedmodel_keras (TF 2.15.1) and keras3/savedmodel_export (TF 2.21.0).
const SAVED_MODEL = { metaGraphs: 2 };
const META_GRAPH = { metaInfo: 1, signatureDef: 5, objectGraph: 7 };
// saved_object_graph.proto: SavedObjectGraph { repeated SavedObject nodes = 1; ... } (node 0 is the root);
// SavedObject { ...; SavedUserObject user_object = 4; ... }; SavedUserObject { string identifier = 1;
// VersionDef version = 2; string metadata = 3; }. TF 2.0-2.4 kept Keras' metadata JSON there (deprecated from
// TF 2.5, which moved it to keras_metadata.pb). Verified on fixtures/models/formats-tf21-py37/savedmodel (TF 2.1).
const OBJECT_GRAPH = { nodes: 1 };
const SAVED_OBJECT_KIND = { userObject: 4 };
const USER_OBJECT = { identifier: 1, metadata: 3 };
const META_INFO = { tags: 4, tensorflowVersion: 5, tensorflowGitVersion: 6 };
const SIGNATURE = { inputs: 1, outputs: 2, methodName: 3 };
const MAP_ENTRY = { key: 1, value: 2 };
// saved_metadata.proto: SavedMetadata { repeated SavedObject nodes = 1; }
// SavedObject { int32 node_id = 2; string node_path = 3; string identifier = 4; string metadata = 5; }
const SAVED_METADATA = { nodes: 1 };
const SAVED_OBJECT = { nodePath: 3, identifier: 4, metadata: 5 };

interface Signature {
  name: string;
  inputs: string[];
  outputs: string[];
}

interface GraphInfo {
  tensorflowVersion: string | null;
  tensorflowGitVersion: string | null;
  tags: string[];
  signatures: Signature[];
}

function withProto<T>(path: string, read: (proto: ProtoFile) => T): T {
  const fd = openSync(path, "r");
  try {
    return read(new ProtoFile(fd, statSync(path).size));
  } finally {
    closeSync(fd);
  }
}

function mapKeys(proto: ProtoFile, start: number, end: number, field: number): string[] {
  const keys: string[] = [];
  for (const entry of proto.fields(start, end)) {
    if (entry.number !== field || entry.wireType !== 2) continue;
    for (const part of proto.fields(entry.start, entry.end)) {
      if (part.number === MAP_ENTRY.key) keys.push(proto.string(part));
    }
  }
  return keys;
}

/** The first MetaGraphDef's versions and signatures; the graph itself (field 2) is skipped, never read. */
function readGraphInfo(path: string): GraphInfo {
  return withProto(path, (proto) => {
    const info: GraphInfo = { tensorflowVersion: null, tensorflowGitVersion: null, tags: [], signatures: [] };
    const metaGraph = [...proto.fields()].find((f) => f.number === SAVED_MODEL.metaGraphs && f.wireType === 2);
    if (!metaGraph) throw new Error("no MetaGraphDef");
    for (const field of proto.fields(metaGraph.start, metaGraph.end)) {
      if (field.number === META_GRAPH.metaInfo) {
        for (const meta of proto.fields(field.start, field.end)) {
          if (meta.number === META_INFO.tensorflowVersion) info.tensorflowVersion = proto.string(meta);
          if (meta.number === META_INFO.tensorflowGitVersion) info.tensorflowGitVersion = proto.string(meta);
          if (meta.number === META_INFO.tags) info.tags.push(proto.string(meta));
        }
      } else if (field.number === META_GRAPH.signatureDef) {
        let name = "";
        let inputs: string[] = [];
        let outputs: string[] = [];
        for (const part of proto.fields(field.start, field.end)) {
          if (part.number === MAP_ENTRY.key) name = proto.string(part);
          if (part.number === MAP_ENTRY.value) {
            inputs = mapKeys(proto, part.start, part.end, SIGNATURE.inputs);
            outputs = mapKeys(proto, part.start, part.end, SIGNATURE.outputs);
          }
        }
        // __saved_model_init_op is TF's initializer, not an endpoint anyone calls.
        if (!name.startsWith("__")) info.signatures.push({ name, inputs, outputs });
      }
    }
    return info;
  });
}

/** The root node's metadata JSON from keras_metadata.pb (node_path "root"). */
function readKerasRoot(path: string): Record<string, unknown> | null {
  return withProto(path, (proto) => {
    for (const node of proto.fields()) {
      if (node.number !== SAVED_METADATA.nodes || node.wireType !== 2) continue;
      let nodePath = "";
      let metadata: string | null = null;
      let identifier = "";
      for (const field of proto.fields(node.start, node.end)) {
        if (field.number === SAVED_OBJECT.nodePath) nodePath = proto.string(field);
        if (field.number === SAVED_OBJECT.identifier) identifier = proto.string(field);
        if (field.number === SAVED_OBJECT.metadata) metadata = proto.string(field);
      }
      if (nodePath === "root" && metadata !== null) {
        const parsed = parseJson(metadata);
        if (parsed.ok && isRecord(parsed.value)) return { ...parsed.value, __identifier: identifier };
        return null;
      }
    }
    return null;
  });
}

/** The root object's Keras metadata from saved_model.pb's object graph (TF 2.0-2.4 SavedModels), when it has one. */
function readObjectGraphRoot(path: string): Record<string, unknown> | null {
  return withProto(path, (proto) => {
    const metaGraph = [...proto.fields()].find((f) => f.number === SAVED_MODEL.metaGraphs && f.wireType === 2);
    if (!metaGraph) return null;
    const graph = [...proto.fields(metaGraph.start, metaGraph.end)].find((f) => f.number === META_GRAPH.objectGraph && f.wireType === 2);
    if (!graph) return null;
    for (const node of proto.fields(graph.start, graph.end)) {
      if (node.number !== OBJECT_GRAPH.nodes || node.wireType !== 2) continue;
      // Only the first node, the root, is read.
      for (const kind of proto.fields(node.start, node.end)) {
        if (kind.number !== SAVED_OBJECT_KIND.userObject || kind.wireType !== 2) continue;
        let identifier = "";
        let metadata: string | null = null;
        for (const field of proto.fields(kind.start, kind.end)) {
          if (field.number === USER_OBJECT.identifier) identifier = proto.string(field);
          if (field.number === USER_OBJECT.metadata) metadata = proto.string(field);
        }
        if (!metadata) return null;
        const parsed = parseJson(metadata);
        return parsed.ok && isRecord(parsed.value) ? { ...parsed.value, __identifier: identifier } : null;
      }
      return null;
    }
    return null;
  });
}

/** True when a folder holds part of a SavedModel, even with saved_model.pb missing (an incomplete copy). */
export function looksLikeSavedModel(dir: string): boolean {
  return ["saved_model.pb", "saved_model.pbtxt", "keras_metadata.pb"].some((name) => existsSync(join(dir, name))) ||
    (existsSync(join(dir, "variables", "variables.index")) && existsSync(join(dir, "fingerprint.pb")));
}

/**
 * What a SavedModel folder lacks: saved_model.pb, variables/, its index, or data shards the index counts. A model
 * with no variables at all still gets variables/ from TF, so a missing one means a partial copy.
 */
function missingParts(dir: string, hasPb: boolean): string[] {
  const missing: string[] = [];
  if (!hasPb) missing.push("saved_model.pb");
  const variables = join(dir, "variables");
  if (!existsSync(variables)) return [...missing, "variables/"];
  const indexPath = join(variables, "variables.index");
  if (!existsSync(indexPath)) return [...missing, "variables/variables.index"];
  try {
    const shards = statSync(indexPath).size <= 64 * 1024 * 1024 ? readCheckpointIndex(readFileSync(indexPath)).numShards : null;
    const present = readdirSync(variables);
    for (let shard = 0; shards !== null && shard < shards && missing.length < 10; shard++) {
      const name = `variables.data-${String(shard).padStart(5, "0")}-of-${String(shards).padStart(5, "0")}`;
      if (!present.includes(name)) missing.push(`variables/${name}`);
    }
  } catch {
    // An unreadable index is TF's to report at load time; the parts that exist are what is checked here.
  }
  return missing;
}

export function readSavedModel(dir: string, viaFile: string | null): Found {
  const pbPath = join(dir, "saved_model.pb");
  const details: Record<string, unknown> = { container: "savedmodel" };
  if (viaFile) details.note = `You gave ${viaFile}; a SavedModel is the whole folder, so keras-fix inspected ${dir}.`;
  details.hasVariables = existsSync(join(dir, "variables", "variables.index"));
  const fileSize = existsSync(pbPath) ? statSync(pbPath).size : null;
  const textProto = !existsSync(pbPath) && existsSync(join(dir, "saved_model.pbtxt"));
  const missing = textProto ? [] : missingParts(dir, existsSync(pbPath));
  if (missing.length > 0) return incompleteSavedModel(dir, missing, details);
  if (!existsSync(pbPath)) {
    // saved_model.pbtxt: the text form, rare; only its presence is reported.
    return { kind: "file", path: dir, format: "savedmodel", fileSize: null, problem: null, details: { ...details, textProto: true } };
  }
  let graph: GraphInfo;
  try {
    graph = readGraphInfo(pbPath);
  } catch (error) {
    return problemFound(dir, "savedmodel", fileSize, problems.badSavedModel(String((error as Error).message ?? error)), details);
  }
  details.tags = graph.tags;
  details.signatures = graph.signatures;
  if (graph.tensorflowGitVersion) details.tensorflowGitVersion = graph.tensorflowGitVersion;
  const metadataPath = join(dir, "keras_metadata.pb");
  details.kerasMetadata = existsSync(metadataPath);
  let root: Record<string, unknown> | null = null;
  if (details.kerasMetadata) {
    try {
      root = readKerasRoot(metadataPath);
    } catch {
      details.kerasMetadataUnreadable = true;
    }
  }
  if (!root && !details.kerasMetadata) {
    try {
      root = readObjectGraphRoot(pbPath);
      if (root) details.kerasMetadataIn = "saved_model.pb";
    } catch {
      // An object graph that does not read back: the folder is still reported, without Keras facts.
    }
  }
  if (!root) {
    // tf.saved_model.save / Keras 3 model.export(): no Keras config; TFSMLayer or tf.saved_model.load read it.
    return { kind: "file", path: dir, format: "savedmodel", fileSize, problem: null, details, tensorflowVersion: graph.tensorflowVersion };
  }
  details.kerasIdentifier = root.__identifier;
  return {
    kind: "config",
    path: dir,
    format: "savedmodel",
    fileSize,
    container: "savedmodel",
    kerasVersion: typeof root.keras_version === "string" ? root.keras_version : null,
    backend: typeof root.backend === "string" ? root.backend : null,
    // model_config is absent for subclassed models: the root's own class_name/config describe it then.
    modelConfig: isRecord(root.model_config) ? root.model_config : { class_name: root.class_name, config: root.config ?? {} },
    trainingConfig: root.training_config,
    details,
    tensorflowVersion: graph.tensorflowVersion,
  };
}

/**
 * A SavedModel folder with parts missing (a partial download or copy): what is missing, plus the version and
 * classes from keras_metadata.pb when it is there. The file settles it, so it is reported as an incomplete copy.
 */
function incompleteSavedModel(dir: string, missing: string[], details: Record<string, unknown>): Found {
  const problem = problems.incompleteSavedModel(missing);
  let root: Record<string, unknown> | null = null;
  try {
    root = existsSync(join(dir, "keras_metadata.pb")) ? readKerasRoot(join(dir, "keras_metadata.pb")) : null;
  } catch {
    details.kerasMetadataUnreadable = true;
  }
  details.missingParts = missing;
  if (!root) return problemFound(dir, "truncated", null, problem, details);
  return {
    kind: "config",
    path: dir,
    format: "truncated",
    fileSize: null,
    container: "savedmodel",
    kerasVersion: typeof root.keras_version === "string" ? root.keras_version : null,
    backend: typeof root.backend === "string" ? root.backend : null,
    modelConfig: isRecord(root.model_config) ? root.model_config : { class_name: root.class_name, config: root.config ?? {} },
    trainingConfig: root.training_config,
    details,
    problem,
  };
}
