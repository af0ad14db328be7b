// The registry of causes, alphabetical and explicit (DESIGN rule 2: no globbing). An id is never reused.
import { compileConfigIncompatible } from "./compile-config-incompatible/cause.js";
import { cpuInstructionUnsupported } from "./cpu-instruction-unsupported/cause.js";
import { customFunctionMissing } from "./custom-function-missing/cause.js";
import { customLayerMissing } from "./custom-layer-missing/cause.js";
import { customLossMissing } from "./custom-loss-missing/cause.js";
import { customMetricMissing } from "./custom-metric-missing/cause.js";
import { customObjectConfig } from "./custom-object-config/cause.js";
import { customOptimizerMissing } from "./custom-optimizer-missing/cause.js";
import { envPackageConflict } from "./env-package-conflict/cause.js";
import { fileFromNewerKeras } from "./file-from-newer-keras/cause.js";
import { fileNotFound } from "./file-not-found/cause.js";
import { gitLfsPointer } from "./git-lfs-pointer/cause.js";
import { h5py3StrDecode } from "./h5py3-str-decode/cause.js";
import { kerasBackendUnavailable } from "./keras-backend-unavailable/cause.js";
import { kerasNotInstalled } from "./keras-not-installed/cause.js";
import { kerasReleaseBug } from "./keras-release-bug/cause.js";
import { kerasTfkerasMixing } from "./keras-tfkeras-mixing/cause.js";
import { keras2FileInKeras3 } from "./keras2-file-in-keras3/cause.js";
import { keras3FileInKeras2 } from "./keras3-file-in-keras2/cause.js";
import { lambdaPythonMismatch } from "./lambda-python-mismatch/cause.js";
import { lambdaSafeMode } from "./lambda-safe-mode/cause.js";
import { loadTimeout } from "./load-timeout/cause.js";
import { notAModelFile } from "./not-a-model-file/cause.js";
import { pythonNotFound } from "./python-not-found/cause.js";
import { pythonTooOld } from "./python-too-old/cause.js";
import { registeredNameMismatch } from "./registered-name-mismatch/cause.js";
import { savedVariablesMismatch } from "./saved-variables-mismatch/cause.js";
import { savedmodelInKeras3 } from "./savedmodel-in-keras3/cause.js";
import { tfhubLayerMissing } from "./tfhub-layer-missing/cause.js";
import { truncatedFile } from "./truncated-file/cause.js";
import { unclassified } from "./unclassified/cause.js";
import { unsafeModelFile } from "./unsafe-model-file/cause.js";
import { weightsArchitectureMismatch } from "./weights-architecture-mismatch/cause.js";
import { weightsOnlyFile } from "./weights-only-file/cause.js";
import type { Cause } from "../src/core/types.js";

export const causes: Cause[] = [
  compileConfigIncompatible,
  cpuInstructionUnsupported,
  customFunctionMissing,
  customLayerMissing,
  customLossMissing,
  customMetricMissing,
  customObjectConfig,
  customOptimizerMissing,
  envPackageConflict,
  fileFromNewerKeras,
  fileNotFound,
  gitLfsPointer,
  h5py3StrDecode,
  kerasBackendUnavailable,
  kerasNotInstalled,
  kerasReleaseBug,
  kerasTfkerasMixing,
  keras2FileInKeras3,
  keras3FileInKeras2,
  lambdaPythonMismatch,
  lambdaSafeMode,
  loadTimeout,
  notAModelFile,
  pythonNotFound,
  pythonTooOld,
  registeredNameMismatch,
  savedVariablesMismatch,
  savedmodelInKeras3,
  tfhubLayerMissing,
  truncatedFile,
  unclassified,
  unsafeModelFile,
  weightsArchitectureMismatch,
  weightsOnlyFile,
];

export function causeById(id: string): Cause | undefined {
  return causes.find((cause) => cause.id === id);
}
