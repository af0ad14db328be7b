// The wizard on a file the safety read named dangerous: it explains each finding before any question, every road
// but a typed "yes" ends without a load request, and the yes road asks for exactly one load.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { unsafeModelFile } from "../../flows/unsafe-model-file/cause.js";
import { finding, safetyRead } from "../../src/core/inspect/safety.js";
import { paragraphs } from "../../src/core/content.js";
import type { DiagnoseResult } from "../../src/engine/session.js";
import { diagnosisFor, fileFacts, KEY, renderApp, ScriptedSession } from "./helpers.js";

afterEach(() => cleanup());

const dangerous: DiagnoseResult = {
  file: {
    ...fileFacts,
    safety: safetyRead([
      finding("config-imports-module", "dangerous", "config.json:config.layers[0]", "The config names subprocess.run: an older Keras would call it."),
      finding("zip-npz-weights", "dangerous", "model.weights.npz", "The weights are an .npz holding a pickle."),
    ]),
  },
  env: null,
  load: null,
  diagnosis: diagnosisFor(unsafeModelFile, { culprit: "config.json:config.layers[0]", captures: {} }),
  cause: unsafeModelFile,
  outcome: "diagnosed",
};

const loads = () => ({ ok: true, summary: paragraphs("It loads."), data: { attempt: { ok: true } } });

async function atChoice(session: ScriptedSession) {
  const app = renderApp({ target: "model.keras", session });
  await app.see("What keras-fix found in the file");
  // Each finding is explained before anything is asked.
  expect(app.frame()).toContain("subprocess.run");
  expect(app.frame()).toContain("model.weights.npz");
  await app.press(KEY.enter);
  await app.see("What now?");
  return app;
}

describe("unsafe-model-file in the wizard", () => {
  it("without a typed yes nothing is loaded: a refused prompt, Esc, and the stop road", async () => {
    const session = new ScriptedSession({ result: dangerous, answer: loads });
    const app = await atChoice(session);
    await app.press("2");
    await app.see('Type "yes"');
    await app.type("y");
    await app.see("› y");
    await app.press(KEY.enter);
    await app.see("Not confirmed: nothing was run.");
    await app.press("2");
    await app.see('Type "yes"');
    await app.press(KEY.escape);
    await app.see("Not confirmed: nothing was run.");
    await app.press("1");
    await app.see("Not loaded: the file is unsafe as it is");
    await app.press(KEY.enter);
    expect(await app.exited).toBe(1);
    expect(session.requests).toEqual([]);
  });

  it("loads once after a typed yes", async () => {
    const session = new ScriptedSession({ result: dangerous, answer: loads });
    const app = await atChoice(session);
    await app.press("2");
    await app.see('Type "yes"');
    expect(app.frame()).toContain("keras-fix found the findings listed above");
    await app.type("yes");
    await app.see("› yes");
    await app.press(KEY.enter);
    await app.see("It loaded, because you allowed it");
    expect(session.requests).toEqual([{ kind: "verify-load", fix: { safeMode: false, allowStoredCode: true } }]);
  });
});
