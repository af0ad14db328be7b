// `keras-fix check --against SPEC`: the same check in a throwaway trial environment (src/core/trial/) that has the
// requirements SPEC names ("tensorflow==2.15.*", "keras==3.5.* jax==0.4.31"), e.g. before an upgrade. The
// environment is keras-fix's own (its cache, never the user's) and is reused when it was built before; building it
// loads one model there, a model the first environment already loaded safely.
import { UserError } from "../../core/errors.js";
import { proveInTrial, trialTarget } from "../../core/trial/environment.js";
import type { EnvFacts, InstallPlan } from "../../core/types.js";

export function planFor(spec: string): InstallPlan {
  const packages = spec.split(/[\s,]+/).filter(Boolean);
  if (packages.length === 0 || packages.some((p) => !/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*([<>=!~]=?[^\s]*)?$/.test(p))) {
    throw new UserError(`--against ${spec}: expected pip requirements such as "tensorflow==2.15.*".`, `keras-fix check --against "keras==3.5.*"`);
  }
  return {
    route: "keras3-install",
    packages,
    env: {},
    pythonOk: true,
    pythonNeeded: null,
    requiresPython: null,
    newEnvRecommended: true,
    why: [`keras-fix check --against ${spec}`],
    loadCode: "",
  };
}

/** The trial environment's interpreter for `plan`: reused when built before, else built and proven on `modelPath`. */
export async function trialPythonFor(plan: InstallPlan, userEnv: EnvFacts, modelPath: string | null, timeoutSeconds: number, say: (line: string) => void): Promise<string> {
  const target = await trialTarget(plan, userEnv);
  if ("failure" in target) throw new UserError(`--against ${plan.packages.join(" ")}: ${target.failure}.`);
  if (target.finished) return target.python;
  if (!modelPath) throw new UserError(`--against ${plan.packages.join(" ")}: no model that loads safely to build the trial environment with.`);
  const outcome = await proveInTrial({ plan, modelPath, userEnv, timeoutSeconds, onProgress: say });
  if (!outcome.python || outcome.stage !== "load") throw new UserError(`--against ${plan.packages.join(" ")}: ${outcome.message}.`);
  return outcome.python;
}
