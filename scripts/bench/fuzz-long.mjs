// `npm run bench -- --fuzz-long`: the fuzz test with many more seeds per fixture, then its summary (inputs, formats
// and causes seen, peak memory, failures).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function runLongFuzz({ root, seed }) {
  const dir = mkdtempSync(join(tmpdir(), "keras-fix-fuzz-summary-"));
  const summaryFile = join(dir, "summary.json");
  const start = performance.now();
  const run = spawnSync(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "test/robustness/fuzz.test.ts", "-t", "in-process"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, KERAS_FIX_FUZZ: "long", KERAS_FIX_FUZZ_SEED: String(seed), KERAS_FIX_FUZZ_SUMMARY: summaryFile },
  });
  const seconds = (performance.now() - start) / 1000;
  let summary = null;
  try {
    summary = JSON.parse(readFileSync(summaryFile, "utf8"));
  } catch {
    summary = null;
  }
  rmSync(dir, { recursive: true, force: true });
  return { passed: run.status === 0, seconds, summary };
}

export function describeLongFuzz(r) {
  if (!r.summary) return `long fuzz: ${r.passed ? "passed" : "FAILED"} in ${r.seconds.toFixed(0)} s, no summary written (see the vitest output above)`;
  const s = r.summary;
  const lines = [
    `long fuzz (seed ${s.seed}): ${s.inputs} inputs in ${r.seconds.toFixed(0)} s, ${s.failures.length} failures, peak RSS ${(s.peakKb / 1024).toFixed(0)} MB`,
    `  formats: ${Object.entries(s.byFormat).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `  problems: ${Object.entries(s.byCause).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  ];
  for (const f of s.failures.slice(0, 20)) lines.push(`  ✘ ${f.input}: ${f.complaints.join("; ")}`);
  return lines.join("\n");
}
