// `npm pack` must give a package that works when installed somewhere else and run as `npx keras-fix`: the built
// CLI, the Python probe, the catalogues and the explanations all have to be inside the tarball.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let project = "";

function npx(args: string[], input = "") {
  const r = spawnSync(npm, ["exec", "--offline", "--", "keras-fix", ...args], {
    cwd: project,
    input,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), "keras-fix-pack-"));
  execFileSync(npm, ["pack", "--silent", "--pack-destination", packDir], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
  const tarball = readdirSync(packDir).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${packDir}`);
  project = mkdtempSync(join(tmpdir(), "keras-fix-user-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true }));
  execFileSync(npm, ["install", "--no-audit", "--no-fund", "--silent", join(packDir, tarball)], { cwd: project, stdio: ["ignore", "ignore", "inherit"] });
}, 600_000);

describe("the packed package, installed elsewhere", () => {
  it("answers --version and --help", () => {
    expect(npx(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(npx(["--help"]).stdout).toMatch(/keras-fix explain/);
  });

  it("inspects a model with its shipped catalogues", () => {
    const run = npx(["inspect", join(modelsDir, "keras3", "custom_layer_unregistered.h5"), "--json"]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).customClasses).toEqual(["ScaledDense"]);
  });

  it("runs its Python probe on a real Keras", () => {
    const run = npx([join(modelsDir, "keras3", "sequential.keras"), "--auto", "--json", "--python", pythonFor("keras3")]);
    expect(JSON.parse(run.stdout).outcome).toBe("loads");
    expect(run.status).toBe(0);
  });

  it("explains a pasted traceback with the shipped explanations", () => {
    const run = npx(["explain", "-", "--json"], "ValueError: Unknown layer: Functional\n");
    expect(JSON.parse(run.stdout).diagnosis.cause).toBe("file-from-newer-keras");
  });
});
