// Version advice never points at a release open to what the safety read found (issue 8): a Keras 3 floor is raised
// to the first release closed to every dangerous finding, and a pinned line open to one is dropped. A version whose
// only merit is that it would act on the file's payload is no fix.
import { isOpen } from "../inspect/safety-exposure.js";
import type { InstallPlan, SafetyFinding } from "../types.js";

/** Keras 3 releases that closed an advisory on their line (research keras-security.md §1-§2), oldest first. */
const KERAS3_FIX_RELEASES = ["3.9.0", "3.11.0", "3.11.3", "3.12.0", "3.12.1", "3.12.2", "3.12.3", "3.12.4", "3.13.2", "3.14.0", "3.14.1", "3.15.0", "3.15.1"];

type Line = "keras3" | "tfKeras" | "keras2";

const full = (version: string) => (/^\d+\.\d+$/.test(version) ? `${version}.0` : version);
const before = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true }) < 0;

function openTo(findings: SafetyFinding[], line: Line, version: string): boolean {
  return findings.some((f) => isOpen(f.exposure[line], version) === true);
}

/** The plan with a Keras that refuses every finding, or null when its line offers none. */
function closedPlan(plan: InstallPlan, findings: SafetyFinding[]): InstallPlan | null {
  const specs = plan.packages.map((spec) => spec.replace(/^"|"$/g, ""));
  const kerasFloor = specs.map((spec) => /^keras>=(\d+\.\d+(?:\.\d+)?)$/.exec(spec)?.[1]).find(Boolean);
  const kerasPin = specs.map((spec) => /^keras==(\d+\.\d+)\.\*$/.exec(spec)?.[1]).find(Boolean);
  const tfKerasPin = specs.map((spec) => /^tf_keras==(\d+\.\d+)\.\*$/.exec(spec)?.[1]).find(Boolean);
  if (kerasFloor) {
    if (!openTo(findings, "keras3", full(kerasFloor))) return plan;
    const floor = KERAS3_FIX_RELEASES.find((release) => !before(release, full(kerasFloor)) && !openTo(findings, "keras3", release));
    if (!floor) return null;
    return {
      ...plan,
      packages: plan.packages.map((spec) => (spec.includes(`keras>=${kerasFloor}`) ? `"keras>=${floor}"` : spec)),
      why: [...plan.why, `Keras before ${floor} is open to what keras-fix found in this file, so the floor is ${floor}.`],
    };
  }
  // A pinned line: judged by its last patch release (pip installs the newest of `==M.m.*`).
  if (kerasPin) return openTo(findings, "keras3", `${kerasPin}.99`) ? null : plan;
  if (tfKerasPin || plan.route === "tf-keras-legacy") return openTo(findings, "tfKeras", `${tfKerasPin ?? "2.99"}.99`) ? null : plan;
  if (plan.route === "keras2-tensorflow" || plan.route === "multibackend") return openTo(findings, "keras2", "2.99.99") ? null : plan;
  return plan;
}

export function plansClosedTo(plans: InstallPlan[], findings: SafetyFinding[]): InstallPlan[] {
  const dangerous = findings.filter((f) => f.severity === "dangerous");
  if (dangerous.length === 0) return plans;
  return plans.map((plan) => closedPlan(plan, dangerous)).filter((plan): plan is InstallPlan => plan !== null);
}
