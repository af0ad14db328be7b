#!/usr/bin/env node
// npm's `prepare` (run by `npm ci` and `npm install`): builds only when the bundle is missing or older than what it
// is built from, so the first `npx keras-fix` after `npm ci` does not build a second time.
import { readdirSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sources = ["src", "flows", "scripts/bundle.mjs", "package.json", "tsconfig.json"];

function builtAt() {
  try {
    return statSync(join(root, "dist", "bin", "keras-fix.js")).mtimeMs;
  } catch {
    return 0;
  }
}

function newerThan(path, time) {
  const stats = statSync(path);
  return stats.isDirectory() ? readdirSync(path).some((entry) => newerThan(join(path, entry), time)) : stats.mtimeMs > time;
}

const built = builtAt();
if (built && !sources.some((source) => newerThan(join(root, source), built))) process.exit(0);
const result = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
