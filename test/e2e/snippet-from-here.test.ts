// The final screen's snippet runs from where the user is (issue 21 §10): with the model and the module that defines
// its layer in a subfolder, a bare `import fixture_layers` and `load_model("custom_layer_unregistered.keras")` fail
// from here. The snippet the report ends with is cut out, saved in the user's folder and run there with real Keras.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";

describe("the snippet after a fix", () => {
  it("model and module in a subfolder: the snippet puts that folder on sys.path and loads the model from here", () => {
    const here = mkdtempSync(join(tmpdir(), "kf-snippet-"));
    mkdirSync(join(here, "models"));
    copyFileSync(join(modelsDir, "keras3", "custom_layer_unregistered.keras"), join(here, "models", "custom_layer_unregistered.keras"));
    copyFileSync(join(modelsDir, "sources", "fixture_layers.py"), join(here, "models", "fixture_layers.py"));
    const run = runCli(["models/custom_layer_unregistered.keras", "--json", "--custom-objects", "models/fixture_layers.py", "--python", pythonFor("keras3")], {
      cwd: here,
      env: envVarsFor("keras3"),
    });
    const doc = jsonOf(run);
    expect(doc.walk.outcome).toBe("fixed");
    const lines = (doc.walk.steps.at(-1).text as string).split("\n");
    const start = lines.findIndex((line) => line.trim() === "import sys");
    expect(start, lines.join("\n")).toBeGreaterThanOrEqual(0);
    const end = lines.findIndex((line, i) => i > start && line.trim() === ")");
    const indent = /^\s*/.exec(lines[start])![0].length;
    const snippet = lines.slice(start, end + 1).map((line) => line.slice(indent)).join("\n");
    expect(snippet).toContain('sys.path.insert(0, "models")');
    writeFileSync(join(here, "snippet.py"), `${snippet}\nprint("LOADED", type(model).__name__)\n`);
    const python = spawnSync(pythonFor("keras3"), ["snippet.py"], { cwd: here, encoding: "utf8", env: { ...process.env, ...envVarsFor("keras3") }, timeout: 240_000 });
    expect(python.status, python.stderr).toBe(0);
    expect(python.stdout).toContain("LOADED");
  }, 300_000);
});
