// Issue 25: Lambda .h5 files whose bytecode a Python of Keras 1/2.0's era marshalled (fixtures/models/old-lambdas,
// saved by real Keras 2.0.8 and 1.2.2 on Python 2.7 and by TF 1.15's tf.keras on Python 3.6), loaded in TF 2.15 on
// Python 3.11 (env keras2). Even with safe mode off that Python cannot read them, so the diagnosis is
// lambda-python-mismatch naming both Pythons, never lambda-safe-mode's typed yes; the Lambdas are read by a Python
// of the writer's minor (pyenv) and the rebuild proves every weight where Keras 2 can build the layers.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";
import { runCli, sha256 } from "../integration/custom-objects-helpers.js";

const dir = join(modelsDir, "old-lambdas");
const manifest = JSON.parse(readFileSync(join(dir, "MANIFEST.json"), "utf8")) as { files: { file: string; madeBy: { python: string; keras: string } }[] };

// What each writer's bytecode reads as, and what the plain load in TF 2.15 / Python 3.11 raises.
const WRITERS: Record<string, { range: string; reader: RegExp; plain: RegExp; proven: boolean }> = {
  "lambda_keras208_py27.h5": { range: "2.7", reader: /^2\.7\./, plain: /^ValueError: bad marshal data/, proven: true },
  // Keras 1's Dense config (output_dim, init) does not build in Keras 2: the rebuild stays unproven.
  "lambda_keras122_py27.h5": { range: "2.7", reader: /^2\.7\./, plain: /^ValueError: bad marshal data/, proven: false },
  "lambda_tfkeras115_py36.h5": { range: "3.6 or 3.7", reader: /^3\.6\./, plain: /^EOFError: EOF read where object expected/, proven: true },
};

/** The parts of the --auto --json document these tests read. */
interface AutoJson {
  env: { python: { version: string } };
  summary: string;
  diagnosis: { cause: string; culprit: string; confidence: number; alternatives: { cause: string; confidence: number }[] };
  walk: { outcome: string; steps: { id: string; ok?: boolean; result: string; lambdas?: { python: string; expression: string; verdict: string }[] }[] };
}

describe("Lambdas saved by an old Python, loaded by Python 3.11", () => {
  it("the set holds the three writers, saved by Python 2.7 and 3.6", () => {
    expect(manifest.files.map((f) => f.file).sort()).toEqual(Object.keys(WRITERS).sort());
    for (const f of manifest.files) expect(f.madeBy.python).toMatch(f.file.includes("py27") ? /^2\.7\./ : /^3\.6\./);
  });

  it("TF 2.15 cannot read their bytecode even with safe mode off (the user's yes would not help)", () => {
    const script = [
      "import json, sys, keras",
      "out = {}",
      "for p in sys.argv[1:]:",
      "    try:",
      "        keras.models.load_model(p, safe_mode=False); out[p] = 'loaded'",
      "    except Exception as e:",
      "        out[p] = '%s: %s' % (type(e).__name__, e)",
      "print(json.dumps(out))",
    ].join("\n");
    const files = Object.keys(WRITERS).map((f) => join(dir, f));
    const run = spawnSync(pythonFor("keras2"), ["-c", script, ...files], { encoding: "utf8", cwd: repoRoot, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" }, timeout: 170_000 });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const results = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as Record<string, string>;
    for (const [file, writer] of Object.entries(WRITERS)) expect(results[join(dir, file)], file).toMatch(writer.plain);
  }, 180_000);

  for (const [file, writer] of Object.entries(WRITERS)) {
    it(`${file}: lambda-python-mismatch naming Python 3.11 and ${writer.range}, read by ${writer.reader.source}`, () => {
      const path = join(dir, file);
      const before = sha256(path);
      const json = runCli("keras2", pythonFor("keras2"), [path]).json as unknown as AutoJson;
      expect(json.env.python.version).toMatch(/^3\.11\./);
      expect(json.diagnosis.cause).toBe("lambda-python-mismatch");
      expect(json.diagnosis.culprit).toBe(`Lambda double_plus_one, clip (written by Python ${writer.range})`);
      expect(json.summary).toContain(`cannot be read by Python \`${json.env.python.version}\``);
      expect(json.summary).toContain(`written by Python \`${writer.range}\``);
      for (const alternative of json.diagnosis.alternatives) expect(alternative.confidence).toBeLessThan(json.diagnosis.confidence);
      // No consent was offered for code this Python cannot run.
      const steps = json.walk.steps;
      expect(steps.map((s) => s.id)).not.toContain("verify-unsafe");
      const read = steps.find((s) => s.id === "read-lambdas")!;
      expect(read.lambdas!.map((l) => l.expression)).toEqual(["(x * 2.0) + 1.0", "K.clip(x, 0.0, 1.0)"]);
      for (const lambda of read.lambdas!) {
        expect(lambda.python).toMatch(writer.reader);
        expect(lambda.verdict).toBe("tensor-maths");
      }
      const rebuild = steps.find((s) => s.id === "rebuild")!;
      expect(rebuild.ok).toBe(writer.proven);
      expect(rebuild.result.includes("The config is Keras 1's"), rebuild.result).toBe(file.includes("keras122"));
      expect(json.walk.outcome).toBe(writer.proven ? "fixed" : "not-fixed");
      expect(sha256(path)).toBe(before);
    }, 180_000);
  }

  it("inspect names each Lambda's writer", () => {
    for (const [file, writer] of Object.entries(WRITERS)) {
      const run = spawnSync(process.execPath, [cliPath, "inspect", join(dir, file)], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Lambda double_plus_one [python lambda, marshalled bytecode written by Python ${writer.range}]`);
      expect(run.stdout).toContain(`Lambda clip [python lambda, marshalled bytecode written by Python ${writer.range}]`);
    }
  }, 60_000);
});
