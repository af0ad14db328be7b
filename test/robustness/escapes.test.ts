// Terminal escapes from a model file never reach the terminal raw: a real model whose layer and class names carry
// clear-screen, OSC 52 (clipboard write), BEL, 8-bit CSI and a bidi override goes through inspect, --auto and
// explain; the text output has none of those bytes, and the JSON output carries the exact strings, JSON-escaped.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonFor } from "../helpers/envs.js";
import { fixture, runBounded, runCli, stackTraceIn, type BoundedRun } from "./helpers.js";
import { ESCAPE_NAMES } from "./hostile-inputs.js";
import { readZip, storedMember, writeZip } from "./zip-surgery.js";

// ESC, 8-bit CSI, BEL and the bidi controls; chalk would add ESC too, but the tests run without a TTY.
const RAW_CONTROLS = /[\u001b\u009b\u0007\u202a-\u202e\u2066-\u2069]/;
// What JSON itself must escape (RFC 8259: U+0000..U+001F): ESC and BEL never appear raw in a JSON document.
const JSON_C0 = /[\u0000-\u001f]/;
// JSON may carry C1 controls and bidi overrides raw; printed to a terminal (`keras-fix --json` without a pipe), they
// act. Escaping them as \uXXXX keeps the parsed value identical.
const TERMINAL_ACTIVE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

// Patches a COPY of a real Keras 3 .h5: the first Dense gets a hostile layer name, and one layer per hostile
// string gets it as its class name (unknown to Keras, so the load fails with a message quoting it).
const PATCH_H5 = `
import json, shutil, sys
import h5py
source, target, names = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
shutil.copyfile(source, target)
with h5py.File(target, "r+") as f:
    config = json.loads(f.attrs["model_config"])
    layers = config["config"]["layers"]
    dense = next(l for l in layers if l["class_name"] == "Dense")
    dense["config"]["name"] = names[0]
    for name in names:
        layers.append({"class_name": name, "config": {"name": name, "trainable": True}})
    f.attrs["model_config"] = json.dumps(config)
`;

let dir: string;
let hostileH5: string;
let hostileKeras: string;
let traceback: string;

/** The same change in a COPY of a real .keras: its config.json rewritten, metadata and weights kept. */
function kerasWithHostileNames(target: string): void {
  const members = readZip(readFileSync(fixture("keras3/sequential.keras")));
  const stored = members.find((m) => m.name === "config.json")!;
  const config = JSON.parse((stored.method === 8 ? inflateRawSync(stored.compressed) : stored.compressed).toString("utf8"));
  const layers = config.config.layers as { class_name: string; config: Record<string, unknown> }[];
  layers.find((l) => l.class_name === "Dense")!.config.name = ESCAPE_NAMES[0];
  for (const name of ESCAPE_NAMES) layers.push({ ...layers[layers.length - 1], class_name: name, config: { name, trainable: true } });
  const replaced = members.map((m) => (m === stored ? storedMember("config.json", Buffer.from(JSON.stringify(config))) : m));
  writeFileSync(target, writeZip(replaced));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "keras-fix-escapes-"));
  hostileH5 = join(dir, "hostile_names.h5");
  const python = pythonFor("keras3");
  const patched = await runBounded([python, "-c", PATCH_H5, fixture("keras3/sequential.h5"), hostileH5, JSON.stringify(ESCAPE_NAMES)], { timeoutMs: 120_000 });
  expect(patched.code, patched.stderr).toBe(0);
  hostileKeras = join(dir, "hostile_names.keras");
  kerasWithHostileNames(hostileKeras);
  // A real traceback of this file, as a user would paste it: it quotes the hostile class names.
  const loaded = await runBounded([python, "-c", "import sys, keras; keras.models.load_model(sys.argv[1])", hostileH5], { timeoutMs: 300_000 });
  expect(loaded.code).not.toBe(0);
  traceback = join(dir, "traceback.txt");
  writeFileSync(traceback, loaded.stderr);
  expect(RAW_CONTROLS.test(loaded.stderr), "the real traceback carries raw escapes").toBe(true);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectNoRawControls(run: BoundedRun, label: string, stdoutControls = RAW_CONTROLS): void {
  for (const [stream, text, controls] of [["stdout", run.stdout, stdoutControls], ["stderr", run.stderr, RAW_CONTROLS]] as const) {
    const hit = controls.exec(text.replace(/\n/g, " "));
    expect(hit ? `${stream} has U+${hit[0].charCodeAt(0).toString(16).padStart(4, "0")} near ${JSON.stringify(text.slice(Math.max(0, hit.index - 40), hit.index + 40))}` : null, label).toBeNull();
  }
  expect(stackTraceIn(run.stderr), label).toBeNull();
  expect(run.leftover, `${label}: processes left running`).toEqual([]);
}

const jsonDocuments: { label: string; stdout: string }[] = [];

function expectExactStringsInJson(run: BoundedRun, label: string): void {
  jsonDocuments.push({ label, stdout: run.stdout });
  const document = JSON.stringify(JSON.parse(run.stdout));
  for (const name of ESCAPE_NAMES) expect(document.includes(JSON.stringify(name).slice(1, -1)), `${label}: ${JSON.stringify(name)}`).toBe(true);
}

describe("terminal escapes from the file", () => {
  it("inspect prints them defused as text, and exactly (JSON-escaped) as JSON", async () => {
    for (const model of [hostileH5, hostileKeras]) {
      const text = await runCli(["inspect", model]);
      expect(text.code, text.stderr).toBe(0);
      expectNoRawControls(text, `inspect ${model}`);
      // The names are shown, defused (content.ts sanitize): the check above is about text that is really there.
      expect(text.stdout).toContain("Evil\\x1b[2J");
      const json = await runCli(["inspect", model, "--json"]);
      expectNoRawControls(json, `inspect --json ${model}`, JSON_C0);
      expectExactStringsInJson(json, `inspect --json ${model}`);
    }
  });

  it("--auto (text and JSON) never prints them raw, with real Keras failing on them", async () => {
    const python = pythonFor("keras3");
    for (const model of [hostileH5, hostileKeras]) {
      const text = await runCli([model, "--auto", "--python", python]);
      expect([1, 3], text.stderr.slice(-800)).toContain(text.code);
      expectNoRawControls(text, `--auto ${model}`);
      expect(text.stdout).toContain("\\x1b[2J");
    }
    const json = await runCli([hostileH5, "--auto", "--json", "--python", python]);
    expectNoRawControls(json, "--auto --json", JSON_C0);
    expectExactStringsInJson(json, "--auto --json");
  });

  it("explain of the real traceback never prints them raw", async () => {
    const text = await runCli(["explain", traceback, "--model", hostileH5]);
    expect([1, 3], text.stderr).toContain(text.code);
    expectNoRawControls(text, "explain");
    expect(text.stdout).toContain("\\x1b[2J");
    const json = await runCli(["explain", traceback, "--model", hostileH5, "--json"]);
    expectNoRawControls(json, "explain --json", JSON_C0);
    expectExactStringsInJson(json, "explain --json");
  });

  it("JSON output escapes C1 controls and bidi overrides too, so it is safe to print to a terminal", () => {
    expect(jsonDocuments.length).toBeGreaterThanOrEqual(4);
    const raw = jsonDocuments.filter((d) => TERMINAL_ACTIVE_IN_JSON.test(d.stdout)).map((d) => d.label);
    expect(raw).toEqual([]);
  });
});
