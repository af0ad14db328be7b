// The walk every Keras-version cause shares: try the fix that changes least in this environment (verified by a
// real load), else show the version set that reads the file (installed only with consent, then verified), or
// rebuild the model in the loader's Keras. Causes supply the words and the fix to try.
import { code, paragraphs, python, strong, text } from "../../src/core/content.js";
import { keepFixSteps } from "./keep-fix.js";
import { userCodeFix } from "./bring-home-steps.js";
import { afterProvenSteps } from "../keras2-file-in-keras3/after-proven.js";
import type { ActionResult, Content, Facts, LoadFix, Step, StepContext } from "../../src/core/types.js";
import { plansWithProofs } from "../../src/core/versions/versions.js";
import { pipArgv, pipCommand, planContent, type InstallPlan, type PlanProof } from "../../src/core/versions/plans.js";

export interface VersionStepsSpec {
  /** Why the load failed, in plain words, for the first step. */
  explain: (ctx: StepContext) => Content;
  /** The fix to verify first, or null when nothing in this environment can load the file. */
  tryFix: ((ctx: StepContext) => LoadFix | null) | null;
  tryLabel: string;
  /** What to tell the user once tryFix loaded the model: the code that does it for them. */
  fixedBody: (ctx: StepContext, fix: LoadFix) => Content;
  /** How to rebuild in the loader's own Keras (the route that needs no other version). */
  rebuildBody: (ctx: StepContext) => Content;
}

/** The plans for this file, each with what a trial environment showed about it (when one ran in this walk). */
export function plansOf(ctx: StepContext): InstallPlan[] {
  return plansWithProofs(ctx, ctx.modelPath, ctx.results.trial?.data?.proofs as PlanProof[] | undefined);
}

/** --try-versions (the CLI puts it in the inputs): the user's consent, given up front, to prove plans in a trial. */
function trialsAllowed(ctx: StepContext): boolean {
  return ctx.inputs.tryVersions === "yes";
}

function firstPlan(ctx: StepContext): InstallPlan | null {
  return plansOf(ctx)[0] ?? null;
}

function pythonPathOf(ctx: StepContext): string {
  return ctx.env?.python.path ?? "python";
}

/** The fix a verify-load needs once the plan's packages are installed: tf_keras plans load through the legacy path. */
function afterInstallFix(plan: InstallPlan | null): LoadFix {
  return plan?.env.TF_USE_LEGACY_KERAS ? { legacyKeras: true } : {};
}

/**
 * A proven plan as it was proven: each pin at the version pip resolved in the trial (the backend it added too), on
 * the trial's Python minor. The trial takes tensorflow-cpu only to download less: the same code and version as
 * tensorflow, which is what the user installs.
 */
export function asProven(plan: InstallPlan, userPython: string | null): InstallPlan {
  const proof = plan.proof;
  if (!proof?.proven) return plan;
  const packages = proof.pins.map((pin) => {
    const name = /^[A-Za-z0-9._-]+/.exec(pin.trim())?.[0] ?? pin;
    const key = name.toLowerCase().replace(/[-_.]+/g, "-");
    const version = proof.resolved[key];
    const shown = key === "tensorflow-cpu" ? "tensorflow" : name;
    const exact = version ? `${shown}==${version}` : pin.replace(/^\s*tensorflow-cpu/i, "tensorflow");
    return /^[\w.=-]+$/.test(exact) ? exact : JSON.stringify(exact);
  });
  const userMinor = /^(\d+\.\d+)/.exec(userPython ?? "")?.[1] ?? null;
  const sameMinor = !proof.python || proof.python === userMinor;
  return { ...plan, packages, pythonOk: plan.pythonOk && sameMinor, pythonNeeded: sameMinor ? plan.pythonNeeded : proof.python };
}

function planBody(ctx: StepContext): Content {
  const plans = plansOf(ctx);
  if (plans.length === 0) return paragraphs("No known set of versions reads this file on this Python.");
  const [first, ...others] = plans;
  const content: Content = [[strong("A version set that reads this file:")], ...planContent(first, pythonPathOf(ctx))];
  for (const other of others) {
    content.push([strong("Or:")], ...planContent(other, pythonPathOf(ctx)));
  }
  return content;
}

function resultSummary(result: ActionResult | undefined): Content {
  return result ? result.summary : [];
}

/** tf_keras loads only beside TensorFlow (it imports it): its route is offered only where both are installed. */
export function tfKerasInstalled(ctx: Facts): boolean {
  const packages = ctx.env?.packages ?? {};
  return !!packages.tf_keras && !!packages.tensorflow;
}

export function versionSteps(spec: VersionStepsSpec): Step[] {
  // bring-home's steps (after-proven.ts), when it has any.
  const afterProven = afterProvenSteps("trial-proven");
  const steps: Step[] = [
    { kind: "info", id: "explain", title: "What the versions say", body: spec.explain, next: "route" },
    {
      kind: "choice",
      id: "route",
      title: "How do you want to load it?",
      options: [
        ...(spec.tryFix
          ? [{ id: "try", label: spec.tryLabel, next: "try-fix", when: (ctx: StepContext) => spec.tryFix!(ctx) !== null }]
          : []),
        { id: "versions", label: "Show the versions that read this file", next: "plan" },
        { id: "rebuild", label: "Rebuild the model in code and load only its weights", next: "rebuild" },
      ],
      // "try" only where the fix can work here (tryFix gives null otherwise, e.g. tf_keras not installed).
      auto: spec.tryFix ? { among: ["try", "versions"], pick: (ctx: StepContext) => (spec.tryFix!(ctx) !== null ? "try" : "versions") } : "versions",
    },
    {
      kind: "info",
      id: "plan",
      title: "Versions that read this file",
      body: planBody,
      next: "plan-choice",
    },
    {
      kind: "choice",
      id: "plan-choice",
      title: "Install them now?",
      body: (ctx) => {
        const plan = firstPlan(ctx);
        const pip = plan ? pipCommand(plan, pythonPathOf(ctx)) : null;
        const trial = plan ? paragraphs("Or it can prove the set first in a throwaway environment in its cache folder, leaving this one as it is.") : [];
        return pip && plan?.pythonOk
          ? [...paragraphs(["keras-fix can run ", code(pip), " for you and then load the model again to check."]), ...trial]
          : [...paragraphs(plan && !plan.pythonOk
              ? `keras-fix cannot install this set into the Python it runs (it needs Python ${plan.pythonNeeded ?? "of another version"}): make the new environment shown above and install it there.`
              : "This environment already has these versions: follow the steps above."), ...trial];
      },
      options: [
        {
          id: "install",
          label: "Run the pip command, then load the model again",
          next: "install",
          when: (ctx) => {
            const plan = firstPlan(ctx);
            return !!plan && plan.pythonOk && pipArgv(plan, pythonPathOf(ctx)) !== null;
          },
          needsConsent: { risk: "installs or replaces Python packages in the environment keras-fix is using" },
        },
        {
          // First what it would download (pip's resolver asks the index; nothing is installed), then the consent.
          id: "trial",
          label: "Prove it first: install it into a new throwaway environment and load the model there",
          next: "trial-estimate",
          when: (ctx) => !trialsAllowed(ctx) && firstPlan(ctx) !== null,
        },
        {
          id: "trial-flag",
          label: "Prove it in a throwaway environment (--try-versions)",
          next: "trial",
          when: (ctx) => trialsAllowed(ctx) && firstPlan(ctx) !== null,
        },
        { id: "stop", label: "I will do it myself", next: "plan-end" },
      ],
      // Only --try-versions lets --auto download anything, and then only into a trial environment.
      auto: { among: ["stop", "trial-flag"], pick: (ctx) => (trialsAllowed(ctx) && firstPlan(ctx) !== null ? "trial-flag" : "stop") },
    },
    {
      kind: "action",
      id: "trial-estimate",
      title: "Asking pip what the trial environment needs",
      action: (ctx) => ({ kind: "estimate-trial", plans: plansOf(ctx) }),
      onSuccess: "trial-consent",
      onFailure: "trial-unproven",
    },
    {
      kind: "choice",
      id: "trial-consent",
      title: "Prove it in a trial environment?",
      body: (ctx) => [
        ...resultSummary(ctx.results["trial-estimate"]),
        ...paragraphs("It goes into keras-fix's cache folder (keras-fix envs lists and removes them); your environment is not touched."),
      ],
      options: [
        {
          id: "go",
          label: "Go ahead: download what it needs and prove it",
          next: "trial",
          needsConsent: { risk: "downloads the packages and installs them into a new environment in keras-fix's cache folder (yours is not touched)" },
        },
        { id: "stop", label: "Not now", next: "plan-end" },
      ],
      // Never reached by --auto (it goes straight to the trial with --try-versions, else stops before).
      auto: "stop",
    },
    {
      kind: "action",
      id: "trial",
      title: "Proving the versions in a trial environment",
      action: (ctx) => ({ kind: "try-versions", plans: plansOf(ctx), userCode: userCodeFix(ctx) }),
      onSuccess: afterProven?.start ?? "trial-proven",
      onFailure: "trial-unproven",
    },
    ...(afterProven?.steps ?? []),
    {
      kind: "end",
      id: "trial-proven",
      // The user's own environment still cannot load it: proven advice, not a fix.
      outcome: "not-fixed",
      title: "Proven: these versions load the model",
      body: (ctx) => {
        const plans = plansOf(ctx);
        const proven = plans.find((plan) => plan.proof?.proven);
        // Plans tried before the proven one failed there: say what each showed, then the one that loads.
        const failed = plans.filter((plan) => plan.proof && !plan.proof.proven);
        return [
          ...failed.map((plan) => [strong("Not proven: "), code(plan.proof!.pins.join(" ")), text(`: ${plan.proof!.message}.`)]),
          ...(proven ? planContent(asProven(proven, ctx.env?.python.version ?? null), pythonPathOf(ctx)) : []),
          ...paragraphs("Your own environment was not changed. Install the set above there (or in a new environment), or run your code with the trial environment's Python."),
        ];
      },
    },
    {
      kind: "end",
      id: "trial-unproven",
      outcome: "not-fixed",
      title: "The trial environment did not prove it",
      body: (ctx) => [
        ...resultSummary(ctx.results.trial ?? ctx.results["trial-estimate"]),
        ...paragraphs("The plans above stay unproven. Your own environment was not changed."),
      ],
    },
    {
      kind: "action",
      id: "install",
      title: "Installing",
      action: (ctx) => ({ kind: "run-command", argv: pipArgv(firstPlan(ctx)!, pythonPathOf(ctx)) ?? [] }),
      onSuccess: "verify-installed",
      onFailure: "install-failed",
    },
    {
      kind: "action",
      id: "verify-installed",
      title: "Loading the model again",
      action: (ctx) => ({ kind: "verify-load", fix: afterInstallFix(firstPlan(ctx)) }),
      onSuccess: "keep-installed",
      onFailure: "installed-unverified",
    },
    ...keepFixSteps({ id: "keep-installed", fixedId: "installed-fixed" }),
    {
      kind: "end",
      id: "installed-fixed",
      outcome: "fixed",
      title: "It loads with the new versions",
      body: (ctx) => [...resultSummary(ctx.results["verify-installed"]), [python(firstPlan(ctx)?.loadCode ?? "")]],
    },
    {
      kind: "end",
      id: "installed-unverified",
      outcome: "not-fixed",
      title: "Installed, but the check did not load it",
      body: (ctx) => [
        ...resultSummary(ctx.results["verify-installed"]),
        ...paragraphs("A Python that already imported the old Keras keeps it: run keras-fix again to check in a fresh process."),
      ],
    },
    {
      kind: "end",
      id: "install-failed",
      outcome: "not-fixed",
      title: "pip could not install them",
      // The plan is on screen (and in the report) already, from the "Versions that read this file" step.
      body: (ctx) => [...resultSummary(ctx.results.install), ...paragraphs("Install the version set above by hand, then run keras-fix again.")],
    },
    {
      kind: "end",
      id: "plan-end",
      outcome: "not-fixed",
      title: "Load it with a Keras that can read it",
      // Said once: the plan itself is the "Versions that read this file" step just above.
      body: () => paragraphs("Install the version set above, then run keras-fix again, or its load code, to check."),
    },
    { kind: "end", id: "rebuild", outcome: "not-fixed", title: "Rebuild, then load the weights", body: spec.rebuildBody },
  ];
  if (spec.tryFix) {
    steps.push(
      {
        kind: "action",
        id: "try-fix",
        title: "Loading the model with the fix",
        action: (ctx) => ({ kind: "verify-load", fix: spec.tryFix!(ctx) ?? {} }),
        onSuccess: "keep-try",
        onFailure: "try-failed",
      },
      ...keepFixSteps({ id: "keep-try", fixedId: "fixed" }),
      {
        kind: "end",
        id: "fixed",
        outcome: "fixed",
        title: "It loads",
        body: (ctx) => {
          const result = ctx.results["try-fix"];
          const fix = (result?.data?.fix as LoadFix | undefined) ?? spec.tryFix!(ctx) ?? {};
          return [...resultSummary(result), ...spec.fixedBody(ctx, fix)];
        },
      },
      {
        kind: "info",
        id: "try-failed",
        title: "That did not load it",
        body: (ctx) => [
          ...resultSummary(ctx.results["try-fix"]),
          [text("Another set of versions can read the file:")],
        ],
        next: "plan",
      },
    );
  }
  return steps;
}
