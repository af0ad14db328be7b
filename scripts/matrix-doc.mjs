#!/usr/bin/env node
// Regenerates docs/matrix.md: runs the cross-version matrix test (test/matrix/matrix.test.ts) with
// KERAS_FIX_WRITE_MATRIX=1, which writes the table from the real loads. Needs the test envs (npm test makes them)
// and the matrix files (node scripts/make-fixtures.mjs matrix).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const r = spawnSync("npx", ["vitest", "run", "test/matrix/matrix.test.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, KERAS_FIX_WRITE_MATRIX: "1" },
});
process.exit(r.status ?? 1);
