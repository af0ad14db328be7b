// Keys typed fast into the consent prompt, in a real terminal: y, e and s sent as three separate keystrokes right
// after one another reach the CLI before it re-renders; every letter must count, so the typed "yes" goes ahead.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { nextStep, tmuxSession } from "./session.js";
import { hints, liveOptions } from "./tmux.js";

const MODEL = "lambda_layer.keras";
const session = tmuxSession();

describe("the consent prompt in a real terminal", () => {
  it("y, e, s sent as separate keystrokes at once are all kept: the typed yes goes ahead", async () => {
    const dir = session.folder("kf-wizard21-keys-");
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    const term = session.start("wizard21-keys", dir, [MODEL, "--python", pythonFor("keras3")], { env: envVarsFor("keras3") });

    let screen = await nextStep(term, "");
    for (let step = 0; step < 10 && !/Enter: submit/.test(hints(screen)); step++) {
      const previous = screen;
      const trust = liveOptions(screen).findIndex((option) => /I trust this file/.test(option));
      if (trust >= 0) term.send(String(trust + 1));
      else term.send("Enter");
      screen = await nextStep(term, previous);
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
