// Without a path the wizard lists the folder's model files; the chosen one (or a typed path) is diagnosed.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelCandidate } from "../../src/core/inspect/find-model-files.js";
import { KEY, renderApp, ScriptedSession } from "./helpers.js";

afterEach(() => cleanup());

const candidates: ModelCandidate[] = [
  { name: "classifier.keras", kind: "keras-zip", size: 52_000, note: null },
  { name: "export", kind: "savedmodel", size: null, note: null },
  { name: "big.h5", kind: "hdf5", size: 133, note: "Git LFS pointer, not the model itself" },
];
const loads = () => new ScriptedSession({ result: { file: null, env: null, load: null, diagnosis: null, cause: null, outcome: "loads" } });

describe("the file picker", () => {
  it("lists the candidates with kind, size and notes, and diagnoses the one chosen", async () => {
    const session = loads();
    const app = renderApp({ session, candidates });
    await app.see("Which model should keras-fix look at? (in /models)");
    const frame = app.frame();
    expect(frame).toContain("❯ classifier.keras  (.keras archive, 51 KB)");
    expect(frame).toContain("export  (SavedModel folder)");
    expect(frame).toContain("big.h5  (HDF5, 133 B) — Git LFS pointer, not the model itself");
    expect(frame).toContain("Type a path…");
    await app.press(KEY.down);
    await app.see("❯ export");
    await app.press(KEY.enter);
    expect(await app.exited).toBe(0);
    // Named by its path from here: the picker's folder (/models) is not the folder the test runs in.
    expect(app.opened).toEqual(["/models/export"]);
  });

  it("shows its key hints and quits on q without starting a session", async () => {
    const session = loads();
    const app = renderApp({ session, candidates });
    await app.see("↑/↓ and Enter: choose · q: quit · Ctrl-C: cancel");
    await app.press("q");
    expect(await app.exited).toBe(130);
    expect(app.opened).toEqual([]);
  });

  it("takes a typed path, and Esc returns to the list", async () => {
    const session = loads();
    const app = renderApp({ session, candidates });
    await app.see("Type a path…");
    await app.press("4");
    await app.see("Path to the model file:");
    await app.press(KEY.escape);
    await app.see("❯ classifier.keras");
    await app.press("4");
    await app.see("Path to the model file:");
    await app.type("../elsewhere/model.h5");
    await app.see("› ../elsewhere/model.h5");
    await app.press(KEY.enter);
    expect(await app.exited).toBe(0);
    expect(app.opened).toEqual(["../elsewhere/model.h5"]);
  });

  it("asks for a path straight away when the folder has no model files", async () => {
    const session = loads();
    const app = renderApp({ session, candidates: [] });
    await app.see("No model files (.h5, .hdf5, .keras, .json, SavedModel folders) in /models.");
    expect(app.frame()).toContain("Path to the model file:");
    await app.type("m.h5");
    await app.see("› m.h5");
    await app.press(KEY.enter);
    expect(await app.exited).toBe(0);
    expect(app.opened).toEqual(["m.h5"]);
  });

  it("Ctrl-C in the picker exits 130 without starting a session", async () => {
    const app = renderApp({ candidates });
    await app.see("Type a path…");
    await app.press(KEY.ctrlC);
    expect(await app.exited).toBe(130);
    expect(app.opened).toEqual([]);
  });
});
