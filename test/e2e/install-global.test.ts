// Running keras-fix on your own models, outside the clone (issue 21 §12): `npm install -g .` (what the README says)
// puts a working `keras-fix` on PATH; and the build runs once: `npm ci` builds through `prepare`, and the `prepare`
// that `npx keras-fix` triggers again (npm installs the clone into its npx cache) finds the build current and returns
// at once instead of 26 s of tsc and bundling behind a blank screen.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
};

describe("keras-fix outside the clone", () => {
  it("npm install -g . (into a private prefix) gives a keras-fix command that works from the user's own folder", () => {
    const prefix = temp("kf-global-");
    execFileSync(npm, ["install", "-g", ".", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", "--silent"], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
    const project = temp("kf-own-models-");
    copyFileSync(join(modelsDir, "keras3", "sequential.keras"), join(project, "my_model.keras"));
    const run = spawnSync(join(prefix, "bin", "keras-fix"), ["my_model.keras", "--json", "--python", pythonFor("keras3")], {
      cwd: project,
      encoding: "utf8",
      env: { ...process.env, ...envVarsFor("keras3"), PATH: `${join(prefix, "bin")}:${process.env.PATH}` },
      timeout: 240_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).outcome).toBe("loads");
  }, 300_000);

  it("prepare builds only when the sources changed: a second run leaves dist alone and returns in seconds", () => {
    const bundle = join(repoRoot, "dist", "bin", "keras-fix.js");
    execFileSync(npm, ["run", "--silent", "prepare"], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 });
    const built = statSync(bundle).mtimeMs;
    const started = Date.now();
    execFileSync(npm, ["run", "--silent", "prepare"], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(statSync(bundle).mtimeMs).toBe(built);
  }, 600_000);
});
