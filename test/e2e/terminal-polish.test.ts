// The published bin in a real terminal (tmux): text wraps at word boundaries to the window's width and again after
// a resize; capital Q and B work; keys typed fast or pasted reach the select list one by one. The models here are
// files the file alone diagnoses (missing, empty), so the test needs no Keras: it stays cheap.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pythonFor, repoRoot } from "../helpers/envs.js";
import { EXIT_MARK, exitCodeOn, tmuxSession, waitUntil } from "./session.js";
import type { Terminal } from "./tmux.js";

const BIN = join(repoRoot, "dist", "bin", "keras-fix.js");
const session = tmuxSession();

const folder = () => session.folder("kf-polish-");

function start(name: string, dir: string, args: string[], columns: number): Terminal {
  return session.start(name, dir, [...args, "--python", pythonFor("bare")], { cli: BIN, size: { columns, rows: 60 } });
}

/**
 * Places where the terminal itself broke a line inside a word: a line drawn wider than the window (tmux joins it
 * back in joinedRows) with letters on both sides of a break. Paths and identifiers longer than the window (with / or
 * _) cannot break elsewhere.
 */
function midWordBreaks(joined: string[], columns: number): string[] {
  const found: string[] = [];
  for (const line of joined) {
    for (let at = columns; at < line.length; at += columns) {
      if (!/[A-Za-z]/.test(line[at - 1]) || !/[A-Za-z]/.test(line[at])) continue;
      const word = `${/\S*$/.exec(line.slice(0, at))![0]}${/^\S*/.exec(line.slice(at))![0]}`;
      if (!/[/_]/.test(word)) found.push(`${line.slice(0, at)} ⏎ ${line.slice(at)}`);
    }
  }
  return found;
}

/**
 * Rows that start with the space the line was broken at: the row before fills the window to the last column, and
 * this one is indented exactly one column more than it (Ink's wrap keeps that space: wrap-ansi with trim off).
 */
function breakSpaceStarts(rows: string[], columns: number): string[] {
  const indent = (row: string) => /^ */.exec(row)![0].length;
  const found: string[] = [];
  for (let i = 0; i + 1 < rows.length; i++) {
    const [row, next] = [rows[i], rows[i + 1]];
    if (row.length === columns && next.trim() !== "" && indent(next) === indent(row) + 1) found.push(`${row} ⏎ ${next}`);
  }
  return found;
}

function rowsAfterLast(rows: string[], marker: string): string[] {
  const at = rows.map((row) => row.includes(marker)).lastIndexOf(true);
  return rows.slice(Math.max(at, 0));
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the wizard in a real terminal", () => {
  it("wraps at word boundaries to the width, follows a resize, and quits on capital Q", { timeout: 120_000 }, async () => {
    const dir = folder();
    const missing = join(dir, "a_folder_with_quite_a_long_name", "and_a_model_file_that_is_not_there.h5");
    const terminal = start("wrap", dir, [missing], 50);
    await terminal.waitFor("Press Enter to continue", 60_000);
    const before = terminal.rows();
    expect(before.join("\n")).toMatch(/How we know/);
    expect(midWordBreaks(terminal.joinedRows(), 50)).toEqual([]);

    terminal.resize(34);
    // tmux itself rewraps the rows drawn for 50 columns at once, breaking some inside a word ("the folder Python",
    // "download"); the wizard then clears its live area and draws it again for 34 columns, hints last, with no such
    // break. Waits for that whole frame.
    await waitUntil(
      terminal,
      () => {
        const joined = rowsAfterLast(terminal.joinedRows(), "Check the path");
        return joined.some((row) => row.includes("Ctrl-C: cancel")) && midWordBreaks(joined, 34).length === 0;
      },
      { timeoutMs: 10_000 },
    );
    const live = rowsAfterLast(terminal.rows(), "Check the path");
    expect(live.join("\n")).toMatch(/Press Enter to/);
    expect(live.every((row) => row.length <= 34)).toBe(true);
    expect(midWordBreaks(rowsAfterLast(terminal.joinedRows(), "Check the path"), 34)).toEqual([]);

    // At some width a row of the diagnosis ends exactly at the edge; the next row must start with its word.
    const widths = [33, 34, 35, 36, 37, 38, 39, 40];
    const full: number[] = [];
    for (const width of widths) {
      terminal.resize(width);
      await sleep(400);
      const rows = rowsAfterLast(terminal.rows(), "Check the path");
      if (rows.some((row) => row.length === width)) full.push(width);
      expect(breakSpaceStarts(rows, width), `at ${width} columns`).toEqual([]);
    }
    expect(full.length).toBeGreaterThan(0);

    terminal.send("Q", { literal: true });
    const end = await terminal.waitFor(EXIT_MARK);
    expect(end).toMatch(/You quit before the end/);
    expect(exitCodeOn(end)).toBe("1");
  });

  it("takes keys typed in one burst one by one (j j Enter picks the third file) and goes back on capital B", { timeout: 120_000 }, async () => {
    const dir = folder();
    for (const name of ["a.h5", "b.h5", "c.h5"]) writeFileSync(join(dir, name), "");
    mkdirSync(join(dir, "other"));
    const terminal = start("keys", dir, [], 80);
    await terminal.waitFor("Which model should keras-fix look at?", 60_000);
    // One tmux command: the three keys reach the terminal back to back, as a paste or fast typing would.
    terminal.send("jj\r", { literal: true });
    await terminal.waitFor("Press Enter to continue", 60_000);
    expect(terminal.screen()).toMatch(/keras-fix · c\.h5/);
    terminal.send("Enter");
    // The end's summary joins the transcript one frame after the hints say "finish".
    await terminal.waitFor(/Not fixed yet[^]*Enter: finish/);
    const liveAfterEnter = rowsAfterLast(terminal.rows(), "Not fixed yet").join("\n");
    terminal.send("B", { literal: true });
    // B answers as b does: back to the question before, or the note that this one was the first.
    await terminal.waitFor(/nothing to go back to|Press Enter to continue[^]*Press Enter to continue/);
    expect(rowsAfterLast(terminal.rows(), "Not fixed yet").join("\n")).not.toEqual(liveAfterEnter);
    terminal.send("q", { literal: true });
    await terminal.waitFor(EXIT_MARK);
  });
});
