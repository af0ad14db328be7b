// python-not-found: the diagnosis layer's pythonMissing flag, and pasted shell errors (one captured from a real
// bash with no python on PATH), lead to --python and a venv recipe built from the file's Keras version.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { autoWalk, baseFor, causeOf, plainWalk, walkWith } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("python-not-found");

describe("python-not-found", () => {
  it("is diagnosed from the pythonMissing flag and --auto points at --python", async () => {
    const base = baseFor({ ...facts({ file: { format: "keras-zip", path: "m.keras", kerasVersion: "3.4.1", kerasLine: "keras3" } }), pythonMissing: true }, null);
    expect(base.diagnosis.cause).toBe("python-not-found");
    const walk = await autoWalk(cause, base);
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).toContain("keras-fix --python /path/to/venv/bin/python");
    expect(walkWith(cause, base, { route: "make" }).text).toContain('python -m pip install "keras>=3.4" tensorflow');
  });

  it("reads a real bash 'command not found' for python", () => {
    const run = spawnSync("/bin/bash", ["-c", "python -c 'import keras'"], { encoding: "utf8", env: { PATH: "/nonexistent" } });
    expect(run.status).toBe(127);
    expect(baseFor(facts(), run.stderr).diagnosis).toMatchObject({ cause: "python-not-found", culprit: "python" });
  });

  it("reads zsh's and Windows' wording", () => {
    expect(baseFor(facts(), "zsh: command not found: python3").diagnosis.culprit).toBe("python3");
    expect(baseFor(facts(), "'py' is not recognized as an internal or external command,").diagnosis.culprit).toBe("py");
  });
});
