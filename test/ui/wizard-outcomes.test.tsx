// The wizard before and around the walk: the stage list as progress arrives, the "loads" and "error" endings, a
// failing diagnosis, an undiagnosed result, and a whole walk of a real flow (file-not-found).
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { fileNotFound } from "../../flows/file-not-found/cause.js";
import { UserError } from "../../src/core/errors.js";
import type { DiagnoseResult } from "../../src/engine/session.js";
import { diagnosedResult, fileFacts, KEY, plain, renderApp, ScriptedSession } from "./helpers.js";

afterEach(() => cleanup());

// A stack line as Node prints it, inside the error box's border.
const STACK_FRAME = /^[│\s]*at .*:\d+:\d+\)?\s*│?$/m;
const nothing: DiagnoseResult = { file: fileFacts, env: null, load: null, diagnosis: null, cause: null, outcome: "undiagnosed" };

describe("the stages", () => {
  it("renders at once, then each stage's state, detail and seconds as the session reports them", async () => {
    let release: () => void = () => {};
    const session = new ScriptedSession({
      progress: [
        { stage: "inspect", status: "done", detail: ".keras archive saved by Keras 3.15.1", seconds: 0.04 },
        { stage: "find-python", status: "done", detail: "/venv/bin/python (flag)", seconds: 0.2 },
        { stage: "import", status: "running", detail: "starting Python and importing Keras" },
      ],
      gate: new Promise<void>((resolve) => {
        release = resolve;
      }),
      result: { ...nothing, outcome: "loads" },
    });
    const app = renderApp({ target: "model.keras", session });
    await app.see("starting Python and importing Keras");
    const frame = app.frame();
    expect(frame).toContain("keras-fix · model.keras");
    expect(frame).toMatch(/✔ Inspecting the file +0\.0s {2}\.keras archive saved by Keras 3\.15\.1/);
    expect(frame).toMatch(/✔ Finding Python +0\.2s {2}\/venv\/bin\/python \(flag\)/);
    expect(frame).toMatch(/Importing Keras +\d+\.\ds {2}starting Python/);
    expect(frame).toMatch(/· Loading the model\n· Diagnosing/);
    expect(app.opened).toEqual(["model.keras"]);
    release();
    expect(await app.exited).toBe(0);
  });

  it("sanitizes what the stages found: a file name cannot move the cursor", async () => {
    const session = new ScriptedSession({
      progress: [{ stage: "inspect", status: "failed", detail: "evil\u001b[2Jname" }],
      result: { ...nothing, outcome: "error" },
    });
    const app = renderApp({ target: "m.h5", session });
    await app.see("evil\\x1b[2Jname");
    expect(app.lastFrame()).not.toContain("\u001b[2J");
    expect(await app.exited).toBe(2);
  });
});

describe("endings without a walk", () => {
  it('"loads": says so plainly and exits 0', async () => {
    const session = new ScriptedSession({ result: { ...nothing, outcome: "loads" } });
    const app = renderApp({ target: "model.keras", session });
    await app.see("The model loads in this environment (test).");
    expect(await app.exited).toBe(0);
    expect(session.closeCalls).toBe(1);
  });

  it('"error": an error box with the failed stage and what to try; exits 2', async () => {
    const session = new ScriptedSession({
      progress: [{ stage: "import", status: "failed", detail: "the probe timed out after 300 s" }],
      result: { ...nothing, outcome: "error" },
    });
    const app = renderApp({ target: "model.keras", session });
    await app.see("keras-fix could not finish the diagnosis");
    expect(app.frame()).toContain("the probe timed out after 300 s");
    expect(app.frame()).toContain("Try: try --python");
    expect(await app.exited).toBe(2);
  });

  it("a UserError from the session shows its message and hint, no stack; exits 2", async () => {
    const session = new ScriptedSession({ result: new UserError("--python: no interpreter at /nope", "give a real path") });
    const app = renderApp({ target: "model.keras", session });
    await app.see("--python: no interpreter at /nope");
    expect(app.frame()).toContain("Try: give a real path");
    expect(app.frame()).not.toMatch(STACK_FRAME);
    expect(await app.exited).toBe(2);
  });

  it("a bug shows its stack and asks for a report; exits 2", async () => {
    const session = new ScriptedSession({ result: new Error("undefined is not a function") });
    const app = renderApp({ target: "model.keras", session });
    await app.see("keras-fix hit a bug");
    expect(app.frame()).toContain("Please report this");
    expect(app.frame()).toMatch(STACK_FRAME);
    expect(await app.exited).toBe(2);
  });

  it("undiagnosed without a cause exits 3", async () => {
    const session = new ScriptedSession({ result: nothing });
    const app = renderApp({ target: "model.keras", session });
    await app.see("We could not tell what is wrong");
    expect(await app.exited).toBe(3);
  });
});

describe("a real flow", () => {
  it("file-not-found: summary with the path, the info step, the not-fixed ending; exits 1", async () => {
    const result: DiagnoseResult = {
      ...diagnosedResult(fileNotFound),
      file: { ...fileFacts, format: "missing" },
      diagnosis: { ...diagnosedResult(fileNotFound).diagnosis!, culprit: "gone.h5", captures: { path: "gone.h5" }, evidence: ["nothing exists at gone.h5"] },
    };
    const session = new ScriptedSession({ result });
    const app = renderApp({ target: "gone.h5", session });
    await app.see("The model file is not where the path says");
    expect(app.frame()).toContain("Nothing is at gone.h5, so there is no model to load.");
    await app.see("Check the path");
    await app.press(KEY.enter);
    await app.see("Not fixed yet: Point keras-fix at the model file");
    expect(app.frame()).toContain("What was wrong: The model file is not where the path says (gone.h5)");
    // No frame offers "Enter: finish" before the summary it finishes is on screen (the summary goes into the
    // transcript from an effect: the hints wait for it).
    const finishing = app.frames.map(plain).filter((frame) => frame.includes("Enter: finish"));
    expect(finishing.length).toBeGreaterThan(0);
    expect(finishing.filter((frame) => !frame.includes("Not fixed yet: Point keras-fix at the model file"))).toEqual([]);
    await app.press(KEY.enter);
    expect(await app.exited).toBe(1);
    expect(session.requests).toEqual([]);
  });
});
