// A layer (or model) class the file names is not known to the loader: Keras 3 R1/R1'/R6, legacy R10/R10' and
// multi-backend "Unknown layer: X", tf-keras SavedModel "Unable to restore custom object". Names that are built into
// some Keras line (TFOpLambda, Functional, KerasLayer...) belong to the version and tfhub causes instead.
import type { Cause } from "../../src/core/types.js";
import { LAYER_ONLY_MATCHERS, MISSING_OBJECT_MATCHERS } from "../_shared/missing-object.js";
import { missingCause } from "../_shared/missing-steps.js";

export const customLayerMissing: Cause = missingCause({
  id: "custom-layer-missing",
  family: "layer",
  title: "A custom layer's code is missing",
  // Classes are layers unless the file or the wording says otherwise; functions belong to the function cause.
  unknownKindFactor: (captures) => (captures.objType === "function" ? 0 : 1),
  matchers: [...MISSING_OBJECT_MATCHERS, ...LAYER_ONLY_MATCHERS],
});
