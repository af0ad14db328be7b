// Every explanation is written for the user's names, from the diagnosis (issue 21): a model compiled with the
// user's own optimizer, registered as training>WarmupAdam, made here by real Keras from a script like a user's. The
// wizard's whole scrollback names WarmupAdam and its stored key, never the project's fixtures (FixtureAdam, "our
// fixtures"), and never nests brackets ("(WarmupAdam (stored as training>WarmupAdam))").
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, pythonFor } from "../helpers/envs.js";
import { END_WITH_SUMMARY, EXIT_MARK, nextStep, pick, tmuxSession } from "./session.js";
import { hints } from "./tmux.js";

const session = tmuxSession();

const TRAINING = `import keras


@keras.saving.register_keras_serializable(package="training")
class WarmupAdam(keras.optimizers.Adam):
    def __init__(self, learning_rate=0.001, warmup_steps=100, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.warmup_steps = warmup_steps

    def get_config(self):
        return {**super().get_config(), "warmup_steps": self.warmup_steps}
`;

const SAVE = `import sys
import keras
from training import WarmupAdam

model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="scores")])
model.compile(optimizer=WarmupAdam(warmup_steps=10), loss="mean_squared_error")
model.save(sys.argv[1])
`;

/** The user's project: the model in models/, saved by real Keras; the training code stayed on the machine that saved it. */
function project(): string {
  const build = session.folder("kf-names-build-");
  const dir = session.folder("kf-names-");
  writeFileSync(join(build, "training.py"), TRAINING);
  writeFileSync(join(build, "save.py"), SAVE);
  mkdirSync(join(dir, "models"));
  execFileSync(pythonFor("keras3"), ["save.py", join(dir, "models", "classifier.keras")], { cwd: build, env: { ...process.env, ...envVarsFor("keras3") }, stdio: "pipe", timeout: 120_000 });
  return dir;
}

describe("the wizard speaks of the user's names", () => {
  it("a registered optimizer training>WarmupAdam: its names, its key in the code, no fixture names, no nested brackets", async () => {
    const dir = project();
    const term = session.start("names", dir, ["models/classifier.keras", "--python", pythonFor("keras3")], {
      env: envVarsFor("keras3"),
      size: { columns: 100, rows: 35 },
    });
    let screen = await nextStep(term, "");
    term.send("w");
    screen = await term.waitFor("Why did this happen?", 30_000);
    for (let step = 0; step < 20 && !/Enter: finish/.test(hints(screen)); step++) {
      const previous = screen;
      if (/Enter: continue/.test(hints(screen))) term.send("Enter");
      else pick(term, screen, /Show me the code to write/);
      screen = await nextStep(term, previous);
    }
    await term.waitFor(END_WITH_SUMMARY, 10_000);
    term.send("Enter");
    screen = await term.waitFor(EXIT_MARK, 60_000);
    const prose = screen.replace(/\s+/g, " ");

    expect(prose).toContain("training>WarmupAdam");
    expect(prose).toContain("What was wrong: A custom optimizer's code is missing: WarmupAdam (stored as training>WarmupAdam)");
    expect(screen).toMatch(/"training>WarmupAdam": \w+\.WarmupAdam,/);
    expect(screen).not.toMatch(/Fixture|our fixtures|weighted_mse|mean_abs_gap/);
    // No bracket inside another bracket anywhere in what was shown (code aside, where calls nest by nature).
    const proseLines = screen.split("\n").filter((line) => !line.startsWith("    "));
    expect(proseLines.filter((line) => /\([^()]*\([^()]*\)[^()]*\)/.test(line))).toEqual([]);
  }, 400_000);
});
