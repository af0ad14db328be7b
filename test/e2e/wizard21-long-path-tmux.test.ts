// A path longer than the window, in the wizard's prose at 60 columns (issue 21): Ink used to cut it at the edge,
// mid-name, into rows of its own making, so it could be neither read whole nor copied. Written whole, the terminal
// wraps it and joins it again (tmux's capture -J joins such rows, as a terminal's copy does).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pythonFor } from "../helpers/envs.js";
import { tmuxSession } from "./session.js";

const session = tmuxSession();

describe("a long path in the wizard's prose at 60 columns", () => {
  it("stays whole on its own rows, in the diagnosis, at fault and the step that names it", async () => {
    const dir = session.folder("kf-wizard21-path-");
    // A model downloaded into a deep folder, where the download saved the site's error page instead.
    const model = "projects/customer-models/2024-archive/experiments/run-0042/checkpoints/final-export/trained_classifier_model.h5";
    mkdirSync(join(dir, model, ".."), { recursive: true });
    writeFileSync(join(dir, model), "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in.</body></html>\n");
    expect(model.length).toBeGreaterThan(60);
    const term = session.start("wizard21-path", dir, [model, "--python", pythonFor("keras3")], { size: { columns: 60, rows: 40 } });

    // The header line (printed before the wizard) names it once; the diagnosis' summary, its "At fault" and the
    // first step's text name it again, each whole.
    const whole = (screen: string) => screen.split("\n").filter((line) => line.includes(model)).length;
    const deadline = Date.now() + 60_000;
    let screen = "";
    while (Date.now() < deadline && whole(screen) < 4) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      screen = term.screen();
    }
    expect(whole(screen), screen).toBeGreaterThanOrEqual(4);
    // No row starts inside the path: a cut would leave its tail at the start of a row of Ink's making.
    const tail = model.slice(model.length - 20);
    expect(screen.split("\n").filter((line) => line.includes(tail) && !line.includes(model)), screen).toEqual([]);
  }, 120_000);
});
