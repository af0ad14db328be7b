// lambda-python-mismatch: the marshal failures from func_load in every form, and the writer's Python read from the
// stored bytecode (or the file's Keras version when the bytecode is not at hand).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { facts } from "../catalogue/facts.js";
import { autoWalk, baseFor, causeOf, failed, plainWalk, walkWith } from "../catalogue/walk.js";
import { fixturesDir } from "../helpers/envs.js";

// Marshalled by Python 3.11 (the Lambda of fixtures/models/keras3/lambda_layer.keras).
const PY311 = "4wEAAAAAAAAAAAAAAAIAAAATAAAA8wwAAACXAHwAZAF6BQAAUwApAk7nAAAAAAAAAECpACkB2gF4";
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

function plainWalkSummary(base: ReturnType<typeof baseFor>): string {
  return JSON.stringify(causeOf("lambda-python-mismatch").summary({ ...base, results: {}, inputs: {} }));
}
