// HDF5 files whose weights come from outside the file (external links, external raw storage, soft links that leave
// it): a plain load_model in a real Keras reads the bait file (the positive control), while keras-fix's inspect and
// --auto never open it, and call the file dangerous. The bait's access time tells: it is dated back before each run
// and a read moves it (relatime updates an access time older than the modification time).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanHdf5Outside } from "../../src/core/inspect/hdf5-outside.js";
import { readWithHdf5 } from "../../src/core/inspect/hdf5-thread.js";
import type { ActionRequest } from "../../src/core/types.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { envVarsFor, modelsDir, pythonFor, scratchDir, type EnvName } from "../helpers/envs.js";
import { runBounded, runCli } from "../robustness/helpers.js";

/** Where scripts/fixtures/make_hostile_outside.py points the fixtures' links and storage. */
const BAIT_DIR = "/tmp/keras-fix-hostile-bait";
const BAITS = ["bait.h5", "bait.bin"];
const hostile = join(modelsDir, "hostile-outside");
const LONG_AGO = new Date("2020-01-01T00:00:00Z");

function ageBaits(): void {
  for (const bait of BAITS) utimesSync(join(BAIT_DIR, bait), LONG_AGO, LONG_AGO);
}

/** The baits read since ageBaits(). */
function baitsRead(): string[] {
  return BAITS.filter((bait) => statSync(join(BAIT_DIR, bait)).atimeMs > LONG_AGO.getTime() + 1000);
}

let dir: string;

beforeAll(() => {
  rmSync(BAIT_DIR, { recursive: true, force: true });
  mkdirSync(BAIT_DIR, { recursive: true });
  for (const bait of BAITS) copyFileSync(join(hostile, "bait", bait), join(BAIT_DIR, bait));
  dir = mkdtempSync(join(tmpdir(), "keras-fix-outside-"));
});
afterAll(() => {
  rmSync(BAIT_DIR, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const LOAD = "import sys, keras\nm = keras.models.load_model(sys.argv[1])\nprint('KERNEL', m.get_layer('dense').get_weights()[0].ravel().tolist())";

/** Each file and a test env whose plain load_model reads its bait (and the bait it reads). */
const ACTS: [string, EnvName, string][] = [
  ["h5-external-link.h5", "keras2", "bait.h5"],
  ["h5-external-storage.h5", "keras2", "bait.bin"],
  ["keras-external-storage.keras", "keras35-py312", "bait.bin"],
];

describe("hostile files that read outside themselves", () => {
  it("the positive control: a plain load_model reads the bait into the weights", async () => {
    for (const [file, env, bait] of ACTS) {
      ageBaits();
      const run = await runBounded([pythonFor(env), "-c", LOAD, join(hostile, file)], { timeoutMs: 180_000, env: envVarsFor(env) });
      expect(run.stdout, `${file} in ${env}: ${run.stderr.slice(-800)}`).toContain("KERNEL [0.0, 100.0, 200.0, 300.0, 400.0, 500.0]");
      expect(baitsRead(), `${file} in ${env}`).toEqual([bait]);
    }
  }, 600_000);

  it("inspect calls each dangerous, exits 1, and opens no bait", async () => {
    const expected: Record<string, [string, string]> = {
      "h5-external-link.h5": ["h5-link", "/model_weights/dense/dense/kernel:0"],
      "h5-external-storage.h5": ["h5-external-data", "/model_weights/dense/dense/kernel:0"],
      "keras-external-link.keras": ["h5-link", "model.weights.h5:/layers/dense/vars/0"],
      "keras-external-storage.keras": ["h5-external-data", "model.weights.h5:/layers/dense/vars/0"],
    };
    for (const [file, [id, where]] of Object.entries(expected)) {
      ageBaits();
      const run = await runCli(["inspect", join(hostile, file), "--json"], { timeoutMs: 60_000 });
      expect(run.code, `${file}: ${run.stderr}`).toBe(1);
      const facts = JSON.parse(run.stdout) as { safety: { verdict: string; findings: { id: string; where: string }[] } };
      expect(facts.safety.verdict, file).toBe("dangerous");
      expect(facts.safety.findings.map((f) => [f.id, f.where]), file).toContainEqual([id, where]);
      expect(baitsRead(), file).toEqual([]);
    }
  }, 240_000);

  it("--auto never loads them, and opens no bait", async () => {
    const cases: [string, EnvName][] = [
      ["h5-external-link.h5", "keras2"],
      ["h5-external-storage.h5", "keras2"],
      ["keras-external-storage.keras", "keras35-py312"],
      ["keras-external-link.keras", "keras35-py312"],
    ];
    for (const [file, env] of cases) {
      ageBaits();
      const run = await runCli([join(hostile, file), "--auto", "--json", "--python", pythonFor(env)], { timeoutMs: 240_000, env: envVarsFor(env), cwd: dir });
      const document = JSON.parse(run.stdout) as { diagnosis: { cause: string } };
      expect(document.diagnosis.cause, `${file}: ${run.stderr.slice(-500)}`).toBe("unsafe-model-file");
      expect(run.code, file).toBe(1);
      expect(baitsRead(), file).toEqual([]);
    }
  }, 900_000);
});

describe("the session's gate", () => {
  it("refuses every model-loading action on a dangerous file, whatever step asks, and the bait stays unread", async () => {
    ageBaits();
    const session = createDiagnoseSession({ modelPath: join(hostile, "h5-external-storage.h5"), python: pythonFor("keras2"), timeoutSeconds: 240, outputDir: scratchDir() });
    try {
      const result = await session.diagnose(() => undefined);
      expect(result.file?.safety?.verdict).toBe("dangerous");
      expect(result.load).toBeNull();
      const requests: ActionRequest[] = [
        { kind: "verify-load", fix: { safeMode: false } },
        { kind: "resave-compare", fix: {} },
        { kind: "rebuild-model" },
        { kind: "bring-home-legacy" },
      ];
      for (const request of requests) {
        const outcome = await session.runAction(request);
        expect({ kind: request.kind, ok: outcome.ok, said: JSON.stringify(outcome.summary) }).toMatchObject({ kind: request.kind, ok: false, said: expect.stringMatching(/typed yes/) });
      }
      expect(baitsRead()).toEqual([]);
    } finally {
      await session.close();
    }
  }, 300_000);
});

describe("the byte walk and the h5wasm worker, on every group layout", () => {
  it("finds links and external storage in old- and new-style groups, dense (fractal heap) storage included", async () => {
    const script = fileURLToPath(new URL("make_outside_layouts.py", import.meta.url));
    const made = spawnSync(pythonFor("keras3"), [script, dir, join(BAIT_DIR, "bait.h5"), join(BAIT_DIR, "bait.bin")], { encoding: "utf8", timeout: 120_000 });
    expect(made.status, made.stderr).toBe(0);
    const files = JSON.parse(made.stdout) as Record<string, string>;
    const kinds = (name: string) => {
      const scan = scanHdf5Outside(files[name]);
      expect(scan.incomplete, name).toBeNull();
      return scan.notes.map((n) => `${n.kind} ${n.path}`);
    };
    for (const style of ["v0", "v2"]) {
      expect(kinds(`${style}-external-link.h5`)).toEqual(["external-link /model_weights/stolen"]);
      expect(kinds(`${style}-external-storage.h5`)).toEqual(["external-storage /model_weights/stolen"]);
      expect(kinds(`${style}-dangling-soft-link.h5`)).toEqual(["soft-link /model_weights/alias"]);
    }
    expect(kinds("v2-dense-external-link.h5")).toEqual(["external-link /model_weights/stolen"]);
    expect(kinds("v2-dense-external-storage.h5")).toEqual(["external-storage /model_weights/stolen"]);
    // 3000 soft links into the file itself (not noted) and one external link: a heap whose root is an indirect block.
    expect(kinds("v2-many-links-external-link.h5")).toEqual(["external-link /model_weights/stolen"]);
    expect(kinds("v4-virtual-dataset.h5")).toEqual(["virtual-dataset /model_weights/stolen"]);
    expect(scanHdf5Outside(files["v4-virtual-dataset.h5"]).notes[0].detail).toBe(join(BAIT_DIR, "bait.h5"));
    expect(kinds("v2-plain.h5")).toEqual([]);
    for (const name of Object.keys(files).filter((n) => n !== "v2-plain.h5")) {
      ageBaits();
      const run = await runCli(["inspect", files[name], "--json"], { timeoutMs: 60_000 });
      const facts = JSON.parse(run.stdout) as { safety: { verdict: string; findings: { id: string }[] } };
      expect({ name, verdict: facts.safety.verdict, code: run.code }).toEqual({ name, verdict: "dangerous", code: 1 });
      expect(baitsRead(), name).toEqual([]);
    }
    // h5wasm on its own (what reads any file the byte walk cannot finish): its worker opens no file but the job's, so
    // it reports the external links it meets, and reads neither their targets nor the weights' shapes through them.
    for (const name of ["v0-external-link.h5", "v2-dense-external-link.h5"]) {
      ageBaits();
      const read = await readWithHdf5(files[name], { root: true, weightShapes: true, storage: true });
      expect(read.storage?.map((n) => `${n.kind} ${n.path}`), name).toContain("external-link /model_weights/stolen");
      expect(baitsRead(), name).toEqual([]);
    }
  }, 240_000);

  it("every real HDF5 fixture is walked whole, with nothing outside it", () => {
    const found = spawnSync("find", [modelsDir, "-name", "*.h5", "-not", "-path", "*/hostile*", "-not", "-path", "*/bad/*"], { encoding: "utf8" });
    const files = found.stdout.trim().split("\n");
    expect(files.length).toBeGreaterThan(60);
    for (const file of files) expect({ file, ...scanHdf5Outside(file) }).toEqual({ file, notes: [], incomplete: null });
  });
});
