// Time from spawning the wizard in a real terminal (a detached tmux pane on a private socket) to its first frame,
// against `node -e 0` (Node's own start) and against a one-line Node script shown through the same tmux pane.
import { execFileSync, spawnSync } from "node:child_process";
import { formatSummary, ratio, summarize } from "./stats.mjs";
import { repeat, runTimed } from "./run-timed.mjs";

const SOCKET = `keras-fix-bench-${process.pid}`;

function tmux(...args) {
  return spawnSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
}

/** Milliseconds from `tmux new-session` to the first pane content that satisfies `seen`. */
async function timeToFirstFrame(argv, seen, boundMs = 60_000) {
  const session = `s${Math.random().toString(36).slice(2, 8)}`;
  const start = performance.now();
  const made = tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "--", ...argv);
  if (made.status !== 0) throw new Error(`tmux new-session failed: ${made.stderr}`);
  try {
    while (performance.now() - start < boundMs) {
      const pane = tmux("capture-pane", "-p", "-t", session).stdout ?? "";
      if (seen(pane)) return { ms: performance.now() - start, pane };
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no first frame within ${boundMs} ms for ${argv.join(" ")}`);
  } finally {
    tmux("kill-session", "-t", session);
  }
}

export async function benchFirstScreen({ cli, model, python, runs }) {
  execFileSync("tmux", ["-V"]);
  // The server exits with its last session: an idle session keeps it up between runs (no start-up race).
  tmux("new-session", "-d", "-s", "keepalive", "--", "sleep", "3600");
  const hasText = (pane) => pane.trim().length > 0;
  const wizard = await repeat(runs, () => timeToFirstFrame([process.execPath, cli, model, "--python", python], hasText));
  const echo = await repeat(runs, () =>
    timeToFirstFrame([process.execPath, "-e", "console.log('ready'); setTimeout(() => {}, 60000)"], (p) => p.includes("ready")));
  const nodeStart = await repeat(runs, () => runTimed([process.execPath, "-e", "0"]));
  tmux("kill-server");
  const wizardTime = summarize(wizard.map((w) => w.ms));
  const echoTime = summarize(echo.map((w) => w.ms));
  const nodeTime = summarize(nodeStart.map((r) => r.ms));
  return {
    model,
    wizard: wizardTime,
    tmuxEcho: echoTime,
    nodeStart: nodeTime,
    ratioToNode: ratio(wizardTime, nodeTime),
    ratioToTmuxEcho: ratio(wizardTime, echoTime),
    firstFrame: wizard[wizard.length - 1].pane.split("\n").filter((l) => l.trim()).slice(0, 6).join("\n"),
  };
}

export function describeFirstScreen(r) {
  return [
    `wizard first frame ${formatSummary(r.wizard)} vs node -e 0 ${formatSummary(r.nodeStart)} → ×${r.ratioToNode.toFixed(2)}`,
    `  vs a one-line Node script through the same tmux pane ${formatSummary(r.tmuxEcho)} → ×${r.ratioToTmuxEcho.toFixed(2)}`,
    `  first frame:\n${r.firstFrame.replace(/^/gm, "    | ")}`,
  ].join("\n");
}
