// Time from spawning the wizard in a real pseudo-terminal (Python's pty module: scripts/bench/pty-first-output.py)
// to the first byte of its header ("keras-fix · <model>"), against a bare Node start measured the same way: `node -e`
// printing one word into the same kind of pty.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatSummary, ratio, summarize } from "./stats.mjs";
import { repeat } from "./run-timed.mjs";

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), "pty-first-output.py");

function inPty(driverPython, marker, argv) {
  const run = spawnSync(driverPython, [DRIVER, marker, "120", "40", "--", ...argv], { encoding: "utf8", timeout: 120_000 });
  const result = JSON.parse(run.stdout || "{}");
  if (result.markerMs == null) throw new Error(`no "${marker}" from ${argv.join(" ")}: ${run.stderr}${result.output ?? ""}`);
  return result;
}

export async function benchFirstScreen({ cli, model, python, runs }) {
  const wizard = await repeat(runs, () => inPty(python, "keras-fix", [process.execPath, cli, model, "--python", python]));
  const node = await repeat(runs, () => inPty(python, "ready", [process.execPath, "-e", "process.stdout.write('ready\\n')"]));
  const wizardTime = summarize(wizard.map((w) => w.markerMs));
  const nodeTime = summarize(node.map((w) => w.markerMs));
  return {
    model,
    wizard: wizardTime,
    nodeStart: nodeTime,
    ratioToNode: ratio(wizardTime, nodeTime),
    firstBytes: wizard[wizard.length - 1].output.slice(0, 200),
  };
}

export function describeFirstScreen(r) {
  return [
    `wizard, spawn to the header's first byte ${formatSummary(r.wizard)} vs node -e printing a word ${formatSummary(r.nodeStart)} → ×${r.ratioToNode.toFixed(2)} (goal ≤ ×4)`,
    `  first bytes: ${JSON.stringify(r.firstBytes)}`,
  ].join("\n");
}
