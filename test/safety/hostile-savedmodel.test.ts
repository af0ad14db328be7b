// SavedModels whose load-time functions act outside the model (research keras-security.md §8): a tracked resource's
// initializer, which tf.keras runs while loading, prints to a file, calls SaveV2, or runs a dataset whose graph writes
// a file. tf.keras 2.15's plain load_model leaves each marker (the positive control); keras-fix's inspect calls each
// dangerous from the ops the load-time functions run (an allowlist mined from TensorFlow's op registry, not a list of
// names), and --auto never loads them. Every real SavedModel fixture still reads as not dangerous.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTimeGraphFindings } from "../../src/core/inspect/safety-graph.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { runBounded, runCli } from "../robustness/helpers.js";

/** Where scripts/fixtures/make_hostile_savedmodel.py's initializers write. */
const MARKER_DIR = "/tmp/keras-fix-hostile-markers";
const hostile = join(modelsDir, "hostile-savedmodel");
const FILES: [string, string][] = [
  ["savedmodel-printv2-file", "PrintV2"],
  ["savedmodel-savev2-init", "SaveV2"],
  ["savedmodel-dataset-writefile", "DatasetFromGraph"],
];
const markers = () => readdirSync(MARKER_DIR);
const clearMarkers = () => {
  rmSync(MARKER_DIR, { recursive: true, force: true });
  mkdirSync(MARKER_DIR, { recursive: true });
};

let dir: string;
beforeAll(() => {
  clearMarkers();
  dir = mkdtempSync(join(tmpdir(), "keras-fix-savedmodel-"));
});
afterAll(() => {
  rmSync(MARKER_DIR, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe("SavedModels that act while loading", () => {
  it("the positive control: tf.keras 2.15's plain load_model runs each initializer, which leaves its marker", async () => {
    const load = "import sys\nfrom tensorflow import keras\nkeras.models.load_model(sys.argv[1])\nprint('LOADED')";
    for (const [file] of FILES) {
      clearMarkers();
      const run = await runBounded([pythonFor("keras2"), "-c", load, join(hostile, file)], { timeoutMs: 180_000 });
      expect(run.stdout, `${file}: ${run.stderr.slice(-800)}`).toContain("LOADED");
      expect(markers().length, file).toBeGreaterThan(0);
    }
  }, 600_000);

  it("inspect calls each dangerous from the op its initializer runs, and exits 1", async () => {
    for (const [file, op] of FILES) {
      const run = await runCli(["inspect", join(hostile, file), "--json"], { timeoutMs: 60_000 });
      expect(run.code, file).toBe(1);
      const facts = JSON.parse(run.stdout) as { safety: { verdict: string; findings: { id: string; where: string }[] } };
      expect(facts.safety.verdict, file).toBe("dangerous");
      expect(facts.safety.findings.filter((f) => f.id === "savedmodel-load-op").map((f) => f.where.split("/").pop()), file).toContain(op);
    }
  }, 120_000);

  it("--auto never loads them: no marker", async () => {
    for (const [file] of FILES) {
      clearMarkers();
      const run = await runCli([join(hostile, file), "--auto", "--json", "--python", pythonFor("keras2")], { timeoutMs: 240_000, cwd: dir });
      expect((JSON.parse(run.stdout) as { diagnosis: { cause: string } }).diagnosis.cause, `${file}: ${run.stderr.slice(-500)}`).toBe("unsafe-model-file");
      expect(run.code, file).toBe(1);
      expect(markers(), file).toEqual([]);
    }
  }, 900_000);

  it("every real SavedModel fixture's load-time functions use allowed ops only", () => {
    const folders: string[] = [];
    const find = (at: string) => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name.startsWith("hostile")) continue;
        const path = join(at, entry.name);
        if (existsSync(join(path, "saved_model.pb"))) folders.push(path);
        else find(path);
      }
    };
    find(modelsDir);
    expect(folders.length).toBeGreaterThan(5);
    for (const folder of folders) expect({ folder, findings: loadTimeGraphFindings(folder) }).toEqual({ folder, findings: [] });
  });
});
