// What every tmux test of the CLI does around its own steps: start the built CLI in a private terminal whose shell
// prints the exit code and keeps the pane open, remove the terminal and temp folders after each test, and wait for
// the wizard's screens in a way that holds on a slow, loaded machine.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { cliPath } from "../helpers/envs.js";
import { alive, hints, liveOptions, openTerminal, type Terminal } from "./tmux.js";

/** What the shell prints once keras-fix has ended; group 1 is its exit code. */
export const EXIT_MARK = /\[keras-fix exited (\d+)\]/;

export const exitCodeOn = (screen: string) => EXIT_MARK.exec(screen)?.[1];

/** The hints of a step waiting for a key, or of the consent prompt waiting for a typed "yes". */
export const STEP_HINTS = /Enter: (continue|choose|finish|submit)/;

/**
 * The end step with its summary. The summary joins the transcript one frame after the live area shows
 * "Enter: finish", so waiting for the hints alone may read a screen without it.
 */
export const END_WITH_SUMMARY = /What was wrong: [^]*Enter: finish/;

export interface StartOptions {
  env?: Record<string, string>;
  size?: { columns: number; rows: number };
  /** The script to run instead of the built CLI (the published bin). */
  cli?: string;
  /** Shell commands run after the exit code is printed, before the pane is kept open. */
  afterExit?: string;
}

/**
 * Registers the clean-up for a test file; returns how its tests make temp folders and start the CLI in a terminal.
 * Call once at the top of the file.
 */
export function tmuxSession() {
  let terminal: Terminal | null = null;
  const folders: string[] = [];
  afterEach(() => {
    terminal?.kill();
    terminal = null;
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** A new temp folder, removed after the test. */
    folder(prefix: string): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      folders.push(dir);
      return dir;
    },
    /** Runs `cli args…` in a fresh terminal in `cwd`; the shell then prints EXIT_MARK and keeps the pane. */
    start(name: string, cwd: string, args: string[], options: StartOptions = {}): Terminal {
      const env = options.env ?? {};
      const argv = [process.execPath, options.cli ?? cliPath, ...args].map((arg) => JSON.stringify(arg)).join(" ");
      // tmux hands a new session its own PATH whatever -e says: the script sets it.
      const path = env.PATH ? `PATH=${JSON.stringify(env.PATH)} ` : "";
      const after = options.afterExit ? ` ${options.afterExit};` : "";
      const script = `${path}${argv}; echo "[keras-fix exited $?]";${after} exec sleep 3600`;
      terminal = openTerminal(name, cwd, ["sh", "-c", script], { PATH: process.env.PATH ?? "", TERM: "xterm-256color", ...env }, options.size);
      return terminal;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the screen until `test` holds on `steady` polls in a row with the screen unchanged; `onPoll` runs at every
 * poll (to record processes while waiting). Throws with the last screen after `timeoutMs`.
 */
export async function waitUntil(
  term: Terminal,
  test: (screen: string) => boolean,
  { timeoutMs = 30_000, steady = 1, onPoll }: { timeoutMs?: number; steady?: number; onPoll?: () => void } = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = "";
  let held = 0;
  while (Date.now() < deadline) {
    onPoll?.();
    const now = term.screen();
    held = test(now) ? (now === screen ? held + 1 : 1) : 0;
    screen = now;
    if (held >= steady) return screen;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms; the screen:\n${screen}`);
}

/**
 * The next step waiting for a key: the screen changed from `previous`, shows a step's hints, and holds still for four
 * polls. A step whose header is too tall to stay live logs it into the transcript a frame after its hints show, and
 * nothing on screen says that frame is still to come: a loop that read the screen before it would take the late
 * header for the next step and send a second key.
 */
export function nextStep(term: Terminal, previous: string, timeoutMs = 150_000, onPoll?: () => void): Promise<string> {
  return waitUntil(term, (screen) => screen !== previous && STEP_HINTS.test(hints(screen)), { timeoutMs, steady: 4, onPoll });
}

/**
 * Picks a live option by its number: the first of `labels` (in order of preference) that one of the options
 * matches. Returns the option's text.
 */
export function pick(term: Terminal, screen: string, labels: RegExp | RegExp[]): string {
  const options = liveOptions(screen);
  const label = [labels].flat().find((pattern) => options.some((option) => pattern.test(option)));
  if (!label) throw new Error(`no option ${[labels].flat().join(" or ")} among ${JSON.stringify(options)}; the screen:\n${screen}`);
  const index = options.findIndex((option) => label.test(option));
  term.send(String(index + 1));
  return options[index];
}

/** Moves the selection to the option matching `pattern` with the arrow keys and presses Enter. */
export async function chooseWithArrows(term: Terminal, pattern: RegExp) {
  const options = liveOptions(await term.waitFor(/↑\/↓ and Enter: choose/, 60_000));
  const index = options.findIndex((option) => pattern.test(option));
  expect(index, `no option ${pattern} in ${JSON.stringify(options)}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) term.send("Down");
  term.send("Enter");
}

/** Types the answer to the consent prompt once it takes keys, and sends it once it is on screen. */
export async function typeYes(term: Terminal) {
  await term.waitFor(/Type "yes" and press Enter[^]*Enter: submit/, 30_000);
  term.send("yes", { literal: true });
  await term.waitFor(/› yes/, 10_000);
  term.send("Enter");
}

/** Every pid in `pids` has ended (polled: a process takes a moment to be reaped after keras-fix exits). */
export async function expectAllGone(pids: number[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  expect(pids.filter(alive)).toEqual([]);
}
