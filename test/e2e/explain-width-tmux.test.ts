// `keras-fix explain` in a real 80-column terminal (issue 21): the report, fix steps included, is folded to the
// terminal's width by keras-fix itself, so no line runs past the edge for the terminal to break mid-word.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, fixturesDir, modelsDir } from "../helpers/envs.js";
import { openTerminal, type Terminal } from "./tmux.js";

let terminal: Terminal | null = null;
let folder: string | null = null;
afterEach(() => {
  terminal?.kill();
  terminal = null;
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = null;
});

describe("explain in an 80-column terminal", () => {
  it("folds the diagnosis, the evidence and the fix steps to 80 columns at word boundaries", async () => {
    folder = mkdtempSync(join(tmpdir(), "kf-explain-width-"));
    const traceback = join(fixturesDir, "tracebacks", "custom-layer-missing", "keras-2.2.4--custom-layer-multi-backend.txt");
    const model = join(modelsDir, "keras3", "custom_layer_unregistered.h5");
    const script = `node ${JSON.stringify(cliPath)} explain ${JSON.stringify(traceback)} --model ${JSON.stringify(model)}; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("explain-width", folder, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color" }, { columns: 80, rows: 120 });
    await terminal.waitFor(/\[keras-fix exited \d+\]/);
    const rows = terminal.rows().filter((row) => row !== "");
    // The terminal broke no line: joining its own wraps gives back the same rows.
    expect(terminal.joinedRows().filter((row) => row !== "")).toEqual(rows);
    expect(rows.every((row) => row.length <= 80)).toBe(true);
    const text = rows.join("\n");
    expect(text).toContain("Fix steps");
    expect(text).toContain("How to fix");
    expect(text).toContain("[keras-fix exited 1]");
    // Folded under their own text: the evidence about the model, read back in one piece.
    const evidence = text.replace(/\n +/g, " ");
    expect(evidence).toContain("custom_layer_unregistered.h5 stores no InstanceNormalization (its custom objects are ScaledDense)");
    expect(rows.filter((row) => row.length > 60).length).toBeGreaterThan(5);
  });
});
