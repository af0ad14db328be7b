// The wizard over scripted sessions: each step kind, consent, Back, Quit, Ctrl-C, and the exit code of each ending.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import { paragraphs } from "../../src/core/content.js";
import type { ActionRequest } from "../../src/core/types.js";
import { diagnosedResult, KEY, renderApp, ScriptedSession } from "./helpers.js";
import { escalateCause, walkCause } from "./test-causes.js";

afterEach(() => cleanup());

const loadsWith = (request: ActionRequest) => ({
  ok: true,
  summary: paragraphs(`It loads now (${request.kind}).`),
  data: request.kind === "write-loader" ? { path: "/work/load_model_fixed.py", code: "import keras\nmodel = keras.models.load_model('m.keras')" } : { attempt: { ok: true } },
});

async function atChoice(session: ScriptedSession, inputs: Record<string, string> = {}) {
  const app = renderApp({ target: "model.keras", session, inputs });
  await app.see("What happens next");
  await app.press(KEY.enter);
  await app.see("Where is the code for the layer?");
  return app;
}

describe("walking a cause's steps", () => {
  it("shows the diagnosis, then info, choice, input, actions and the fixed summary; exits 0", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause), answer: loadsWith });
    const app = renderApp({ target: "model.keras", session });
    await app.see("A test layer is missing");
    expect(app.frame()).toContain("The file uses ScaledDense but nothing defines it.");
    expect(app.frame()).toContain("At fault: ScaledDense");
    expect(app.frame()).toContain("Could not locate class 'ScaledDense'");
    await app.see("Press Enter to continue.");
    await app.press(KEY.enter);
    await app.see("Type the path to the .py file");
    // The option guarded by `when` is hidden: nothing was found.
    expect(app.frame()).not.toContain("Use the module we found");
    // "Type the path" is the first visible option: down moves off it, up comes back.
    await app.see("❯ Type the path");
    await app.press(KEY.down);
    await app.see("❯ Run the code stored in the file");
    await app.press(KEY.up);
    await app.see("❯ Type the path");
    await app.press(KEY.enter);
    await app.see("Path to the .py file:");
    await app.type("layers.py");
    await app.see("› layers.py");
    await app.press(KEY.enter);
    await app.see("Keep this fix?");
    await app.press(KEY.enter);
    await app.see("The model loads with your module");
    expect(session.requests).toEqual([
      { kind: "verify-load", fix: { customObjectsModule: "layers.py" } },
      { kind: "write-loader", fix: { customObjectsModule: "layers.py" } },
    ]);
    const frame = app.frame();
    expect(frame).toContain("✔ Loading the model with your module");
    expect(frame).toContain("It loads now (verify-load).");
    expect(frame).toContain("✔ Fixed: The model loads with your module");
    expect(frame).toContain("What was wrong: A test layer is missing (ScaledDense)");
    expect(frame).toContain("/work/load_model_fixed.py");
    expect(frame).toContain("The code to keep");
    expect(frame).toContain("model = keras.models.load_model('m.keras')");
    await app.press(KEY.enter);
    expect(await app.exited).toBe(0);
    expect(session.closeCalls).toBe(1);
  });

  it("offers an option only when its `when` holds, with the label computed from the context", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause), answer: loadsWith });
    const app = await atChoice(session, { found: "src/my_layers.py" });
    expect(app.frame()).toContain("❯ Use the module we found (src/my_layers.py)");
    await app.press(KEY.enter);
    await app.see("Keep this fix?");
    await app.press("2");
    await app.see("Fixed: The model loads with your module");
    expect(app.frame()).not.toContain("The code to keep");
    expect(session.requests[0]).toEqual({ kind: "verify-load", fix: { customObjectsModule: "src/my_layers.py" } });
  });

  it("follows onFailure when an action fails, and a throwing action counts as a failure; exits 1", async () => {
    const session = new ScriptedSession({
      result: diagnosedResult(walkCause),
      answer: () => {
        throw new Error("the worker died");
      },
    });
    const app = await atChoice(session, { found: "x.py" });
    await app.press(KEY.enter);
    await app.see("Not fixed yet: It still does not load");
    expect(app.frame()).toContain("✘ Loading the model with your module");
    expect(app.frame()).toContain("This step could not run: the worker died");
    await app.press(KEY.enter);
    expect(await app.exited).toBe(1);
  });

  it("a walk that starts with an action and ends in escalate; exits 1", async () => {
    const session = new ScriptedSession({
      result: diagnosedResult(escalateCause),
      answer: () => ({ ok: false, summary: paragraphs("No source found.") }),
    });
    const app = renderApp({ target: "model.keras", session });
    await app.see("This needs a closer look: Upgrade Keras");
    expect(app.frame()).toContain("pip install -U keras");
    expect(app.frame()).toContain("No source found.");
    await app.press(KEY.enter);
    expect(await app.exited).toBe(1);
  });

  it("an undiagnosed result that walks to not-fixed exits 3", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause, "undiagnosed") });
    const app = await atChoice(session);
    await app.press("3");
    await app.see("Stopped before a fix");
    await app.press(KEY.enter);
    expect(await app.exited).toBe(3);
  });
});

describe("consent", () => {
  it("refuses without a typed yes: nothing runs, the choice comes back", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause), answer: loadsWith });
    const app = await atChoice(session);
    await app.press("2");
    await app.see("This runs code stored inside the model file on your machine.");
    expect(app.frame()).toContain('Type "yes"');
    await app.type("y");
    await app.see("› y");
    await app.press(KEY.enter);
    await app.see("Not confirmed: nothing was run.");
    expect(app.frame()).toContain("Stop here");
    expect(session.requests).toEqual([]);
    // Esc at the prompt also goes back without running anything.
    await app.press("2");
    await app.see("This runs code stored inside");
    await app.press(KEY.escape);
    await app.see("Not confirmed: nothing was run.");
    expect(session.requests).toEqual([]);
  });

  it("goes ahead with a typed yes", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause), answer: loadsWith });
    const app = await atChoice(session);
    await app.press("2");
    await app.see("This runs code stored inside");
    await app.type("YES ");
    await app.see("› YES");
    await app.press(KEY.enter);
    await app.see("Fixed: The model loads with your module");
    expect(session.requests).toEqual([{ kind: "verify-load", fix: { safeMode: false } }]);
    expect(app.frame()).toContain("Run the code stored in the file (you typed yes)");
  });
});

describe("keys", () => {
  it("Back from an input returns to the choice, and b at the first question says there is nothing before it", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause), answer: loadsWith });
    const app = await atChoice(session);
    await app.press("b");
    await app.see("nothing to go back to");
    await app.press("1");
    await app.see("Path to the .py file:");
    // "b" is text inside a field; Esc is Back there.
    await app.type("b");
    await app.see("› b");
    await app.press(KEY.escape);
    await app.see("↩ Back to: Where is the code for the layer?");
    await app.see("❯ Type the path to the .py file");
    await app.press("3");
    await app.see("Stopped before a fix");
    // From an end step, Back returns to the last question too.
    await app.press("b");
    await app.see("❯ Type the path to the .py file");
    await app.press("q");
    expect(await app.exited).toBe(1);
    expect(session.requests).toEqual([]);
  });

  it("q quits mid-walk with 1", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause) });
    const app = await atChoice(session);
    await app.press("q");
    expect(await app.exited).toBe(1);
    expect(app.frame()).toContain("You quit before the end of the walk.");
    expect(session.closeCalls).toBe(1);
  });

  it("q after a verified load exits 0: the model loads with the fix", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause), answer: loadsWith });
    const app = await atChoice(session, { found: "x.py" });
    await app.press(KEY.enter);
    await app.see("Keep this fix?");
    await app.press("q");
    expect(await app.exited).toBe(0);
  });

  it("w shows the explanation once", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause) });
    const explain = {
      whatHappened: paragraphs("The file names a class."),
      why: paragraphs("Keras rebuilds layers by name."),
      howToFix: paragraphs("Import the module."),
      seeAlso: paragraphs("The Keras docs."),
    };
    const app = renderApp({ target: "model.keras", session, explain });
    await app.see("w: why did this happen?");
    await app.press("w");
    await app.see("Keras rebuilds layers by name.");
    for (const heading of ["Why did this happen?", "What happened", "How to fix", "See also"]) expect(app.frame()).toContain(heading);
    expect(app.frame()).not.toContain("w: why did this happen?");
  });

  it("Ctrl-C during the walk closes the session and exits 130", async () => {
    const session = new ScriptedSession({ result: diagnosedResult(walkCause) });
    const app = await atChoice(session);
    await app.press(KEY.ctrlC);
    expect(await app.exited).toBe(130);
    expect(session.closeCalls).toBe(1);
    expect(app.frame()).toContain("Cancelled.");
  });

  it("Ctrl-C while Python is importing closes the session and exits 130", async () => {
    let release: () => void = () => {};
    const session = new ScriptedSession({
      progress: [
        { stage: "inspect", status: "done", detail: ".keras archive saved by Keras 3.15.1", seconds: 0.1 },
        { stage: "find-python", status: "done", detail: "Python 3.11.9 (--python)", seconds: 0.2 },
        { stage: "import", status: "running", detail: "starting Python and importing Keras" },
      ],
      gate: new Promise<void>((resolve) => {
        release = resolve;
      }),
      result: diagnosedResult(walkCause),
    });
    const app = renderApp({ target: "model.keras", session });
    await app.see("starting Python and importing Keras");
    await app.press(KEY.ctrlC);
    expect(await app.exited).toBe(130);
    expect(session.closeCalls).toBe(1);
    // The stages stay on screen, the one that was running marked as stopped.
    expect(app.frame()).toMatch(/✔ Finding Python +0\.2s {2}Python 3\.11\.9/);
    expect(app.frame()).toMatch(/✘ Importing Keras +\d+\.\ds {2}cancelled/);
    expect(app.frame()).toContain("Cancelled.");
    release();
  });
});
