// A custom-objects file that is not there, or that does not define the missing class (issue 21 §9), used to get
// "The code was found, but loading still fails ... That is progress". The file is now read before any load, and the
// end step says which of the two it was. Real Keras 3, the wizard in tmux for a typed path, --auto for --custom-objects.
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { nextStep, tmuxSession } from "./session.js";
import { liveOptions } from "./tmux.js";

const MODEL = "custom_layer_unregistered.keras";
const session = tmuxSession();

function userFolder(): string {
  const dir = session.folder("kf-co-path-");
  copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
  return dir;
}

describe("the file named to define the missing class", () => {
  it("--custom-objects with a file that does not define it: says so, loads nothing, no 'progress'", () => {
    const dir = userFolder();
    writeFileSync(join(dir, "helpers.py"), "import math\n\ndef unrelated():\n    return 1\n");
    const run = runCli([MODEL, "--json", "--custom-objects", "helpers.py", "--python", pythonFor("keras3")], { cwd: dir, env: envVarsFor("keras3") });
    const doc = jsonOf(run);
    const text = doc.walk.steps.map((step: { text: string; result: string | null }) => `${step.text}\n${step.result ?? ""}`).join("\n");
    expect(text).toMatch(/helpers\.py exists but does not define ScaledDense/);
    expect(text).not.toMatch(/That is progress|The code was found/);
    expect(run.status).toBe(1);
  }, 300_000);

  it("a typed path with no file there: the wizard says there is no file, not that the code was found", async () => {
    const dir = userFolder();
    const term = session.start("co-path", dir, [MODEL, "--python", pythonFor("keras3")], { env: envVarsFor("keras3") });
    let screen = await nextStep(term, "");
    for (let step = 0; step < 10 && !/Type the path to the \.py file/.test(liveOptions(screen).join("\n")); step++) {
      const previous = screen;
      term.send("Enter");
      screen = await nextStep(term, previous, 30_000);
    }
    const options = liveOptions(screen);
    const index = options.findIndex((option) => /Type the path to the \.py file/.test(option));
    expect(index, screen).toBeGreaterThanOrEqual(0);
    term.send(String(index + 1));
    // The path is typed once the input step takes keys: its hints are up.
    await term.waitFor(/Path to the \.py file[^]*Enter: submit/, 10_000);
    term.send("no_such_layers.py", { literal: true });
    await term.waitFor("no_such_layers.py", 5_000);
    term.send("Enter");
    screen = await term.waitFor(/There is no file at/, 60_000);
    expect(screen).toContain(join(dir, "no_such_layers.py"));
    expect(screen).not.toMatch(/That is progress|The code was found/);
  }, 300_000);
});
