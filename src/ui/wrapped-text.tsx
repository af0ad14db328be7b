// Text that Ink wraps to the width without starting a row with the space it broke at. Ink wraps with wrap-ansi and
// `trim: false` (to keep deliberate indentation), so when a row fills the window exactly the space after its last
// word moves to the start of the next row ("…download it again and" / " compare its size"), seen in tmux.
import { Transform } from "ink";
import type { ReactNode } from "react";

/** A continuation row's one leading space, after any colour codes that open the row. */
const BREAK_SPACE = /^((?:\u001b\[[0-9;]*m)*) (?=\S)/;

/**
 * Spaces that end a row, before any colour codes that close it. Ink trims the ends of its rows, but not a space
 * inside a colour (a dimmed bullet's text): when the row's words fill the window exactly, that space is one column
 * past the edge, the terminal wraps it onto a row of its own, and a blank line appears inside the bullet.
 */
const TRAILING_SPACES = / +((?:\u001b\[[0-9;]*m)*)$/;

export function dropBreakSpace(row: string, index: number): string {
  const trimmed = row.replace(TRAILING_SPACES, "$1");
  return index === 0 ? trimmed : trimmed.replace(BREAK_SPACE, "$1");
}

export function WrappedText({ children }: { children: ReactNode }) {
  return <Transform transform={dropBreakSpace}>{children}</Transform>;
}
