// Ctrl-C in the wizard while a proven fix is re-saved (issue 21 §3): the copy used to be written under its final
// name (`<model>.resaved.keras`) before anyone had reloaded it, and its scratch folder lived in /tmp; a Ctrl-C left
// both. Now nothing with the final name appears until the copy is proven, and no scratch folder is left anywhere.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { alive, hints, liveOptions, openTerminal, pythonDescendants, type Terminal } from "./tmux.js";

const MODEL = "custom_layer_unregistered.keras";
const SOURCE = "fixture_layers.py";
const EXIT_MARK = /\[keras-fix exited (\d+)\]/;

let terminal: Terminal | null = null;
const folders: string[] = [];
afterEach(() => {
  terminal?.kill();
  terminal = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The user's folder, the wizard started there and walked to the re-save; its private TMPDIR. */
async function walkToResave(name: string): Promise<{ term: Terminal; dir: string; scratch: string }> {
  const dir = mkdtempSync(join(tmpdir(), "kf-resave-cancel-"));
  folders.push(dir);
  copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
  copyFileSync(join(modelsDir, "sources", SOURCE), join(dir, SOURCE));
  // A private TMPDIR for this run: Python's scratch folders would show up here, and nobody else's do.
  const scratch = mkdtempSync(join(tmpdir(), "kf-resave-tmp-"));
  folders.push(scratch);
  const python = pythonFor("keras3");
  const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(python)}; echo "[keras-fix exited $?]"; exec sleep 3600`;
  terminal = openTerminal(name, dir, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color", TMPDIR: scratch, ...envVarsFor("keras3") });
  const term = terminal;

  // Take the module that defines the layer, then the re-save.
  const preferences = [/fixture_layers\.py|module we found/i, /Re-save it as a new \.keras file/i];
  let screen = await term.waitFor(/Enter: (continue|choose)/, 150_000);
  let chose = false;
  for (let step = 0; step < 20 && !chose; step++) {
    const previous = screen;
    if (/Enter: continue/.test(hints(screen))) {
      term.send("Enter");
    } else {
      const options = liveOptions(screen);
      const preference = preferences.find((p) => options.some((o) => p.test(o)));
      if (!preference) throw new Error(`no option to take among ${JSON.stringify(options)}; the screen:\n${screen}`);
      const index = options.findIndex((o) => preference.test(o));
      term.send(String(index + 1));
      chose = preference === preferences[1];
    }
    if (!chose) {
      const deadline = Date.now() + 120_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        screen = term.screen();
      } while ((screen === previous || !/Enter: (continue|choose|finish)/.test(hints(screen))) && Date.now() < deadline);
    }
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
    expect(EXIT_MARK.exec(screen)![1]).toBe("130");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(workers.filter(alive)).toEqual([]);

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
