// The bytecode hint is checked against lambdas marshalled by real interpreters of every minor installed here
// (pyenv 2.7 and 3.6-3.13) and against the Lambda in a fixture saved by Python 3.11.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bytecodeHint } from "../../src/core/fixes/marshal-hint.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";

const pyenv = join(homedir(), ".pyenv", "versions");
const interpreters = existsSync(pyenv) ? readdirSync(pyenv).filter((v) => /^\d+\.\d+\.\d+$/.test(v)) : [];

function marshalled(python: string): string {
  const run = spawnSync(python, ["-c", "import marshal, base64; print(base64.b64encode(marshal.dumps((lambda x: x * 2.0).__code__)).decode())"], { encoding: "utf8" });
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

describe("bytecodeHint", () => {
  it("has interpreters of several minors to check against", () => {
    expect(interpreters.length).toBeGreaterThanOrEqual(5);
  });

  for (const version of interpreters) {
    it(`places a lambda marshalled by Python ${version} in its own range`, () => {
      const minor = version.split(".").slice(0, 2).join(".");
      const hint = bytecodeHint(marshalled(join(pyenv, version, "bin", "python")));
      expect(hint).not.toBeNull();
      expect(hint!.minors).toContain(minor);
    });
  }

  for (const line of ["keras3", "keras2"]) {
    it(`reads the Lambda of fixtures/models/${line}/lambda_layer.h5 (saved by Python 3.11) as 3.11 or 3.12`, () => {
      // Keras 3 stores {"class_name": "__lambda__", "config": {"code": ...}}, Keras 2 a [code, defaults, closure] list.
      const script = [
        "import h5py, json, sys",
        "c = json.loads(h5py.File(sys.argv[1], 'r').attrs['model_config'])",
        "f = [l for l in c['config']['layers'] if l['class_name'] == 'Lambda'][0]['config']['function']",
        "print(f['config']['code'] if isinstance(f, dict) else f[0])",
      ].join("\n");
      const read = spawnSync(pythonFor("keras3"), ["-c", script, join(modelsDir, line, "lambda_layer.h5")], { encoding: "utf8" });
      expect(read.status).toBe(0);
      expect(bytecodeHint(read.stdout.trim())).toEqual({ range: "3.11 or 3.12", minors: ["3.11", "3.12"] });
    });
  }

  it("says nothing about text that is not a marshalled code object", () => {
    expect(bytecodeHint("bm90IGNvZGUgYXQgYWxs")).toBeNull();
    expect(bytecodeHint("")).toBeNull();
  });
});
