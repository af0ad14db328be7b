// The optimizer the model was compiled with is unknown to the loader. Only training needs it: compile=False loads the
// model for predictions (verified), custom_objects loads it whole. Legacy files say "Unknown optimizer..." (R10);
// Keras 3 .keras files say "Could not locate class ..." from the compile step (compile_from_config frames).
import { KINDLESS_MATCHERS, MISSING_OBJECT_MATCHERS } from "../_shared/missing-object.js";
import { COMPILE_FRAME, missingCause } from "../_shared/missing-steps.js";
import type { Cause } from "../../src/core/types.js";

export const customOptimizerMissing: Cause = missingCause({
  id: "custom-optimizer-missing",
  family: "optimizer",
  title: "A custom optimizer's code is missing",
  unknownKindFactor: (captures) => (captures.objType === "class" ? 1 : 0),
  matchers: [
    ...MISSING_OBJECT_MATCHERS.filter((matcher) => matcher.message.source.includes("?<printable>")),
    { ...MISSING_OBJECT_MATCHERS[0], frame: COMPILE_FRAME, means: "an optimizer named by the compile step could not be found" },
    { ...MISSING_OBJECT_MATCHERS[3], frame: COMPILE_FRAME, means: "an optimizer named by the compile step could not be found" },
    ...KINDLESS_MATCHERS,
  ],
});
