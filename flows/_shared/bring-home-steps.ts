// After a trial environment proved a version plan: offer a NEW file that the user's own Keras 3 loads, so that they
// need not install anything (src/core/bring-home/bring-home.ts). --auto takes it only with --bring-home; the wizard asks.
import { basename } from "node:path";
import { paragraphs, python, strong, text } from "../../src/core/content.js";
import { homePath } from "../../src/core/bring-home/bring-home.js";
import { loaderScript } from "../../src/core/fixes/loader-script.js";
import type { BringHomeResult } from "../../src/core/bring-home/bring-home.js";
import type { LoadFix, Step, StepContext } from "../../src/core/types.js";
import { plansWithProofs } from "../../src/core/versions/versions.js";
import { type InstallPlan, type PlanProof } from "../../src/core/versions/plans.js";

export interface BringHomeStepsSpec {
  /** Where the walk goes when the user says no, or when the copy could not be proven. */
  declined: string;
}

/** The plan the walk's trial step proved (its proofs are in ctx.results.trial, one per plan tried), or null. */
export function provenPlan(ctx: StepContext): InstallPlan | null {
  const proofs = ctx.results.trial?.data?.proofs as PlanProof[] | undefined;
  return plansWithProofs(ctx, ctx.modelPath, proofs).find((plan) => plan.proof?.proven && plan.proof.dir) ?? null;
}

/**
 * The user's own code for the model's custom objects (--custom-objects, or the file typed in the wizard), for the
 * loads a trial environment and the bring-home step run: every custom object the file names, under the key it is
 * stored with (the action keeps only the names the module defines).
 */
export function userCodeFix(ctx: StepContext): LoadFix {
  const module = ctx.inputs.customObjectsModule?.trim();
  if (!module) return {};
  return { customObjectsModule: module, customObjects: Object.fromEntries((ctx.file?.customObjects ?? []).map((ref) => [ref.key, ref.className])) };
}

/** Only into Keras 3 (the format the copy is written in), and only with a proven trial to export from. */
function canBringHome(ctx: StepContext): boolean {
  return ctx.env?.loader === "keras3" && !!ctx.modelPath && provenPlan(ctx) !== null;
}

export function bringHomeSteps(spec: BringHomeStepsSpec): Step[] {
  return [
    {
      kind: "choice",
      id: "bring-home-offer",
      title: "Proven: the trial environment loads the model",
      // The trial step's own result (above it on screen and in the report) says what was proven and where.
      body: (ctx) => [
        ...(canBringHome(ctx)
          ? paragraphs(
              `keras-fix can also write a new file beside the model that your own Keras ${ctx.env?.packages.keras ?? ""} loads, with nothing installed: it exports the model from the trial environment (its config, and its weights as plain arrays) and rebuilds it here.`,
              "The copy counts as proven only when a fresh Python here loads it in safe mode and gives the trial's outputs on the same random input. Your model file is not changed.",
            )
          : paragraphs(`The copy keras-fix can write is a Keras 3 file; this Python loads with ${ctx.env?.loader ?? "no Keras"}, so the versions above are the way.`)),
      ],
      options: [
        {
          id: "bring-home",
          label: (ctx) => `Write a copy your Keras loads (${ctx.modelPath ? basename(homePath(ctx.modelPath)) : "a new .keras file"})`,
          next: "bring-home",
          when: (ctx) => canBringHome(ctx),
        },
        { id: "no", label: (ctx) => (canBringHome(ctx) ? "No, show the versions that load it" : "Show the versions that load it"), next: spec.declined },
      ],
      // Writing a file is safe, yet --auto writes beside the user's model only when asked to (--bring-home).
      auto: { among: ["bring-home", "no"], pick: (ctx) => (ctx.inputs.bringHome === "yes" && canBringHome(ctx) ? "bring-home" : "no") },
    },
    {
      kind: "action",
      id: "bring-home",
      title: "Bringing the model home",
      action: (ctx) => ({ kind: "bring-home", plan: provenPlan(ctx)!, userCode: userCodeFix(ctx) }),
      onSuccess: "bring-home-done",
      onFailure: spec.declined,
    },
    {
      kind: "end",
      id: "bring-home-done",
      outcome: "fixed",
      title: "Fixed: your Keras loads the copy brought home",
      body: (ctx) => {
        const written = ctx.results["bring-home"]?.data?.path as string | undefined;
        const result = ctx.results["bring-home"]?.data?.bringHome as BringHomeResult | undefined;
        const userCode = ctx.results["bring-home"]?.data?.fix as LoadFix | undefined;
        // How it was proven is the bring-home step's result, just above; the new file is listed as written. A copy
        // of a model with custom layers still needs their code, as the proof's reload had it.
        const load = userCode?.customObjectsModule
          ? loaderScript({ modelPath: written ?? "", fix: userCode, fileFacts: null, env: ctx.env ?? null })
          : `import keras\n\nmodel = keras.saving.load_model(${JSON.stringify(written ?? "")})`;
        return [
          [strong(userCode?.customObjectsModule ? "Load the copy with your code for its custom objects:" : "Load the copy:")],
          [python(load)],
          [
            text("The original file still needs the versions the trial proved; the copy is for this environment."),
            // The rebuild carries the architecture, the weights and, when this Keras rebuilds them, the training settings;
            // an optimizer's state does not travel between versions.
            ...(result?.route === "rebuild" && !result.compiled ? [text(" It holds no training settings (optimizer, loss): compile it again to train.")] : []),
          ],
        ];
      },
    },
  ];
}
