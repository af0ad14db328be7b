// The hook that runs once a trial environment proved a version plan: bring the model home (flows/_shared/
// bring-home-steps.ts), i.e. offer a NEW file that the user's own environment loads, proven there.
import { bringHomeSteps } from "../_shared/bring-home-steps.js";
import type { Step } from "../../src/core/types.js";

/**
 * Steps to walk after "proven", given the id of the step to go to when they are done (the walk's "trial-proven"
 * end). Returns the id of their first step and the steps themselves.
 */
export function afterProvenSteps(done: string): { start: string; steps: Step[] } | null {
  return { start: "bring-home-offer", steps: bringHomeSteps({ declined: done }) };
}
