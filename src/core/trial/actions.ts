// The trial actions a version walk asks for: what proving a plan would download (asked before the consent), and
// proving the plans in trial environments, best first, a bounded number of them, each attempt said.
import { code, paragraphs, path as pathToken, strong, text } from "../content.js";
import type { EffectDeps } from "../effect-deps.js";
import { estimateTrial, proveInTrial, type PipProgress } from "./environment.js";
import type { ActionResult, LoadFix } from "../types.js";
import type { InstallPlan, PlanProof } from "../versions/plans.js";

/** How many candidate plans a trial tries before it gives up: each can download hundreds of megabytes. */
export const MAX_TRIALS = 3;

/** Estimates what proving the first plan that installs anything would download; ok when a trial can run at all. */
export async function estimateFirstTrial(plans: InstallPlan[], deps: EffectDeps): Promise<ActionResult> {
  const plan = plans.find((candidate) => candidate.packages.length > 0);
  if (!plan) return { ok: false, summary: paragraphs("No plan installs anything: there is nothing to prove in a trial environment."), data: { estimate: null } };
  const result = await estimateTrial(plan, deps.facts.env, process.env, deps.onPipProgress);
  return {
    ok: result.ok,
    summary: paragraphs(result.ok ? `Proving it: ${result.message}.` : `A trial environment cannot be made: ${result.message}.`),
    data: { estimate: result.estimate, message: result.message, name: result.target?.name ?? null },
  };
}

/**
 * Proves the plans in trial environments, best first, until one loads the model or MAX_TRIALS were built. A plan
 * that installs nothing (the versions are here already; only an environment variable differs) is nothing a trial can
 * prove: it gets a proof that says so and does not count against the bound.
 */
export async function tryVersions(plans: InstallPlan[], deps: EffectDeps & { onPipProgress?: (progress: PipProgress) => void }, fix?: LoadFix): Promise<ActionResult> {
  const proofs: PlanProof[] = [];
  const summary = [];
  let attempts = 0;
  for (const plan of plans) {
    if (attempts >= MAX_TRIALS || proofs.some((proof) => proof.proven)) break;
    if (plan.packages.length > 0) attempts += 1;
    const outcome = await proveInTrial({
      plan,
      modelPath: deps.modelPath,
      userEnv: deps.facts.env,
      timeoutSeconds: deps.timeoutSeconds ?? 300,
      onProgress: deps.onProgress,
      onPipProgress: deps.onPipProgress,
      fix,
    });
    const proof: PlanProof = {
      proven: outcome.proven,
      pins: outcome.pins,
      resolved: outcome.resolved,
      python: outcome.minor,
      dir: outcome.dir,
      message: outcome.message,
      stage: outcome.stage,
      attempt: plan.packages.length > 0 ? attempts : null,
      pythonSource: outcome.pythonSource,
    };
    proofs.push(proof);
    summary.push([
      strong(outcome.proven ? "Proven: " : "Not proven: "),
      code(outcome.pins.join(" ") || "(nothing to install)"),
      text(outcome.proven ? `: ${outcome.message}, in ` : `: ${outcome.message}`),
      ...(outcome.proven && outcome.dir ? [pathToken(outcome.dir)] : []),
      text("."),
    ]);
  }
  const proven = proofs.some((proof) => proof.proven);
  if (!proven) summary.push([text("Your own environment was not changed.")]);
  return { ok: proven, summary, data: { proofs } };
}
