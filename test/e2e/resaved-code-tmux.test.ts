// A re-saved .keras of a model with custom layers still needs their code (issue 21): the final screen says so, with
// the lines that load the copy from where the user is, and those lines run with real Keras. The user's model and
// the .py file that defines its layer are in a subfolder, as in a project.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { END_WITH_SUMMARY, EXIT_MARK, exitCodeOn, nextStep, pick, tmuxSession } from "./session.js";
import { hints } from "./tmux.js";

const MODEL = "custom_layer_unregistered.keras";
const session = tmuxSession();

function project(): string {
  const dir = session.folder("kf-resaved-");
  mkdirSync(join(dir, "models"));
  copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, "models", MODEL));
  copyFileSync(join(modelsDir, "sources", "fixture_layers.py"), join(dir, "models", "fixture_layers.py"));
  return dir;
}

describe("the final screen after a re-save of a model with custom layers", () => {
  it("says the copy still needs the layers' code, with an import line that loads it from here", async () => {
    const dir = project();
    const term = session.start("resaved", dir, [`models/${MODEL}`, "--python", pythonFor("keras3")], {
      env: envVarsFor("keras3"),
      size: { columns: 100, rows: 35 },
    });
    let screen = await nextStep(term, "");
    // Take the module found beside the model, then the re-save (no loader); Enter through explanations.
    const preferences = [/fixture_layers\.py/, /Re-save it as a new \.keras/];
    for (let step = 0; step < 20 && !/Enter: finish/.test(hints(screen)); step++) {
      const previous = screen;
      if (/Enter: continue/.test(hints(screen))) term.send("Enter");
      else pick(term, screen, preferences);
      screen = await nextStep(term, previous);
    }
    await term.waitFor(END_WITH_SUMMARY, 10_000);
    term.send("Enter");
    screen = await term.waitFor(EXIT_MARK, 60_000);
    expect(exitCodeOn(screen)).toBe("0");
    // New files go into the folder keras-fix runs in.
    const copy = readdirSync(dir).find((name) => name.endsWith(".resaved.keras"));
    expect(copy).toBeDefined();
    expect(screen.replace(/\s+/g, " ")).toContain(`The re-saved copy still needs your code. ${copy} stores the name and settings of ScaledDense, not its code`);
    // The snippet as shown: from its first line to its closing parenthesis, run from the folder keras-fix ran in.
    const lines = screen.split("\n");
    const first = lines.findIndex((line, i) => line === "    import sys" && lines[i + 2]?.includes("import keras") && lines.slice(i, i + 8).some((l) => l.includes(copy!)));
    expect(first).toBeGreaterThan(0);
    const last = lines.findIndex((line, i) => i > first && line === "    )");
    const snippet = lines.slice(first, last + 1).map((line) => line.slice(4)).join("\n");
    expect(snippet).toContain("from fixture_layers import ScaledDense");
    const out = execFileSync(pythonFor("keras3"), ["-c", `${snippet}\nprint("LOADED", type(model).__name__)`], {
      cwd: dir,
      env: { ...process.env, ...envVarsFor("keras3") },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(out).toContain("LOADED");
  }, 400_000);
});
