// Bringing a model home with real Keras, both directions of issue 13: a file only a newer Keras reads, or only
// Keras 2 reads, becomes a NEW .keras beside it that the user's own Keras 3 loads, proven by a fresh load in safe
// mode and the trial's outputs on the same seeded input. The model file and any file already there stay untouched.
// CI cost: one run per direction, each reusing the trial environment its trial test builds (py3.12 Keras 3.15 from
// trial-env.test.ts, py3.11 TF 2.15 from trial-tf215.test.ts), and one Keras 3.5 Python for the rules.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { autoBringHome } from "./bring-home-helpers.js";
import type { BringHomeResult } from "../../src/core/bring-home/bring-home.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { jsonDocuments } from "../../src/engine/json-documents.js";
import { installPlansForFacts } from "../../src/core/versions/versions.js";
import { type PlanProof } from "../../src/core/versions/plans.js";
import { cliPath, envCache, envVarsFor, modelsDir, pythonFor, repoRoot, scratchDir, type EnvName } from "../helpers/envs.js";

const trialCache = join(envCache, "..", "trials");
const cacheBefore = process.env.KERAS_FIX_TRIAL_CACHE;
afterAll(() => {
  if (cacheBefore === undefined) delete process.env.KERAS_FIX_TRIAL_CACHE;
  else process.env.KERAS_FIX_TRIAL_CACHE = cacheBefore;
});

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Loads the file in a brand-new Python of the env, in safe mode, as the user would: "<class> <params>". */
function loadsIn(env: EnvName, file: string): string {
  const run = spawnSync(
    pythonFor(env),
    ["-c", "import sys, keras; m = keras.saving.load_model(sys.argv[1], safe_mode=True); print(type(m).__name__, m.count_params())", file],
    { encoding: "utf8", env: { ...process.env, ...envVarsFor(env) }, timeout: 180_000 },
  );
  expect(run.stderr.split("\n").filter((line) => /Error/.test(line))).toEqual([]);
  return run.stdout.trim().split("\n").at(-1) ?? "";
}

describe("bringing a model home with real Keras", () => {
  it("a Keras 3.15 .keras that Keras 3.5 cannot read: --try-versions --bring-home writes a copy Keras 3.5 loads, beside the model, without touching it or an existing .home.keras", () => {
    const dir = scratchDir();
    const model = join(dir, "sequential.keras");
    copyFileSync(join(modelsDir, "keras3", "sequential.keras"), model);
    const existing = join(dir, "sequential.home.keras");
    writeFileSync(existing, "the user's own file\n");
    const before = { model: sha256(model), existing: sha256(existing) };
    const run = spawnSync(
      process.execPath,
      [cliPath, model, "--auto", "--json", "--try-versions", "--bring-home", "--python", pythonFor("keras35-py312")],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, ...envVarsFor("keras35-py312"), KERAS_FIX_TRIAL_CACHE: trialCache },
        timeout: 900_000,
      },
    );
    expect(run.stderr).not.toMatch(/hit a bug/);
    const report = JSON.parse(run.stdout);
    expect(jsonDocuments.auto.safeParse(report).success).toBe(true);
    expect(report.diagnosis.cause).toBe("file-from-newer-keras");
    const step = report.walk.steps.find((s: { action: string | null }) => s.action === "bring-home");
    const home = step.bringHome;
    expect(home).toMatchObject({ proven: true, route: "rebuild", path: join(dir, "sequential.home-2.keras") });
    expect(home.maxAbsDiff).toBeLessThanOrEqual(home.tolerance);
    // Keras 3.5 does not know Dense's quantization_config; it was left out because 3.15 saved its default (None).
    expect(home.dropped.join(" ")).toMatch(/Dense\.quantization_config/);
    // Proven copy = the run fixed it for this environment: exit 0, the new file listed as written.
    expect(report.walk.outcome).toBe("fixed");
    expect(report.exitCode).toBe(0);
    expect(report.walk.wrote).toContain(home.path);
    expect(report.walk.steps.at(-1).text).toMatch(/keras\.saving\.load_model\(".*sequential\.home-2\.keras"\)/);
    expect(run.stderr).toMatch(/bring home: proven/);
    expect({ model: sha256(model), existing: sha256(existing) }).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(["sequential.home-2.keras", "sequential.home.keras", "sequential.keras"]);
    expect(loadsIn("keras35-py312", home.path)).toBe("Sequential 16");
  }, 900_000);

  it("a Keras 2 .h5 that Keras 3 cannot read (nested Sequential, Bidirectional SimpleRNN, shared Dense): the TF 2.15 trial proves it, and the copy brought home loads in Keras 3 with the outputs Keras 2 gives", async () => {
    // Driven through the real session, as test/integration/trial-tf215.test.ts does (--auto stops earlier here: the
    // keras3 environment's own tf_keras loads the file); the same trial environment is reused (or built once).
    process.env.KERAS_FIX_TRIAL_CACHE = trialCache;
    const dir = scratchDir();
    const model = join(dir, "functional_nested.h5");
    copyFileSync(join(modelsDir, "keras2", "functional_nested.h5"), model);
    const before = sha256(model);
    const progress: string[] = [];
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("keras3"), timeoutSeconds: 300, outputDir: dir, onActionProgress: (line) => progress.push(line) });
    let home: BringHomeResult;
    try {
      const result = await session.diagnose(() => undefined);
      expect(result.diagnosis?.cause).toBe("keras2-file-in-keras3");
      const plans = installPlansForFacts(result, model);
      const trial = await session.runAction({ kind: "try-versions", plans });
      expect(trial.ok).toBe(true);
      const proofs = trial.data?.proofs as PlanProof[];
      const proven = plans.map((plan, i) => ({ ...plan, proof: proofs[i] })).find((plan) => plan.proof?.proven);
      expect(proven?.proof?.resolved["tensorflow-cpu"]).toMatch(/^2\.15\./);
      const action = await session.runAction({ kind: "bring-home", plan: proven! });
      expect(action.ok).toBe(true);
      home = action.data?.bringHome as BringHomeResult;
    } finally {
      await session.close();
    }
    expect(home).toMatchObject({ proven: true, route: "rebuild", path: join(dir, "functional_nested.home.keras"), stage: null });
    expect(home.maxAbsDiff!).toBeLessThanOrEqual(home.tolerance!);
    // Keras 2 saved SimpleRNN's time_major (False, its default), which Keras 3 refuses; Keras 2 numbered the nested
    // Sequential's first call node 1, Keras 3 numbers it 0. Keras 2.15's own .keras was tried first and failed here.
    expect(home.dropped).toContain("SimpleRNN.time_major");
    expect(home.renumbered).toEqual(["inner_sequential"]);
    expect(home.simpleRoad).not.toBeNull();
    expect(home.why).toMatch(/Keras 3\.\d+\.\d+ loads the new file in safe mode .* trial's Keras 2\.15/);
    expect(progress.at(-1)).toMatch(/bring home: proven/);
    expect(sha256(model)).toBe(before);
    expect(loadsIn("keras3", home.path!)).toBe("Functional 100");
  }, 1_500_000);

  it("on Keras 3.5: drops an unknown key only at the newer Keras' default (another value, or a missing class, is named); outputs over the tolerance are not proven and the copy is removed; an existing file is never overwritten", () => {
    // One Python runs bring_home's own functions on real Keras 3.5: adapt_config with the keys Keras 3.15 writes
    // (Dense.quantization_config) and a layer added later; then export + import of a small model whose reference
    // outputs were shifted by 1.0 after the export, as a wrong conversion would give.
    const script = [
      "import json, os, sys, tempfile",
      `sys.path.insert(0, ${JSON.stringify(join(repoRoot, "src", "python"))})`,
      "import bring_home, keras, numpy as np",
      "probe = bring_home.probe",
      "def dense(q): return {'module': 'keras.layers', 'class_name': 'Dense', 'config': {'name': 'd', 'units': 2, 'quantization_config': q}}",
      "defaults = {'Dense': {'quantization_config': None}, 'RMSNormalization': {}}",
      "out = {}",
      "for name, config in [('default', dense(None)), ('other', dense({'mode': 'int8'})),",
      "                     ('missing', {'module': 'keras.layers', 'class_name': 'RMSNormalization', 'config': {'name': 'r'}})]:",
      "    dropped, refused = bring_home.adapt_config(keras, config, defaults)",
      "    out[name] = {'dropped': dropped, 'refused': refused, 'config': config['config']}",
      "state = probe.WorkerState(probe.initial_env())",
      "probe.start_keras(state)",
      "work = tempfile.mkdtemp()",
      "source = os.path.join(work, 'm.keras')",
      "keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).save(source)",
      "folder = os.path.join(work, 'export')",
      "os.mkdir(folder)",
      "out['export'] = bring_home.export(state, {'path': source, 'out': folder})['ok']",
      "with np.load(os.path.join(folder, 'reference.npz')) as saved: reference = saved['arr_0']",
      "np.savez(os.path.join(folder, 'reference.npz'), reference + 1.0)",
      "home = os.path.join(work, 'm.home.keras')",
      "bad = bring_home.import_model(state, {'folder': folder, 'out': home, 'source': source})",
      "out['shifted'] = {'ok': bad['ok'], 'stage': bad['stage'], 'diff': bad['maxAbsDiff'], 'tolerance': bad['tolerance'], 'left': os.path.exists(home)}",
      "with open(home, 'w') as handle: handle.write('mine')",
      "clash = bring_home.import_model(state, {'folder': folder, 'out': home, 'source': source})",
      "out['clash'] = {'ok': clash['ok'], 'error': clash['error'][-1]['type'], 'content': open(home).read()}",
      "print(json.dumps(out))",
    ].join("\n");
    const run = spawnSync(pythonFor("keras35-py312"), ["-c", script], { encoding: "utf8", env: { ...process.env, ...envVarsFor("keras35-py312") }, timeout: 300_000 });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
    expect(out.default.dropped).toEqual([{ className: "Dense", key: "quantization_config", value: null }]);
    expect(out.default.config).not.toHaveProperty("quantization_config");
    expect(out.other.dropped).toEqual([]);
    expect(out.other.refused).toEqual([
      { className: "Dense", key: "quantization_config", why: expect.stringMatching(/does not know quantization_config; its value \{"mode": "int8"\} is not the default null/) },
    ]);
    expect(out.missing.refused).toEqual([{ className: "RMSNormalization", key: null, why: "this Keras has no class RMSNormalization" }]);
    expect(out.export).toBe(true);
    // The copy itself loaded and ran; its outputs are 1.0 away from the (shifted) reference: over the tolerance.
    expect(out.shifted).toMatchObject({ ok: false, stage: "compare", left: false });
    expect(out.shifted.diff).toBeGreaterThan(out.shifted.tolerance);
    expect(out.clash).toEqual({ ok: false, error: "FileExistsError", content: "mine" });
  }, 300_000);

  it("a TF 1.15 .h5 that only tf_keras reads, with Keras 3 beside tf_keras: --auto --bring-home writes a Keras 3 copy, no trial needed", () => {
    const dir = scratchDir();
    const model = join(dir, "old_tf1.h5");
    copyFileSync(join(modelsDir, "matrix", "tf115-py36", "plain.h5"), model);
    const before = sha256(model);
    const { run, report, home } = autoBringHome(model);
    expect(jsonDocuments.auto.safeParse(report).success).toBe(true);
    expect(report.diagnosis.cause).toBe("keras2-file-in-keras3");
    // tf_keras re-serializes the TF 1.x config (no initializer dtype); the Sequential's first layer keeps
    // batch_input_shape, which Keras 3 reads on its legacy route.
    expect(home).toMatchObject({ proven: true, route: "rebuild", path: join(dir, "old_tf1.home.keras"), stage: null });
    expect(home.maxAbsDiff!).toBeLessThanOrEqual(home.tolerance!);
    expect(report.walk.wrote).toContain(home.path);
    expect(run.status).toBe(0);
    expect(sha256(model)).toBe(before);
    expect(loadsIn("keras3", home.path!)).toBe("Sequential 23");
  }, 600_000);

  it("a Keras 2 .h5 with a nested functional model, with Keras 3 beside tf_keras: the inner 'Functional' is rebuilt where Keras 3 keeps it, and the copy loads (found by the matrix's brought-home column)", () => {
    const dir = scratchDir();
    const model = join(dir, "nested_functional.h5");
    copyFileSync(join(modelsDir, "matrix", "keras2", "nested_functional.h5"), model);
    const { run, report, home } = autoBringHome(model);
    expect(report.diagnosis.cause).toBe("keras2-file-in-keras3");
    // tf_keras names the inner model's module tf_keras.src.engine.functional, where Keras 3 finds no class.
    expect(home, home.why).toMatchObject({ proven: true, route: "rebuild", path: join(dir, "nested_functional.home.keras"), renumbered: ["inner"] });
    expect(run.status).toBe(0);
    expect(loadsIn("keras3", home.path!)).toMatch(/^Functional \d+$/);
  }, 600_000);
});
