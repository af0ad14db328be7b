// The wizard's trial: "Prove it first" asks what it would download, shows that size in the consent, proves the plan
// only after a typed "yes", and shows pip's progress as a bar with the package being fetched. The real cause's steps
// (keras2-file-in-keras3) with a scripted session; the real trial runs in test/integration/trial*.test.ts.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { paragraphs } from "../../src/core/content.js";
import type { ActionRequest, ActionResult, EnvFacts } from "../../src/core/types.js";
import { progressLine } from "../../src/ui/progress-bar.js";
import type { ActionProgress } from "../../src/engine/session.js";
import { keras2FileInKeras3 as cause } from "../../flows/keras2-file-in-keras3/cause.js";
import { diagnosisFor, fileFacts, KEY, renderApp, ScriptedSession } from "./helpers.js";

afterEach(() => cleanup());

// The keras3 test env as the probe reports it: Python 3.11, TF 2.21, Keras 3.15, tf_keras 2.21.
const env = {
  python: { path: "/envs/keras3/bin/python", version: "3.11.7", source: "flag" },
  packages: { keras: "3.15.1", tensorflow: "2.21.0", tf_keras: "2.21.0", h5py: "3.12.1" },
  backend: "tensorflow",
  legacyKeras: false,
  loader: "keras3",
  importError: null,
  importSeconds: 5,
} as unknown as EnvFacts;
const file = { ...fileFacts, path: "model.h5", format: "h5-model", kerasVersion: "2.15.0", kerasLine: "tf-keras2", customClasses: [], layerClasses: ["SimpleRNN"] } as typeof fileFacts;

describe("the wizard's trial environment", () => {
  it("asks the download size first, proves only after a typed yes, and shows pip's progress as a bar", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const answer = async (request: ActionRequest, onProgress?: (progress: ActionProgress) => void): Promise<ActionResult> => {
      if (request.kind === "estimate-trial") {
        return { ok: true, summary: paragraphs("Proving it: about 231 MB to download into a new Python 3.11 environment (py3.11-1edbcae78e41)."), data: {} };
      }
      if (request.kind === "try-versions") {
        onProgress?.({ label: "fetching tensorflow-cpu", done: 99_000_000, total: 231_000_000 });
        await gate;
        return { ok: true, summary: paragraphs("Proven."), data: { proofs: [{ proven: false, pins: [], resolved: {}, python: null, dir: null, message: "the plan installs nothing" }, { proven: true, pins: ["tensorflow-cpu==2.15.*"], resolved: { "tensorflow-cpu": "2.15.1" }, python: "3.11", dir: "/cache/py3.11-1edbcae78e41", message: "the model loads" }] } };
      }
      throw new Error(`unexpected ${request.kind}`);
    };
    const session = new ScriptedSession({
      result: { file, env, load: null, diagnosis: diagnosisFor(cause, { culprit: "SimpleRNN", captures: { className: "SimpleRNN", keyword: "time_major" } }), cause, outcome: "diagnosed" },
      answer,
    });
    const app = renderApp({ target: "model.h5", session });
    await app.see("What the versions say");
    await app.press(KEY.enter);
    await app.see("How do you want to load it?");
    await app.press("2");
    await app.see("Versions that read this file");
    await app.press(KEY.enter);
    await app.see("Install them now?");
    await app.press("1");
    await app.see("Prove it in a trial environment?");
    expect(app.frame()).toContain("about 231 MB to download");
    expect(session.requests.map((r) => r.kind)).toEqual(["estimate-trial"]);
    await app.press("1");
    await app.see('Type "yes"');
    await app.type("yes");
    await app.see("› yes");
    await app.press(KEY.enter);
    await app.see("fetching tensorflow-cpu");
    expect(app.frame()).toMatch(/\[█+░+\]\s+42%\s+fetching tensorflow-cpu\s+\(99 of 231 MB\)/);
    release();
    // Once proven, bring-home offers a copy for this Keras first; declining it ends on the proven versions.
    await app.see("Write a copy your Keras loads");
    await app.press(KEY.down);
    await app.press(KEY.enter);
    await app.see("Proven: these versions load the model");
    expect(app.frame()).not.toContain("fetching tensorflow-cpu");
    // The instructions are the exact set proven (the trial's CPU wheel named as the package the user installs).
    expect(app.frame()).toContain("/envs/keras3/bin/python -m pip install tensorflow==2.15.1");
    expect(session.requests.map((r) => r.kind)).toEqual(["estimate-trial", "try-versions"]);
  });

  it("draws the bar to the width, and without a total shows the bytes so far", () => {
    const line = progressLine({ label: "fetching numpy", done: 50_000_000, total: 100_000_000 }, 60);
    expect(line).toMatch(/^\[█+░+\]  50%  fetching numpy  \(50 of 100 MB\)$/);
    expect(line.length).toBeLessThanOrEqual(60);
    expect(progressLine({ label: "fetching keras", done: 2_400_000, total: null }, 80)).toBe("fetching keras  (2 MB so far)");
  });
});
