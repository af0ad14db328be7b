// Builds the fuzz corpus in a temp dir from the real fixtures: truncations, flipped bytes, broken zips, zip bombs,
// huge and deeply nested configs, odd attribute types and sizes, hostile names. Every input is named after what
// was done to which fixture and with which seed, so a failure can be rebuilt.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonFor } from "../helpers/envs.js";
import type { FixtureEntry } from "./helpers.js";
import { Rng } from "./prng.js";
import { bombMember, centralOffsets, readZip, storedMember, writeZip, type ZipMember } from "./zip-surgery.js";

export interface HostileInput {
  path: string;
  /** What was done, e.g. `truncate@1234 keras3/sequential.h5`. */
  label: string;
  /** The container (HDF5 or zip) is intact, only its content is hostile: "truncated" would be a misdiagnosis. */
  intactContainer?: boolean;
  /** Large by construction: inspected in a fresh process of its own, so its peak memory is its own. */
  alone?: boolean;
}

export interface CorpusOptions {
  seed: number;
  truncationsPerFixture: number;
  flipsPerFixture: number;
  /** Zip surgery on every .keras fixture, or on this many of them. */
  zipFixtures: number;
}

/** Names carrying terminal escapes: clear screen, OSC 52 (writes the clipboard), BEL, 8-bit CSI, a bidi override. */
export const ESCAPE_NAMES = [
  "Evil\u001b[2J\u001b[H",
  "Clip\u001b]52;c;ZWNobyBwd25lZA==\u0007",
  "Bell\u0007\u0007",
  "Csi\u009b31mRed",
  "Bidi\u202eexe.txt",
];

const ZIP_MAGIC = Buffer.from("PK\u0003\u0004", "latin1");

function safeName(entry: FixtureEntry): string {
  return `${entry.set}-${entry.file}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** A zip whose central directory reads (the bad/ fixtures include a truncated one: mutations still cover it). */
function isWholeZip(bytes: Buffer): boolean {
  if (!bytes.subarray(0, 4).equals(ZIP_MAGIC)) return false;
  try {
    readZip(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Copies a SavedModel folder and damages its saved_model.pb (a TF checkpoint's folder: its .index table). */
function folderVariants(entry: FixtureEntry, rng: Rng, dir: string, options: CorpusOptions): HostileInput[] {
  const inputs: HostileInput[] = [];
  const checkpointIndex = readdirSync(entry.path).find((name) => name.endsWith(".index"));
  const damagedName = existsSync(join(entry.path, "saved_model.pb")) || !checkpointIndex ? "saved_model.pb" : checkpointIndex;
  const pb = join(entry.path, damagedName);
  const copy = (label: string, change: (target: string) => void) => {
    const target = join(dir, `${safeName(entry)}-${label.replace(/[^A-Za-z0-9@_-]/g, "_")}`);
    cpSync(entry.path, target, { recursive: true });
    change(target);
    inputs.push({ path: target, label: `${label} ${entry.set}/${entry.file}` });
  };
  let bytes: Buffer | null = null;
  try {
    bytes = readFileSync(pb);
  } catch {
    bytes = null;
  }
  for (let n = 0; bytes && n < options.truncationsPerFixture; n++) {
    const at = rng.int(bytes.length);
    copy(`truncate-pb@${at}`, (t) => writeFileSync(join(t, damagedName), bytes!.subarray(0, at)));
  }
  for (let n = 0; bytes && n < options.flipsPerFixture; n++) {
    const flipped = flipBytes(bytes, rng, 16);
    copy(`flip-pb-${n}`, (t) => writeFileSync(join(t, damagedName), flipped));
  }
  if (existsSync(join(entry.path, "variables"))) copy("no-variables", (t) => writeFileSync(join(t, "variables", "variables.index"), ""));
  return inputs;
}

function flipBytes(bytes: Buffer, rng: Rng, count: number): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = 0; i < count; i++) copy[rng.int(copy.length)] ^= 1 + rng.int(255);
  return copy;
}

function zipSurgery(entry: FixtureEntry, bytes: Buffer): { label: string; bytes: Buffer }[] {
  const members = readZip(bytes);
  const out: { label: string; bytes: Buffer }[] = [];
  for (const m of members) out.push({ label: `zip-without-${m.name}`, bytes: writeZip(members.filter((x) => x !== m)) });
  const { entries, end } = centralOffsets(bytes);
  const damaged = (label: string, change: (b: Buffer) => void) => {
    const b = Buffer.from(bytes);
    change(b);
    out.push({ label, bytes: b });
  };
  damaged("zip-central-signature-broken", (b) => b.writeUInt32LE(0xdeadbeef, entries[0]));
  damaged("zip-central-offset-past-end", (b) => b.writeUInt32LE(b.length + 1000, end + 16));
  damaged("zip-entry-count-65535", (b) => {
    b.writeUInt16LE(0xffff, end + 8);
    b.writeUInt16LE(0xffff, end + 10);
  });
  damaged("zip-end-record-cut", (b) => b.fill(0, end));
  const config = members.findIndex((m) => m.name === "config.json");
  if (config >= 0) {
    const at = entries[config];
    damaged("zip-config-size-understated", (b) => b.writeUInt32LE(3, at + 24));
    damaged("zip-config-size-overstated", (b) => b.writeUInt32LE(0xfffffff0, at + 24));
    damaged("zip-config-compressed-size-past-end", (b) => b.writeUInt32LE(0x7ffffff0, at + 20));
    damaged("zip-config-local-offset-past-end", (b) => b.writeUInt32LE(0x7ffffff0, at + 42));
  }
  return out;
}

/** Every fixture truncated and flipped at seeded offsets; every .keras taken apart (or `zipFixtures` of them). */
export function mutateFixtures(fixtures: FixtureEntry[], dir: string, options: CorpusOptions): HostileInput[] {
  const rng = new Rng(options.seed);
  const inputs: HostileInput[] = [];
  let zipsDone = 0;
  for (const entry of fixtures) {
    if (statSync(entry.path).isDirectory()) {
      inputs.push(...folderVariants(entry, rng, dir, options));
      continue;
    }
    const bytes = readFileSync(entry.path);
    const emit = (label: string, content: Buffer) => {
      const ext = entry.file.includes(".") ? entry.file.slice(entry.file.indexOf(".")) : "";
      const path = join(dir, `${safeName(entry)}--${label.replace(/[^A-Za-z0-9@_-]/g, "_")}${ext}`);
      writeFileSync(path, content);
      inputs.push({ path, label: `${label} ${entry.set}/${entry.file}` });
    };
    for (let n = 0; n < options.truncationsPerFixture; n++) {
      const at = 1 + rng.int(Math.max(1, bytes.length - 1));
      emit(`truncate@${at}`, bytes.subarray(0, at));
    }
    for (let n = 0; n < options.flipsPerFixture; n++) {
      const count = rng.pick([1, 8, 64]);
      emit(`flip${count}-seed${options.seed}-${n}`, flipBytes(bytes, rng, count));
    }
    if (isWholeZip(bytes) && zipsDone < options.zipFixtures) {
      zipsDone++;
      for (const variant of zipSurgery(entry, bytes)) emit(variant.label, variant.bytes);
    }
  }
  return inputs;
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs no mutation of a small fixture reaches

function replaceMember(members: ZipMember[], name: string, replacement: ZipMember): ZipMember[] {
  return members.map((m) => (m.name === name ? replacement : m));
}

function sequentialConfig(layers: unknown[]): Record<string, unknown> {
  return { module: "keras", class_name: "Sequential", config: { name: "sequential", layers }, registered_name: null };
}

function dense(name: string, className = "Dense"): Record<string, unknown> {
  return { module: "keras.layers", class_name: className, config: { name, units: 1 }, registered_name: null };
}

/** Hostile .keras archives built from a real one (its metadata and weights kept, config.json replaced). */
export function hostileKerasZips(realKeras: string, dir: string, { manyLayers }: { manyLayers: boolean }): HostileInput[] {
  const members = readZip(readFileSync(realKeras));
  const inputs: HostileInput[] = [];
  const emit = (label: string, archive: Buffer, intactContainer = true) => {
    const path = join(dir, `${label}.keras`);
    writeFileSync(path, archive);
    inputs.push({ path, label: `${label} (from ${basename(realKeras)})`, intactContainer, alone: archive.length > 1_000_000 });
  };
  const withConfig = (label: string, config: string | Buffer) =>
    emit(label, writeZip(replaceMember(members, "config.json", storedMember("config.json", Buffer.from(config)))));

  const depth = 10_000;
  const opening = '{"module": "keras", "class_name": "Functional", "config": {"name": "n", "layers": [';
  withConfig("zip-config-nested-10k-deep", opening.repeat(depth) + JSON.stringify(dense("leaf")) + "]}}".repeat(depth));
  withConfig("zip-config-nested-arrays-100k-deep", `{"class_name": "Sequential", "config": {"layers": [], "x": ${"[".repeat(100_000)}${"]".repeat(100_000)}}}`);
  withConfig("zip-config-50mb-name", JSON.stringify(sequentialConfig([dense("x".repeat(50 * 1024 * 1024))])));
  if (manyLayers) withConfig("zip-config-300k-layers", JSON.stringify(sequentialConfig(Array.from({ length: 300_000 }, (_, i) => dense(`d${i}`)))));
  withConfig("zip-config-not-json", "{ this is not json");
  withConfig("zip-config-json-null", "null");
  withConfig("zip-config-json-string", '"Sequential"');
  withConfig("zip-config-non-utf8", Buffer.concat([Buffer.from('{"class_name": "Seq'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('", "config": {}}')]));
  withConfig("zip-config-escapes", JSON.stringify(sequentialConfig(ESCAPE_NAMES.map((n) => dense(n, n)))));
  withConfig("zip-config-raw-control-bytes", JSON.stringify(sequentialConfig(ESCAPE_NAMES.map((n) => dense(n, n)))).replace(/\\u001b/g, "\u001b"));
  emit("zip-member-names-escape-and-traversal", writeZip([
    ...members,
    storedMember("../../../../tmp/keras-fix-zip-slip", Buffer.from("x")),
    storedMember("name\u001b[2J\u0007.json", Buffer.from("{}")),
  ]));
  emit("zip-nested-zip-as-config", writeZip(replaceMember(members, "config.json", storedMember("config.json", readFileSync(realKeras)))));
  // Zip bombs: config.json inflates to 3.5 GB of JSON whitespace (honest sizes and CRC), and one whose declared
  // size lies (3 bytes declared, 1 GB inside).
  const head = JSON.stringify(sequentialConfig([dense("d")]));
  emit("zip-bomb-config-3.5gb", writeZip(replaceMember(members, "config.json", bombMember("config.json", head, 3500, "\n"))));
  emit("zip-bomb-config-size-lies", writeZip(replaceMember(members, "config.json", bombMember("config.json", head, 1024, "\n", 3))), false);
  emit("zip-bomb-metadata-1gb", writeZip(replaceMember(members, "metadata.json", bombMember("metadata.json", '{"keras_version": "3.5.0"}', 1024, ""))));
  return inputs;
}

/** Hostile .h5 models: a real one patched by h5py in a test env (make_hostile_h5.py), then byte-level size lies. */
export function hostileH5(realH5: string, dir: string, { manyLayers }: { manyLayers: boolean }): HostileInput[] {
  const python = pythonFor("keras3");
  const script = fileURLToPath(new URL("make_hostile_h5.py", import.meta.url));
  const made = spawnSync(python, [script, realH5, dir, JSON.stringify(ESCAPE_NAMES), ...(manyLayers ? ["--many-layers"] : [])], { encoding: "utf8", timeout: 120_000 });
  if (made.status !== 0) throw new Error(`make_hostile_h5.py failed: ${made.stderr}`);
  const paths = JSON.parse(made.stdout) as string[];
  const inputs: HostileInput[] = paths.map((path) => ({
    path, label: `${basename(path, ".h5")} (from ${basename(realH5)})`, intactContainer: true, alone: statSync(path).size > 1_000_000,
  }));
  // Absurd sizes: the bytes around the attribute names hold the attribute message's datatype and dataspace sizes.
  const bytes = readFileSync(realH5);
  for (const attribute of ["model_config", "keras_version"]) {
    const at = bytes.indexOf(Buffer.from(`${attribute}\0`, "latin1"));
    if (at < 0) continue;
    for (const [label, from, to] of [["after", at + attribute.length + 1, at + attribute.length + 25], ["before", Math.max(0, at - 8), at]] as const) {
      const patched = Buffer.from(bytes);
      patched.fill(0xff, from, to);
      const path = join(dir, `h5-${attribute}-sizes-ff-${label}.h5`);
      writeFileSync(path, patched);
      inputs.push({ path, label: `absurd ${attribute} sizes (${label} the name) in ${basename(realH5)}` });
    }
  }
  return inputs;
}

/** Tiny and odd inputs: empty, signatures only, an empty folder, a folder with an empty saved_model.pb. */
export function oddInputs(dir: string): HostileInput[] {
  const files: [string, Buffer][] = [
    ["empty.h5", Buffer.alloc(0)],
    ["one-byte.keras", Buffer.from([0x50])],
    ["hdf5-signature-only.h5", Buffer.from("\x89HDF\r\n\x1a\n", "latin1")],
    ["zip-local-header-only.keras", Buffer.from("PK\u0003\u0004", "latin1")],
    ["zip-empty-archive.keras", writeZip([])],
    ["nul-bytes.h5", Buffer.alloc(4096)],
    ["escape-text.h5", Buffer.from(`${ESCAPE_NAMES.join("\n")}\n`)],
  ];
  const inputs = files.map(([name, bytes]) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return { path, label: name };
  });
  const emptyFolder = join(dir, "empty-folder");
  mkdirSync(emptyFolder);
  const pbFolder = join(dir, "savedmodel-empty-pb");
  mkdirSync(pbFolder);
  writeFileSync(join(pbFolder, "saved_model.pb"), "");
  inputs.push({ path: emptyFolder, label: "empty folder" }, { path: pbFolder, label: "folder with an empty saved_model.pb" });
  return inputs;
}
