// A model.to_json() file given as a model: the hint names the user's own files, the weights file saved beside it
// when there is one (same stem), and its code runs as shown from the folder the user is in. Real files from Keras 3.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problems } from "../../src/core/inspect/problems.js";
import { envVarsFor, pythonFor } from "../helpers/envs.js";

const python = pythonFor("keras3");
const run = (code: string, cwd: string) => spawnSync(python, ["-c", code], { cwd, env: { ...process.env, ...envVarsFor("keras3") }, encoding: "utf8" });

let dir = "";
const home = process.cwd();
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kf-architecture-"));
  mkdirSync(join(dir, "models"));
  const made = run(
    [
      "import keras",
      "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])",
      "open('models/arch.json', 'w').write(model.to_json())",
      "model.save_weights('models/arch.weights.h5')",
      "open('models/lonely.json', 'w').write(model.to_json())",
    ].join("\n"),
    dir,
  );
  expect(made.status, made.stderr).toBe(0);
  // The user stands in the folder above the model, as after `keras-fix inspect models/arch.json`.
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

describe("the hint for a to_json() architecture", () => {
  it("names the JSON and the weights file beside it, and its code loads both from where the user is", () => {
    const hint = problems.architectureOnly("models/arch.json").hint ?? "";
    expect(hint).toContain('open("models/arch.json")');
    expect(hint).toContain('model.load_weights("models/arch.weights.h5")');
    const code = /import keras;.*$/.exec(hint)?.[0] ?? "";
    const loaded = run(`${code}; print(len(model.weights))`, dir);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout.trim()).toBe("2");
  });

  it("without weights beside it, says which kind of file it needs and names none it does not have", () => {
    const hint = problems.architectureOnly("models/lonely.json").hint ?? "";
    expect(hint).toContain('open("models/lonely.json")');
    expect(hint).toMatch(/model\.save_weights\(\) wrote \(\.weights\.h5 or \.h5\)/);
    expect(hint).toContain("none named like lonely.json");
    expect(hint).not.toMatch(/load_weights\("/);
    const code = /import keras;.*?\.read\(\)\)/.exec(hint)?.[0] ?? "";
    const rebuilt = run(`${code}; print(type(model).__name__)`, dir);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout.trim()).toBe("Sequential");
  });
});
