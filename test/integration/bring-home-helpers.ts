// What the bring-home tests share: the CLI run that brings a model home into the keras3 env, and the Python that
// loads a model and makes the same seeded inputs in any env.
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import type { BringHomeResult } from "../../src/core/bring-home/bring-home.js";
import { cliPath, pythonFor } from "../helpers/envs.js";

/** `keras-fix MODEL --auto --json --bring-home` with the keras3 env's Python, run in the model's folder. */
export function autoBringHome(model: string) {
  const run = spawnSync(process.execPath, [cliPath, model, "--auto", "--json", "--bring-home", "--python", pythonFor("keras3")], {
    cwd: dirname(model),
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    timeout: 600_000,
  });
  const report = JSON.parse(run.stdout);
  const home = report.walk.steps.find((step: { bringHome?: BringHomeResult }) => step.bringHome)?.bringHome as BringHomeResult;
  return { run, report, home };
}

/** Python lines that load sys.argv[1] as `model` and make `inputs`: seeded, integers for integer inputs (token ids). */
export const LOAD_WITH_SEEDED_INPUTS = `
import json, sys, numpy as np, keras
model = keras.models.load_model(sys.argv[1])
rng = np.random.default_rng(7)
inputs = []
for t in model.inputs:
    shape = [2] + [d for d in t.shape[1:]]
    dtype = t.dtype if isinstance(t.dtype, str) else t.dtype.name
    inputs.append(rng.integers(0, 10, shape).astype(dtype) if "int" in dtype else rng.standard_normal(shape).astype(dtype))
`;
