// A fix that gets the load past its error often meets the next one (the custom class found, then its constructor
// refuses the saved config; a copy under a .h5 name, then an optimizer this Keras cannot rebuild). The chain walks
// the new cause's flow with the fixes proven so far carried into every load it tries, until the model loads, the
// error stops changing, or the bound is reached. The last link's cause is the run's diagnosis; the others are its
// history, in order.
//
// A file with two problems lists the second among the diagnosis' causes (src/engine/every-cause.ts) before any load
// meets it. When a walk tried a fix and the load still fails in a way that moves nowhere new (a Keras 2 custom layer's
// code found, but Keras 3 cannot run it), the chain walks the cause that stands behind it next, with the fix tried so
// far carried: the tf_keras route together with the custom layer's code, proven by one real load.
import { resolve } from "node:path";
import { causeById } from "../../flows/index.js";
import { walkAutomatically, type AutoWalk } from "./auto-walk.js";
import { restateRetry } from "./step-machine.js";
import type { ActionRequest, ActionResult, Cause, Diagnosis, LoadAttempt, LoadFix, StepContext } from "../core/types.js";

/** One cause met along the way and the automatic walk through its flow. */
export interface ChainLink {
  diagnosis: Diagnosis;
  cause: Cause;
  walk: AutoWalk;
  /** The failed load this link was diagnosed from (the user's own load for the first link). */
  load: LoadAttempt | null;
  /** The fixes carried into this link's loads (proven to get past every earlier link's error). */
  carried: LoadFix;
  /** When this link's walk got past its error into another: the fix that did, and what came next. */
  next: { fix: LoadFix; diagnosis: Diagnosis; attempt: LoadAttempt } | null;
}

// Four causes deep is already rare; the bound only keeps a pathological file from looping.
export const MAX_LINKS = 4;

/** Two diagnoses are the same error met again when cause and culprit agree. */
const identity = (d: Diagnosis) => `${d.cause}\u0000${d.culprit ?? ""}`;

/** Both fixes at once, or null when they cannot be combined (two different modules of custom objects). */
export function mergeFix(earlier: LoadFix, later: LoadFix): LoadFix | null {
  if (earlier.customObjectsModule && later.customObjectsModule && resolve(earlier.customObjectsModule) !== resolve(later.customObjectsModule)) {
    return null;
  }
  const defined = Object.fromEntries(Object.entries(later).filter(([, value]) => value !== undefined)) as LoadFix;
  // tf_keras and TFSMLayer are two routes, not two additions: a later route replaces the earlier one.
  const switchesRoute = later.legacyKeras === true || !!later.tfsmLayer;
  const { tfsmLayer, legacyKeras, ...kept } = earlier;
  const base: LoadFix = switchesRoute ? kept : { ...kept, ...(tfsmLayer ? { tfsmLayer } : {}), ...(legacyKeras ? { legacyKeras } : {}) };
  const merged: LoadFix = { ...base, ...defined };
  const customObjects = { ...earlier.customObjects, ...later.customObjects };
  if (Object.keys(customObjects).length > 0) merged.customObjects = customObjects;
  const shims = [...new Set([...(earlier.shims ?? []), ...(later.shims ?? [])])];
  if (shims.length > 0) merged.shims = shims;
  return merged;
}

/** A request with the carried fixes folded in: every load, loader script and re-save of a later link keeps them. */
export function withCarriedFix(request: ActionRequest, carried: LoadFix): ActionRequest {
  if (request.kind === "try-versions" || request.kind === "bring-home") {
    // Only the user's code for custom objects travels into a trial environment and the bring-home step.
    const { customObjectsModule, customObjects } = mergeFix(carried, request.userCode ?? {}) ?? carried;
    return { ...request, userCode: { customObjectsModule, customObjects } };
  }
  if (request.kind !== "verify-load" && request.kind !== "write-loader" && request.kind !== "resave-compare") return request;
  return { ...request, fix: mergeFix(carried, request.fix) ?? request.fix };
}

/** The last load a walk tried that failed with another diagnosed error: the fix got past the walk's own error. */
export function movedOn(results: Record<string, ActionResult>): ChainLink["next"] {
  // effects.ts records a failed verify-load's fix, attempt and the new error's diagnosis as result.data.
  const failed = Object.values(results).filter((result) => !result.ok && result.data?.diagnosis && result.data?.attempt).at(-1);
  const data = failed?.data;
  const diagnosis = data?.diagnosis as Diagnosis | undefined;
  if (!data || !diagnosis || diagnosis.cause === "unclassified") return null;
  return { fix: data.fix as LoadFix, diagnosis, attempt: data.attempt as LoadAttempt };
}

/** The link after one whose walk ended unfixed, unless the error is one already met or the chain is long enough. */
export function nextLink(
  results: Record<string, ActionResult>,
  metBefore: Diagnosis[],
): { next: NonNullable<ChainLink["next"]>; cause: Cause } | null {
  const next = movedOn(results);
  if (!next || metBefore.length >= MAX_LINKS || metBefore.some((d) => identity(d) === identity(next.diagnosis))) return null;
  const cause = causeById(next.diagnosis.cause);
  // The new error's classification still sees what made the earlier ones (the unconfigured backend, say): a cause the
  // chain already got past is no alternative to the one it meets now.
  const past = new Set(metBefore.map((d) => d.cause));
  const diagnosis = { ...next.diagnosis, alternatives: next.diagnosis.alternatives.filter((a) => !past.has(a.cause)) };
  return cause ? { next: { ...next, diagnosis }, cause } : null;
}

/** The fix of the last load a walk tried that failed: carried into the cause behind it, which may need it too. */
export function lastTried(results: Record<string, ActionResult>): LoadFix | null {
  const failed = Object.values(results).filter((result) => !result.ok && result.data?.fix && result.data?.attempt).at(-1);
  return (failed?.data?.fix as LoadFix | undefined) ?? null;
}

/** The first cause that stands behind the diagnosis (the file shows it; no link walked it yet), as its flow reads it. */
export function standingNext(first: Diagnosis, walked: Diagnosis[]): { cause: Cause; diagnosis: Diagnosis } | null {
  for (const standing of first.causes ?? []) {
    if (standing.hitFirst || walked.some((d) => d.cause === standing.cause)) continue;
    const cause = causeById(standing.cause);
    if (!cause) continue;
    const { title, culprit, confidence, evidence, captures } = standing;
    return { cause, diagnosis: { cause: standing.cause, title, culprit, confidence, evidence, captures, alternatives: [] } };
  }
  return null;
}

/** A fix in a few words, for the chain in the plain report. */
export function describeFix(fix: LoadFix): string {
  const parts: string[] = [];
  if (fix.loadAs) parts.push(`a temporary copy named *${fix.loadAs}`);
  if (fix.legacyKeras) parts.push("tf_keras (TF_USE_LEGACY_KERAS=1)");
  if (fix.backend) parts.push(`KERAS_BACKEND=${fix.backend}`);
  if (fix.customObjects && Object.keys(fix.customObjects).length > 0) {
    parts.push(`custom_objects ${Object.keys(fix.customObjects).join(", ")}${fix.customObjectsModule ? ` from ${fix.customObjectsModule}` : ""}`);
  }
  if (fix.shims?.length) parts.push(`shims ${fix.shims.join(", ")}`);
  if (fix.compile === false) parts.push("compile=False");
  if (fix.safeMode === false) parts.push("safe_mode=False");
  if (fix.tfsmLayer) parts.push(`TFSMLayer(${fix.tfsmLayer.callEndpoint})`);
  return parts.join(" + ") || "no change";
}

export async function walkChain(
  first: { cause: Cause; diagnosis: Diagnosis },
  base: Omit<StepContext, "results" | "inputs" | "diagnosis">,
  inputs: Record<string, string>,
  runAction: (request: ActionRequest) => Promise<ActionResult>,
): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  let current = { ...first, carried: {} as LoadFix, load: base.load };
  for (;;) {
    const { cause, diagnosis, carried } = current;
    const context = { ...base, load: current.load, diagnosis };
    const walk = await walkAutomatically(cause, context, inputs, async (request) =>
      restateRetry(request, await runAction(withCarriedFix(request, carried)), diagnosis, current.load),
    );
    const next = walk.outcome === "fixed" ? null : movedOn(walk.state.results);
    links.push({ diagnosis, cause, walk, load: current.load, carried, next });
    const link = next ? nextLink(walk.state.results, links.map((l) => l.diagnosis)) : null;
    if (link) {
      current = { cause: link.cause, diagnosis: link.next.diagnosis, carried: link.next.fix, load: link.next.attempt };
      continue;
    }
    // The fix tried did not get past into anything new: the cause behind it, with that fix carried, if one stands.
    const tried = walk.outcome === "fixed" ? null : lastTried(walk.state.results);
    const behind = tried && links.length < MAX_LINKS ? standingNext(first.diagnosis, links.map((l) => l.diagnosis)) : null;
    if (!tried || !behind) return links;
    const attempt = Object.values(walk.state.results).filter((result) => !result.ok && result.data?.attempt).at(-1)?.data?.attempt as LoadAttempt | undefined;
    current = { ...behind, carried: mergeFix(carried, tried) ?? carried, load: attempt ?? current.load };
  }
}
