// Lambdas marshalled by real interpreters of several minors (pyenv) are read back by keras-fix's throwaway reader
// (src/python/lambda_read.py) and turned into uses, a verdict and, for the expression subset, the body. No Keras is
// needed: the code objects are what Keras stores (func_dump / `__lambda__` both keep marshal.dumps(code)).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readLambdas } from "../../src/core/lambda/read.js";

const pyenv = join(homedir(), ".pyenv", "versions");
const versions = existsSync(pyenv) ? readdirSync(pyenv).filter((v) => /^(2\.7|3\.(6|7|8|9|10|11|12|13))\.\d+$/.test(v)) : [];
const canaryDir = mkdtempSync(join(tmpdir(), "kf-lambda-canary-"));
const canary = join(canaryDir, "kf_canary_created");

// Each source is a lambda as a Keras user writes it; the reader must never run it (the hostile one would create
// the canary file).
const SOURCES = {
  arithmetic: "lambda x: x * 2.0 + 1",
  backendOp: "lambda x: tf.clip_by_value(x, 0.0, 1.0)",
  keywords: "lambda x, scale=3: K.expand_dims(x, axis=-1) * scale",
  slicing: "lambda x: -x[:, 0] ** 2",
  unsupported: "lambda x: [v for v in x]",
  hostile: `lambda x: x if x is not None else os.system("touch ${canary}")`,
  sneaky: "lambda x: ().__class__.__bases__[0].__subclasses__()",
  importing: "lambda x: __import__('subprocess').run(['true'])",
};

function marshalled(python: string): string[] {
  const script = [
    "import base64, json, marshal, sys",
    `sources = json.loads(sys.argv[1])`,
    // compile() of the source text, never a call of the lambda.
    "codes = [[c for c in compile(s, '<fixture>', 'eval').co_consts if hasattr(c, 'co_code')][0] for s in sources]",
    "print(json.dumps([base64.b64encode(marshal.dumps(c)).decode() for c in codes]))",
  ].join("\n");
  const run = spawnSync(python, ["-c", script, JSON.stringify(Object.values(SOURCES))], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

describe("reading Lambda bytecode without running it", () => {
  it("has interpreters of several minors to check against", () => {
    expect(versions.length).toBeGreaterThanOrEqual(5);
  });

  for (const version of versions) {
    it(`reads lambdas written by Python ${version} with a Python of that minor`, async () => {
      const codes = marshalled(join(pyenv, version, "bin", "python"));
      const names = Object.keys(SOURCES);
      const reports = await readLambdas(codes.map((code, i) => ({ layerName: names[i], code, arguments: {} })), null);
      const by = Object.fromEntries(reports.map((r) => [r.layerName, r]));
      const minor = version.split(".").slice(0, 2).join(".");
      // 3.8-3.10 share opcodes for expressions, so any of them reads the family; 3.11, 3.12 and 3.13 differ.
      const exact = ["3.11", "3.12", "3.13"].includes(minor) ? minor.replace(".", "\\.") : "3\\.(8|9|10)";
      for (const report of reports) expect(report.python ?? report.error ?? "").toMatch(new RegExp(`^(${minor.replace(".", "\\.")}|${exact})\\.`));

      expect(by.arithmetic.expression).toBe("(x * 2.0) + 1");
      expect(by.arithmetic.verdict).toBe("tensor-maths");
      expect(by.backendOp.expression).toBe("tf.clip_by_value(x, 0.0, 1.0)");
      expect(by.backendOp.uses).toEqual(["tf.clip_by_value"]);
      expect(by.backendOp.verdict).toBe("tensor-maths");
      expect(by.keywords.expression).toBe("K.expand_dims(x, axis=-1) * scale");
      expect(by.keywords.args).toEqual(["x", "scale"]);
      expect(by.slicing.expression).toBe("-(x[:, 0] ** 2)");

      expect(by.unsupported.expression).toBeNull();
      expect(by.unsupported.unsupported).toBeTruthy();

      expect(by.hostile.verdict).toBe("dangerous");
      expect(by.hostile.uses).toContain("os.system");
      expect(by.hostile.constants).toContain(JSON.stringify(`touch ${canary}`).replace(/"/g, "'"));
      expect(by.hostile.expression).toBeNull();
      expect(by.sneaky.verdict).toBe("dangerous");
      expect(by.importing.verdict).toBe("dangerous");
      expect(existsSync(canary)).toBe(false);
    });
  }

  it("mutated bytecode always ends in a report (an error or a reading), never a throw or a hang", async () => {
    const [valid] = marshalled(join(pyenv, versions.find((v) => v.startsWith("3.11."))!, "bin", "python"));
    const bytes = Buffer.from(valid, "base64");
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const mutants = Array.from({ length: 40 }, (_, i) => {
      const copy = Buffer.from(bytes);
      for (let n = 0; n < 1 + (i % 4); n++) copy[1 + Math.floor(random() * (copy.length - 1))] = Math.floor(random() * 256);
      return { layerName: `m${i}`, code: copy.toString("base64"), arguments: {} };
    });
    const reports = await readLambdas(mutants, null);
    expect(reports).toHaveLength(40);
    for (const report of reports) expect(report.error !== null || report.python !== null).toBe(true);
  }, 120_000);

  it("says which bare Python to install when none of the writer's minor is here", async () => {
    const [code] = marshalled(join(pyenv, versions.find((v) => v.startsWith("2.7."))!, "bin", "python"));
    const saved = { PATH: process.env.PATH, PYENV_ROOT: process.env.PYENV_ROOT };
    process.env.PATH = "/usr/bin:/bin";
    process.env.PYENV_ROOT = mkdtempSync(join(tmpdir(), "kf-no-pyenv-"));
    try {
      const [report] = await readLambdas([{ layerName: "old", code, arguments: {} }], null);
      expect(report.python).toBeNull();
      expect(report.error).toBe("no Python 2.7 found on this machine (pyenv, PATH or yours) to read it; a bare one will do (for example: pyenv install 2.7)");
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.PYENV_ROOT === undefined) delete process.env.PYENV_ROOT;
      else process.env.PYENV_ROOT = saved.PYENV_ROOT;
    }
  });

  it("reports data that is not a code object, and garbage, without failing", async () => {
    const notCode = Buffer.from([0xe3, ...Buffer.from("garbage that is not marshal data at all")]).toString("base64");
    const reports = await readLambdas(
      [
        { layerName: "garbage", code: notCode, arguments: {} },
        { layerName: "text", code: Buffer.from("hello world, not bytecode").toString("base64"), arguments: {} },
      ],
      null,
    );
    for (const report of reports) {
      expect(report.error).toBeTruthy();
      expect(report.expression).toBeNull();
      expect(report.verdict).toBe("caution");
    }
  });
});
