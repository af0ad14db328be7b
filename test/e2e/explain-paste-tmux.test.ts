// `keras-fix explain -` as a user meets it in a terminal: the text is pasted by hand and ended with Ctrl-D. Standard
// input is then a TTY, which a synchronous read refused (EAGAIN) before any paste; the paste here is also a sentence
// with the exception inside it, which explain once refused as holding no exception.
import { describe, expect, it } from "vitest";
import { EXIT_MARK, tmuxSession } from "./session.js";

const session = tmuxSession();

describe("explain - in a real terminal", () => {
  it("waits for a pasted traceback, reads it after Ctrl-D and diagnoses the exception written inside a sentence", async () => {
    const terminal = session.start("explain-paste", session.folder("kf-explain-"), ["explain", "-"]);
    await terminal.waitFor("Paste the traceback, then press Ctrl-D");
    terminal.send("I tried load_model and got ModuleNotFoundError: No module named 'torch' when I import keras", { literal: true });
    terminal.send("Enter");
    terminal.send("C-d");
    const screen = await terminal.waitFor(EXIT_MARK);
    expect(screen).toContain("keras-backend-unavailable");
    expect(screen).toContain("configured to run on torch");
    // 1: diagnosed (src/core/exit-codes.ts).
    expect(screen).toContain("[keras-fix exited 1]");
    expect(screen).not.toContain("Could not read the traceback");
  });
});
