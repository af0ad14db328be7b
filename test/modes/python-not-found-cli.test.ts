// `--python` that points at nothing (issue 9 §4): the run is an environment error (exit 2) that still carries its
// diagnosis, python-not-found, naming the path given, in the JSON and in the plain report. No Python runs here.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, scratchDir } from "../helpers/envs.js";

const model = join(modelsDir, "keras3", "functional_nested.keras");
const nowhere = join(scratchDir(), "no-such-venv", "bin", "python");

describe("--python pointing at nothing", () => {
  it("--json: diagnosis python-not-found with the path as culprit, exit 2", () => {
    const run = runCli([model, "--auto", "--json", "--python", nowhere]);
    const report = jsonOf(run);
    expect(run.status).toBe(2);
    expect(report).toMatchObject({ outcome: "error", exitCode: 2, diagnosis: { cause: "python-not-found", culprit: nowhere } });
    expect(report.diagnosis.evidence.join(" ")).toContain(`--python ${nowhere} is not an executable file`);
  });

  it("a folder is not an interpreter either; the plain report names the cause", () => {
    const run = runCli([model, "--auto", "--python", scratchDir()]);
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/No Python interpreter was found\s+\[python-not-found/);
  });
});
