// Keys typed right after the wizard's last key (issue 21 §4): the wizard used to keep the terminal in raw mode and
// read it while its Python workers closed (about 1.5 s), so a command typed at once was swallowed. The terminal must
// be given back, and stdin no longer read, before that last work: the shell gets what was typed.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { openTerminal, type Terminal } from "./tmux.js";

const MODEL = "custom_layer_unregistered.keras";

let terminal: Terminal | null = null;
const folders: string[] = [];
afterEach(() => {
  terminal?.kill();
  terminal = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the terminal after the wizard", () => {
  it("a line typed 200 ms after `q` reaches the shell that started keras-fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-keys-"));
    folders.push(dir);
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    const python = pythonFor("keras3");
    // What runs after keras-fix reads one line, as the user's shell would.
    const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(python)}; echo "[keras-fix exited $?]"; read line; echo "[shell got: $line]"; exec sleep 3600`;
    terminal = openTerminal("keys", dir, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color", ...envVarsFor("keras3") });
    const term = terminal;
    await term.waitFor(/Enter: (continue|choose)/, 150_000);
    term.send("q");
    await new Promise((resolve) => setTimeout(resolve, 200));
    term.send("ls -la", { literal: true });
    term.send("Enter");
    const screen = await term.waitFor(/\[shell got: .*\]/, 15_000);
    expect(screen).toContain("[keras-fix exited 1]");
    expect(screen).toContain("[shell got: ls -la]");
  }, 200_000);
});
