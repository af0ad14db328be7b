// The SavedModel half of the safety read that a denylist of op names cannot do: read saved_model.pb the way the loader
// runs it. tf.keras (and tf.saved_model.load under it) restores tracked resources and runs their initializers while
// loading, and TF1-style loads run the init op and the saver's restore op. So the functions that run at load are found
// (resource `_create_resource` / `_initialize` / `_destroy_resource`, the `__saved_model_init_op` signature, the init
// and table-initializer collections, the saver's restore op), with everything reachable from them (function-call
// ops, function attributes, control flow branches), and each op they run must be allowed by the TensorFlow op
// registry mined into catalogues/tf-ops.json (scripts/mine-tf-ops.py): pure computation and the model's own state;
// PrintV2 only to stderr/stdout/the log; restore ops and text-file table initializers only with a path the loader
// feeds, never a constant the file chose. Anything else (file, process, network, dataset or unknown ops) is
// dangerous: an allowlist. research keras-security.md §8 lists the shapes that passed op-name scanners.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SafetyFinding } from "../types.js";
import { cataloguesDir } from "../versions/builtins.js";
import { ProtoBytes, type ProtoField } from "./protobuf.js";
import { finding } from "./safety.js";

type OpKind = "pure" | "state" | "print" | "path" | "outside" | "stateful";

let catalogue: Map<string, OpKind> | null = null;
function opKinds(): Map<string, OpKind> {
  if (!catalogue) {
    const raw = JSON.parse(readFileSync(join(cataloguesDir(), "tf-ops.json"), "utf8")) as { ops: Record<string, { kind: OpKind }> };
    catalogue = new Map(Object.entries(raw.ops).map(([name, entry]) => [name, entry.kind]));
  }
  return catalogue;
}

/** saved_model.pb files larger than this are not walked (the graph of a huge model is tens of MB). */
const MAX_GRAPH_BYTES = 256 * 1024 * 1024;
const MAX_FINDINGS = 20;
/** PrintV2 output streams that stay in the process's own output (tensorflow/core/kernels/logging_ops.cc). */
const PRINT_STREAMS = new Set(["stderr", "stdout", "log(info)", "log(warning)", "log(error)"]);
/** Children of a SavedObject that name the functions a restored resource runs (tensorflow/python/saved_model/load.py). */
const LOAD_TIME_CHILDREN = new Set(["_create_resource", "_initialize", "_destroy_resource"]);
/** Collections whose ops TF1-style loads run (saved_model main_op / legacy_init_op, table initializers). */
const INIT_COLLECTIONS = new Set(["saved_model_main_op", "legacy_init_op", "table_initializer", "saved_model_train_op"]);

// Field numbers: saved_model.proto, meta_graph.proto, graph.proto, node_def.proto, function.proto, attr_value.proto,
// tensor.proto, saved_object_graph.proto, saver.proto.
const F = {
  savedModel: { metaGraphs: 2 },
  metaGraph: { graphDef: 2, saverDef: 3, collectionDef: 4, signatureDef: 5, objectGraph: 7 },
  graph: { node: 1, library: 2 },
  library: { function: 1 },
  fn: { signature: 1, nodeDef: 3 },
  opDef: { name: 1 },
  node: { name: 1, op: 2, input: 3, attr: 5 },
  mapEntry: { key: 1, value: 2 },
  attr: { list: 1, s: 2, tensor: 8, func: 10 },
  list: { s: 2, tensor: 8, func: 9 },
  nameAttrList: { name: 1 },
  tensor: { stringVal: 8 },
  signature: { outputs: 2 },
  tensorInfo: { name: 1 },
  objectGraph: { nodes: 1 },
  object: { children: 1, function: 6, bareFunction: 8 },
  reference: { nodeId: 1, localName: 2 },
  savedFunction: { concreteFunctions: 1 },
  bareFunction: { name: 1 },
  saver: { restoreOpName: 3 },
  collection: { nodeList: 1 },
  nodeList: { value: 1 },
};

interface Node {
  name: string;
  op: string;
  inputs: string[];
  /** Functions its attributes name (`f`, branches, bodies, dataset functions). */
  calls: string[];
  /** Its `output_stream` attribute (PrintV2). */
  outputStream: string | null;
  /** Serialised GraphDefs held in its string tensors or attributes (a dataset's graph). */
  nested: Buffer[];
}

interface Graph {
  nodes: Map<string, Node>;
  functions: Map<string, Map<string, Node>>;
}

export function loadTimeGraphFindings(dir: string): SafetyFinding[] {
  const path = join(dir, "saved_model.pb");
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_GRAPH_BYTES) return [finding("safety-read-incomplete", "caution", "saved_model.pb", "The graph is too large for keras-fix to walk; what runs while loading was not checked.")];
    bytes = readFileSync(path);
  } catch {
    return [];
  }
  try {
    return judge(new ProtoBytes(bytes));
  } catch (error) {
    return [finding("safety-read-incomplete", "caution", "saved_model.pb", `keras-fix could not walk the graph (${(error as Error).message}); what runs while loading was not checked.`)];
  }
}

function judge(proto: ProtoBytes): SafetyFinding[] {
  const metaGraph = proto.list().find((f) => f.number === F.savedModel.metaGraphs && f.wireType === 2);
  if (!metaGraph) return [];
  const parts = proto.list(metaGraph);
  const graphField = parts.find((f) => f.number === F.metaGraph.graphDef);
  const graph = graphField ? readGraph(proto, graphField) : { nodes: new Map(), functions: new Map() };
  const roots = loadTimeRoots(proto, parts, graph);
  return walk(graph, roots);
}

/** Where the loader starts running things: function names, and node names of the main graph. */
function loadTimeRoots(proto: ProtoBytes, parts: ProtoField[], graph: Graph): { functions: [string, string][]; nodes: [string, string][] } {
  const functions: [string, string][] = [];
  const nodes: [string, string][] = [];
  for (const part of parts) {
    if (part.number === F.metaGraph.objectGraph) {
      const objects = proto.list(part).filter((f) => f.number === F.objectGraph.nodes);
      const functionsOf = (index: number): string[] => {
        const object = objects[index];
        if (!object) return [];
        const names: string[] = [];
        for (const kind of proto.list(object)) {
          if (kind.number === F.object.function) {
            for (const f of proto.list(kind)) if (f.number === F.savedFunction.concreteFunctions) names.push(proto.string(f));
          } else if (kind.number === F.object.bareFunction) {
            for (const f of proto.list(kind)) if (f.number === F.bareFunction.name) names.push(proto.string(f));
          }
        }
        return names;
      };
      for (const object of objects) {
        for (const child of proto.list(object).filter((f) => f.number === F.object.children)) {
          let id = -1;
          let name = "";
          for (const f of proto.list(child)) {
            if (f.number === F.reference.nodeId) id = f.value;
            if (f.number === F.reference.localName) name = proto.string(f);
          }
          if (LOAD_TIME_CHILDREN.has(name)) for (const fn of functionsOf(id)) functions.push([fn, `a tracked resource's ${name}`]);
        }
      }
    } else if (part.number === F.metaGraph.signatureDef) {
      let key = "";
      let value: ProtoField | null = null;
      for (const f of proto.list(part)) {
        if (f.number === F.mapEntry.key) key = proto.string(f);
        if (f.number === F.mapEntry.value) value = f;
      }
      if (key !== "__saved_model_init_op" || !value) continue;
      for (const output of proto.list(value).filter((f) => f.number === F.signature.outputs)) {
        for (const entry of proto.list(output).filter((f) => f.number === F.mapEntry.value)) {
          for (const info of proto.list(entry)) if (info.number === F.tensorInfo.name) nodes.push([nodeName(proto.string(info)), "the init op"]);
        }
      }
    } else if (part.number === F.metaGraph.saverDef) {
      for (const f of proto.list(part)) if (f.number === F.saver.restoreOpName) nodes.push([nodeName(proto.string(f)), "the saver's restore op"]);
    } else if (part.number === F.metaGraph.collectionDef) {
      let key = "";
      let value: ProtoField | null = null;
      for (const f of proto.list(part)) {
        if (f.number === F.mapEntry.key) key = proto.string(f);
        if (f.number === F.mapEntry.value) value = f;
      }
      if (!INIT_COLLECTIONS.has(key) || !value) continue;
      for (const list of proto.list(value).filter((f) => f.number === F.collection.nodeList)) {
        for (const f of proto.list(list)) if (f.number === F.nodeList.value) nodes.push([nodeName(proto.string(f)), `the ${key} collection`]);
      }
    }
  }
  // A root the graph does not hold is simply not run; only names it holds are walked.
  return { functions: functions.filter(([name]) => graph.functions.has(name)), nodes: nodes.filter(([name]) => graph.nodes.has(name)) };
}

/** "name:0", "^name", "name:output:0" → "name". */
const nodeName = (input: string) => input.replace(/^\^/, "").split(":")[0];

function readGraph(proto: ProtoBytes, graphField: ProtoField): Graph {
  const graph: Graph = { nodes: new Map(), functions: new Map() };
  for (const f of proto.list(graphField)) {
    if (f.number === F.graph.node) {
      const node = readNode(proto, f);
      graph.nodes.set(node.name, node);
    } else if (f.number === F.graph.library) {
      for (const fn of proto.list(f).filter((x) => x.number === F.library.function)) {
        let name = "";
        const body = new Map<string, Node>();
        for (const part of proto.list(fn)) {
          if (part.number === F.fn.signature) {
            for (const s of proto.list(part)) if (s.number === F.opDef.name) name = proto.string(s);
          } else if (part.number === F.fn.nodeDef) {
            const node = readNode(proto, part);
            body.set(node.name, node);
          }
        }
        graph.functions.set(name, body);
      }
    }
  }
  return graph;
}

function readNode(proto: ProtoBytes, field: ProtoField): Node {
  const node: Node = { name: "", op: "", inputs: [], calls: [], outputStream: null, nested: [] };
  for (const f of proto.list(field)) {
    if (f.number === F.node.name) node.name = proto.string(f);
    else if (f.number === F.node.op) node.op = proto.string(f);
    else if (f.number === F.node.input) node.inputs.push(proto.string(f));
    else if (f.number === F.node.attr) {
      let key = "";
      let value: ProtoField | null = null;
      for (const entry of proto.list(f)) {
        if (entry.number === F.mapEntry.key) key = proto.string(entry);
        if (entry.number === F.mapEntry.value) value = entry;
      }
      if (value) readAttr(proto, value, key, node);
    }
  }
  return node;
}

function readAttr(proto: ProtoBytes, value: ProtoField, key: string, node: Node): void {
  for (const a of proto.list(value)) {
    if (a.number === F.attr.func) {
      for (const n of proto.list(a)) if (n.number === F.nameAttrList.name) node.calls.push(proto.string(n));
    } else if (a.number === F.attr.s) {
      if (key === "output_stream") node.outputStream = proto.string(a);
      else nestedGraph(proto, a, node);
    } else if (a.number === F.attr.tensor) {
      tensorStrings(proto, a, node);
    } else if (a.number === F.attr.list) {
      for (const item of proto.list(a)) {
        if (item.number === F.list.func) {
          for (const n of proto.list(item)) if (n.number === F.nameAttrList.name) node.calls.push(proto.string(n));
        } else if (item.number === F.list.s) nestedGraph(proto, item, node);
        else if (item.number === F.list.tensor) tensorStrings(proto, item, node);
      }
    }
  }
}

function tensorStrings(proto: ProtoBytes, tensor: ProtoField, node: Node): void {
  for (const f of proto.list(tensor)) if (f.number === F.tensor.stringVal) nestedGraph(proto, f, node);
}

/** Bytes that parse as a GraphDef with at least one node (a dataset's serialised graph): kept to be walked. */
function nestedGraph(proto: ProtoBytes, field: ProtoField, node: Node): void {
  if (field.end - field.start < 8) return;
  const bytes = proto.bytes.subarray(field.start, field.end);
  try {
    const inner = new ProtoBytes(bytes);
    const fields = inner.list();
    const nodes = fields.filter((f) => f.number === F.graph.node && f.wireType === 2);
    if (nodes.length === 0 || fields.some((f) => f.number > 4)) return;
    // A NodeDef's op (field 2) must be a name: this is a graph, not bytes that happen to parse.
    const op = inner.list(nodes[0]).find((f) => f.number === F.node.op);
    if (op && /^[A-Za-z_][\w>]*$/.test(inner.string(op))) node.nested.push(bytes);
  } catch {
    // Not a protobuf message: an ordinary string.
  }
}

/** Every op the load-time roots reach, judged against the mined registry. */
function walk(graph: Graph, roots: { functions: [string, string][]; nodes: [string, string][] }, depth = 0): SafetyFinding[] {
  const kinds = opKinds();
  const found: SafetyFinding[] = [];
  const seenFunctions = new Set<string>();
  const seenNodes = new Set<string>();
  const flag = (where: string, why: string) => {
    if (found.length < MAX_FINDINGS) found.push(finding("savedmodel-load-op", "dangerous", `saved_model.pb:${where}`, why));
  };
  const judgeNode = (node: Node, scope: Map<string, Node>, where: string, via: string) => {
    for (const called of node.calls) visitFunction(called, via);
    if (graph.functions.has(node.op)) {
      visitFunction(node.op, via);
      return;
    }
    const kind = kinds.get(node.op);
    const at = `${where}/${node.name}`;
    if (kind === "pure" || kind === "state") {
      // fall through to nested graphs
    } else if (kind === "print") {
      const stream = node.outputStream ?? "stderr";
      if (!PRINT_STREAMS.has(stream)) flag(at, `${via} runs ${node.op} with its output going to ${stream.slice(0, 120)}: loading the model writes a file.`);
    } else if (kind === "path") {
      const source = scope.get(nodeName(node.inputs[0] ?? ""));
      if (source?.op === "Const") flag(at, `${via} runs ${node.op} on a path the file itself sets: loading the model reads a file it chose, not its own variables or assets.`);
    } else {
      const what = kind === undefined ? "an op no TensorFlow release registers" : kind === "outside" ? "an op that touches files, processes, the network, devices or datasets" : "an op with state outside the model";
      flag(at, `${via} runs ${node.op}, ${what}: TensorFlow runs it while loading the model.`);
    }
    for (const bytes of node.nested) {
      if (depth >= 4) continue;
      const inner = new ProtoBytes(bytes);
      const nestedGraph = readGraph(inner, { number: F.metaGraph.graphDef, wireType: 2, value: bytes.length, start: 0, end: bytes.length });
      // A dataset's graph runs when the dataset does: all of it counts.
      const innerRoots = { functions: [...nestedGraph.functions.keys()].map((n): [string, string] => [n, `a graph nested in ${node.op}`]), nodes: [...nestedGraph.nodes.keys()].map((n): [string, string] => [n, `a graph nested in ${node.op}`]) };
      found.push(...walk(nestedGraph, innerRoots, depth + 1).map((f) => ({ ...f, where: `saved_model.pb:${at}>${f.where.replace(/^saved_model\.pb:/, "")}` })));
    }
  };
  const visitFunction = (name: string, via: string) => {
    if (seenFunctions.has(name)) return;
    seenFunctions.add(name);
    const body = graph.functions.get(name);
    if (!body) return;
    for (const node of body.values()) judgeNode(node, body, name, via);
  };
  const visitNode = (name: string, via: string) => {
    const pending = [name];
    while (pending.length > 0) {
      const current = pending.pop()!;
      if (seenNodes.has(current)) continue;
      seenNodes.add(current);
      const node = graph.nodes.get(current);
      if (!node) continue;
      judgeNode(node, graph.nodes, "graph", via);
      // What a node runs first: its data and control inputs.
      for (const input of node.inputs) pending.push(nodeName(input));
    }
  };
  for (const [name, via] of roots.functions) visitFunction(name, `The function ${name} (${via})`);
  for (const [name, via] of roots.nodes) visitNode(name, `The graph node ${name} (${via})`);
  return found;
}
