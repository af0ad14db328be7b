// Bad and odd inputs derived at test time in a temp folder (real h5py/numpy from the keras3 env where bytes must
// be real): each must come back as facts with the right format and cause, never as an exception.
import { execFileSync, spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectModel } from "../../src/core/inspect/index.js";
import { renderInspectReport } from "../../src/engine/inspect-report.js";
import { modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";
import { modelFactsSchema } from "./schema.js";

let dir: string;

const inspect = async (path: string) => modelFactsSchema.parse(await inspectModel(path)) as Awaited<ReturnType<typeof inspectModel>>;

/** Runs Python in the keras3 env with the temp folder as argv[1]. */
function py(code: string): void {
  execFileSync(pythonFor("keras3"), ["-c", code, dir], { stdio: ["ignore", "ignore", "pipe"] });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kf-inspect-"));
  py(`
import sys, json, os, zipfile, numpy as np, h5py
d = sys.argv[1]
def model_config(layers):
    return json.dumps({"class_name": "Sequential", "config": {"name": "seq", "layers": layers}})
dense = lambda i: {"class_name": "Dense", "config": {"name": "dense_%d" % i, "trainable": True, "units": 1, "activation": "relu"}}
# HDF5 with a 1024-byte user block, superblock v0 and v3.
for libver, name in (("earliest", "userblock_v0.h5"), ("latest", "userblock_v3.h5")):
    with h5py.File(os.path.join(d, name), "w", userblock_size=1024, libver=libver) as f:
        f.attrs["keras_version"] = "2.3.1"; f.attrs["backend"] = "theano"
        f.attrs["model_config"] = model_config([dense(0)])
        f.create_dataset("model_weights/dense_0/kernel", data=np.zeros((1000, 10), "float32"))
# A model_config attribute of several MB (dense attribute storage needs libver latest).
with h5py.File(os.path.join(d, "huge_config.h5"), "w", libver="latest") as f:
    f.attrs["keras_version"] = "2.15.0"; f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = model_config([dense(i) for i in range(40000)])
# Keras 1: no keras_version at all.
with h5py.File(os.path.join(d, "keras1.h5"), "w") as f:
    f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": [dense(0), {"class_name": "Dropout", "config": {"name": "drop", "trainable": True, "p": 0.5}}]})
# Names carrying terminal escape sequences and bidi overrides.
evil = {"class_name": "Evil\\x1b[2J\\x1b]0;pwned\\x07", "config": {"name": "x\\x1b[31mred\\u202e", "trainable": True}}
with h5py.File(os.path.join(d, "escapes.h5"), "w") as f:
    f.attrs["keras_version"] = "2.15.0"; f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = model_config([dense(0), evil])
# A superblock-v3 file cut short, and a v0 file cut inside its object headers.
with h5py.File(os.path.join(d, "full_v3.h5"), "w", libver="latest") as f:
    f.attrs["model_config"] = model_config([dense(0)])
    f.create_dataset("w", data=np.zeros(100000, "float32"))
raw = open(os.path.join(d, "full_v3.h5"), "rb").read()
open(os.path.join(d, "truncated_v3.h5"), "wb").write(raw[: len(raw) // 3])
np.savez(os.path.join(d, "arrays.npz"), a=np.zeros(3))
# A zip bomb shaped like a .keras file: config.json inflates to 200 MB.
with zipfile.ZipFile(os.path.join(d, "bomb.keras"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
    z.writestr("config.json", " " * (200 * 1024 * 1024))
# A zip that is not a model at all.
with zipfile.ZipFile(os.path.join(d, "photos.zip"), "w") as z:
    z.writestr("a.jpg", b"\\xff\\xd8\\xff")
`);
  // Legacy (non-zip) torch.save: pickle protocol 2 whose first value is torch's magic number.
  writeFileSync(join(dir, "legacy_torch.pth"), Buffer.concat([
    Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]),
    Buffer.alloc(64),
  ]));
  // safetensors: 8-byte little-endian header length, then the JSON header.
  const header = Buffer.from(JSON.stringify({ w: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(join(dir, "model.safetensors"), Buffer.concat([length, header, Buffer.alloc(4)]));
  writeFileSync(join(dir, "notes.h5"), "just some notes\nnot a model\n");
  writeFileSync(join(dir, "frozen.pb"), Buffer.from([0x0a, 0x8f, 0x01, 0x0a, 0x05, 0x00, 0xff, 0xfe, 0x00, 0x13]));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("HDF5 edge cases", () => {
  it("finds the superblock after a user block (superblock v0 and v3) and reads the model", async () => {
    for (const name of ["userblock_v0.h5", "userblock_v3.h5"]) {
      const facts = await inspect(join(dir, name));
      expect(facts.format).toBe("h5-model");
      expect(facts.details.h5UserBlock).toBe(1024);
      expect(facts.kerasVersion).toBe("2.3.1");
      expect(facts.kerasLine).toBe("keras2");
      expect(facts.backend).toBe("theano");
      expect(facts.layerClasses).toEqual(["Dense"]);
    }
  });

  it("reads a multi-megabyte model_config attribute whole", async () => {
    const facts = await inspect(join(dir, "huge_config.h5"));
    expect(statSync(join(dir, "huge_config.h5")).size).toBeGreaterThan(4_000_000);
    expect(facts.format).toBe("h5-model");
    expect(facts.layers?.children).toHaveLength(40000);
    expect(facts.layerClasses).toEqual(["Dense"]);
    expect(facts.customClasses).toEqual([]);
  });

  it("reads a Keras 1 file (no keras_version, Sequential config as a bare list)", async () => {
    const facts = await inspect(join(dir, "keras1.h5"));
    expect(facts.kerasVersion).toBeNull();
    expect(facts.kerasLine).toBe("keras1");
    expect(facts.layerClasses).toEqual(["Dense", "Dropout"]);
  });

  it("reports a truncated superblock-v3 file with the expected and actual sizes", async () => {
    const facts = await inspect(join(dir, "truncated_v3.h5"));
    expect(facts.format).toBe("truncated");
    expect(facts.problem?.cause).toBe("truncated-file");
    expect(facts.details.expectedSize).toBe(statSync(join(dir, "full_v3.h5")).size);
    expect(facts.details.actualSize).toBe(statSync(join(dir, "truncated_v3.h5")).size);
  });

  it("names the expected size of the truncated fixture from its superblock", async () => {
    const original = statSync(join(modelsDir, "keras3", "sequential.h5")).size;
    const facts = await inspect(join(modelsDir, "bad", "truncated.h5"));
    expect(facts.details.expectedSize).toBe(original);
    expect(facts.problem?.message).toContain(original.toLocaleString("en-US"));
  });

  it("keeps terminal escapes and bidi overrides from the file out of the text report", async () => {
    const facts = await inspect(join(dir, "escapes.h5"));
    expect(facts.customClasses).toEqual(["Evil\x1b[2J\x1b]0;pwned\x07"]);
    const report = renderInspectReport(facts);
    expect(report).not.toMatch(/\x1b\[2J|\x1b\]|\x07|\u202e/);
    expect(report).toContain("\\x1b[2J");
  });
});

describe("damaged HDF5", () => {
  it("survives files with overwritten object headers: facts, never an exception, nothing on stderr", async () => {
    const source = readFileSync(join(dir, "userblock_v0.h5"));
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const paths: string[] = [];
    for (let i = 0; i < 25; i++) {
      const bytes = Buffer.from(source);
      // Past the user block and the superblock, inside the root group's headers and heaps.
      for (let j = 0; j < 1 + Math.floor(random() * 20); j++) bytes[1024 + 96 + Math.floor(random() * 3000)] = Math.floor(random() * 256);
      const path = join(dir, `damaged-${i}.h5`);
      writeFileSync(path, bytes);
      paths.push(path);
    }
    const damaged: string[] = [];
    for (const path of paths) {
      const facts = await inspect(path);
      // As long as its superblock says: damaged, never "truncated" (that is for files shorter than their header).
      expect(facts.format).not.toBe("truncated");
      if (facts.details.damaged === "hdf5") {
        damaged.push(path);
        expect(facts.format).toBe("not-a-model");
        expect(facts.problem?.cause).toBe("not-a-model-file");
        expect(facts.problem?.message).toMatch(/HDF5 structure is damaged/);
      }
    }
    expect(damaged.length).toBeGreaterThan(0);
    // A fresh process running the built code, as the CLI does: HDF5's aborts must not print through Emscripten's console.
    const script = `const { inspectModel } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, "dist", "src", "core", "inspect", "index.js")).href)});
      for (const p of ${JSON.stringify(paths)}) await inspectModel(p);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
  });
});

describe("not models", () => {
  const cases: [string, string, string, RegExp][] = [
    ["legacy_torch.pth", "not-a-model", "not-a-model-file", /PyTorch/],
    ["model.safetensors", "not-a-model", "not-a-model-file", /safetensors/],
    ["notes.h5", "not-a-model", "not-a-model-file", /text file/],
    ["frozen.pb", "not-a-model", "not-a-model-file", /frozen TensorFlow graph/],
    ["arrays.npz", "not-a-model", "not-a-model-file", /NumPy/],
    ["photos.zip", "not-a-model", "not-a-model-file", /no config\.json/],
    ["bomb.keras", "not-a-model", "not-a-model-file", /config\.json is larger than/],
  ];
  for (const [name, format, cause, message] of cases) {
    it(`${name} → ${format} (${cause})`, async () => {
      const facts = await inspect(join(dir, name));
      expect(facts.format).toBe(format);
      expect(facts.problem?.cause).toBe(cause);
      expect(facts.problem?.message).toMatch(message);
      expect(facts.problem?.hint).toBeTruthy();
    });
  }

  it("identifies the fixtures people confuse with Keras by what they are", async () => {
    const bad = join(modelsDir, "bad");
    expect((await inspect(join(bad, "pytorch_like.pt"))).problem?.message).toMatch(/PyTorch/);
    expect((await inspect(join(bad, "onnx_like.onnx"))).problem?.message).toMatch(/ONNX/);
    expect((await inspect(join(bad, "pickle_model.pkl"))).problem?.message).toMatch(/pickle/);
    expect((await inspect(join(modelsDir, "keras2", "model.tflite"))).problem?.message).toMatch(/TensorFlow Lite/);
    const lfs = await inspect(join(bad, "lfs_pointer.h5"));
    expect(lfs.problem?.cause).toBe("git-lfs-pointer");
    expect(lfs.problem?.message).toContain(statSync(join(modelsDir, "keras3", "sequential.h5")).size.toLocaleString("en-US"));
    expect(lfs.problem?.message).toContain("git lfs pull");
    const html = await inspect(join(bad, "html_page.h5"));
    expect(html.problem?.message).toMatch(/web page/);
    expect(html.problem?.hint).toMatch(/raw/);
    expect((await inspect(join(bad, "empty.h5"))).problem?.cause).toBe("not-a-model-file");
    expect((await inspect(join(bad, "truncated.keras"))).problem?.cause).toBe("truncated-file");
  });

  it("reports a missing path as file-not-found", async () => {
    const facts = await inspect(join(dir, "nope", "model.h5"));
    expect(facts.format).toBe("missing");
    expect(facts.problem?.cause).toBe("file-not-found");
  });

  it("lists the model-looking files of a folder that is not a SavedModel", async () => {
    const folder = join(dir, "downloads");
    mkdirSync(folder);
    copyFileSync(join(modelsDir, "keras3", "sequential.h5"), join(folder, "weights final.h5"));
    writeFileSync(join(folder, "README.txt"), "hi");
    const facts = await inspect(folder);
    expect(facts.format).toBe("not-a-model");
    expect(facts.problem?.message).toContain("saved_model.pb");
    expect(facts.problem?.message).toContain("weights final.h5");
  });
});

describe("paths and folders", () => {
  it("reads a model under a path with spaces and non-ASCII characters", async () => {
    const folder = join(dir, "my models", "ünïcödé 模型");
    mkdirSync(folder, { recursive: true });
    for (const name of ["sequential.keras", "sequential.h5"]) {
      copyFileSync(join(modelsDir, "keras3", name), join(folder, `mödel ${name}`));
      const facts = await inspect(join(folder, `mödel ${name}`));
      expect(facts.problem).toBeNull();
      expect(facts.topClass).toBe("Sequential");
      expect(facts.kerasVersion).toBe("3.15.1");
    }
  });

  it("reads a .keras zip by its bytes under another name, and says Keras needs the .keras name", async () => {
    copyFileSync(join(modelsDir, "keras3", "sequential.keras"), join(dir, "renamed.h5"));
    const facts = await inspect(join(dir, "renamed.h5"));
    expect(facts.format).toBe("keras-zip");
    expect(facts.topClass).toBe("Sequential");
    expect(String(facts.details.nameMismatch)).toMatch(/named model\.keras/);
  });

  it("inspects the folder when given a SavedModel's saved_model.pb, and says so", async () => {
    const facts = await inspect(join(modelsDir, "keras2", "savedmodel_keras", "saved_model.pb"));
    expect(facts.format).toBe("savedmodel");
    expect(facts.path).toBe(join(modelsDir, "keras2", "savedmodel_keras"));
    expect(String(facts.details.note)).toContain("saved_model.pb");
    expect(facts.tensorflowVersion).toBe("2.15.1");
    expect(facts.details.signatures).toEqual([expect.objectContaining({ name: "serving_default" })]);
  });

  it("reads the TensorFlow version and endpoints of a Keras 3 export without keras_metadata.pb", async () => {
    const facts = await inspect(join(modelsDir, "keras3", "savedmodel_export"));
    expect(facts.details.kerasMetadata).toBe(false);
    expect(facts.tensorflowVersion).toBe("2.21.0");
    const names = (facts.details.signatures as { name: string }[]).map((s) => s.name).sort();
    expect(names).toEqual(["serve", "serving_default"]);
  });

  it("inspects a TF.js folder through its model.json", async () => {
    const facts = await inspect(join(modelsDir, "keras2", "tfjs_model"));
    expect(facts.format).toBe("tfjs");
    expect(facts.problem?.hint).toContain("tensorflowjs_converter");
  });

  it("reads a Keras 2 SavedModel's config from keras_metadata.pb", async () => {
    const facts = await inspect(join(modelsDir, "keras2", "savedmodel_keras"));
    expect(facts.layerClasses).toContain("Dense");
    expect(facts.kerasLine).toBe("tf-keras2");
    expect(readFileSync(join(modelsDir, "keras2", "savedmodel_keras", "keras_metadata.pb")).length).toBeGreaterThan(0);
  });
});
