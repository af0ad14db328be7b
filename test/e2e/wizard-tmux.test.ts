// The wizard as a user meets it: the built CLI in a real terminal (tmux), real Python and Keras 3, a model whose
// custom layer is not registered, walked to a verified fix. Also Ctrl-C while Python imports. After either, no
// Python process started by the CLI may remain.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";
import { EXIT_MARK, exitCodeOn, expectAllGone, nextStep, pick, tmuxSession, waitUntil } from "./session.js";
import { hints, pythonDescendants, type Terminal } from "./tmux.js";

const MODEL = "custom_layer_unregistered.keras";
const SOURCE = "fixture_layers.py";
const session = tmuxSession();

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** A folder like a user's: the model they were given and the .py file that defines its layer. */
function userFolder(): string {
  const dir = session.folder("kf-wizard-");
  copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
  copyFileSync(join(modelsDir, "sources", SOURCE), join(dir, SOURCE));
  return dir;
}

function startWizard(name: string, dir: string): Terminal {
  return session.start(name, dir, [MODEL, "--python", pythonFor("keras3")], { env: envVarsFor("keras3") });
}

/** Records the CLI's Python workers at every poll while waiting, so even short-lived ones are seen. */
const recorder = (term: Terminal, seen: Map<number, string>) => () => {
  for (const [pid, cmd] of pythonDescendants(term.panePid())) seen.set(pid, cmd);
};

describe("the wizard in a real terminal", () => {
  it("walks custom-layer-missing to a verified fix: the loader is written, the model untouched, no Python left", async () => {
    const dir = userFolder();
    const before = sha256(join(dir, MODEL));
    const workers = new Map<number, string>();
    const term = startWizard("walk", dir);
    const record = recorder(term, workers);

    // The first screen comes before Python is up.
    await term.waitFor("Inspecting the file", 15_000);
    let screen = await nextStep(term, "", 150_000, record);
    expect(screen).toMatch(/✔ Importing Keras .*keras 3\.\d+\.\d+/);
    expect(screen).toContain("ScaledDense");

    // Take the found module, then the loader (no re-save); Enter through explanations; stop at the end.
    const preferences = [/fixture_layers\.py|module we found/i, /loader|write a load_/i, /No, that's all|Nothing more/i];
    const picked: string[] = [];
    for (let step = 0; step < 20 && !/Enter: finish/.test(hints(screen)); step++) {
      const previous = screen;
      if (/Enter: continue/.test(hints(screen))) term.send("Enter");
      else picked.push(pick(term, screen, preferences));
      screen = await nextStep(term, previous, 120_000, record);
    }
    expect(picked.some((label) => /fixture_layers\.py|module we found/i.test(label))).toBe(true);
    expect(picked.some((label) => preferences[1].test(label))).toBe(true);
    // The end's summary joins the transcript one frame after the hints say "finish".
    screen = await waitUntil(term, (s) => /✔ Fixed/.test(s), { timeoutMs: 10_000, onPoll: record });
    expect(screen).toMatch(/What was wrong: .*\(ScaledDense\)/);
    term.send("Enter");
    screen = await term.waitFor(EXIT_MARK, 30_000);
    expect(exitCodeOn(screen)).toBe("0");

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
    const term = startWizard("cancel", dir);
    // The screen that shows the import running is the one read: a later one may show it done.
    const importing = await waitUntil(term, (s) => /Importing Keras/.test(s) && /importing Keras/.test(s) && workers.size > 0, {
      timeoutMs: 60_000,
      onPoll: recorder(term, workers),
    });
    expect(importing).not.toMatch(/✔ Importing Keras/);
    term.send("C-c");
    const screen = await term.waitFor(EXIT_MARK, 30_000);
    expect(exitCodeOn(screen)).toBe("130");
    expect(screen).toContain("Cancelled.");
    await expectAllGone([...workers.keys()]);
  });
});
