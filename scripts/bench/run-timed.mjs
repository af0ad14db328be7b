// Runs a command (argv, no shell) and reports its wall time and peak RSS (VmHWM of the process itself, sampled
// from /proc while it runs): the one measuring tool the benchmarks share.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

function peakKb(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** { ms, peakKb, code, stdout, stderr } */
export function runTimed(argv, { env = {}, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let peak = 0;
    const sample = () => {
      const kb = peakKb(child.pid);
      if (kb !== null) peak = Math.max(peak, kb);
    };
    const sampler = setInterval(sample, 25);
    child.stdout.setEncoding("utf8").on("data", (c) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c) => (stderr += c));
    child.on("exit", sample);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(sampler);
      resolve({ ms: performance.now() - start, peakKb: peak, code, stdout, stderr });
    });
  });
}

/** Runs `make()` `runs` times in a row (never in parallel: the runs would compete for the cores). */
export async function repeat(runs, make) {
  const results = [];
  for (let n = 0; n < runs; n++) results.push(await make(n));
  return results;
}
