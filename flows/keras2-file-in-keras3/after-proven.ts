// The hook that runs once a trial environment proved a version plan: bring-home fills it (write a NEW file the
// user's own environment loads, proven there). Until then the walk goes straight to its end. The proven plan is in
// ctx.results.trial.data.proofs (the one with `proven: true`, with its trial environment's `dir`).
import type { Step } from "../../src/core/types.js";

/**
 * Steps to walk after "proven", given the id of the step to go to when they are done (the walk's "trial-proven"
 * end). Returns the id of their first step and the steps themselves (every path must end in `done` or an end step;
 * each choice names its --auto option), or null for none.
 */
export function afterProvenSteps(done: string): { start: string; steps: Step[] } | null {
  void done;
  return null;
}
