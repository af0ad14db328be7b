// Ctrl-C in the wizard while a trial environment's pip installs (issue 21 §1): the wizard's Ctrl-C is a key, not a
// signal, and it used to leave pip and the load running to the end and the environment recorded as proven. Here pip
// talks to a local package index of tiny fake wheels that answers the two dry runs (the estimate, the trial's check)
// and then stalls the install's downloads: pip is mid-install when Ctrl-C comes, whatever the machine's speed.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { tinyIndex, type TinyIndex } from "./tiny-index.js";
import { alive, liveOptions, openTerminal, pythonDescendants, type Terminal } from "./tmux.js";

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

describe("Ctrl-C in the wizard while a trial environment installs", () => {
  it("kills pip at once, leaves the environment unfinished and not proven, and exits 130", async () => {
    const dir = tempDir("kf-trial-cancel-");
    const cache = tempDir("kf-trial-cache-");
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    // Each wheel is served twice (the two dry runs), then its downloads send headers and never the body, as a very
    // slow mirror: pip is mid-install when Ctrl-C comes, whatever the machine's speed.
    let stalled = 0;
    packageIndex = await tinyIndex(join(dir, "wheels"), (response, body, headers, count) => {
      if (count <= 2) return response.writeHead(200, headers).end(body);
      stalled++;
      response.writeHead(200, headers);
    });
    const python = pythonFor("keras35-py312");
    const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(python)}; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("trial-cancel", dir, ["sh", "-c", script], {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      TERM: "xterm-256color",
      ...envVarsFor("keras35-py312"),
      PIP_INDEX_URL: packageIndex.url,
      PIP_NO_CACHE_DIR: "1",
      PIP_RETRIES: "0",
      KERAS_FIX_TRIAL_CACHE: cache,
    });
    const term = terminal;
    await term.waitFor("Press Enter to continue.", 120_000);
    term.send("Enter");
    await choose(term, /Show the versions that read this file/);
    await term.waitFor(/Versions that read this file[\s\S]*Press Enter to continue\./, 60_000);
    term.send("Enter");
    await choose(term, /Prove it first/);
    await term.waitFor(/Prove it in a trial environment\?[\s\S]*↑\/↓ and Enter: choose/, 120_000);
    await choose(term, /^Go ahead/);
    // The consent: a typed yes.
    await term.waitFor(/Type "yes" and press Enter/, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    term.send("yes", { literal: true });
    await term.waitFor(/› yes/, 10_000);
    term.send("Enter");
    // pip is installing: its downloads hang at the index.
    const deadline = Date.now() + 120_000;
    while (stalled === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stalled, term.screen()).toBeGreaterThan(0);
    const [name] = readdirSync(cache).filter((entry) => !entry.endsWith(".lock"));
    const env = join(cache, name);
    const children = [...pythonDescendants(term.panePid()).keys()];
    expect([...pythonDescendants(term.panePid()).values()].some((cmd) => /-m pip install/.test(cmd) && !/--dry-run/.test(cmd))).toBe(true);

    term.send("C-c");
    const screen = await term.waitFor(/\[keras-fix exited (\d+)\]/, 5_000);
    expect(screen).toContain("Cancelled.");
    expect(/\[keras-fix exited (\d+)\]/.exec(screen)?.[1]).toBe("130");
    // Within two seconds of the key, no pip and no Python of keras-fix's remains.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(children.filter(alive)).toEqual([]);
    expect([...pythonDescendants(term.panePid()).values()]).toEqual([]);
    // The environment stays unfinished, and `keras-fix envs` does not call it proven.
    expect(existsSync(join(env, ".keras-fix-unfinished"))).toBe(true);
    const listing = JSON.parse(
      execFileSync("node", [cliPath, "envs", "--json"], { env: { ...process.env, KERAS_FIX_TRIAL_CACHE: cache }, encoding: "utf8" }),
    ) as unknown;
    expect(JSON.stringify(listing)).not.toMatch(/"proven":\s*true/);
  }, 400_000);
});
