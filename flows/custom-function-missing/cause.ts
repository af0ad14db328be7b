// A function or small class the file refers to by name inside a layer's config is unknown to the loader: custom
// activations, initializers, regularizers, constraints and the named function of a Lambda layer.
import { MISSING_OBJECT_MATCHERS } from "../_shared/missing-object.js";
import { missingCause } from "../_shared/missing-steps.js";
import type { Cause } from "../../src/core/types.js";

export const customFunctionMissing: Cause = missingCause({
  id: "custom-function-missing",
  family: "function",
  title: "A custom function's code is missing",
  // "Could not locate function" with nothing else known: most often an activation; a loss or metric hit carries
  // compile frames and is claimed more strongly by those causes.
  unknownKindFactor: (captures) => (captures.objType === "function" ? 0.95 : 0),
  matchers: MISSING_OBJECT_MATCHERS,
});
