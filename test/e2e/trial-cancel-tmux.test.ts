// Ctrl-C in the wizard while a trial environment's pip installs (issue 21 §1): the wizard's Ctrl-C is a key, not a
// signal, and it used to leave pip and the load running to the end and the environment recorded as proven. Here pip
// talks to a local package index of tiny fake wheels that answers the two dry runs (the estimate, the trial's check)
// and then stalls the install's downloads: pip is mid-install when Ctrl-C comes, whatever the machine's speed.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, modelsDir, pythonFor } from "../helpers/envs.js";
import { chooseWithArrows, EXIT_MARK, exitCodeOn, expectAllGone, tmuxSession, typeYes } from "./session.js";
import { tinyIndexes, trialEnvFrom } from "./tiny-index.js";
import { pythonDescendants } from "./tmux.js";

const MODEL = "sequential.keras";
const session = tmuxSession();
const startIndex = tinyIndexes();

describe("Ctrl-C in the wizard while a trial environment installs", () => {
  it("kills pip at once, leaves the environment unfinished and not proven, and exits 130", async () => {
    const dir = session.folder("kf-trial-cancel-");
    const cache = session.folder("kf-trial-cache-");
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    // Each wheel is served twice (the two dry runs), then its downloads send headers and never the body, as a very
    // slow mirror: pip is mid-install when Ctrl-C comes, whatever the machine's speed.
    let stalled = 0;
    const packageIndex = await startIndex(join(dir, "wheels"), (response, body, headers, count) => {
      if (count <= 2) return response.writeHead(200, headers).end(body);
      stalled++;
      response.writeHead(200, headers);
    });
    const term = session.start("trial-cancel", dir, [MODEL, "--python", pythonFor("keras35-py312")], {
      env: trialEnvFrom(packageIndex, cache, "keras35-py312"),
    });
    await term.waitFor("Press Enter to continue.", 120_000);
    term.send("Enter");
    await chooseWithArrows(term, /Show the versions that read this file/);
    await term.waitFor(/Versions that read this file[\s\S]*Press Enter to continue\./, 60_000);
    term.send("Enter");
    await chooseWithArrows(term, /Prove it first/);
    await term.waitFor(/Prove it in a trial environment\?[\s\S]*↑\/↓ and Enter: choose/, 120_000);
    await chooseWithArrows(term, /^Go ahead/);
    // The consent: a typed yes, once the prompt takes keys.
    await typeYes(term);
    // pip is installing: its downloads hang at the index.
    const deadline = Date.now() + 120_000;
    while (stalled === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stalled, term.screen()).toBeGreaterThan(0);
    const [name] = readdirSync(cache).filter((entry) => !entry.endsWith(".lock"));
    const env = join(cache, name);
    const children = [...pythonDescendants(term.panePid()).keys()];
    expect([...pythonDescendants(term.panePid()).values()].some((cmd) => /-m pip install/.test(cmd) && !/--dry-run/.test(cmd))).toBe(true);

    term.send("C-c");
    const screen = await term.waitFor(EXIT_MARK, 5_000);
    expect(screen).toContain("Cancelled.");
    expect(exitCodeOn(screen)).toBe("130");
    // Once keras-fix has exited, no pip and no Python of keras-fix's remains (polled: the killed are reaped later).
    await expectAllGone(children);
    expect([...pythonDescendants(term.panePid()).values()]).toEqual([]);
    // The environment stays unfinished, and `keras-fix envs` does not call it proven.
    expect(existsSync(join(env, ".keras-fix-unfinished"))).toBe(true);
    const listing = JSON.parse(
      execFileSync("node", [cliPath, "envs", "--json"], { env: { ...process.env, KERAS_FIX_TRIAL_CACHE: cache }, encoding: "utf8" }),
    ) as unknown;
    expect(JSON.stringify(listing)).not.toMatch(/"proven":\s*true/);
  }, 400_000);
});
