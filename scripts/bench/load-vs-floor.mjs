// The whole `keras-fix <model> --auto --json` run against its physical floor: a bare Python that imports Keras and
// calls load_model on the same file. Whatever keras-fix adds on top (Node start, inspect, the probe protocol,
// classification, the walk and its verify loads) is the difference.
import { formatSummary, ratio, summarize } from "./stats.mjs";
import { repeat, runTimed } from "./run-timed.mjs";

const FLOOR = "import sys, keras; keras.models.load_model(sys.argv[1])";

export async function benchLoadVsFloor({ cli, python, model, runs, env = {} }) {
  const tool = await repeat(runs, () => runTimed([process.execPath, cli, model, "--auto", "--json", "--python", python], { env }));
  const floor = await repeat(runs, () => runTimed([python, "-c", FLOOR, model], { env }));
  const report = parseReport(tool[tool.length - 1].stdout);
  const toolTime = summarize(tool.map((r) => r.ms));
  const floorTime = summarize(floor.map((r) => r.ms));
  return {
    model,
    kerasFix: { time: toolTime, exitCodes: [...new Set(tool.map((r) => r.code))], peakNodeKb: Math.max(...tool.map((r) => r.peakKb)) },
    floor: { time: floorTime, exitCodes: [...new Set(floor.map((r) => r.code))], peakPythonKb: Math.max(...floor.map((r) => r.peakKb)) },
    ratio: ratio(toolTime, floorTime),
    outcome: report?.outcome ?? null,
    cause: report?.diagnosis?.cause ?? null,
    walkSteps: report?.walk?.steps?.length ?? 0,
    verifyLoads: (report?.walk?.steps ?? []).filter((s) => s.action === "verify-load").length,
    probeImportSeconds: report?.env?.importSeconds ?? null,
    probeLoadSeconds: report?.load?.seconds ?? null,
  };
}

function parseReport(stdout) {
  try {
    return JSON.parse(stdout);
  } catch {
    return null;
  }
}

export function describeLoadVsFloor(r) {
  return [
    `${r.model}: keras-fix ${formatSummary(r.kerasFix.time)} vs bare load_model ${formatSummary(r.floor.time)} → ×${r.ratio.toFixed(2)}`,
    `  outcome ${r.outcome}${r.cause ? ` (${r.cause})` : ""}, ${r.walkSteps} walk steps, ${r.verifyLoads} verify loads; ` +
      `exit codes keras-fix ${r.kerasFix.exitCodes.join("/")}, python ${r.floor.exitCodes.join("/")}; ` +
      `probe import ${r.probeImportSeconds?.toFixed?.(2) ?? "?"} s, probe load ${r.probeLoadSeconds?.toFixed?.(2) ?? "?"} s`,
  ].join("\n");
}
