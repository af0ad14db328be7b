// A path longer than the window, in the wizard's prose at 60 columns (issue 21): Ink used to cut it at the edge,
// mid-name, into rows of its own making, so it could be neither read whole nor copied. Written whole, the terminal
// wraps it and joins it again (tmux's capture -J joins such rows, as a terminal's copy does).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, pythonFor } from "../helpers/envs.js";
import { openTerminal, type Terminal } from "./tmux.js";

let terminal: Terminal | null = null;
const folders: string[] = [];
afterEach(() => {
  terminal?.kill();
  terminal = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("a long path in the wizard's prose at 60 columns", () => {
  it("stays whole on its own rows, in the diagnosis, at fault and the step that names it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-wizard21-path-"));
    folders.push(dir);
    // A model downloaded into a deep folder, where the download saved the site's error page instead.
    const model = "projects/customer-models/2024-archive/experiments/run-0042/checkpoints/final-export/trained_classifier_model.h5";
    mkdirSync(join(dir, model, ".."), { recursive: true });
    writeFileSync(join(dir, model), "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in.</body></html>\n");
    expect(model.length).toBeGreaterThan(60);
    const script = `node ${JSON.stringify(cliPath)} ${model} --python ${JSON.stringify(pythonFor("keras3"))}; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("wizard21-path", dir, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color" }, { columns: 60, rows: 40 });
    const term = terminal;

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
