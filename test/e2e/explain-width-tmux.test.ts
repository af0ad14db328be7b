// `keras-fix explain` in a real 80-column terminal (issue 21): the report, fix steps included, is folded to the
// terminal's width by keras-fix itself, so no line runs past the edge for the terminal to break mid-word.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturesDir, modelsDir } from "../helpers/envs.js";
import { EXIT_MARK, tmuxSession } from "./session.js";

const session = tmuxSession();

describe("explain in an 80-column terminal", () => {
  it("folds the diagnosis, the evidence and the fix steps to 80 columns at word boundaries", async () => {
    const traceback = join(fixturesDir, "tracebacks", "custom-layer-missing", "keras-2.2.4--custom-layer-multi-backend.txt");
    const model = join(modelsDir, "keras3", "custom_layer_unregistered.h5");
    const terminal = session.start("explain-width", session.folder("kf-explain-width-"), ["explain", traceback, "--model", model], {
      size: { columns: 80, rows: 120 },
    });
    await terminal.waitFor(EXIT_MARK);
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
