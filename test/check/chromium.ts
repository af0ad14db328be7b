// Chromium for the HTML report's browser test: Debian's package, installed by the test setup when it is missing
// (as the Python environments are made when missing), so a fresh machine runs the test too. No skip: a machine
// where it cannot be installed fails here, with apt-get's own words.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const chromiumPath = process.env.KERAS_FIX_CHROMIUM ?? "/usr/bin/chromium";

function aptGet(args: string[]): { status: number | null; output: string } {
  const run = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=600", ...args], {
    encoding: "utf8",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeout: 1_500_000,
  });
  return { status: run.status, output: `${run.stdout ?? ""}${run.stderr ?? ""}${run.error ? String(run.error) : ""}` };
}

/** The path of a working Chromium, installed with apt-get when absent. */
export function ensureChromium(): string {
  if (existsSync(chromiumPath)) return chromiumPath;
  let install = aptGet(["install", "-y", "--no-install-recommends", "chromium"]);
  // A fresh machine's package lists may be empty or stale.
  if (install.status !== 0) {
    aptGet(["update"]);
    install = aptGet(["install", "-y", "--no-install-recommends", "chromium"]);
  }
  if (install.status !== 0 || !existsSync(chromiumPath)) {
    throw new Error(`Chromium is missing at ${chromiumPath} and apt-get could not install it (exit ${install.status}):\n${install.output.slice(-3000)}`);
  }
  return chromiumPath;
}
