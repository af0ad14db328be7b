// Issue 23: a model with the user's custom layer, saved by Keras 3.15 and loaded by Keras 3.5, brought home through
// the real CLI with the user's code (`--custom-objects`): the trial environment loads it with that code, the export
// and the rebuild import it, and the copy is then loaded by a separate plain `load_model` with the user's code
// imported, its outputs equal to the original's in Keras 3.15. Fixtures: fixtures/models/bring-home-custom/
// (scripts/fixtures/make_bring_home_custom.py). The trial environment (Keras 3.15 on JAX, Python 3.12) is the one
// test/integration/trial-env.test.ts builds; it is reused, or built once.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonDocuments } from "../../src/engine/json-documents.js";
import { cliPath, envCache, envVarsFor, modelsDir, pythonFor, scratchDir, type EnvName } from "../helpers/envs.js";

const trialCache = join(envCache, "..", "trials");
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** The user's folder: the model and their own code for ScaledDense, under a name of their own. */
function userFolder(model: string): { dir: string; model: string; code: string } {
  const dir = scratchDir();
  copyFileSync(join(modelsDir, "bring-home-custom", model), join(dir, model));
  copyFileSync(join(modelsDir, "sources", "fixture_layers.py"), join(dir, "my_layers.py"));
  return { dir, model: join(dir, model), code: join(dir, "my_layers.py") };
}

function runCli(dir: string, model: string): { report: any; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [cliPath, model, "--auto", "--json", "--try-versions", "--bring-home", "--custom-objects", "my_layers.py", "--python", pythonFor("keras35-py312")],
    { cwd: dir, encoding: "utf8", env: { ...process.env, ...envVarsFor("keras35-py312"), KERAS_FIX_TRIAL_CACHE: trialCache }, timeout: 900_000 },
  );
  expect(run.stderr).not.toMatch(/hit a bug/);
  const report = JSON.parse(run.stdout);
  expect(jsonDocuments.auto.safeParse(report).success).toBe(true);
  return { report, stderr: run.stderr };
}

// A plain load in a fresh Python of the env, with the user's code imported as their own script would, then the
// outputs on a seeded input (printed as JSON).
const PLAIN_LOAD = `
import json, sys
sys.path.insert(0, sys.argv[2])
import numpy as np, keras
import my_layers
model = keras.saving.load_model(sys.argv[1], custom_objects={"ScaledDense": my_layers.ScaledDense}, safe_mode=True)
x = np.random.default_rng(7).normal(size=(3, 4)).astype("float32")
print("RESULT " + json.dumps({"layers": [type(l).__name__ for l in model.layers], "outputs": np.asarray(model.predict(x, verbose=0)).tolist()}))
`;

function plainLoad(env: EnvName, file: string, codeDir: string): { layers: string[]; outputs: number[][] } {
  const run = spawnSync(pythonFor(env), ["-c", PLAIN_LOAD, file, codeDir], {
    encoding: "utf8",
    env: { ...process.env, ...envVarsFor(env), TF_CPP_MIN_LOG_LEVEL: "3" },
    timeout: 300_000,
  });
  expect(run.status, run.stderr.slice(-2000)).toBe(0);
  return JSON.parse(run.stdout.split("\n").find((line) => line.startsWith("RESULT "))!.slice("RESULT ".length));
}

/** The copy loads in Keras 3.5 with the user's code and gives Keras 3.15's outputs on the original. */
function expectSameModel(copy: string, original: string, codeDir: string) {
  const home = plainLoad("keras35-py312", copy, codeDir);
  const there = plainLoad("keras3", original, codeDir);
  expect(home.layers).toContain("ScaledDense");
  expect(home.layers).toEqual(there.layers);
  const diff = Math.max(...home.outputs.flat().map((value, i) => Math.abs(value - there.outputs.flat()[i])));
  expect(diff).toBeLessThan(1e-5);
  // The copy still needs the user's code: without it, Keras 3.5 names the class.
  const bare = spawnSync(pythonFor("keras35-py312"), ["-c", "import sys, keras; keras.saving.load_model(sys.argv[1])", copy], {
    encoding: "utf8",
    env: { ...process.env, ...envVarsFor("keras35-py312") },
    timeout: 300_000,
  });
  expect(bare.status).not.toBe(0);
  expect(bare.stderr).toMatch(/ScaledDense/);
}

/** The code the final step shows, run as shown from the user's folder in their Python. */
function runShownSnippet(report: any, dir: string): string {
  const text: string = report.walk.steps.at(-1).text;
  const code = text
    .split("\n")
    .filter((line) => line.startsWith("    ") || line === "")
    .map((line) => line.slice(4))
    .join("\n");
  const file = join(scratchDir(), "shown.py");
  writeFileSync(file, code);
  const run = spawnSync(pythonFor("keras35-py312"), [file], { cwd: dir, encoding: "utf8", env: { ...process.env, ...envVarsFor("keras35-py312") }, timeout: 300_000 });
  expect(run.status, run.stderr.slice(-2000)).toBe(0);
  return run.stdout;
}

describe("bringing a custom-layer model home through the CLI with --custom-objects", () => {
  it("Dense, ScaledDense, Dense from Keras 3.15 in Keras 3.5: the newer file is the cause; the trial loads it with the user's code and the copy brought home loads with it (exit 0)", () => {
    const user = userFolder("custom_middle.keras");
    const before = sha256(user.model);
    const { report, stderr } = runCli(user.dir, user.model);
    expect(report.diagnosis.cause).toBe("file-from-newer-keras");
    expect(stderr).toMatch(/the model loads: the plan is proven/);
    const home = report.walk.steps.find((s: { action: string | null }) => s.action === "bring-home").bringHome;
    expect(home, home.why).toMatchObject({ proven: true, route: "rebuild", path: join(user.dir, "custom_middle.home.keras") });
    expect(home.dropped.join(" ")).toMatch(/Dense\.quantization_config/);
    expect(report.walk.outcome).toBe("fixed");
    expect(report.exitCode).toBe(0);
    expect(sha256(user.model)).toBe(before);
    expect(readdirSync(user.dir).sort()).toEqual(["custom_middle.home.keras", "custom_middle.keras", "my_layers.py"]);
    expectSameModel(home.path, user.model, user.dir);
    expect(report.walk.steps.at(-1).text).toMatch(/my_layers\.py/);
    expect(runShownSnippet(report, user.dir)).toMatch(/ScaledDense/);
  }, 1_200_000);

  it("ScaledDense, Dense: the missing class first, then (with the user's code carried) the newer file; trial, copy and its load all use that code (exit 0)", () => {
    const user = userFolder("custom_first.keras");
    const { report } = runCli(user.dir, user.model);
    expect(report.history.map((link: { cause: string }) => link.cause)).toEqual(["custom-layer-missing"]);
    expect(report.diagnosis.cause).toBe("file-from-newer-keras");
    const home = report.walk.steps.find((s: { action: string | null }) => s.action === "bring-home").bringHome;
    expect(home, home.why).toMatchObject({ proven: true, route: "rebuild", path: join(user.dir, "custom_first.home.keras") });
    expect(report.exitCode).toBe(0);
    expectSameModel(home.path, user.model, user.dir);
    expect(runShownSnippet(report, user.dir)).toMatch(/ScaledDense/);
  }, 1_200_000);
});
