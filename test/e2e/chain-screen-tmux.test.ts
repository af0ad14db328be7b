// The wizard past a backend switch, as a newcomer meets it (issue 21): Keras 3.5 on JAX with no backend configured
// (so Keras' default, tensorflow, which is not installed) and a Keras 2 SavedModel. KERAS_BACKEND=jax gets the load
// past the first cause into savedmodel-in-keras3. The wizard used to end there with "Not fixed yet", show the
// commands without KERAS_BACKEND, hard-wrap code inside its string literals, and lose scrollback lines once the
// live area outgrew the window. Run at 80 and 100 columns; the scrollback is read whole (capture-pane -S -).
import { describe, expect, it } from "vitest";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { EXIT_MARK, exitCodeOn, tmuxSession } from "./session.js";
import type { Terminal } from "./tmux.js";

const session = tmuxSession();
const model = `${modelsDir}/keras2/savedmodel_keras`;

function start(name: string, columns: number, rows: number): Terminal {
  // A fresh, empty KERAS_HOME: no backend configured, as on a newcomer's machine.
  const kerasHome = session.folder("kf-chain-keras-home-");
  return session.start(name, session.folder("kf-chain-"), [model, "--python", pythonFor("keras35-py312")], {
    env: { KERAS_HOME: kerasHome },
    size: { columns, rows },
  });
}

/** Waits until `text` is on screen and the live key hints match `hint` (the step is ready for its key). */
async function until(term: Terminal, hint: RegExp, text: string): Promise<string> {
  const deadline = Date.now() + 120_000;
  let screen = "";
  while (Date.now() < deadline) {
    screen = term.screen();
    // At 80 columns the hints take two rows.
    if (screen.includes(text) && hint.test(screen.split("\n").slice(-2).join(" "))) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${text}; the screen:\n${screen}`);
}

describe.each([
  [80, 24],
  [100, 35],
])("the wizard at %i columns past a backend switch", (columns, rows) => {
  it("goes on to the next cause like --auto, carries KERAS_BACKEND into the code, never wraps code, keeps the scrollback", async () => {
    const term = start(`chain-${columns}`, columns, rows);
    await until(term, /Enter: continue/, "Keras 3 runs on one backend");
    term.send("Enter");
    await until(term, /Enter: choose/, "Load it on another backend?");
    term.send("Enter"); // Load it with KERAS_BACKEND=jax and check
    await until(term, /Enter: continue/, "SavedModel folders need another loader");
    // Prose is wrapped to the width by the wizard: read it with its rows joined by spaces.
    const afterSwitch = term.screen().replace(/\s+/g, " ");
    expect(afterSwitch).toMatch(/✔ KERAS_BACKEND=jax got past "Keras 3 is installed, but not its configured backend"/);
    // No end screen for the cause the fix got past, and the retry says what it is now without the cause's id.
    expect(afterSwitch).not.toMatch(/Not fixed yet: Install the backend/);
    expect(afterSwitch).toMatch(/The load got further: it now meets another problem, Keras 3 cannot load a TensorFlow SavedModel/);
    expect(afterSwitch).not.toMatch(/\(savedmodel-in-keras3\)/);
    term.send("Enter");
    await until(term, /Enter: choose/, "How do you want to load it?");
    term.send("Enter"); // Just show me the code (the only route that works on JAX)
    await until(term, /Enter: finish/, "Not fixed yet: Load the SavedModel yourself");
    term.send("Enter");
    const screen = await term.waitFor(EXIT_MARK, 60_000);

    // The scrollback holds the whole run, from the header line printed before the wizard loaded.
    expect(screen).toMatch(/^keras-fix · .*savedmodel_keras$/m);
    expect(screen).toMatch(/✘ Importing Keras .*keras 3\.5\.0/);
    expect(screen).toContain("Keras 3 runs on one backend, chosen when it is imported");
    expect(screen).toContain("→ Load it with KERAS_BACKEND=jax and check");
    expect(screen).toContain("→ Just show me the code");
    // Code is written whole (the terminal wraps it; joined, it is the line as written), never broken by us.
    expect(screen).toContain(`    layer = keras.layers.TFSMLayer(${JSON.stringify(model)}, call_endpoint="serving_default")`);
    expect(screen).toContain(`    loaded = tf.saved_model.load(${JSON.stringify(model)})`);
    // TFSMLayer needs TensorFlow: its code chooses that backend itself, and the end does not contradict it by asking
    // to keep the jax that got past the first cause.
    expect(screen).toContain('    os.environ["KERAS_BACKEND"] = "tensorflow"');
    expect(screen.replace(/\s+/g, " ")).not.toMatch(/Keep KERAS_BACKEND=jax set/);
    expect(exitCodeOn(screen)).toBe("1");

    // No blank row inside a list of bullets (a dimmed row that filled the width exactly used to leave one).
    const shown = term.scrollbackRows();
    const lists = shown.flatMap((row, i) => (row === "How we know:" ? [i] : []));
    expect(lists.length).toBe(2);
    for (const first of lists) {
      const end = shown.findIndex((row, i) => i > first && !/^ {2}\S/.test(row) && !/^ {4}\S/.test(row));
      expect(shown[end], shown.slice(first, end + 2).join("\n")).toBe("");
      expect(shown[end + 1], shown.slice(first, end + 2).join("\n")).not.toMatch(/^ {2}/);
    }
  }, 300_000);
});
