// lambda-python-mismatch: the marshal failures from func_load in every form, and the writer's Python read from the
// stored bytecode (or the file's Keras version when the bytecode is not at hand).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { facts } from "../catalogue/facts.js";
import { autoWalk, baseFor, causeOf, failed, plainWalk, walkWith } from "../catalogue/walk.js";
import { fixturesDir, modelsDir, pythonFor } from "../helpers/envs.js";

// Marshalled by Python 3.11 (the Lambda of fixtures/models/keras3/lambda_layer.keras), whole: Keras' base64 codec
// breaks lines every 76 characters, and the layout reader places only a complete code object.
const PY311 = [
  "4wEAAAAAAAAAAAAAAAIAAAATAAAA8wwAAACXAHwAZAF6BQAAUwApAk7nAAAAAAAAAECpACkB2gF4",
  "cwEAAAAg+iovd29yay9tYWluL3NjcmlwdHMvZml4dHVyZXMvbWFrZV9rZXJhczMucHn6CDxsYW1i",
  "ZGE++h5tYWtlX2xhbWJkYXMuPGxvY2Fscz4uPGxhbWJkYT7cAAAAcwoAAACAALBRuBOxV4AA8wAA",
  "AAA=",
  "",
].join("\n");
const captured = readFileSync(join(fixturesDir, "tracebacks", "lambda-python-mismatch", "keras-2.3.1--lambda-from-python-3.11.txt"), "utf8");

describe("lambda-python-mismatch", () => {
  it("names the writer's Python from the stored bytecode for the real Python 3.7 failure", async () => {
    const known = facts({
      file: { kerasVersion: "2.15.0", lambdas: [{ layerName: "lambda", functionType: "lambda", functionName: null, hasBytecode: true, module: null }], details: { lambdaBytecode: [PY311] } },
      env: { python: { path: "python3.7", version: "3.7.16", source: "path" } },
    });
    const base = baseFor(known, captured);
    expect(base.diagnosis).toMatchObject({ cause: "lambda-python-mismatch", culprit: "Lambda lambda (written by Python 3.11 or 3.12)" });
    // --auto takes the rebuild (the only road that works in this Python); an unproven rebuild ends not-fixed.
    const walk = await autoWalk(causeOf("lambda-python-mismatch"), base);
    expect(walk.steps.map((s) => s.request?.kind).filter(Boolean)).toEqual(["read-lambdas", "rebuild-model"]);
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).toContain("Python that saved it");
    // The other road names the saving Python.
    const other = walkWith(causeOf("lambda-python-mismatch"), base, { choose: "saving-python" }, { "read-lambdas": failed });
    expect(other.state.outcome).toBe("not-fixed");
    expect(other.text).toContain("python3.11 -m venv");
  });

  it("falls back to the Pythons the file's Keras supported; a SystemError counts unless its frames load nothing", () => {
    const base = baseFor(facts({ file: { kerasVersion: "2.15.0" } }), "ValueError: bad marshal data (unknown type code)");
    expect(base.diagnosis.cause).toBe("lambda-python-mismatch");
    expect(plainWalkSummary(base)).toContain("3.9 to 3.11");
    // Issue 9 §8: every way another Python's bytecode fails is this cause, a bare last line included.
    expect(baseFor(facts(), "SystemError: unknown opcode").diagnosis.cause).toBe("lambda-python-mismatch");
    const ownCode = 'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    run()\nSystemError: unknown opcode';
    expect(baseFor(facts(), ownCode).diagnosis.cause).not.toBe("lambda-python-mismatch");
  });
});

/** The first Lambda's code string exactly as the file's config stores it (h5py reads it; nothing unmarshals it). */
function storedCode(file: string): string {
  const script = "import h5py, json, sys\nc = json.loads(h5py.File(sys.argv[1], 'r').attrs['model_config'])\nl = c['config']\nl = l['layers'] if isinstance(l, dict) else l\nprint(json.dumps(l[0]['config']['function'][0]))";
  const run = spawnSync(pythonFor("keras2"), ["-c", script, join(modelsDir, "old-lambdas", file)], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string;
}

describe("lambda-python-mismatch for Keras 1/2.0 files (issue 25)", () => {
  const refused = "Traceback (most recent call last):\n  File \"/k/keras_probe.py\", line 539, in func_load\nkeras_fix.KerasFixRefusedLambda: keras-fix refused to run the Python bytecode stored for Lambda layer 'double_plus_one' before it ran: loading it would execute code from the model file on this machine.";
  const lambdas = [{ layerName: "double_plus_one", functionType: "lambda" as const, functionName: null, hasBytecode: true, module: null }];

  it("keras-fix's refusal of Python 2.7's raw marshal string (Keras 2.0.8) is the mismatch, with the route in a 2.7 virtualenv", () => {
    const code = storedCode("lambda_keras208_py27.h5");
    // Keras 2.0 stored marshal.dumps(code).decode('raw_unicode_escape'): not base64.
    expect(code.charCodeAt(0)).toBe(0x63);
    const known = facts({
      file: { kerasVersion: "2.0.8", backend: "theano", lambdas, details: { lambdaBytecode: [code] } },
      env: { python: { path: "python3.11", version: "3.11.7", source: "flag" } },
    });
    const base = baseFor(known, refused);
    expect(base.diagnosis.cause).toBe("lambda-python-mismatch");
    expect(base.diagnosis.alternatives.map((a) => a.cause)).toContain("lambda-safe-mode");
    expect(plainWalkSummary(base)).toMatch(/3\.11\.7.*written by Python .*2\.7/);
    const other = walkWith(causeOf("lambda-python-mismatch"), base, { choose: "saving-python" }, { "read-lambdas": failed });
    expect(other.text).toContain("virtualenv -p python2.7 venv-2.7 && venv-2.7/bin/pip install keras==2.0.8 theano");
  });

  it("the refusal in the writer's own minor stays lambda-safe-mode's (the user's yes would work there)", () => {
    const code = storedCode("lambda_tfkeras115_py36.h5");
    const same = facts({
      file: { kerasVersion: "2.2.4-tf", lambdas, details: { lambdaBytecode: [code] } },
      env: { python: { path: "python3.6", version: "3.6.15", source: "flag" }, packages: { tensorflow: "1.15.5" }, loader: "tf.keras" },
    });
    expect(baseFor(same, refused).diagnosis.cause).toBe("lambda-safe-mode");
  });

  it("without the bytecode at hand, a Keras 1 or 2.0 file's era names Python 2.7 among its writers", () => {
    for (const [keras, range] of [["1.2.2", "2.7 or 3.4 to 3.6"], ["2.0.8", "2.7 or 3.5 to 3.8"]]) {
      const base = baseFor(facts({ file: { kerasVersion: keras } }), "ValueError: bad marshal data (unknown type code)");
      expect(base.diagnosis.cause).toBe("lambda-python-mismatch");
      expect(plainWalkSummary(base)).toContain(range);
    }
  });

  it("TF 1.15's base64 code from Python 3.6 names 3.6 or 3.7 and tf.keras' TensorFlow", () => {
    const code = storedCode("lambda_tfkeras115_py36.h5");
    const known = facts({
      file: { kerasVersion: "2.2.4-tf", tensorflowVersion: "1.15.5", lambdas, details: { lambdaBytecode: [code] } },
      env: { python: { path: "python3.11", version: "3.11.7", source: "flag" } },
    });
    const base = baseFor(known, refused);
    expect(base.diagnosis).toMatchObject({ cause: "lambda-python-mismatch", culprit: "Lambda double_plus_one (written by Python 3.6 or 3.7)" });
    const other = walkWith(causeOf("lambda-python-mismatch"), base, { choose: "saving-python" }, { "read-lambdas": failed });
    expect(other.text).toContain("python3.6 -m venv venv-3.6 && venv-3.6/bin/pip install tensorflow==1.15.5");
  });
});

function plainWalkSummary(base: ReturnType<typeof baseFor>): string {
  return JSON.stringify(causeOf("lambda-python-mismatch").summary({ ...base, results: {}, inputs: {} }));
}
