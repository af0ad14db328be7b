// What the wizard says while a trial environment is made (issue 21): pip's resolver (10-30 s with a real index) and
// the first 40 s after the typed yes used to show only a spinner. Each phase now has its words: resolving, creating
// the venv, downloading (bytes of the total), installing, loading the model there. pip talks to a local package
// index of tiny fake wheels that answers slowly, so each phase lasts long enough to be seen on any machine.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { chooseWithArrows, tmuxSession, typeYes } from "./session.js";
import { tinyIndexes, trialEnvFrom } from "./tiny-index.js";

const MODEL = "sequential.keras";
const session = tmuxSession();
const startIndex = tinyIndexes();

/** The live progress line while an action runs: the last rows above the key hints. */
function phasesOn(screen: string): string[] {
  return screen
    .split("\n")
    .slice(-4)
    .map((row) => row.replace(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /, "").trim())
    .filter((row) => /resolving|creating the trial|downloading|installing the downloaded|loading the model in the trial/.test(row));
}

describe("a trial environment in the wizard", () => {
  it("says what is happening at each phase: resolving, creating the venv, downloading, loading", async () => {
    const dir = session.folder("kf-trial-phases-");
    const cache = session.folder("kf-trial-cache-");
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    // The two dry runs (the estimate, the trial's check) wait 1.5 s a file; the install's download 2 s, in two halves.
    const packageIndex = await startIndex(join(dir, "wheels"), (response, body, headers, count) => {
      if (count <= 2) return void setTimeout(() => response.writeHead(200, headers).end(body), 1_500);
      response.writeHead(200, headers);
      response.write(body.subarray(0, body.length >> 1));
      setTimeout(() => response.end(body.subarray(body.length >> 1)), 2_000);
    }, { kerasImportSeconds: 3 });
    const term = session.start("trial-phases", dir, [MODEL, "--python", pythonFor("keras35-py312")], {
      env: trialEnvFrom(packageIndex, cache, "keras35-py312"),
    });
    const seen = new Set<string>();
    const watch = async (until: RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const screen = term.screen();
        for (const phase of phasesOn(screen)) seen.add(phase);
        if (until.test(screen)) return screen;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out waiting for ${until}; the screen:\n${term.screen()}`);
    };
    await term.waitFor("Press Enter to continue.", 120_000);
    term.send("Enter");
    await chooseWithArrows(term, /Show the versions that read this file/);
    await term.waitFor(/Versions that read this file[\s\S]*Press Enter to continue\./, 60_000);
    term.send("Enter");
    await chooseWithArrows(term, /Prove it first/);
    // Before the yes: the estimate is pip's resolver in dry-run mode.
    await watch(/Prove it in a trial environment\?[\s\S]*↑\/↓ and Enter: choose/, 120_000);
    expect([...seen].some((phase) => /pip is resolving which versions to install/.test(phase)), JSON.stringify([...seen])).toBe(true);
    seen.clear();
    await chooseWithArrows(term, /^Go ahead/);
    await typeYes(term);
    // The fake keras wheel's import sleeps, then fails: the load there is seen, then the walk goes on to its next
    // question or its end.
    await watch(/(Enter: (choose|finish|continue))[^\n]*$/, 240_000);
    const phases = [...seen].join("\n");
    expect(phases).toMatch(/creating the trial environment/);
    expect(phases).toMatch(/pip is resolving which versions to install/);
    expect(phases).toMatch(/downloading (keras|jax|jaxlib)/);
    expect(phases).toMatch(/loading the model in the trial environment/);
  }, 400_000);
});
