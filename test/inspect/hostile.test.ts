// Files built to hurt the inspector: an HDF5 file whose damaged global heap sends HDF5 into an endless loop (found
// by the fuzz tests, kept in test/inspect/hostile/), configs nested thousands of levels deep, names megabytes long,
// zip member names that climb out of the folder. Each must come back as facts, and an intact file must never be
// called truncated.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectModel } from "../../src/core/inspect/index.js";
import { toSafeJson } from "../../src/core/safe-json.js";
import { cliPath, modelsDir } from "../helpers/envs.js";
import { readZip, storedMember, writeZip } from "../robustness/zip-surgery.js";
import { modelFactsSchema } from "./schema.js";

const heapLoop = fileURLToPath(new URL("hostile/global-heap-loop.h5", import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kf-hostile-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of a real .keras with its config.json replaced (and members added), metadata and weights kept. */
function kerasWith(name: string, config: string, extra: ReturnType<typeof storedMember>[] = []): string {
  const members = readZip(readFileSync(join(modelsDir, "keras3", "sequential.keras")));
  const replaced = members.map((m) => (m.name === "config.json" ? storedMember("config.json", Buffer.from(config)) : m));
  const path = join(dir, name);
  writeFileSync(path, writeZip([...replaced, ...extra]));
  return path;
}

const dense = (name: string) => ({ module: "keras.layers", class_name: "Dense", config: { name, units: 1, trainable: true }, registered_name: null });
const sequential = (layers: unknown[]) => JSON.stringify({ module: "keras", class_name: "Sequential", config: { name: "s", layers }, registered_name: null });

describe("an HDF5 file that sends HDF5 into an endless loop", () => {
  it("comes back as a damaged file, and the next file still reads", async () => {
    // Precondition (see hostile/README.md): the global heap's free-space object at 2048 + 1312 has size 0.
    const bytes = readFileSync(heapLoop);
    expect(bytes.subarray(2048, 2052).toString("latin1")).toBe("GCOL");
    expect(bytes.readUInt16LE(2048 + 1312)).toBe(0);
    expect(bytes.readBigUInt64LE(2048 + 1312 + 8)).toBe(0n);

    const facts = modelFactsSchema.parse(await inspectModel(heapLoop));
    expect(facts.format).toBe("not-a-model");
    expect(facts.problem?.cause).toBe("not-a-model-file");
    expect(facts.problem?.message).toMatch(/HDF5 structure is damaged .*still reading/);
    expect(facts.details.damaged).toBe("hdf5");
    const next = await inspectModel(join(modelsDir, "keras2", "custom_layer_registered.h5"));
    expect(next.format).toBe("h5-model");
    expect(next.customClasses).toEqual(["Gate"]);
  });

  it("the built CLI prints one JSON document and exits 1 instead of hanging", () => {
    const run = spawnSync(process.execPath, [cliPath, "inspect", heapLoop, "--json"], { encoding: "utf8", timeout: 120_000 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(1);
    const facts = modelFactsSchema.parse(JSON.parse(run.stdout));
    expect(facts.details.damaged).toBe("hdf5");
    expect(run.stderr).toBe("");
  });
});

describe("configs no Keras writes", () => {
  it("a .keras config nested 10k levels deep is an intact file with an unloadable config, not a truncated one", async () => {
    const opening = '{"module": "keras", "class_name": "Functional", "config": {"name": "n", "layers": [';
    const path = kerasWith("nested.keras", opening.repeat(10_000) + JSON.stringify(dense("leaf")) + "]}}".repeat(10_000));
    const facts = modelFactsSchema.parse(await inspectModel(path));
    expect(facts.format).toBe("not-a-model");
    expect(facts.problem?.message).toMatch(/intact.*nests deeper than 200 levels/);
    expect(facts.details.configDepthLimit).toBe(200);
    expect(facts.kerasVersion).toBe("3.15.1");
    expect(() => JSON.stringify(facts)).not.toThrow();
  });

  it("arrays nested 100k deep inside a layer's config stop the walk the same way", async () => {
    const path = kerasWith("arrays.keras", `{"class_name": "Sequential", "config": {"layers": [], "x": ${"[".repeat(100_000)}${"]".repeat(100_000)}}}`);
    const facts = await inspectModel(path);
    expect(facts.format).toBe("not-a-model");
    expect(facts.details.configDepthLimit).toBe(200);
  });

  it("a model nested a few levels deep, as Keras writes them, is read whole", async () => {
    let config: Record<string, unknown> = dense("leaf");
    for (let level = 0; level < 20; level++) config = { module: "keras", class_name: "Functional", config: { name: `m${level}`, layers: [config] }, registered_name: null };
    const facts = await inspectModel(kerasWith("nested-20.keras", JSON.stringify(config)));
    expect(facts.format).toBe("keras-zip");
    expect(facts.problem).toBeNull();
    let depth = 0;
    for (let node = facts.layers; node && node.children.length > 0; node = node.children[0]) depth++;
    expect(depth).toBe(20);
  });

  it("cuts a 5 MB layer name and custom class name to 256 characters, saying how long they were", async () => {
    const long = "x".repeat(5 * 1024 * 1024);
    const custom = { ...dense(long), class_name: `C${long}`, module: "my_pkg.layers", registered_name: `my_pkg>C${long}` };
    const facts = await inspectModel(kerasWith("long.keras", sequential([custom])));
    const name = facts.layers!.children[0].name;
    expect(name.startsWith("x".repeat(256))).toBe(true);
    expect(name).toContain("5,242,880 characters");
    expect(name.length).toBeLessThan(300);
    expect(facts.customObjects[0].key.length).toBeLessThan(300);
    expect((facts.customObjects[0].config as { name: string }).name.length).toBeLessThan(300);
    expect(JSON.stringify(facts).length).toBeLessThan(20_000);
  });

  it("reads a zip whose members climb out of the folder or carry escapes: names are data, not paths", async () => {
    const path = kerasWith("traversal.keras", sequential([dense("d")]), [
      storedMember("../../../../tmp/keras-fix-zip-slip", Buffer.from("x")),
      storedMember("name\u001b[2J.json", Buffer.from("{}")),
    ]);
    const facts = await inspectModel(path);
    expect(facts.format).toBe("keras-zip");
    expect(facts.problem).toBeNull();
    expect(facts.details.members).toEqual(expect.arrayContaining(["../../../../tmp/keras-fix-zip-slip", "name\u001b[2J.json"]));
  });
});

describe("zips that are damaged or cut", () => {
  it("a zip without its end record is truncated; one with a broken central directory is damaged", async () => {
    const whole = readFileSync(join(modelsDir, "keras3", "sequential.keras"));
    const cut = join(dir, "cut.keras");
    writeFileSync(cut, whole.subarray(0, whole.length - 200));
    const cutFacts = await inspectModel(cut);
    expect(cutFacts.format).toBe("truncated");
    expect(cutFacts.problem?.cause).toBe("truncated-file");

    const broken = Buffer.from(whole);
    const endAt = broken.lastIndexOf(Buffer.from("PK\u0005\u0006", "latin1"));
    broken.writeUInt32LE(0xdeadbeef, broken.readUInt32LE(endAt + 16));
    const brokenPath = join(dir, "broken-directory.keras");
    writeFileSync(brokenPath, broken);
    const brokenFacts = await inspectModel(brokenPath);
    expect(brokenFacts.format).toBe("not-a-model");
    expect(brokenFacts.details.damaged).toBe("zip");
    expect(brokenFacts.problem?.message).toMatch(/\.keras zip is damaged/);
  });
});

describe("toSafeJson", () => {
  it("escapes C1 controls and bidi controls, and parses back to the same value", () => {
    const value = { name: "Csi\u009b31m\u007fBidi\u202eexe\u2066\u2069", plain: "ünïcode ✓", esc: "\u001b[2J" };
    const text = toSafeJson(value, 2);
    expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u001b]/);
    expect(text).toContain("\\u009b");
    expect(text).toContain("\\u202e");
    expect(text).toContain("ünïcode ✓");
    expect(JSON.parse(text)).toEqual(value);
  });
});
