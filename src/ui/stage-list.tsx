// The first screen: the stages of a diagnosis, each with a spinner while it runs, its elapsed seconds, and one line
// about what it found. It appears before Python is up; the stages arrive as the session reports them.
import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import { useEffect, useState } from "react";
import { sanitize } from "../core/content.js";
import type { StageId, StageProgress } from "../engine/session.js";

export const STAGE_ORDER: StageId[] = ["inspect", "find-python", "import", "load", "classify"];

export interface StageState extends StageProgress {
  /** When the stage started running (ms since epoch), for the live elapsed time. */
  startedAt: number;
}

/** Ticks while something runs, so the elapsed seconds move. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function StatusIcon({ status }: { status: StageProgress["status"] | "pending" }) {
  if (status === "running") return <Spinner type="dots" />;
  if (status === "done") return <Text color="green">✔</Text>;
  if (status === "failed") return <Text color="red">✘</Text>;
  return <Text dimColor>·</Text>;
}

export function StageList({ stages, labels }: { stages: Partial<Record<StageId, StageState>>; labels: Record<StageId, string> }) {
  const running = STAGE_ORDER.some((id) => stages[id]?.status === "running");
  const now = useNow(running);
  const labelWidth = Math.max(...STAGE_ORDER.map((id) => labels[id].length)) + 1;
  return (
    <Box flexDirection="column">
      {STAGE_ORDER.map((id) => {
        const stage = stages[id];
        const status = stage?.status ?? "pending";
        const seconds =
          stage?.status === "running" ? (now - stage.startedAt) / 1000 : stage?.status === "skipped" ? undefined : stage?.seconds;
        return (
          <Box key={id}>
            <Box width={2} flexShrink={0}>
              <StatusIcon status={status} />
            </Box>
            <Box width={labelWidth} flexShrink={0}>
              <Text dimColor={status === "pending" || status === "skipped"}>{labels[id]}</Text>
            </Box>
            <Box width={7} flexShrink={0} justifyContent="flex-end">
              <Text dimColor>{seconds !== undefined ? `${Math.max(0, seconds).toFixed(1)}s` : ""}</Text>
            </Box>
            {stage?.detail && (
              // One line per stage: the full error is shown again in the diagnosis below.
              <Box marginLeft={2} flexShrink={1}>
                <Text color={status === "failed" ? "red" : undefined} wrap="truncate-end">
                  {sanitize(stage.detail)}
                </Text>
              </Box>
            )}
          </Box>
        );
      })}
    </Box>
  );
}
