// `keras-fix check`'s workers, with real Keras (keras3): no Python when the files settle everything; --jobs workers
// in parallel with results in the models' order; and a warm worker whose verdicts equal a fresh Python's per model,
// even after one model's custom code changed Keras' global state (registry, floatx, dtype policy).
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { writeUnsafeFiles } from "../safety/unsafe-files.js";
import { defaultJobs } from "../../src/engine/check/run.js";

function place(dir: string, from: string, to: string): void {
  mkdirSync(join(dir, to, ".."), { recursive: true });
  cpSync(join(modelsDir, from), join(dir, to), { recursive: true });
}

/** An interpreter that notes each start in `log`, then is the keras3 env's Python. */
function recordingPython(dir: string, log: string): string {
  const path = join(dir, "python-recording");
  writeFileSync(path, `#!/bin/sh\necho "$$" >> '${log}'\nexec '${pythonFor("keras3")}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

const lines = (text: string) => text.split("\n").filter(Boolean);

describe("keras-fix check starts no Python when every file settles the question", () => {
  it("an LFS pointer, a weights-only file and a dangerous file: verdicts from the files, no interpreter run", () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-nopython-"));
    const scratch = mkdtempSync(join(tmpdir(), "keras-fix-check-nopython-scratch-"));
    place(repo, "bad/lfs_pointer.h5", "lfs.h5");
    place(repo, "keras3/weights_only.weights.h5", "model.weights.h5");
    const unsafe = writeUnsafeFiles(join(scratch, "unsafe"), join(scratch, "canaries")).find((f) => f.label === "config-subprocess-run")!;
    copyFileSync(unsafe.path, join(repo, "danger.keras"));
    const log = join(scratch, "starts.log");
    const run = runCli(["check", "--python", recordingPython(scratch, log), "--format", "json"], { cwd: repo });
    expect(run.status, run.stderr).toBe(1);
    const doc = jsonOf(run);
    expect(doc.results.map((r: any) => [r.path, r.status, r.cause])).toEqual([
      ["danger.keras", "dangerous", "unsafe-model-file"],
      ["lfs.h5", "fails", "git-lfs-pointer"],
      ["model.weights.h5", "fails", "weights-only-file"],
    ]);
    expect(doc.run).toMatchObject({ workersStarted: 0, kerasImports: 0 });
    expect(doc.environments[0]).toMatch(/not started/);
    expect(existsSync(log), "the interpreter was started").toBe(false);
  });
});

// ScaledDense's code changes Keras' global state, then refuses to be built; the next ScaledDense model notes what it
// finds. MainScaler is not defined here: a fresh Python cannot load custom_layer_main.keras, a worker that kept the
// registration made by ScaledDense would.
const LEAKY_OBJECTS = `import json, os
import keras

class Doubler(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return dict(super().get_config(), factor=self.factor)

class ScaledDense:
    @classmethod
    def from_config(cls, config):
        with open(os.environ["CHECK_STATE_LOG"], "a") as log:
            log.write(json.dumps({
                "floatx": keras.config.floatx(),
                "policy": keras.config.dtype_policy().name,
                "mainScalerRegistered": "MainScaler" in keras.saving.get_custom_objects(),
            }) + "\\n")
        keras.config.set_floatx("float16")
        keras.config.set_dtype_policy("mixed_float16")
        keras.saving.get_custom_objects()["MainScaler"] = Doubler
        raise ValueError("this ScaledDense changed Keras' global state and refuses to be built")
`;

describe("keras-fix check: warm workers give the verdicts of a fresh Python per model (keras3)", () => {
  let repo: string;
  let scratch: string;
  let objects: string;
  let warmLines: string[];
  let warmState: string[];
  const models = [
    ["keras3/custom_layer_unregistered.keras", "a/custom_layer_unregistered.keras"],
    ["keras3/custom_layer_main.keras", "b/custom_layer_main.keras"],
    ["keras3/custom_layer_unregistered.keras", "c/custom_layer_unregistered.keras"],
    ["keras3/sequential.keras", "d/sequential.keras"],
    ["keras3/functional_nested.h5", "d/functional_nested.h5"],
    ["keras3/custom_layer_no_kwargs.keras", "e/custom_layer_no_kwargs.keras"],
    ["keras3/registered_renamed.keras", "e/registered_renamed.keras"],
    ["keras3/custom_layer_incomplete_config.keras", "e/custom_layer_incomplete_config.keras"],
  ];
  const check = (args: string[], stateLog: string) =>
    runCli(["check", ...args, "--python", pythonFor("keras3"), "--custom-objects", objects, "--format", "jsonl"], { cwd: repo, env: { CHECK_STATE_LOG: stateLog }, timeoutMs: 400_000 });

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "keras-fix-check-warm-"));
    scratch = mkdtempSync(join(tmpdir(), "keras-fix-check-warm-scratch-"));
    for (const [from, to] of models) place(repo, from, to);
    objects = join(scratch, "objects.py");
    writeFileSync(objects, LEAKY_OBJECTS);
    const log = join(scratch, "warm-state.log");
    const warm = check(["--jobs", "1"], log);
    expect(warm.status, warm.stderr).toBe(1);
    warmLines = lines(warm.stdout);
    warmState = lines(readFileSync(log, "utf8"));
  }, 420_000);

  it("one worker, after a model whose code changed the registry, floatx and the dtype policy, sees them as new", () => {
    expect(warmLines.map((line) => JSON.parse(line).path)).toEqual(models.map(([, to]) => to).sort());
    expect(warmState).toHaveLength(2);
    for (const seen of warmState) expect(JSON.parse(seen)).toEqual({ floatx: "float32", policy: "float32", mainScalerRegistered: false });
    expect(JSON.parse(warmLines[1])).toMatchObject({ path: "b/custom_layer_main.keras", status: "fails", cause: "custom-layer-missing", culprit: "MainScaler" });
  });

  it("every verdict equals the one a fresh keras-fix (a new Python) gives for that model alone", () => {
    const fresh = models
      .map(([, to]) => to)
      .sort()
      .flatMap((path) => {
        const run = check([path], join(scratch, "fresh-state.log"));
        expect(run.status === 0 || run.status === 1, run.stderr).toBe(true);
        return lines(run.stdout);
      });
    expect(warmLines).toEqual(fresh);
  }, 1_200_000);

  it("--jobs 2: two workers at once, the same lines in the same order", () => {
    const log = join(scratch, "jobs2-state.log");
    const run = runCli(["check", "--jobs", "2", "--python", pythonFor("keras3"), "--custom-objects", objects, "--format", "json"], {
      cwd: repo,
      env: { CHECK_STATE_LOG: log },
      timeoutMs: 400_000,
    });
    expect(run.status, run.stderr).toBe(1);
    const doc = jsonOf(run);
    expect(doc.run.workersStarted).toBe(2);
    const results = doc.results.map(({ seconds: _seconds, ...result }: Record<string, unknown>) => JSON.stringify(result));
    expect(results).toEqual(warmLines);
  });
});

describe("keras-fix check --jobs", () => {
  it("a bad --jobs is a usage error; the default is one worker per core, as the free memory allows", () => {
    const run = runCli(["check", "--jobs", "0"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--jobs 0: expected a whole number of workers, 1 or more/);
    const gib = 1024 ** 3;
    expect(defaultJobs(8, 64 * gib)).toBe(8);
    expect(defaultJobs(8, 3 * gib)).toBe(2);
    expect(defaultJobs(2, 0.5 * gib)).toBe(1);
  });
});
