// The file stores a registered key ("OldPkg>Gate2") while the user's code registers the class under another one
// ("NewPkg>Gate2"), so importing the code does not help. The traceback alone reads exactly like a missing class
// (R1/R10), so this cause only claims a hit when the user's code is known: `facts.sources` (a static read of the
// `@register_keras_serializable` decorators, see src/core/fixes/find-sources.ts) shows the class under another key.
// The custom-layer-missing walk also spots the mismatch after its source search and maps the stored key itself.
import type { SourceMatch } from "../../src/core/fixes/find-sources.js";
import { code, paragraphs } from "../../src/core/content.js";
import type { Cause, Facts } from "../../src/core/types.js";
import { culpritOf, MISSING_OBJECT_MATCHERS, resolveMissing } from "../_shared/missing-object.js";
import { missingObjectSteps } from "../_shared/missing-steps.js";

/** The user's definition of the class under a different registered key, when one is known. */
export function mismatchedDefinition(captures: Record<string, string>, facts: Facts): SourceMatch | null {
  const missing = resolveMissing(captures, facts);
  return (
    (facts.sources ?? []).find((s) => s.name === missing.className && s.registeredKey !== null && s.registeredKey !== missing.key) ?? null
  );
}

export const registeredNameMismatch: Cause = {
  id: "registered-name-mismatch",
  title: "The code registers the class under another name than the file stores",
  summary: (ctx) => {
    const missing = resolveMissing(ctx.diagnosis.captures, ctx);
    const found = mismatchedDefinition(ctx.diagnosis.captures, ctx);
    return paragraphs([
      "The file asks for ",
      code(missing.key),
      found ? ", but your code registers it as " : ", which your code no longer registers",
      found ? code(found.registeredKey!) : "",
      ": pass the class under the stored key in custom_objects.",
    ]);
  },
  matchers: MISSING_OBJECT_MATCHERS,
  // Above custom-layer-missing's 1.05 for the same hit: the known registration explains why importing failed.
  when: (captures, facts) => (mismatchedDefinition(captures, facts) ? 1.15 : false),
  culprit: (captures, facts) => {
    const found = mismatchedDefinition(captures, facts);
    const base = culpritOf(resolveMissing(captures, facts));
    return found ? `${base}; code registers ${found.registeredKey}` : base;
  },
  start: "explain",
  steps: missingObjectSteps("layer"),
};
