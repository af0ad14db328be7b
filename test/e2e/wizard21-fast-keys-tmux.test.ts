// Keys typed fast into the consent prompt, in a real terminal: y, e and s sent as three separate keystrokes right
// after one another reach the CLI before it re-renders; every letter must count, so the typed "yes" goes ahead.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { hints, liveOptions, openTerminal, type Terminal } from "./tmux.js";

const MODEL = "lambda_layer.keras";
const LIVE = /Enter: (continue|choose|finish|submit)/;

let terminal: Terminal | null = null;
const folders: string[] = [];
afterEach(() => {
  terminal?.kill();
  terminal = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Waits until the screen changed from `previous`, shows a live step, and holds still (no frame half drawn). */
async function nextLive(term: Terminal, previous: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = term.screen();
  let steady = 0;
  while (Date.now() < deadline) {
    const now = term.screen();
    steady = now === screen ? steady + 1 : 0;
    screen = now;
    if (screen !== previous && LIVE.test(hints(screen)) && steady >= 3) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms; the screen:\n${screen}`);
}

describe("the consent prompt in a real terminal", () => {
  it("y, e, s sent as separate keystrokes at once are all kept: the typed yes goes ahead", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-wizard21-keys-"));
    folders.push(dir);
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(pythonFor("keras3"))}; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("wizard21-keys", dir, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color", ...envVarsFor("keras3") });
    const term = terminal;

    let screen = await nextLive(term, "", 150_000);
    for (let step = 0; step < 10 && !/Enter: submit/.test(hints(screen)); step++) {
      const previous = screen;
      const trust = liveOptions(screen).findIndex((option) => /I trust this file/.test(option));
      if (trust >= 0) term.send(String(trust + 1));
      else term.send("Enter");
      screen = await nextLive(term, previous);
    }
    expect(screen).toMatch(/Type "yes" and press Enter/);

    // Three keystrokes, no wait between them.
    term.send("y", { literal: true });
    term.send("e", { literal: true });
    term.send("s", { literal: true });
    // The field holds what was typed once the screen settles on a typed line.
    let typed = "";
    let steady = 0;
    const deadline = Date.now() + 10_000;
    while (steady < 5 && Date.now() < deadline) {
      // The prompt sits in a bordered box: read the field's line between the borders.
      const line = /› ([^│\n]*?)\s*│?$/m.exec(term.screen().split("\n").filter((row) => row.includes("› ")).at(-1) ?? "")?.[1] ?? "";
      steady = line !== "" && line === typed ? steady + 1 : 0;
      typed = line;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(typed, term.screen()).toBe("yes");

    term.send("Enter");
    screen = await term.waitFor(/It loads with safe_mode=False/, 120_000);
    expect(screen).toContain("Load with safe_mode=False");
  }, 300_000);
});
