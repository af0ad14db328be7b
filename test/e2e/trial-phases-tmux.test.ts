// What the wizard says while a trial environment is made (issue 21): pip's resolver (10-30 s with a real index) and
// the first 40 s after the typed yes used to show only a spinner. Each phase now has its words: resolving, creating
// the venv, downloading (bytes of the total), installing, loading the model there. pip talks to a local package
// index of tiny fake wheels that answers slowly, so each phase lasts long enough to be seen on any machine.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { tinyIndex, type TinyIndex } from "./tiny-index.js";
import { liveOptions, openTerminal, type Terminal } from "./tmux.js";

const MODEL = "sequential.keras";
let terminal: Terminal | null = null;
let packageIndex: TinyIndex | null = null;
const folders: string[] = [];
afterEach(() => {
  terminal?.kill();
  terminal = null;
  packageIndex?.close();
  packageIndex = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** Moves the selection to the option matching `pattern` and presses Enter. */
async function choose(term: Terminal, pattern: RegExp) {
  const options = liveOptions(await term.waitFor(/↑\/↓ and Enter: choose/, 60_000));
  const index = options.findIndex((option) => pattern.test(option));
  expect(index, `no option ${pattern} in ${JSON.stringify(options)}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) term.send("Down");
  term.send("Enter");
}

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
    const dir = tempDir("kf-trial-phases-");
    const cache = tempDir("kf-trial-cache-");
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    // The two dry runs (the estimate, the trial's check) wait 1.5 s a file; the install's download 2 s, in two halves.
    packageIndex = await tinyIndex(join(dir, "wheels"), (response, body, headers, count) => {
      if (count <= 2) return void setTimeout(() => response.writeHead(200, headers).end(body), 1_500);
      response.writeHead(200, headers);
      response.write(body.subarray(0, body.length >> 1));
      setTimeout(() => response.end(body.subarray(body.length >> 1)), 2_000);
    }, { kerasImportSeconds: 3 });
    const url = packageIndex.url;
    const python = pythonFor("keras35-py312");
    const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(python)}; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("trial-phases", dir, ["sh", "-c", script], {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      TERM: "xterm-256color",
      ...envVarsFor("keras35-py312"),
      PIP_INDEX_URL: url,
      PIP_NO_CACHE_DIR: "1",
      PIP_RETRIES: "0",
      KERAS_FIX_TRIAL_CACHE: cache,
    });
    const term = terminal;
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
    await choose(term, /Show the versions that read this file/);
    await term.waitFor(/Versions that read this file[\s\S]*Press Enter to continue\./, 60_000);
    term.send("Enter");
    await choose(term, /Prove it first/);
    // Before the yes: the estimate is pip's resolver in dry-run mode.
    await watch(/Prove it in a trial environment\?[\s\S]*↑\/↓ and Enter: choose/, 120_000);
    expect([...seen].some((phase) => /pip is resolving which versions to install/.test(phase)), JSON.stringify([...seen])).toBe(true);
    seen.clear();
    await choose(term, /^Go ahead/);
    await term.waitFor(/Type "yes" and press Enter/, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    term.send("yes", { literal: true });
    await term.waitFor(/› yes/, 10_000);
    term.send("Enter");
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
