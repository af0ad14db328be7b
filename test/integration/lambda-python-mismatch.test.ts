// lambda-python-mismatch for real: Python 3.7 (TF 2.1 tf.keras and Keras 2.3.1) cannot read the Lambda bytecode
// Python 3.11 wrote into fixtures/models/keras2/lambda_layer.h5. load_model there stops earlier (h5py 3 strings), so
// the config is deserialized directly; Keras 3.5 on Python 3.12 happens to run this 3.11 lambda (checked too).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { cliPath, envVarsFor, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { causeOf, failed, walkWith } from "../catalogue/walk.js";

const model = join(modelsDir, "keras2", "lambda_layer.h5");
const FROM_CONFIG = [
  "import json, sys, h5py",
  "cfg = json.loads(h5py.File(sys.argv[2], 'r').attrs['model_config'])",
  "for layer in cfg['config']['layers']:",
  "    layer['config'].pop('ragged', None)  # Keras 2.15 InputLayer key these 2019 loaders reject",
  "keras = __import__('keras') if sys.argv[1] == 'mb' else __import__('tensorflow').keras",
  "keras.models.model_from_json(json.dumps(cfg))",
].join("\n");

describe("lambda-python-mismatch (real Python 3.7 reading 3.11 bytecode)", () => {
  for (const which of ["mb", "tf"]) {
    it(`${which === "mb" ? "Keras 2.3.1" : "TF 2.1 tf.keras"}: func_load fails and the failure is this cause`, () => {
      const run = spawnSync(pythonFor("tf21-py37"), ["-c", FROM_CONFIG, which, model], { encoding: "utf8" });
      expect(run.status).not.toBe(0);
      const diagnosis = classify(parseTraceback(run.stderr), { file: null, env: null, load: null }, causes);
      expect(diagnosis.cause).toBe("lambda-python-mismatch");
    });
  }

  it("Keras 3.5 on Python 3.12 loads and runs this Python 3.11 lambda (3.11 and 3.12 share the layout)", () => {
    const run = spawnSync(
      pythonFor("keras35-py312"),
      ["-c", `import keras, numpy as np; m = keras.models.load_model(${JSON.stringify(model)}); print(m.predict(np.ones((1, 4)), verbose=0).shape)`],
      { encoding: "utf8", env: { ...process.env, ...envVarsFor("keras35-py312") } },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("(1, 2)");
  });

  it("through the CLI, a Lambda saved on Python 3.7 and read here by a 3.6 names both: the writer's range from the bytecode's layout and the reader (issue 21)", () => {
    const dir = scratchDir();
    const run = spawnSync(process.execPath, [cliPath, join(modelsDir, "tf21", "lambda_layer_py37.h5"), "--auto", "--json", "--python", pythonFor("keras2")], {
      cwd: dir,
      encoding: "utf8",
      timeout: 600_000,
    });
    const report = JSON.parse(run.stdout);
    expect(report.diagnosis.cause).toBe("lambda-python-mismatch");
    const read = report.walk.steps.find((step: { action: string | null }) => step.action === "read-lambdas");
    // The family 3.6-3.7 shares one layout; the first Python of it found here (pyenv's 3.6) reads it.
    expect(read.result).toMatch(/Bytecode written by Python 3\.6 or 3\.7, as its layout shows; read here by Python 3\.6\.\d+\./);
    expect(read.result).not.toMatch(/read with Python/);
    expect(read.result).toContain("lambda x: x * 2.0");
  }, 600_000);

  // Issue 25 part 1: the other road, the writer's own Python with the saving Keras. The route keras-fix shows for TF
  // 1.15's Python 3.6 Lambda is checked against tf115-py36 (Python 3.6, tensorflow 1.15.5, h5py 2.10): every pin the
  // route names holds there, and a plain load there (the Lambda's code runs, as the user's yes allows) gives the
  // Lambda's outputs. The same file through h5py 3 (tf21-py37) fails before any Lambda, which is why the route pins
  // h5py below 3.
  it("the writer's-Python route for a Python 3.6 Lambda names pins that a real Python 3.6 env satisfies, and the load there works", async () => {
    const file = join(modelsDir, "old-lambdas", "lambda_tfkeras115_py36.h5");
    const session = createDiagnoseSession({ modelPath: file, python: pythonFor("keras2"), timeoutSeconds: 300, outputDir: scratchDir() });
    let route: string;
    try {
      const result = await session.diagnose(() => undefined);
      expect(result.diagnosis?.cause).toBe("lambda-python-mismatch");
      const base = { file: result.file, env: result.env, load: result.load, diagnosis: result.diagnosis!, modelPath: file };
      const walk = walkWith(causeOf("lambda-python-mismatch"), base, { choose: "saving-python" }, { "read-lambdas": failed });
      route = /python3\.\d+ -m venv \S+ && \S+\/bin\/pip install [^\n`]+/.exec(walk.text)?.[0] ?? "";
    } finally {
      await session.close();
    }
    // TF 1.x .h5 files record no TensorFlow version: the route names the releases whose tf.keras wrote "2.2.4-tf".
    expect(route).toBe('python3.6 -m venv venv-3.6 && venv-3.6/bin/pip install "tensorflow>=1.13,<2.2" "h5py<3"');
    const env = spawnSync(pythonFor("tf115-py36"), ["-c", "import sys, tensorflow, h5py; print('%d.%d' % sys.version_info[:2], tensorflow.__version__, h5py.__version__)"], { encoding: "utf8", timeout: 300_000 });
    const [minor, tensorflow, h5py] = env.stdout.trim().split("\n").at(-1)!.split(" ");
    expect(minor).toBe("3.6");
    expect(tensorflow).toMatch(/^(1\.1[3-5]|2\.[01])\./);
    expect(Number(h5py.split(".")[0])).toBeLessThan(3);
    const LOAD = "import sys, numpy as np, tensorflow as tf\nm = tf.keras.models.load_model(sys.argv[1])\nx = np.linspace(-1, 1, int(np.prod(m.input_shape[1:]))).reshape((1,) + tuple(m.input_shape[1:])).astype('float32')\nprint('OUT', m.predict(x).shape, m.layers[0].__class__.__name__)";
    const writer = spawnSync(pythonFor("tf115-py36"), ["-c", LOAD, file], { encoding: "utf8", timeout: 300_000 });
    expect(writer.status, writer.stderr.slice(-2000)).toBe(0);
    expect(writer.stdout).toMatch(/OUT \(1, \d+\) Lambda/);
    const h5py3 = spawnSync(pythonFor("tf21-py37"), ["-c", LOAD, file], { encoding: "utf8", timeout: 300_000 });
    expect(h5py3.status).not.toBe(0);
    expect(h5py3.stderr).toMatch(/'str' object has no attribute 'decode'/);
  }, 900_000);
});
