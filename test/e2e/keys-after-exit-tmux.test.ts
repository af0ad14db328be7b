// Keys typed right after the wizard's last key (issue 21 §4): the wizard used to keep the terminal in raw mode and
// read it while its Python workers closed (about 1.5 s), so a command typed at once was swallowed. The terminal must
// be given back, and stdin no longer read, before that last work: the shell gets what was typed.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { tmuxSession } from "./session.js";

const MODEL = "custom_layer_unregistered.keras";
const session = tmuxSession();

describe("the terminal after the wizard", () => {
  it("a line typed 200 ms after `q` is answered reaches the shell that started keras-fix", async () => {
    const dir = session.folder("kf-keys-");
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    // What runs after keras-fix reads one line, as the user's shell would.
    const term = session.start("keys", dir, [MODEL, "--python", pythonFor("keras3")], {
      env: envVarsFor("keras3"),
      afterExit: 'read line; echo "[shell got: $line]"',
    });
    await term.waitFor(/Enter: (continue|choose)/, 150_000);
    term.send("q");
    // The 200 ms are the user's, counted from the wizard's answer to q: on a loaded machine q itself may take longer
    // to be read, and a line sent before it would be read by the wizard as keys.
    await term.waitFor("You quit before the end of the walk.", 10_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    term.send("ls -la", { literal: true });
    term.send("Enter");
    const screen = await term.waitFor(/\[shell got: .*\]/, 15_000);
    expect(screen).toContain("[keras-fix exited 1]");
    expect(screen).toContain("[shell got: ls -la]");
  }, 200_000);
});
