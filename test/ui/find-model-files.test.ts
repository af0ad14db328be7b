// The picker's candidates: model files by extension and first bytes, SavedModel folders, broken files with a note,
// and nothing else (no package.json, no text files).
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findModelFiles } from "../../src/core/inspect/find-model-files.js";
import { modelsDir } from "../helpers/envs.js";

describe("findModelFiles", () => {
  it("lists real model files and SavedModel folders, notes broken ones, skips the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pick-"));
    copyFileSync(join(modelsDir, "keras3", "sequential.h5"), join(dir, "seq.h5"));
    copyFileSync(join(modelsDir, "keras3", "sequential.keras"), join(dir, "seq.keras"));
    copyFileSync(join(modelsDir, "keras3", "model.json"), join(dir, "arch.json"));
    copyFileSync(join(modelsDir, "keras3", "sequential.h5"), join(dir, "really-h5.keras"));
    writeFileSync(join(dir, "lfs.h5"), "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n");
    writeFileSync(join(dir, "empty.hdf5"), "");
    writeFileSync(join(dir, "package.json"), '{"name": "x", "version": "1.0.0"}');
    writeFileSync(join(dir, "notes.txt"), "hello");
    mkdirSync(join(dir, "export"));
    writeFileSync(join(dir, "export", "saved_model.pb"), "\u0008\u0001");
    mkdirSync(join(dir, "src"));

    const found = await findModelFiles(dir);
    expect(found.map((c) => [c.name, c.kind, c.note])).toEqual([
      ["arch.json", "json", null],
      ["export", "savedmodel", null],
      ["seq.h5", "hdf5", null],
      ["seq.keras", "keras-zip", null],
      ["empty.hdf5", "hdf5", "empty file"],
      ["lfs.h5", "hdf5", "Git LFS pointer, not the model itself"],
      ["really-h5.keras", "keras-zip", "an HDF5 file named .keras"],
    ]);
    expect(found.find((c) => c.name === "seq.h5")!.size).toBeGreaterThan(1000);
    expect(found.find((c) => c.name === "export")!.size).toBeNull();
  });

  it("offers the folder itself when it is a SavedModel", async () => {
    const found = await findModelFiles(join(modelsDir, "keras3", "savedmodel_export"));
    expect(found[0]).toEqual({ name: ".", kind: "savedmodel", size: null, note: null });
  });
});
