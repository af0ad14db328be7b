// The walk goes on when a proven fix meets another error, and the report ends on the cause that is true at the end
// (issue 9 §2, §8). Real Keras: a custom layer whose code is supplied but whose constructor lacks **kwargs (Keras 3.5,
// JAX), and an HDF5 model named `.model` that Keras 3.15 refuses by name, whose copy named .h5 then fails on its
// training config, so compile=False comes next, with the copy carried along. The loader of the whole chain is shown,
// and written (and loads with real Keras) only with --write-loaders.
import { copyFileSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";
import { runLoader, sha256 } from "./custom-objects-helpers.js";

describe("a chain of fixes, reported on its final cause", () => {
  it("custom layer found, then its constructor refuses the config: final custom-object-config, history custom-layer-missing, exit 1", () => {
    const model = join(modelsDir, "keras3", "custom_layer_no_kwargs.keras");
    const before = sha256(model);
    const args = [model, "--auto", "--custom-objects", join(modelsDir, "sources", "fixture_bad_config.py"), "--python", pythonFor("keras35-py312")];
    const env = envVarsFor("keras35-py312");
    const report = jsonOf(runCli([...args, "--json"], { env }));
    expect(report.diagnosis).toMatchObject({ cause: "custom-object-config", culprit: "NoKwargsLayer.__init__ rejects 'name'" });
    expect(report.history.map((h: { cause: string }) => h.cause)).toEqual(["custom-layer-missing"]);
    expect(report.history[0].gotPastWith).toMatchObject({
      fix: { customObjects: { NoKwargsLayer: "NoKwargsLayer" } },
      nextCause: "custom-object-config",
    });
    expect(report.walk.chain.map((link: { cause: string; result: string }) => [link.cause, link.result])).toEqual([
      ["custom-layer-missing", "next-error"],
      ["custom-object-config", "not-fixed"],
    ]);
    // `load` stays the user's own first load: the missing class.
    expect(report.load.message).toMatch(/NoKwargsLayer/);
    expect(report.exitCode).toBe(1);

    const text = runCli(args, { env });
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/Earlier causes[\s\S]*custom-layer-missing[\s\S]*got past it with custom_objects NoKwargsLayer[\s\S]*Diagnosis\n\s+A custom class cannot be rebuilt[\s\S]*custom-object-config/);
    expect(sha256(model)).toBe(before);
  });

  it("HDF5 named .model: a .h5 copy gets past the name, compile=False past the training config; it loads (exit 0)", () => {
    const folder = scratchDir();
    const model = join(folder, "legacy_model.model");
    copyFileSync(join(modelsDir, "keras3", "compiled_mse_alias.h5"), model);
    const before = sha256(model);
    const run = runCli([model, "--auto", "--json", "--python", pythonFor("keras3")], { cwd: folder });
    const report = jsonOf(run);
    expect(run.status).toBe(0);
    expect(report.load.message).toMatch(/File format not supported/);
    expect(report.history.map((h: { cause: string; culprit: string }) => [h.cause, h.culprit])).toEqual([["keras-release-bug", "HDF5 file named .model (Keras 3.15.1)"]]);
    expect(report.diagnosis.cause).toBe("compile-config-incompatible");
    expect(report.walk.outcome).toBe("fixed");
    expect(report.walk.fix).toEqual({ loadAs: ".h5", compile: false });
    expect(report.walk.chain).toEqual([
      { cause: "keras-release-bug", fix: { loadAs: ".h5" }, result: "next-error" },
      { cause: "compile-config-incompatible", fix: { loadAs: ".h5", compile: false }, result: "loads" },
    ]);
    // The loader shown loads the way it was proven: a copy named .h5, compile=False. Nothing is written unasked.
    const loader = join(folder, "load_legacy_model.model.py");
    expect(report.walk.wrote).toEqual([]);
    expect(report.walk.loader).toMatchObject({ written: false, path: loader });
    expect(report.walk.loader.code).toMatch(/shutil\.copyfile\(MODEL_PATH, LOAD_PATH\)[\s\S]*load_model\(LOAD_PATH, compile=False\)/);
    expect(readdirSync(folder)).toEqual(["legacy_model.model"]);
    const text = runCli([model, "--auto", "--python", pythonFor("keras3")], { cwd: folder });
    expect(text.stdout).toContain("The loader script (not written)");
    expect(text.stdout).toContain(`keras-fix ${model} --auto --python ${pythonFor("keras3")} --write-loaders`);
    expect(readdirSync(folder)).toEqual(["legacy_model.model"]);

    // Asked, it writes that same script, and the script loads the model with real Keras; the file itself untouched.
    const written = jsonOf(runCli([model, "--auto", "--json", "--write-loaders", "--python", pythonFor("keras3")], { cwd: folder }));
    expect(written.walk.wrote).toEqual([loader]);
    expect(readFileSync(loader, "utf8")).toBe(report.walk.loader.code);
    runLoader("keras3", pythonFor("keras3"), loader);
    expect(sha256(model)).toBe(before);
    expect(readdirSync(folder).sort()).toEqual(["legacy_model.model", "load_legacy_model.model.py"]);
  });
});
