// Issue 23's dtype-policy case with a real Keras 3.3 (keras33-py312: Keras 3.3.3 on JAX) as the user's Keras: the
// newest Keras 3's .keras files, brought home through the real CLI. Measured here: Keras 3.3 (and 3.0.5, 3.1.1,
// 3.2.1, tried by hand) reads a dtype policy written as an object, so the float16 layer's policy stays as Keras 3.15
// wrote it; what Keras 3.3 reads only its own way is a model's single input or output ([[name, node, tensor]]) and
// Keras 3.15's `Orthogonal` (its own name is OrthogonalInitializer). Each copy is then loaded by a separate plain
// `load_model` in Keras 3.3 and its outputs compared with the original's in Keras 3.15.
// The trial environment (Keras 3.15 on JAX, Python 3.12) is the one test/integration/trial-env.test.ts builds.
import { spawnSync } from "node:child_process";
import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOAD_WITH_SEEDED_INPUTS } from "./bring-home-helpers.js";
import { jsonDocuments } from "../../src/engine/json-documents.js";
import { cliPath, envCache, envVarsFor, modelsDir, pythonFor, scratchDir, type EnvName } from "../helpers/envs.js";

const trialCache = join(envCache, "..", "trials");

function python(env: EnvName, script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(pythonFor(env), ["-c", script, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...envVarsFor(env), TF_CPP_MIN_LOG_LEVEL: "3" },
    timeout: 300_000,
  });
}

const resultOf = (run: { stdout: string }) => JSON.parse(run.stdout.split("\n").find((line) => line.startsWith("RESULT "))!.slice("RESULT ".length));

// The same seeded inputs in both envs (integer inputs for token ids), the outputs printed.
const PLAIN_LOAD = `${LOAD_WITH_SEEDED_INPUTS}outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
policies = dict((layer.name, layer.dtype_policy.name) for layer in model.layers if hasattr(layer, "dtype_policy"))
print("RESULT " + json.dumps({"outputs": np.asarray(outputs, dtype="float64").ravel().tolist(), "policies": policies,
                               "compiled": getattr(model, "optimizer", None) is not None, "keras": keras.__version__}))
`;

function bringIntoKeras33(file: string): { home: any; dir: string; copy: string; original: string } {
  const dir = scratchDir();
  const original = join(dir, file);
  copyFileSync(join(modelsDir, "bring-home", "keras3", file), original);
  const run = spawnSync(
    process.execPath,
    [cliPath, original, "--auto", "--json", "--try-versions", "--bring-home", "--python", pythonFor("keras33-py312")],
    { cwd: dir, encoding: "utf8", env: { ...process.env, ...envVarsFor("keras33-py312"), KERAS_FIX_TRIAL_CACHE: trialCache }, timeout: 900_000 },
  );
  expect(run.stderr).not.toMatch(/hit a bug/);
  const report = JSON.parse(run.stdout);
  expect(jsonDocuments.auto.safeParse(report).success).toBe(true);
  expect(report.diagnosis.cause).toBe("file-from-newer-keras");
  expect(report.exitCode).toBe(0);
  const home = report.walk.steps.find((s: { action: string | null }) => s.action === "bring-home").bringHome;
  expect(home, home.why).toMatchObject({ proven: true, route: "rebuild", compiled: true });
  expect(home.why).toMatch(/^Keras 3\.3\.3 loads the new file in safe mode/);
  const copy = join(dir, file.replace(/\.keras$/, ".home.keras"));
  expect(home.path).toBe(copy);
  expect(readdirSync(dir).sort()).toEqual([file.replace(/\.keras$/, ".home.keras"), file].sort());
  return { home, dir, copy, original };
}

/** The copy in Keras 3.3 and the original in Keras 3.15, each by a plain load: the same outputs within the proof's tolerance. */
function expectSameOutputs(copy: string, original: string, tolerance: number) {
  const here = python("keras33-py312", PLAIN_LOAD, [copy]);
  expect(here.status, here.stderr.slice(-2000)).toBe(0);
  const there = python("keras3", PLAIN_LOAD, [original]);
  expect(there.status, there.stderr.slice(-2000)).toBe(0);
  const [a, b] = [resultOf(here), resultOf(there)];
  expect(a.keras).toBe("3.3.3");
  expect(a.compiled).toBe(true);
  expect(a.outputs.length).toBe(b.outputs.length);
  expect(Math.max(...a.outputs.map((value: number, i: number) => Math.abs(value - b.outputs[i])))).toBeLessThanOrEqual(tolerance);
  return a;
}

describe("a Keras 3.15 .keras brought home into a real Keras 3.3", () => {
  it("a float16 layer (dtype policy objects), a nested Sequential, keras.ops, one input and one output: Keras 3.3 refuses the file, and the copy loads there with the float16 policy kept", () => {
    // The user's own load fails first: Keras 3.3 does not know Keras 3.15's initializer keys.
    const direct = python("keras33-py312", "import sys, keras; keras.models.load_model(sys.argv[1])", [join(modelsDir, "bring-home", "keras3", "images.keras")]);
    expect(direct.status).not.toBe(0);
    expect(direct.stderr).toMatch(/input_axes|quantization_config/);
    const { home, copy, original } = bringIntoKeras33("images.keras");
    expect(home.converted).toEqual(['Functional.input_layers → [["image",0,0]]', 'Functional.output_layers → [["head",0,0]]']);
    const loaded = expectSameOutputs(copy, original, home.tolerance);
    expect(loaded.policies).toMatchObject({ half: "float16", head: "float32" });
  }, 1_200_000);

  it("Embedding, LSTM, attention, GRU: Keras 3.15's Orthogonal becomes Keras 3.3's own OrthogonalInitializer, and the copy gives the original's outputs", () => {
    const { home, copy, original } = bringIntoKeras33("sequences.keras");
    expect(home.converted).toContain('Orthogonal → "OrthogonalInitializer"');
    expectSameOutputs(copy, original, home.tolerance);
  }, 1_200_000);
});
