// The loss the model was compiled with is unknown to the loader. Only training needs it: compile=False loads the
// model for predictions (verified), custom_objects loads it whole. Legacy files say "Unknown loss..." (R10);
// Keras 3 .keras files say "Could not locate function ..." from the compile step (compile_from_config frames).
import { KINDLESS_MATCHERS, MISSING_OBJECT_MATCHERS } from "../_shared/missing-object.js";
import { COMPILE_FRAME, missingCause } from "../_shared/missing-steps.js";
import type { Cause } from "../../src/core/types.js";

export const customLossMissing: Cause = missingCause({
  id: "custom-loss-missing",
  family: "loss",
  title: "A custom loss function's code is missing",
  unknownKindFactor: (captures) => (captures.objType === "function" ? 1 : 0),
  matchers: [
    ...MISSING_OBJECT_MATCHERS.filter((matcher) => matcher.message.source.includes("?<printable>")),
    { ...MISSING_OBJECT_MATCHERS[0], frame: COMPILE_FRAME, means: "a loss named by the compile step could not be found" },
    { ...MISSING_OBJECT_MATCHERS[3], frame: COMPILE_FRAME, means: "a loss named by the compile step could not be found" },
    ...KINDLESS_MATCHERS,
    {
      // Keras 3 (3.15.1 at least) reading a legacy .h5 training_config whose loss is a custom function's name:
      // _resolve_compile_arguments_compat indexes the name string as a dict (fixture keras-3.15.1--custom-loss-h5);
      // only a loss reaches it as a bare string (metrics come as a list).
      type: /^TypeError$/,
      message: /string indices must be integers(?<lossFamily>)/,
      frame: /_resolve_compile_arguments_compat/,
      weight: 0.85,
      means: "Keras 3 stumbles over a custom loss function named in the .h5 training config",
    },
    {
      // The same pasted without its frames: Python's own wording, which only the load around it makes a loss's.
      type: /^TypeError$/,
      message: /string indices must be integers(?<lossFamily>)(?<bareLoss>)/,
      weight: 0.4,
      means: "Keras 3 gives this when a legacy .h5 names a loss it does not know (the frames were not pasted)",
    },
  ],
});
