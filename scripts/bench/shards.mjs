// `keras-fix check --shard i/n` on a large repository: N models (copies of the cross-version matrix's files under
// other names, in folders of 50), checked once whole and once as n shards one after the other (a CI matrix runs them
// side by side). The shards' merged JSON lines must equal the whole run's; the figures are the shards' summed time
// and the longest shard's, each over the whole run's, measured in the same run.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatMs } from "./stats.mjs";
import { runTimed } from "./run-timed.mjs";

/** N model files made from the matrix's .h5/.keras files, round-robin, each under a new name. */
export function makeRepository(matrix, count) {
  const sources = readdirSync(matrix, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => readdirSync(join(matrix, entry.name)).filter((name) => /\.(h5|keras)$/.test(name)).map((name) => join(matrix, entry.name, name)))
    .sort();
  const repo = mkdtempSync(join(tmpdir(), "keras-fix-bench-shards-"));
  for (let n = 0; n < count; n++) {
    const source = sources[n % sources.length];
    const folder = join(repo, `part-${String(Math.floor(n / 50)).padStart(3, "0")}`);
    mkdirSync(folder, { recursive: true });
    copyFileSync(source, join(folder, `model-${String(n).padStart(4, "0")}${source.slice(source.lastIndexOf("."))}`));
  }
  return { repo, sources: sources.length };
}

export async function benchShards({ cli, python, matrix, count, shards, timeout, env = {} }) {
  const { repo, sources } = makeRepository(matrix, count);
  try {
    const args = ["check", "--python", python, "--format", "jsonl", "--timeout", String(timeout)];
    const whole = await runTimed([process.execPath, cli, ...args], { cwd: repo, env });
    const parts = [];
    for (let i = 1; i <= shards; i++) parts.push(await runTimed([process.execPath, cli, ...args, "--shard", `${i}/${shards}`], { cwd: repo, env }));
    const lines = (text) => text.split("\n").filter(Boolean);
    const wholeLines = lines(whole.stdout);
    const merged = parts.flatMap((part) => lines(part.stdout));
    const statuses = {};
    for (const line of wholeLines) {
      const { status } = JSON.parse(line);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    return {
      count,
      sources,
      shards,
      whole: { ms: whole.ms, code: whole.code, results: wholeLines.length, statuses },
      parts: parts.map((part) => ({ ms: part.ms, code: part.code, results: lines(part.stdout).length })),
      mergedEqualsWhole: merged.length === wholeLines.length && [...merged].sort().join("\n") === [...wholeLines].sort().join("\n"),
      sumRatio: parts.reduce((sum, part) => sum + part.ms, 0) / whole.ms,
      longestRatio: Math.max(...parts.map((part) => part.ms)) / whole.ms,
    };
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

export function describeShards(r) {
  const statuses = Object.entries(r.whole.statuses).map(([status, n]) => `${n} ${status}`).join(", ");
  return [
    `${r.count} models (copies of ${r.sources} matrix files): one run ${formatMs(r.whole.ms)} (${r.whole.results} results: ${statuses}; exit ${r.whole.code})`,
    `  ${r.shards} shards: ${r.parts.map((p) => `${formatMs(p.ms)} (${p.results})`).join(", ")}; merged JSON lines ${r.mergedEqualsWhole ? "equal" : "DIFFER FROM"} the one run's`,
    `  shards summed ×${r.sumRatio.toFixed(2)} the one run's time; the longest shard ×${r.longestRatio.toFixed(2)} (what a CI matrix of ${r.shards} waits)`,
  ].join("\n");
}
