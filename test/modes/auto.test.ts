// The --auto / --json front door end to end: real files, real Python, the exit-code table and the JSON shape.
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";

describe("keras-fix <model> --auto --json", () => {
  it("reports a model that loads with exit 0 and the environment it loaded in", () => {
    const run = runCli([join(modelsDir, "keras3", "sequential.keras"), "--auto", "--json", "--python", pythonFor("keras3")]);
    const doc = jsonOf(run);
    expect(run.status).toBe(0);
    expect(doc.outcome).toBe("loads");
    expect(doc.exitCode).toBe(0);
    expect(doc.load.ok).toBe(true);
    expect(doc.env.packages.keras).toBe("3.15.1");
    expect(doc.file.format).toBe("keras-zip");
    expect(doc.diagnosis).toBeNull();
  });

  it("diagnoses a Git LFS pointer from the file alone, without starting Python", () => {
    const run = runCli([join(modelsDir, "bad", "lfs_pointer.h5"), "--auto", "--json", "--python", "/nonexistent/python"]);
    const doc = jsonOf(run);
    expect(run.status).toBe(1);
    expect(doc.diagnosis.cause).toBe("git-lfs-pointer");
    expect(doc.env).toBeNull();
    expect(doc.load).toBeNull();
  });

  it("names a missing path as file-not-found with exit 1", () => {
    const run = runCli([join(tmpdir(), "no-such-model-here.h5"), "--auto", "--json"]);
    const doc = jsonOf(run);
    expect(doc.diagnosis.cause).toBe("file-not-found");
    expect(run.status).toBe(1);
  });

  it("says keras-not-installed for a Python without Keras", () => {
    const run = runCli([join(modelsDir, "keras3", "sequential.keras"), "--auto", "--json", "--python", pythonFor("bare")]);
    const doc = jsonOf(run);
    expect(doc.diagnosis.cause).toBe("keras-not-installed");
    expect(doc.env.packages.keras).toBeNull();
    expect(run.status).toBe(1);
  });

  it("refuses a --python that does not exist with exit 2 and a message, not a stack", () => {
    const run = runCli([join(modelsDir, "keras3", "sequential.keras"), "--auto", "--python", "/nonexistent/python3"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/nonexistent\/python3/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("without a terminal and without --auto, says it runs as --auto and never waits for a key", () => {
    const run = runCli([join(modelsDir, "keras3", "sequential.keras"), "--python", pythonFor("keras3")]);
    expect(run.stderr).toMatch(/running as --auto/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/loads/);
  });

  it("proves a fix given with --custom-objects and leaves the model's bytes alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "keras-fix-auto-"));
    const model = join(dir, "custom_layer_unregistered.keras");
    copyFileSync(join(modelsDir, "keras3", "custom_layer_unregistered.keras"), model);
    const before = readFileSync(model);
    const run = runCli(
      [model, "--auto", "--json", "--python", pythonFor("keras3"), "--custom-objects", join(modelsDir, "sources", "fixture_layers.py")],
      { cwd: dir },
    );
    const doc = jsonOf(run);
    expect(doc.diagnosis.cause).toBe("custom-layer-missing");
    expect(doc.walk.outcome).toBe("fixed");
    expect(doc.walk.fix.customObjects).toMatchObject({ ScaledDense: "ScaledDense" });
    expect(run.status).toBe(0);
    expect(readFileSync(model).equals(before)).toBe(true);
  });
});

describe("keras-fix explain", () => {
  it("classifies a traceback read from standard input", () => {
    const traceback = [
      "Traceback (most recent call last):",
      '  File "train.py", line 3, in <module>',
      "    model = keras.models.load_model('model.h5')",
      "ValueError: Unknown layer: 'AttentionBlock'. Please ensure you are using a `keras.utils.custom_object_scope` and that this object is included in the scope. See https://www.tensorflow.org/guide/keras/save_and_serialize#registering_the_custom_object for details.",
    ].join("\n");
    const run = runCli(["explain", "-", "--json"], { input: traceback });
    const doc = jsonOf(run);
    expect(doc.diagnosis.cause).toBe("custom-layer-missing");
    expect(doc.diagnosis.culprit).toMatch(/AttentionBlock/);
    expect(run.status).toBe(1);
  });

  it("says clearly that empty input is not a traceback (exit 2)", () => {
    const run = runCli(["explain", "-"], { input: "" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/empty/i);
  });

  it("says clearly that text without an exception is not a traceback (exit 2)", () => {
    const run = runCli(["explain", "-"], { input: "hello, this is just a note\n" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/No Python exception/);
  });
});
