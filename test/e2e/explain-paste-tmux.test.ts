// `keras-fix explain -` as a user meets it in a terminal: the text is pasted by hand and ended with Ctrl-D. Standard
// input is then a TTY, which a synchronous read refused (EAGAIN) before any paste; the paste here is also a sentence
// with the exception inside it, which explain once refused as holding no exception.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath } from "../helpers/envs.js";
import { openTerminal, type Terminal } from "./tmux.js";

let terminal: Terminal | null = null;
let folder: string | null = null;
afterEach(() => {
  terminal?.kill();
  terminal = null;
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = null;
});

describe("explain - in a real terminal", () => {
  it("waits for a pasted traceback, reads it after Ctrl-D and diagnoses the exception written inside a sentence", async () => {
    folder = mkdtempSync(join(tmpdir(), "kf-explain-"));
    const script = `node ${JSON.stringify(cliPath)} explain -; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("explain-paste", folder, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color" });
    await terminal.waitFor("Paste the traceback, then press Ctrl-D");
    terminal.send("I tried load_model and got ModuleNotFoundError: No module named 'torch' when I import keras", { literal: true });
    terminal.send("Enter");
    terminal.send("C-d");
    const screen = await terminal.waitFor(/\[keras-fix exited \d+\]/);
    expect(screen).toContain("keras-backend-unavailable");
    expect(screen).toContain("configured to run on torch");
    // 1: diagnosed (src/core/exit-codes.ts).
    expect(screen).toContain("[keras-fix exited 1]");
    expect(screen).not.toContain("Could not read the traceback");
  });
});
