// Ctrl-C in the wizard while a proven fix is re-saved (issue 21 §3): the copy used to be written under its final
// name (`<model>.resaved.keras`) before anyone had reloaded it, and its scratch folder lived in /tmp; a Ctrl-C left
// both. Now nothing with the final name appears until the copy is proven, and no scratch folder is left anywhere.
import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { EXIT_MARK, exitCodeOn, expectAllGone, nextStep, pick, tmuxSession } from "./session.js";
import { hints, pythonDescendants, type Terminal } from "./tmux.js";

const MODEL = "custom_layer_unregistered.keras";
const SOURCE = "fixture_layers.py";
const session = tmuxSession();

/** The user's folder, the wizard started there and walked to the re-save; its private TMPDIR. */
async function walkToResave(name: string): Promise<{ term: Terminal; dir: string; scratch: string }> {
  const dir = session.folder("kf-resave-cancel-");
  copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
  copyFileSync(join(modelsDir, "sources", SOURCE), join(dir, SOURCE));
  // A private TMPDIR for this run: Python's scratch folders would show up here, and nobody else's do.
  const scratch = session.folder("kf-resave-tmp-");
  const term = session.start(name, dir, [MODEL, "--python", pythonFor("keras3")], { env: { TMPDIR: scratch, ...envVarsFor("keras3") } });

  // Take the module that defines the layer, then the re-save.
  const preferences = [/fixture_layers\.py|module we found/i, /Re-save it as a new \.keras file/i];
  let screen = await nextStep(term, "");
  let chose = false;
  for (let step = 0; step < 20 && !chose; step++) {
    const previous = screen;
    if (/Enter: continue/.test(hints(screen))) term.send("Enter");
    else chose = preferences[1].test(pick(term, screen, preferences));
    if (!chose) screen = await nextStep(term, previous, 120_000);
  }
  expect(chose).toBe(true);
  return { term, dir, scratch };
}

describe("Ctrl-C while the wizard re-saves the model", () => {
  it("leaves no .resaved.keras, no scratch folder and no Python behind", async () => {
    const { term, dir, scratch } = await walkToResave("resave-cancel");
    let screen = "";
    // The copy is saved; the fresh Python that reloads it is running: Ctrl-C now.
    const deadline = Date.now() + 120_000;
    let reloader: number | undefined;
    while (!reloader && Date.now() < deadline) {
      reloader = [...pythonDescendants(term.panePid())].find(([, cmd]) => cmd.includes("--reload-predict"))?.[0];
      if (!reloader) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(reloader, term.screen()).toBeDefined();
    const workers = [...pythonDescendants(term.panePid()).keys()];
    term.send("C-c");
    screen = await term.waitFor(EXIT_MARK, 10_000);
    expect(exitCodeOn(screen)).toBe("130");
    await expectAllGone(workers);

    // Only the user's two files: no unverified copy under the final name, no hidden scratch folder.
    expect(readdirSync(dir).sort()).toEqual([MODEL, SOURCE].sort());
    expect(readdirSync(scratch).filter((name) => name.startsWith("keras-fix-"))).toEqual([]);
  }, 300_000);

  it("a re-save that finishes gets its final name once proven, and leaves no scratch folder", async () => {
    const { term, dir, scratch } = await walkToResave("resave-done");
    await term.waitFor(/outputs differ by at most/, 120_000);
    expect(readdirSync(dir).sort()).toEqual([MODEL, SOURCE, MODEL.replace(".keras", ".resaved.keras")].sort());
    expect(readdirSync(scratch).filter((name) => name.startsWith("keras-fix-"))).toEqual([]);
  }, 300_000);
});
