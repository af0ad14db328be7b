// The load-time graph walk on hand-made saved_model.pb files (TensorFlow would not write these shapes from Python
// code a test can run quickly): a dataset graph serialised into a constant, a restore op whose path the file sets,
// an unknown op, and the allowed cases beside them (pure ops, PrintV2 to stderr, a restore fed by the loader).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadTimeGraphFindings } from "../../src/core/inspect/safety-graph.js";

// Protobuf wire format, enough for these messages: a length-delimited field, a string field.
const varint = (n: number): Buffer => {
  const bytes: number[] = [];
  do {
    bytes.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.from(bytes);
};
const field = (number: number, payload: Buffer | string): Buffer => {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  return Buffer.concat([varint((number << 3) | 2), varint(body.length), body]);
};
const msg = (...parts: Buffer[]) => Buffer.concat(parts);
const attr = (key: string, value: Buffer) => field(5, msg(field(1, key), field(2, value)));
/** NodeDef { name = 1, op = 2, input = 3, attr = 5 }. */
const node = (name: string, op: string, inputs: string[] = [], ...attrs: Buffer[]) => field(1, msg(field(1, name), field(2, op), ...inputs.map((i) => field(3, i)), ...attrs));
/** A SavedModel whose `__saved_model_init_op` signature names `root` in a graph of `nodes`. */
function savedModel(nodes: Buffer[], root: string): Buffer {
  const signature = field(5, msg(field(1, "__saved_model_init_op"), field(2, field(2, msg(field(1, "x"), field(2, field(1, `${root}:0`)))))));
  return field(2, msg(field(2, msg(...nodes)), signature));
}

const dir = mkdtempSync(join(tmpdir(), "keras-fix-graph-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
function findingsOf(pb: Buffer): string[] {
  const folder = join(dir, String(count++));
  mkdirSync(folder);
  writeFileSync(join(folder, "saved_model.pb"), pb);
  return loadTimeGraphFindings(folder).map((f) => `${f.severity} ${f.where}`);
}

describe("the load-time graph walk", () => {
  it("allows pure computation, PrintV2 to stderr, and a restore whose path the loader feeds", () => {
    expect(findingsOf(savedModel([
      node("prefix", "Placeholder"),
      node("restore", "RestoreV2", ["prefix", "names", "slices"]),
      node("print", "PrintV2", ["msg"], attr("output_stream", field(2, "stderr"))),
      node("add", "AddV2", ["a", "b"]),
      node("init", "NoOp", ["^restore", "^print", "^add"]),
    ], "init"))).toEqual([]);
  });

  it("refuses a restore from a path the file sets, PrintV2 to a file, and an op no TensorFlow registers", () => {
    expect(findingsOf(savedModel([
      node("prefix", "Const", [], attr("value", field(8, field(8, "/etc/elsewhere")))),
      node("restore", "RestoreV2", ["prefix", "names", "slices"]),
      node("print", "PrintV2", ["msg"], attr("output_stream", field(2, "file:///tmp/x"))),
      node("odd", "NoSuchOpAnywhere"),
      node("init", "NoOp", ["^restore", "^print", "^odd"]),
    ], "init")).sort()).toEqual(["dangerous saved_model.pb:graph/odd", "dangerous saved_model.pb:graph/print", "dangerous saved_model.pb:graph/restore"]);
  });

  it("decodes a GraphDef serialised in a constant and judges its ops too", () => {
    const inner = msg(node("w", "WriteFile", ["f", "c"]));
    const findings = findingsOf(savedModel([
      node("graph", "Const", [], attr("value", field(8, field(8, inner)))),
      node("init", "NoOp", ["^graph"]),
    ], "init"));
    expect(findings).toEqual(["dangerous saved_model.pb:graph/graph>graph/w"]);
  });

  it("walks only what runs at load: a WriteFile no load-time root reaches is not this rule's", () => {
    expect(findingsOf(savedModel([node("w", "WriteFile"), node("init", "NoOp")], "init"))).toEqual([]);
  });
});
