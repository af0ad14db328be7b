// A long action's progress as a bar: what is happening, how far, and how much of how much (bytes). Generic: the
// words come from the session (src/engine/session.ts ActionProgress).
import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import type { ActionProgress } from "../engine/session.js";
import { useColumns } from "./use-columns.js";

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1_000_000)} MB`;
}

/** The bar's text, e.g. "[██████░░░░░░] 48%  fetching tensorflow-cpu  (99 of 207 MB)". */
export function progressLine(progress: ActionProgress, columns: number): string {
  if (progress.bytes === false) return progress.label;
  const amount = progress.total ? `(${Math.round(progress.done / 1_000_000)} of ${megabytes(progress.total)})` : `(${megabytes(progress.done)} so far)`;
  if (!progress.total) return `${progress.label}  ${amount}`;
  const fraction = Math.max(0, Math.min(1, progress.done / progress.total));
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const tail = `  ${progress.label}  ${amount}`;
  // The bar takes what is left of the line, at least 10 cells.
  const width = Math.max(10, Math.min(40, columns - tail.length - percent.length - 4));
  const filled = Math.round(fraction * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${percent}${tail}`;
}

export function ProgressBar({ progress }: { progress: ActionProgress }) {
  const columns = useColumns();
  // A phase without bytes could last half a minute: the spinner says it is alive.
  return (
    <Box marginTop={1}>
      {progress.bytes === false && (
        <Text color="cyan">
          <Spinner type="dots" />{" "}
        </Text>
      )}
      <Text wrap="truncate-end">{progressLine(progress, columns - (progress.bytes === false ? 2 : 0))}</Text>
    </Box>
  );
}
