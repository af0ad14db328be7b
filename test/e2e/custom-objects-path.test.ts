// A custom-objects file that is not there, or that does not define the missing class (issue 21 §9), used to get
// "The code was found, but loading still fails ... That is progress". The file is now read before any load, and the
// end step says which of the two it was. Real Keras 3, the wizard in tmux for a typed path, --auto for --custom-objects.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { cliPath, envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { liveOptions, openTerminal, type Terminal } from "./tmux.js";

const MODEL = "custom_layer_unregistered.keras";
let terminal: Terminal | null = null;
const folders: string[] = [];
afterEach(() => {
  terminal?.kill();
  terminal = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function userFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "kf-co-path-"));
  folders.push(dir);
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
    const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(pythonFor("keras3"))}; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("co-path", dir, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color", ...envVarsFor("keras3") });
    const term = terminal;
    let screen = await term.waitFor(/Enter: (continue|choose)/, 150_000);
    for (let step = 0; step < 10 && !/Type the path to the \.py file/.test(liveOptions(screen).join("\n")); step++) {
      const previous = screen;
      term.send("Enter");
      const deadline = Date.now() + 30_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        screen = term.screen();
      } while ((screen === previous || !/Enter: (continue|choose)/.test(screen.split("\n").at(-1) ?? "")) && Date.now() < deadline);
    }
    const options = liveOptions(screen);
    const index = options.findIndex((option) => /Type the path to the \.py file/.test(option));
    expect(index, screen).toBeGreaterThanOrEqual(0);
    term.send(String(index + 1));
    await term.waitFor("Path to the .py file", 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    term.send("no_such_layers.py", { literal: true });
    await term.waitFor("no_such_layers.py", 5_000);
    term.send("Enter");
    screen = await term.waitFor(/There is no file at/, 60_000);
    expect(screen).toContain(join(dir, "no_such_layers.py"));
    expect(screen).not.toMatch(/That is progress|The code was found/);
  }, 300_000);
});
