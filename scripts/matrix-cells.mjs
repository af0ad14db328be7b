// What the cross-version matrix knows about its cells, shared by test/matrix/ (the matrix test) and
// scripts/capture-matrix-pastes.mjs (the third paste set): which files were saved, which envs load them, and which
// causes rightly describe a failing cell.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Test envs with Keras that the matrix leaves out, each with why (every other one adds a row and a column). */
export const NOT_IN_MATRIX = {
  "keras33-py312": "Keras 3.3 on JAX, the target that test/integration/bring-home-keras33.test.ts brings Keras 3.15 files home into; it has no matrix files of its own yet",
  "tf213-numpy2": "a deliberately broken env (numpy 2 under TF 2.13): TensorFlow cannot import, so it saves nothing and every load fails the same way; test/probe/env-facts.test.ts covers it",
};

/** The test envs that have Keras (the same rule as scripts/make-fixtures.mjs): each saves rows and loads a column. */
export function kerasEnvs(root) {
  const spec = JSON.parse(readFileSync(join(root, "scripts", "python-envs.json"), "utf8"));
  return Object.entries(spec.envs)
    .filter(([, env]) => env.packages.some((p) => /^(keras|tensorflow|tensorflow-cpu|tf_keras)==/.test(p)))
    .map(([name]) => name)
    .filter((name) => !(name in NOT_IN_MATRIX));
}

/** The matrix's sets: one problem per file (make_matrix.py), two problems at once (make_matrix_two.py). */
export const MATRIX_SETS = ["matrix", "matrix-two"];

/** The saved files, per set and per env that has a folder in fixtures/models/<set>. */
export function matrixFiles(root) {
  return MATRIX_SETS.flatMap((set) => setFiles(root, set));
}

function setFiles(root, set) {
  const matrixDir = join(root, "fixtures", "models", set);
  if (!existsSync(matrixDir)) return [];
  const files = [];
  for (const savedBy of readdirSync(matrixDir).sort()) {
    const manifestPath = join(matrixDir, savedBy, "MANIFEST.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    for (const entry of manifest.files) {
      files.push({
        set,
        savedBy,
        kind: entry.kind,
        format: entry.format,
        file: entry.file,
        cannotSave: entry.cannotSave,
        path: entry.file ? join(matrixDir, savedBy, entry.file) : null,
        savedWith: manifest.madeBy,
      });
    }
  }
  return files;
}

/** The causes that name what a model kind lacks where its code is not importable. */
export const KIND_CAUSES = {
  plain: [],
  nested_functional: [],
  custom_layer_unregistered: ["custom-layer-missing"],
  custom_layer_registered: ["custom-layer-missing", "registered-name-mismatch"],
  custom_loss: ["custom-loss-missing"],
  custom_metric: ["custom-metric-missing"],
  custom_optimizer: ["custom-optimizer-missing"],
  custom_activation: ["custom-function-missing"],
  lambda: ["lambda-safe-mode", "lambda-python-mismatch"],
  // A subclassed model is a custom class like a layer is: the same cause names it.
  subclassed: ["custom-layer-missing", "custom-object-config"],
  // Two problems at once (make_matrix_two.py): the load meets either one first.
  custom_layer_and_loss: ["custom-layer-missing", "custom-loss-missing"],
  lambda_and_loss: ["custom-loss-missing", "lambda-safe-mode", "lambda-python-mismatch"],
  custom_layer_and_tf_op: ["custom-layer-missing", "keras2-file-in-keras3", "keras-tfkeras-mixing"],
  keras2_code_layer: ["custom-layer-missing"],
};

const LAMBDA = ["lambda-safe-mode", "lambda-python-mismatch"];
/** The test envs whose load_model is Keras 3 (scripts/python-envs.json: keras==3.x): Keras 2 content fails there. */
const KERAS3_LOADERS = ["keras3", "keras35-py312"];

/**
 * The problems a two-problem file has in a failing cell, each a list of the causes that name it: a cell is right
 * only when keras-fix names every one (its `causes`, the diagnosis first). A raw TF op, and a custom layer's code
 * written for Keras 2, are a second problem in Keras 3 (no TFOpLambda; add_weight takes the shape first); an older tf.keras that
 * cannot read the file names the crossing as its verdict.
 */
export function cellProblems(cell) {
  const lambda = /^(EOFError|ValueError: bad marshal data|SystemError: unknown opcode)/.test(cell.error ?? "") ? ["lambda-python-mismatch"] : LAMBDA;
  const keras2InKeras3 = KERAS3_LOADERS.includes(cell.loadedIn) && !KERAS3_LOADERS.includes(cell.file.savedBy) ? [VERSION_CAUSES] : [];
  switch (cell.file.kind) {
    case "custom_layer_and_loss":
      return [["custom-layer-missing"], ["custom-loss-missing"]];
    case "lambda_and_loss":
      return [["custom-loss-missing"], lambda];
    case "custom_layer_and_tf_op":
    case "keras2_code_layer":
      return [["custom-layer-missing"], ...keras2InKeras3];
    default:
      return [];
  }
}

/** The name each kind's own cause should give as the culprit (scripts/fixtures/make_matrix.py defines them). */
export const KIND_CULPRITS = {
  custom_layer_unregistered: "MatrixDense",
  custom_layer_registered: "MatrixGate",
  custom_loss: "matrix_loss",
  custom_metric: "matrix_metric",
  custom_optimizer: "MatrixAdam",
  custom_activation: "matrix_activation",
  subclassed: "MatrixModel",
};

/** Causes about the pair of versions rather than the model: right whenever the saving and loading Keras differ. */
export const VERSION_CAUSES = [
  "keras3-file-in-keras2",
  "keras2-file-in-keras3",
  "file-from-newer-keras",
  "h5py3-str-decode",
  "keras-release-bug",
  "compile-config-incompatible",
  "keras-tfkeras-mixing",
];

/** Causes about the loading env alone: TF <= 2.3's loaders with h5py 3 fail on every HDF5 file, their own too. */
export const ENV_CAUSES = ["h5py3-str-decode"];

/**
 * What a failing cell may rightly be diagnosed as: its kind's own causes, the env's, and version causes across
 * envs; a Lambda's bytecode that this Python cannot unmarshal is always lambda-python-mismatch.
 *   cell: { error: "Type: message" of the final exception, file: { kind, savedBy }, loadedIn }
 */
export function acceptableCauses(cell) {
  if (/^(EOFError|ValueError: bad marshal data|SystemError: unknown opcode)/.test(cell.error ?? "")) return ["lambda-python-mismatch"];
  const own = [...(KIND_CAUSES[cell.file.kind] ?? []), ...ENV_CAUSES];
  return cell.file.savedBy === cell.loadedIn ? own : [...own, ...VERSION_CAUSES];
}
