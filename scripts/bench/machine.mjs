// Describes the machine a benchmark ran on, so a figure is never read without its context.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";

function cpuModel() {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return match ? match[1].trim() : "unknown";
  } catch {
    return "unknown";
  }
}

function pythonVersion(python) {
  if (!python) return null;
  try {
    return execFileSync(python, ["-c", "import sys; print(sys.version.split()[0])"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

/** nproc, CPU model, memory, Node and the Python the load benchmarks use. */
export function describeMachine(python) {
  return {
    nproc: availableParallelism(),
    cpu: cpuModel(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    python: pythonVersion(python),
    pythonPath: python ?? null,
  };
}
