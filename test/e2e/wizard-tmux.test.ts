// The wizard as a user meets it: the built CLI in a real terminal (tmux), real Python and Keras 3, a model whose
// custom layer is not registered, walked to a verified fix. Also Ctrl-C while Python imports. After either, no
// Python process started by the CLI may remain.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";
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

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** A folder like a user's: the model they were given and the .py file that defines its layer. */
function userFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "kf-wizard-"));
  folders.push(dir);
  copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
  copyFileSync(join(modelsDir, "sources", SOURCE), join(dir, SOURCE));
  return dir;
}

/** Runs the CLI in a fresh terminal; the shell prints the exit code and keeps the pane open for capture. */
function startWizard(name: string, dir: string): Terminal {
  const python = pythonFor("keras3");
  const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(python)}; echo "[keras-fix exited $?]"; exec sleep 3600`;
  return openTerminal(name, dir, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color", ...envVarsFor("keras3") });
}

/** Watches for the CLI's Python workers while waiting, so even short-lived ones are recorded. */
async function waitRecording(term: Terminal, test: (screen: string) => boolean, seen: Map<number, string>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let screen = "";
  while (Date.now() < deadline) {
    for (const [pid, cmd] of pythonDescendants(term.panePid())) seen.set(pid, cmd);
    screen = term.screen();
    if (test(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms; the screen:\n${screen}`);
}

async function expectAllGone(pids: number[]) {
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(pids.filter(alive)).toEqual([]);
}

describe("the wizard in a real terminal", () => {
  it("walks custom-layer-missing to a verified fix: the loader is written, the model untouched, no Python left", async () => {
    const dir = userFolder();
    const before = sha256(join(dir, MODEL));
    const workers = new Map<number, string>();
    terminal = startWizard("walk", dir);
    const term = terminal;

    // The first screen comes before Python is up.
    await term.waitFor("Inspecting the file", 15_000);
    let screen = await waitRecording(term, (s) => /Enter: (continue|choose|finish)/.test(hints(s)), workers, 150_000);
    expect(screen).toMatch(/✔ Importing Keras .*keras 3\.\d+\.\d+/);
    expect(screen).toContain("ScaledDense");

    // Take the found module, then the loader (no re-save); Enter through explanations; stop at the end.
    const preferences = [/fixture_layers\.py|module we found/i, /loader|write a load_/i, /No, that's all|Nothing more/i];
    const picked: string[] = [];
    for (let step = 0; step < 20 && !/Enter: finish/.test(hints(screen)); step++) {
      const previous = screen;
      if (/Enter: continue/.test(hints(screen))) {
        term.send("Enter");
      } else {
        const options = liveOptions(screen);
        const preference = preferences.find((p) => options.some((o) => p.test(o)));
        if (!preference) throw new Error(`no option to take among ${JSON.stringify(options)}; the screen:\n${screen}`);
        const index = options.findIndex((o) => preference.test(o));
        picked.push(options[index]);
        term.send(String(index + 1));
      }
      screen = await waitRecording(term, (s) => s !== previous && /Enter: (continue|choose|finish)/.test(hints(s)), workers, 120_000);
    }
    expect(picked.some((label) => /fixture_layers\.py|module we found/i.test(label))).toBe(true);
    expect(picked.some((label) => preferences[1].test(label))).toBe(true);
    // The end's summary joins the transcript one frame after the hints say "finish".
    screen = await waitRecording(term, (s) => /✔ Fixed/.test(s), workers, 10_000);
    expect(screen).toMatch(/What was wrong: .*\(ScaledDense\)/);
    term.send("Enter");
    screen = await term.waitFor(EXIT_MARK, 30_000);
    expect(EXIT_MARK.exec(screen)![1]).toBe("0");

    // A loader was written next to the user's files and loads the model; the model's bytes did not change.
    const written = readdirSync(dir).filter((name) => name !== MODEL && name !== SOURCE && name.endsWith(".py"));
    expect(written.length).toBe(1);
    expect(screen).toContain(written[0]);
    expect(readFileSync(join(dir, written[0]), "utf8")).toContain(MODEL);
    execFileSync(pythonFor("keras3"), [written[0]], { cwd: dir, env: { ...process.env, ...envVarsFor("keras3") }, stdio: "pipe", timeout: 120_000 });
    expect(sha256(join(dir, MODEL))).toBe(before);

    expect(workers.size).toBeGreaterThan(0);
    await expectAllGone([...workers.keys()]);

    if (process.env.KERAS_FIX_WRITE_SCREEN === "1") {
      const docs = join(repoRoot, "docs", "wizard-screen.txt");
      mkdirSync(dirname(docs), { recursive: true });
      const shown = screen
        .replace(EXIT_MARK, "")
        .replaceAll(dir, "~/project")
        .replaceAll(pythonFor("keras3"), "~/.venvs/keras3/bin/python")
        .trim();
      writeFileSync(docs, `$ npx keras-fix ${MODEL}\n${shown}\n`);
    }
  });

  it("Ctrl-C while Python imports Keras: exits 130 and leaves no Python behind", async () => {
    const dir = userFolder();
    const workers = new Map<number, string>();
    terminal = startWizard("cancel", dir);
    const term = terminal;
    await waitRecording(term, (s) => /Importing Keras/.test(s) && /importing Keras/.test(s) && workers.size > 0, workers, 60_000);
    expect(term.screen()).not.toMatch(/✔ Importing Keras/);
    term.send("C-c");
    const screen = await term.waitFor(EXIT_MARK, 30_000);
    expect(EXIT_MARK.exec(screen)![1]).toBe("130");
    expect(screen).toContain("Cancelled.");
    await expectAllGone([...workers.keys()]);
  });
});
