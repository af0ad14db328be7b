// Hostile file names everywhere, with no shell in between: spaces, quotes, $(...), a leading dash, unicode and a
// newline, for inspect, --auto, explain --model, and the loader script a fix writes (which must land at a sane name).
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonFor, repoRoot } from "../helpers/envs.js";
import { fixture, runBounded, runCli, stackTraceIn, withUnchangedBytes } from "./helpers.js";

const HOSTILE_NAMES = [
  "with space.keras",
  `quote'and"double.keras`,
  "$(touch PWNED).keras",
  "ünïcødé 模型 🚀.keras",
  "new\nline.keras",
  "back\\slash `tick` ;&|*.keras",
];
// Names the costly runs (Python, TensorFlow import) use: the ones a shell would mangle worst.
const WORST = ["new\nline.keras", "$(touch PWNED).keras", `quote'and"double.keras`];

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keras-fix paths $(x) '"));
  for (const name of [...HOSTILE_NAMES, "-model.keras"]) copyFileSync(fixture("keras3/sequential.keras"), join(dir, name));
});

afterAll(() => {
  // No name was ever run by a shell: the $(touch PWNED) never ran, in the temp dir or in the repo.
  expect(existsSync(join(dir, "PWNED"))).toBe(false);
  expect(existsSync(join(repoRoot, "PWNED"))).toBe(false);
  rmSync(dir, { recursive: true, force: true });
});

function parse(run: Awaited<ReturnType<typeof runCli>>): Record<string, any> {
  expect(stackTraceIn(run.stderr), run.stderr).toBeNull();
  expect(run.leftover, "processes left running").toEqual([]);
  return JSON.parse(run.stdout);
}

describe("hostile paths", () => {
  it("inspect --json reads every hostile name and reports the path it was given", async () => {
    for (const name of HOSTILE_NAMES) {
      const path = join(dir, name);
      const run = await runCli(["inspect", path, "--json"]);
      expect(run.code, `${JSON.stringify(name)}: ${run.stderr}`).toBe(0);
      const facts = parse(run);
      expect(facts.format).toBe("keras-zip");
      expect(facts.path.endsWith(name)).toBe(true);
    }
  });

  it("a leading-dash name is reachable as ./-model.keras and after --", async () => {
    const dotted = await runCli(["inspect", "./-model.keras", "--json"], { cwd: dir });
    expect(dotted.code, dotted.stderr).toBe(0);
    expect(parse(dotted).format).toBe("keras-zip");
    const afterDashes = await runCli(["inspect", "--json", "--", "-model.keras"], { cwd: dir });
    expect(afterDashes.code, afterDashes.stderr).toBe(0);
    expect(parse(afterDashes).format).toBe("keras-zip");
    // Without ./ or --, meow reads -model.keras as flags: keras-fix must refuse with a usage error, not guess.
    const bare = await runCli(["inspect", "-model.keras", "--json"], { cwd: dir });
    expect(bare.code).toBe(2);
    expect(stackTraceIn(bare.stderr)).toBeNull();
  });

  it("--auto --json diagnoses models at the worst names (keras3 env)", { timeout: 900_000 }, async () => {
    const python = pythonFor("keras3");
    for (const name of WORST) {
      const path = join(dir, name);
      await withUnchangedBytes(path, async () => {
        const run = await runCli([path, "--auto", "--json", "--python", python]);
        const report = parse(run);
        expect(report.outcome, run.stderr.slice(-800)).toBe("loads");
        expect(run.code).toBe(0);
        expect(report.file.path.endsWith(name)).toBe(true);
      });
    }
    const dashed = await runCli(["--auto", "--json", "--python", python, "--", "-model.keras"], { cwd: dir });
    expect(parse(dashed).outcome, dashed.stderr.slice(-800)).toBe("loads");
  });

  it("explain --model takes a hostile model path and a hostile traceback path", async () => {
    // A real traceback, captured now from the keras3 env, saved under a name a shell would choke on.
    const failing = fixture("keras3/custom_layer_unregistered.keras");
    const captured = await runBounded([pythonFor("keras3"), "-c", "import sys, keras; keras.models.load_model(sys.argv[1])", failing], { timeoutMs: 240_000 });
    expect(captured.stderr).toMatch(/Traceback \(most recent call last\)/);
    const tracebackPath = join(dir, "trace $(touch PWNED)\n'\".txt");
    writeFileSync(tracebackPath, captured.stderr);
    const model = join(dir, "new\nline.keras");
    const run = await runCli(["explain", tracebackPath, "--model", model, "--json"]);
    const report = parse(run);
    expect([1, 3]).toContain(run.code);
    expect(report.diagnosis.cause).toBe("custom-layer-missing");
    expect(report.file.path.endsWith("new\nline.keras")).toBe(true);
  });

  it("the loader a fix writes lands at a sane name beside the user, and loads the model", { timeout: 600_000 }, async () => {
    const work = mkdtempSync(join(dir, "work-"));
    const model = join(dir, "-new\nline $(touch PWNED) 'q\".keras");
    copyFileSync(fixture("keras3/custom_layer_unregistered.keras"), model);
    const python = pythonFor("keras3");
    const fix = { customObjectsModule: join(repoRoot, "fixtures", "models", "sources", "fixture_layers.py"), customObjects: { ScaledDense: "ScaledDense" } };
    const driven = await withUnchangedBytes(model, () =>
      runBounded([process.execPath, join(repoRoot, "test", "robustness", "run-action.mjs"), join(repoRoot, "dist", "src", "engine", "diagnose.js"),
        model, python, JSON.stringify({ kind: "write-loader", fix })], { cwd: work, timeoutMs: 240_000 }));
    expect(driven.code, driven.stderr.slice(-1500)).toBe(0);
    expect(driven.leftover).toEqual([]);
    const { result } = JSON.parse(driven.stdout);
    expect(result.ok).toBe(true);
    const written: string = result.data.path;
    expect(dirname(written)).toBe(work);
    expect(basename(written)).toMatch(/^[^-\s]/);
    expect(basename(written)).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(basename(written).endsWith(".py")).toBe(true);
    // The script embeds the hostile model path: it must still be valid Python that finds and loads the model.
    const loaded = await runBounded([python, written], { cwd: work, timeoutMs: 240_000 });
    expect(loaded.code, loaded.stderr.slice(-1500)).toBe(0);
  });
});
