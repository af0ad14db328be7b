// Install plans: the arithmetic that turns "this file was written by Keras X, this Python is Y" into the exact pip
// commands that can load it, and how a plan is shown (proven or not, with the Python it needs).
import { code, path, python, shell, strong, text } from "../content.js";
import type { Content, Token, InstallPlan, PlanProof } from "../types.js";
import { type KerasLine, comparePython, compareVersions, kerasLineOf, minorOf, pythonMinor, pythonSpecifier } from "./numbers.js";
import { LATEST_TF, TF_PYTHON, keras3PythonFloor, newestKeras3For, pythonRangeOf, tfKerasOf, tfMinorThatWrote, tfMinorsBetween, tfMinorsFor, tfPythonSpecifier, tfSupportsPython } from "./tables.js";

// ---------------------------------------------------------------------------------------------------------------
// Install plans

export type { InstallPlan, PlanProof };

/** "proven" only when a trial environment loaded the model with this plan; everything else is "unproven". */
export function planStatus(plan: InstallPlan): "proven" | "unproven" {
  return plan.proof?.proven ? "proven" : "unproven";
}

export interface PlanInput {
  /** keras_version as the file stores it (`2.15.0`, `2.2.4-tf`, `3.15.1`), null when absent. */
  fileKerasVersion: string | null;
  fileLine: KerasLine | null;
  /** The user's Python version (`3.12.4`); null when unknown (then no Python check is made). */
  userPython: string | null;
  /** Installed versions in the user's env (keras, tensorflow, tf_keras, h5py ...), null when absent. */
  currentPackages: Record<string, string | null>;
  /** The model path, for the load code shown. */
  modelPath?: string;
}

const quote = (spec: string) => `"${spec}"`;

/** The command line a user runs for a plan (`python -m pip install ...`), or null when nothing needs installing. */
export function pipCommand(plan: InstallPlan, python = "python"): string | null {
  return plan.packages.length > 0 ? `${python} -m pip install ${plan.packages.join(" ")}` : null;
}

/** The same as argv for a run-command action: quotes dropped, the interpreter the probe used first. */
export function pipArgv(plan: InstallPlan, pythonPath: string): string[] | null {
  return plan.packages.length > 0
    ? [pythonPath, "-m", "pip", "install", ...plan.packages.map((spec) => spec.replace(/^"|"$/g, ""))]
    : null;
}

function loadCodeFor(route: InstallPlan["route"], modelPath: string): string {
  const path = JSON.stringify(modelPath);
  if (route === "tf-keras-legacy") {
    return [
      "import os",
      'os.environ["TF_USE_LEGACY_KERAS"] = "1"  # before TensorFlow is imported',
      "import tf_keras",
      `model = tf_keras.models.load_model(${path})`,
    ].join("\n");
  }
  if (route === "keras2-tensorflow") return `import tensorflow as tf\nmodel = tf.keras.models.load_model(${path})`;
  if (route === "multibackend") return `import keras\nmodel = keras.models.load_model(${path})`;
  return `import keras\nmodel = keras.models.load_model(${path})`;
}

export function plan(fields: Omit<InstallPlan, "loadCode">, modelPath: string): InstallPlan {
  return { ...fields, loadCode: loadCodeFor(fields.route, modelPath) };
}

/**
 * The tf_keras route for this Python and these packages: Keras 2 as `tf_keras` beside a TensorFlow ≥ 2.16, read by
 * TensorFlow only when TF_USE_LEGACY_KERAS=1 is set before it is imported. Keeps an installed TF ≥ 2.16 (adding or
 * aligning tf_keras to its minor); otherwise the oldest TF ≥ 2.16 with wheels for the Python. Null when no such TF
 * exists for the Python (3.8 and older, 3.14).
 */
export function legacyKerasRoute(input: {
  userPython: string | null;
  currentPackages: Record<string, string | null>;
  modelPath?: string;
}): InstallPlan | null {
  const modelPath = input.modelPath ?? "model.h5";
  const env = { TF_USE_LEGACY_KERAS: "1" };
  const installedTf = input.currentPackages.tensorflow ?? input.currentPackages["tensorflow-cpu"] ?? null;
  const installedTfKeras = input.currentPackages.tf_keras ?? input.currentPackages["tf-keras"] ?? null;
  if (installedTf && compareVersions(installedTf, "2.16") >= 0) {
    const tf = minorOf(installedTf);
    const aligned = installedTfKeras !== null && minorOf(installedTfKeras) === tf;
    return plan(
      {
        route: "tf-keras-legacy",
        packages: aligned ? [] : [quote(`tf_keras==${tf}.*`)],
        env,
        pythonOk: true,
        pythonNeeded: null,
        requiresPython: tfPythonSpecifier(tf),
        newEnvRecommended: false,
        why: [
          aligned
            ? `TensorFlow ${installedTf} and tf_keras ${installedTfKeras} are already installed: only TF_USE_LEGACY_KERAS=1 is missing.`
            : `TensorFlow ${installedTf} is installed; tf_keras must have the same minor version (${tf}) to work with it.`,
          "tf_keras is Keras 2, kept up to date for TensorFlow ≥ 2.16; TensorFlow uses it for tf.keras only when TF_USE_LEGACY_KERAS=1 is set before TensorFlow is imported.",
        ],
      },
      modelPath,
    );
  }
  const python = pythonMinor(input.userPython);
  const candidates = python ? tfMinorsFor(python, "2.16", LATEST_TF) : ["2.16"];
  if (candidates.length === 0) return null;
  const tf = candidates[0];
  return plan(
    {
      route: "tf-keras-legacy",
      packages: [quote(`tensorflow==${tf}.*`), quote(`tf_keras==${tf}.*`)],
      env,
      pythonOk: true,
      pythonNeeded: null,
      requiresPython: tfPythonSpecifier(tf),
      newEnvRecommended: true,
      why: [
        `TensorFlow ${tf} is the oldest TensorFlow with Keras 3 that has wheels for Python ${python ?? "(unknown)"}; tf_keras must match its minor version.`,
        "tf_keras is Keras 2: it reads Keras 2 files (TFOpLambda layers, `groups` arguments, Keras 2 `.keras` archives) that Keras 3 cannot.",
      ],
    },
    modelPath,
  );
}

/** A Keras 3 file: the Keras that wrote it (or newer), plus a TensorFlow new enough to accept that Keras if TF is there. */
function keras3Plans(input: PlanInput, modelPath: string): InstallPlan[] {
  const wrote = input.fileKerasVersion ?? "3.0.0";
  const needed = minorOf(wrote);
  const floor = keras3PythonFloor(wrote);
  const python = pythonMinor(input.userPython);
  const installedTf = input.currentPackages.tensorflow ?? input.currentPackages["tensorflow-cpu"] ?? null;
  const pythonOk = !python || comparePython(python, floor) >= 0;
  const packages = [quote(`keras>=${needed}`)];
  const why = [`The file was written by Keras ${wrote}; a Keras at least that new reads everything it may contain.`];
  let newEnv = false;
  let tfAdded: string | null = null;
  if (installedTf && compareVersions(installedTf, "2.16") < 0) {
    // TF ≤ 2.15 pins keras 2.<same minor>: installing Keras 3 beside it breaks tf.keras, so TensorFlow moves too.
    const tfs = python ? tfMinorsFor(python, "2.16", LATEST_TF) : [LATEST_TF];
    const tf = tfs.at(-1);
    if (tf) packages.unshift(quote(`tensorflow==${tf}.*`));
    tfAdded = tf ?? null;
    why.push(`TensorFlow ${installedTf} pins Keras 2; TensorFlow ≥ 2.16 is the first that works with Keras 3.`);
    newEnv = true;
  }
  if (!pythonOk) why.push(`Keras ${needed} needs Python ≥ ${floor}; this Python is ${python}.`);
  const plans = [
    plan(
      {
        route: input.currentPackages.keras && compareVersions(input.currentPackages.keras, "3.0") >= 0 ? "keras3-upgrade" : "keras3-install",
        packages,
        env: {},
        pythonOk,
        pythonNeeded: pythonOk ? null : floor,
        requiresPython: [pythonSpecifier(floor), tfAdded && tfPythonSpecifier(tfAdded)].filter(Boolean).join(","),
        newEnvRecommended: newEnv,
        why,
      },
      modelPath,
    ),
  ];
  const reachable = python ? newestKeras3For(python) : null;
  if (!pythonOk && reachable && compareVersions(reachable, "3.0") >= 0) {
    plans.push(
      plan(
        {
          route: "keras3-upgrade",
          packages: [quote(`keras==${reachable}.*`)],
          env: {},
          pythonOk: true,
          pythonNeeded: null,
          requiresPython: pythonSpecifier(keras3PythonFloor(reachable)),
          newEnvRecommended: newEnv,
          why: [
            `Keras ${reachable} is the newest Keras Python ${python} can install. It is older than the Keras that wrote the file (${wrote}), so it loads the file only if the model uses nothing added after ${reachable}.`,
          ],
        },
        modelPath,
      ),
    );
  }
  return plans;
}

/** A Keras 2 (tf.keras / tf_keras) file: TensorFlow with Keras 2 where the Python allows, else tf_keras. */
function keras2Plans(input: PlanInput, modelPath: string): InstallPlan[] {
  const python = pythonMinor(input.userPython);
  const wroteTf = tfMinorThatWrote(input.fileKerasVersion) ?? "2.3";
  const plans: InstallPlan[] = [];
  const installedTf = input.currentPackages.tensorflow ?? input.currentPackages["tensorflow-cpu"] ?? null;
  const legacy = legacyKerasRoute({ userPython: input.userPython, currentPackages: input.currentPackages, modelPath });
  // A file from tf_keras (2.16+) or an env that already has TF ≥ 2.16: tf_keras first, it changes the least.
  const preferLegacy = compareVersions(wroteTf, "2.16") >= 0 || (installedTf !== null && compareVersions(installedTf, "2.16") >= 0);
  if (legacy && preferLegacy) plans.push(legacy);
  if (compareVersions(wroteTf, "2.15") <= 0) {
    // Keras 2 reads files from older Keras 2 releases, so any TF from the writer's minor to 2.15 will do: the
    // oldest one the Python has wheels for changes the least.
    const tfs = python ? tfMinorsFor(python, wroteTf, "2.15") : [wroteTf];
    const tf = tfs[0];
    if (tf) {
      const oldH5 = compareVersions(tf, "2.3") <= 0;
      plans.push(
        plan(
          {
            route: "keras2-tensorflow",
            packages: [quote(`tensorflow==${tf}.*`), ...(oldH5 ? [quote("h5py<3")] : [])],
            env: {},
            pythonOk: true,
            pythonNeeded: null,
            requiresPython: tfPythonSpecifier(tf),
            newEnvRecommended: installedTf !== null && minorOf(installedTf) !== tf,
            why: [
              `TensorFlow ${tf} bundles Keras 2 (tf.keras ${tfKerasOf(tf).keras}), which reads files written by Keras ${input.fileKerasVersion ?? "2"}${tf === wroteTf ? "" : " and older"}, and has wheels for Python ${python ?? "(unknown)"}.`,
              ...(oldH5 ? ["TensorFlow ≤ 2.3 reads HDF5 attributes as bytes: it needs h5py < 3."] : []),
            ],
          },
          modelPath,
        ),
      );
    } else {
      // Nothing from the writer's TF up has wheels for this Python: the newest older TF it has is a best effort.
      const older = python ? tfMinorsFor(python, "2.3", wroteTf).at(-1) : undefined;
      if (older) {
        plans.push(
          plan(
            {
              route: "keras2-tensorflow",
              packages: [quote(`tensorflow==${older}.*`), ...(compareVersions(older, "2.3") <= 0 ? [quote("h5py<3")] : [])],
              env: {},
              pythonOk: true,
              pythonNeeded: null,
              requiresPython: tfPythonSpecifier(older),
              newEnvRecommended: true,
              why: [
                `TensorFlow ${older} is the newest TensorFlow for Python ${python}. It is older than the one that wrote the file (${wroteTf}), so it loads the file only if the model uses no layer or argument added after it.`,
              ],
            },
            modelPath,
          ),
        );
      }
    }
    if (!tf && !legacy) {
      const range = pythonRangeOf(tfMinorsBetween(wroteTf, "2.15"));
      plans.push(
        plan(
          {
            route: "keras2-tensorflow",
            packages: [quote("tensorflow==2.15.*")],
            env: {},
            pythonOk: false,
            pythonNeeded: range,
            requiresPython: tfPythonSpecifier("2.15"),
            newEnvRecommended: true,
            why: [`No TensorFlow from ${wroteTf} to 2.15 has wheels for Python ${python}: use a Python in ${range}.`],
          },
          modelPath,
        ),
      );
    }
  }
  if (legacy && !preferLegacy) plans.push(legacy);
  if (plans.length === 0) {
    // Only a tf_keras file (2.16+) on a Python no TF ≥ 2.16 supports gets here.
    const range = pythonRangeOf(tfMinorsBetween("2.16", LATEST_TF));
    plans.push(
      plan(
        {
          route: "tf-keras-legacy",
          packages: [quote(`tensorflow==${LATEST_TF}.*`), quote(`tf_keras==${LATEST_TF}.*`)],
          env: { TF_USE_LEGACY_KERAS: "1" },
          pythonOk: false,
          pythonNeeded: range,
          requiresPython: tfPythonSpecifier(LATEST_TF),
          newEnvRecommended: true,
          why: [`No TensorFlow that reads this Keras 2 file has wheels for Python ${python}: use a Python in ${range}.`],
        },
        modelPath,
      ),
    );
  }
  return plans;
}

/** Multi-backend Keras (≤ 2.3.1) and Keras 1 files: the last multi-backend Keras on TensorFlow 1.15, h5py 2. */
function multibackendPlans(input: PlanInput, modelPath: string): InstallPlan[] {
  const python = pythonMinor(input.userPython);
  const pythonOk = !python || tfSupportsPython("1.15", python);
  return [
    plan(
      {
        route: "multibackend",
        packages: [quote("tensorflow==1.15.*"), quote("keras==2.3.1"), quote("h5py<3")],
        env: {},
        pythonOk,
        pythonNeeded: pythonOk ? null : `${TF_PYTHON["1.15"].min}–${TF_PYTHON["1.15"].max}`,
        requiresPython: tfPythonSpecifier("1.15"),
        newEnvRecommended: true,
        why: [
          `The file was written by ${input.fileLine === "keras1" ? "Keras 1" : `multi-backend Keras ${input.fileKerasVersion ?? ""}`.trim()}; Keras 2.3.1 on TensorFlow 1.15 is the last release of that line and reads its files.`,
          "TensorFlow 1.15 has wheels for Python 3.6–3.7 only, and Keras ≤ 2.3.1 reads HDF5 attributes as bytes: it needs h5py < 3.",
        ],
      },
      modelPath,
    ),
  ];
}

/**
 * Version sets that can load THIS file on THIS Python, best first: the first is what a step offers, the rest are
 * alternatives. Keras 3 files → a Keras 3 at least as new as the writer; Keras 2 files → TensorFlow with Keras 2 or
 * tf_keras; multi-backend / Keras 1 files → Keras 2.3.1 on TF 1.15.
 */
export function installPlanFor(input: PlanInput): InstallPlan[] {
  const modelPath = input.modelPath ?? "model.h5";
  const line = input.fileLine ?? kerasLineOf(input.fileKerasVersion);
  if (line === "keras3") return keras3Plans(input, modelPath);
  if (line === "keras1") return multibackendPlans(input, modelPath);
  // Multi-backend Keras 2 files usually load in any tf.keras (TF ≥ 2.3 maps their `Model` configs): those first.
  if (line === "keras2") return [...keras2Plans(input, modelPath), ...multibackendPlans(input, modelPath)];
  return keras2Plans(input, modelPath);
}

export function planJson(plan: InstallPlan) {
  return {
    status: planStatus(plan),
    route: plan.route,
    packages: plan.packages.map((spec) => spec.replace(/^"|"$/g, "")),
    env: plan.env,
    pythonOk: plan.pythonOk,
    pythonNeeded: plan.pythonNeeded,
    requiresPython: plan.requiresPython,
    proof: plan.proof ?? null,
  };
}

/** The first line of every plan shown: proven (loaded in a trial environment) or unproven, and why. */
function proofLine(plan: InstallPlan): Token[] {
  const proof = plan.proof;
  if (proof?.proven) {
    const exact = Object.entries(proof.resolved).map(([name, version]) => `${name} ${version}`).join(", ");
    return [strong("Proven: "), text(`the model loaded with ${exact || proof.pins.join(" ")} on Python ${proof.python}, in a trial environment at `), path(proof.dir ?? ""), text(".")];
  }
  if (proof) return [strong("Unproven: "), text(`a trial environment did not prove it: ${proof.message}.`)];
  return [strong("Unproven: "), text("keras-fix has not loaded the model with this set (a trial environment can prove it: --try-versions).")];
}

/** The interpreter to make a new environment with, for "needs Python 3.9–3.11": the newest of the range. */
function pythonToCreateWith(needed: string | null): string {
  const newest = /(\d+\.\d+)\s*$/.exec(needed ?? "");
  return newest ? `python${newest[1]}` : "python3";
}

/** The folder the advice names for a new environment. */
export const NEW_ENV_DIR = "keras-env";

/**
 * One plan, said once, every command for the interpreter it is meant for: the user's own Python when it can install
 * the set, else a new environment made with a Python that can (never the user's pip after "you need another Python").
 */
export function planContent(plan: InstallPlan, pythonPath = "python"): Content {
  const content: Content = [proofLine(plan)];
  if (!plan.pythonOk) {
    const creator = pythonToCreateWith(plan.pythonNeeded);
    content.push([
      strong(`This needs Python ${plan.pythonNeeded}`),
      text(`: ${pythonPath} cannot install it. Make an environment with such a Python (here ${creator}) and install into it:`),
    ]);
    const pip = pipCommand(plan, `${NEW_ENV_DIR}/bin/python`);
    content.push([shell([`${creator} -m venv ${NEW_ENV_DIR}`, ...(pip ? [pip] : [])].join("\n"))]);
  } else {
    const pip = pipCommand(plan, pythonPath);
    if (pip && plan.newEnvRecommended) {
      content.push([text("This changes which Keras this environment uses (a separate virtual environment keeps your other work intact). For the Python keras-fix ran:")]);
    }
    if (pip) content.push([shell(pip)]);
  }
  const envEntries = Object.entries(plan.env);
  if (envEntries.length > 0) {
    content.push([
      text("Set "),
      ...envEntries.flatMap(([key, value], index) => [...(index > 0 ? [text(" and ")] : []), code(`${key}=${value}`)]),
      text(" before TensorFlow is imported (in the shell, or at the top of the script as below)."),
    ]);
  }
  content.push([python(plan.loadCode)]);
  for (const reason of plan.why) content.push([text(reason)]);
  return content;
}
