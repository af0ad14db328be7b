#!/usr/bin/env node
// `npm test`: makes sure the real Python environments exist, builds the CLI (some tests drive the built binary),
// runs vitest, and ends with the plain `N passed, N failed` line that CI reads.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { realPastesDir } from "./real-pastes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const resultsFile = join(root, ".vitest-results.json");

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  return r.status ?? 1;
}

if (run(process.execPath, [join(root, "scripts", "setup-python-envs.mjs")]) !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}
if (run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]) !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}
// The tests are not part of the build: type-check them too, so a test that drifted from the code fails loudly.
const typecheckFailed = run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.test.json"]) !== 0;
rmSync(resultsFile, { force: true });
const vitestArgs = ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`,
  ...process.argv.slice(2)];
const status = run(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), ...vitestArgs]);
let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, "utf8"));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  // A test file that fails to load has no tests in the counts: count it as a failure.
  failed += results.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
} catch {
  failed += 1;
}
if (typecheckFailed) failed += 1;
if (!realPastesDir(root)) {
  console.log("Not run: the floor on the real-paste corpus (third-party text, never in the repository): it was found neither");
  console.log("in ../shared/real-pastes beside the checkout nor in $KERAS_FIX_REAL_PASTES.");
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
