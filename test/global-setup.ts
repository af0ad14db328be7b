// Runs once before the tests: the real Python environments and the built CLI must exist. `npm test` creates both
// first; a bare `npx vitest` on a machine without them fails here, loudly.
import { existsSync } from "node:fs";
import { cliPath, pythonFor } from "./helpers/envs.js";

export default function setup(): void {
  for (const name of ["keras2", "keras3", "keras35-py312", "tf21-py37", "tf115-py36", "tf213-numpy2", "bare"] as const) pythonFor(name);
  if (!existsSync(cliPath)) throw new Error(`the CLI is not built at ${cliPath}: run 'npm run build' (npm test does)`);
}
