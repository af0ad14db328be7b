// Drives the built CLI (`node dist/src/cli.js inspect ...`) as a user would, with an argv array and no shell:
// --json prints exactly one valid ModelFacts document, and the exit code follows the file's state.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, modelsDir } from "../helpers/envs.js";
import { modelFactsSchema } from "./schema.js";

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [cliPath, "inspect", ...args], {
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("keras-fix inspect", () => {
  const cases: [string, number, string][] = [
    [join(modelsDir, "keras3", "custom_layer_registered.keras"), 0, "keras-zip"],
    [join(modelsDir, "keras2", "sequential.h5"), 0, "h5-model"],
    [join(modelsDir, "keras2", "savedmodel_keras"), 0, "savedmodel"],
    [join(modelsDir, "bad", "lfs_pointer.h5"), 1, "git-lfs-pointer"],
    [join(modelsDir, "bad", "truncated.h5"), 1, "truncated"],
    [join(modelsDir, "keras2", "weights_only.h5"), 1, "h5-weights"],
    [join(modelsDir, "no such model.h5"), 2, "missing"],
  ];
  for (const [path, code, format] of cases) {
    it(`--json on ${path.slice(modelsDir.length + 1)} prints one document (${format}) and exits ${code}`, () => {
      const result = cli(path, "--json");
      expect(result.code).toBe(code);
      const facts = modelFactsSchema.parse(JSON.parse(result.stdout));
      expect(facts.format).toBe(format);
      expect(facts.path).toBe(path);
      expect(result.stderr).not.toMatch(/HDF5-DIAG|\n\s+at /);
      // Nothing at the path was read, so there is no safety verdict; everything read has one.
      expect(facts.safety === undefined).toBe(format === "missing");
    });
  }

  it("prints the layer tree with the custom class and its custom_objects key", () => {
    const result = cli(join(modelsDir, "keras3", "custom_layer_registered.keras"));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Gate gate \[custom\]/);
    expect(result.stdout).toContain('"FixturePkg>Gate"');
    expect(result.stdout).toMatch(/├─ InputLayer/);
  });

  it("prints the problem and its fix for bad input, without a stack trace", () => {
    const result = cli(join(modelsDir, "bad", "html_page.h5"));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Problem: This is a web page/);
    expect(result.stdout).toMatch(/Fix: Re-download the raw file/);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  it("tells a user that an HDF5 file named .keras will be refused by Keras 3", () => {
    const result = cli(join(modelsDir, "keras2", "h5_named_dot_keras.keras"));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/named \.keras: Keras 3 refuses it/);
  });

  it("says nothing about the safety of a path with nothing at it", () => {
    const result = cli(join(modelsDir, "no such model.h5"));
    expect(result.code).toBe(2);
    expect(result.stdout).not.toMatch(/safety:/);
    expect(cli(join(modelsDir, "keras2", "sequential.h5")).stdout).toMatch(/safety: nothing found/);
  });

  it("refuses a missing argument as a usage error", () => {
    const result = spawnSync(process.execPath, [cliPath, "inspect"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/inspect takes one path/);
  });
});
