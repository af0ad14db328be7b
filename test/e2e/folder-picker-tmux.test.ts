// `keras-fix models/` (issue 21 §11): a folder that is not itself a model used to be called "not a Keras model". The
// wizard now lists the models inside and lets the user pick (key hints shown, `q` quits); a mistyped file name gets
// "did you mean" from the model files beside it.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { EXIT_MARK, exitCodeOn, tmuxSession } from "./session.js";
import type { Terminal } from "./tmux.js";

const session = tmuxSession();

/** A project folder with its models in models/. */
function project(): string {
  const dir = session.folder("kf-folder-");
  mkdirSync(join(dir, "models"));
  for (const name of ["sequential.keras", "custom_layer_unregistered.keras"]) copyFileSync(join(modelsDir, "keras3", name), join(dir, "models", name));
  return dir;
}

function start(name: string, dir: string, target: string): Terminal {
  return session.start(name, dir, [target, "--python", pythonFor("keras3")], { env: envVarsFor("keras3") });
}

describe("a folder given as the model", () => {
  it("lists the models inside with key hints; the one picked is diagnosed by its path from here", async () => {
    const term = start("pick", project(), "models/");
    const screen = await term.waitFor(/Which model should keras-fix look at\?/, 30_000);
    expect(screen).not.toMatch(/not a Keras model/i);
    expect(screen).toContain("custom_layer_unregistered.keras");
    expect(screen).toContain("sequential.keras");
    expect(screen.split("\n").at(-1)).toMatch(/↑\/↓ and Enter: choose · q: quit · Ctrl-C: cancel/);
    const row = screen.split("\n").filter((line) => /^(❯| ) \S/.test(line)).findIndex((line) => line.includes("sequential.keras"));
    for (let i = 0; i < row; i++) term.send("Down");
    term.send("Enter");
    const done = await term.waitFor(/The model loads in this environment/, 150_000);
    expect(done).toContain("models/sequential.keras");
  }, 200_000);

  it("q in the picker quits at once", async () => {
    const term = start("quit", project(), "models");
    await term.waitFor(/Which model should keras-fix look at\?/, 30_000);
    term.send("q");
    const screen = await term.waitFor(EXIT_MARK, 5_000);
    expect(exitCodeOn(screen)).toBe("130");
  }, 60_000);

  it("a mistyped file name: did you mean the model file beside it", () => {
    const dir = project();
    const run = runCli(["models/sequentail.keras", "--auto", "--python", pythonFor("keras3")], { cwd: dir, env: envVarsFor("keras3") });
    expect(run.stdout).toContain("Did you mean `keras-fix models/sequential.keras`?");
  }, 120_000);
});
