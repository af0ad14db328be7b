// The shared vocabulary of keras-fix: what a file says (ModelFacts), what a Python says (EnvFacts), what a load
// printed (ExceptionInfo), what a cause looks like (Cause) and how its walk is described (Step). Plain data, no I/O.


// ---------------------------------------------------------------------------------------------------------------
// Inspect (`keras-fix inspect --json` prints ModelFacts; the field names are a public contract)

export type ModelFormat =
  | "h5-model"
  | "h5-weights"
  | "tf-checkpoint"
  | "keras-zip"
  | "savedmodel"
  | "tfjs"
  | "keras-json"
  | "git-lfs-pointer"
  | "html"
  | "empty"
  | "truncated"
  | "missing"
  | "not-a-model";

/** What kind of object a custom (not built into Keras) name stands for, judged from where it sits in the config. */
export type CustomObjectKind =
  | "layer"
  | "model"
  | "loss"
  | "metric"
  | "optimizer"
  | "activation"
  | "initializer"
  | "regularizer"
  | "constraint"
  | "function"
  | "other";

export interface CustomObjectRef {
  kind: CustomObjectKind;
  className: string;
  registeredName: string | null;
  module: string | null;
  /** The key the loader looks up in custom_objects for this file: registered_name for `.keras`, class_name for legacy. */
  key: string;
  /** The object's own saved config (constructor arguments), for skeletons and config diagnoses. */
  config: Record<string, unknown> | null;
  /** Names of the layers (outermost first) under which this object was found. */
  where: string[];
}

export interface LambdaInfo {
  layerName: string;
  /** lambda: a Python lambda (marshalled bytecode); function: a named function stored by name; raw: plain source. */
  functionType: "lambda" | "function" | "raw" | "unknown";
  functionName: string | null;
  hasBytecode: boolean;
  module: string | null;
}

export interface LayerNode {
  name: string;
  className: string;
  custom: boolean;
  lambda: boolean;
  children: LayerNode[];
}

export interface FileProblem {
  cause: string;
  message: string;
  hint?: string;
}

/** Which releases of a Keras line a finding can harm: the first fixed release of each 3.x branch (fixes went out as
 * point releases on old branches, so "fixed in 3.13.2" says nothing about 3.14.0), every release, or none. */
export type LineExposure = { fixedIn: string[] } | "every-release" | "not-reachable";

export interface SafetyFinding {
  /** Stable id of the kind of finding, e.g. `config-imports-module`. */
  id: string;
  severity: "caution" | "dangerous";
  /** Where in the file: a zip member, a config path (`layers[2].config.function`), an HDF5 path. */
  where: string;
  /** One plain sentence: what is there and what it would do. */
  why: string;
  /** The advisory that covers it (CVE / GHSA id), when there is one. */
  advisory: string | null;
  /** keras3 = the `keras` 3.x package, tfKeras = the `tf_keras` package, keras2 = tf.keras in TF 2.x / keras 2.x. */
  exposure: { keras3: LineExposure; tfKeras: LineExposure; keras2: LineExposure };
  /** Which releases are open to it, in words. */
  openIn: string;
  /** Set once the user's environment is known: whether its Keras would act on it. */
  installedOpen?: boolean | null;
}

/** `inspect`'s safety read, made from the bytes alone (src/core/inspect/safety.ts). */
export interface SafetyRead {
  verdict: "ok" | "caution" | "dangerous";
  findings: SafetyFinding[];
}

export interface ModelFacts {
  schemaVersion: 1;
  path: string;
  format: ModelFormat;
  problem: FileProblem | null;
  /** Exactly as the file stores it (e.g. `2.2.4-tf`), null when absent. */
  kerasVersion: string | null;
  backend: string | null;
  topClass: string | null;
  layerClasses: string[];
  customClasses: string[];
  hasLambda: boolean;
  compiled: boolean;
  loss: unknown;
  metrics: unknown;
  optimizer: string | null;
  // Fields beyond the contract; free to grow.
  fileSize: number | null;
  customObjects: CustomObjectRef[];
  lambdas: LambdaInfo[];
  layers: LayerNode | null;
  /** keras1 | keras2 (multi-backend) | tf-keras2 (tf.keras / tf_keras) | keras3, derived from kerasVersion and layout. */
  kerasLine: "keras1" | "keras2" | "tf-keras2" | "keras3" | null;
  tensorflowVersion: string | null;
  /** What in the file could run code, read files or fool a reader, before any Python touches it; absent when nothing
   * readable is at the path (nothing was read). */
  safety?: SafetyRead;
  details: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Probe

export type PythonSource = "flag" | "KERAS_FIX_PYTHON" | "virtualenv" | "conda" | "path";

export interface Frame {
  file: string;
  line: number | null;
  function: string | null;
  code?: string | null;
}

/** One exception of a chain. Chains are ordered as Python prints them: the first raised first, the final one last. */
export interface ExceptionInfo {
  type: string;
  message: string;
  frames: Frame[];
}

export interface EnvFacts {
  python: { path: string; version: string; source: PythonSource };
  /** Versions of keras, tensorflow, tf_keras, jax, torch, h5py, numpy, protobuf; null when not installed. */
  packages: Record<string, string | null>;
  backend: string | null;
  legacyKeras: boolean;
  /** Which loader `load_model` resolves to: keras (3), tf.keras (2.x), tf_keras, or none importable. */
  loader: "keras3" | "tf.keras" | "tf_keras" | "keras2" | null;
  /** When importing Keras itself failed, the chain that says why (numpy ABI, protobuf, SIGILL, ...). */
  importError: ExceptionInfo[] | null;
  importSeconds: number | null;
  /** Where `backend` was set: "KERAS_BACKEND", the keras.json path, "default" (Keras 3's tensorflow), "tf.keras". */
  backendSource?: string | null;
  /** The installed distributions that matter (tensorflow*, keras, tf_keras, numpy, protobuf, h5py, ml_dtypes, jax,
   *  jaxlib, torch) with the requirements they declare, raw (Requires-Dist). */
  distributions?: InstalledDistribution[];
  /** PEP 508 marker variables of this Python (python_version, sys_platform, ...), to evaluate `; markers`. */
  markers?: Record<string, string>;
  /** What Python printed on stderr while importing Keras (head and tail), e.g. NumPy's ABI paragraph. */
  importStderr?: string | null;
  /** Declared requirements that the installed versions violate, as `pip check` reports them. */
  conflicts?: RequirementConflict[];
}

export interface InstalledDistribution {
  /** Normalized distribution name (tensorflow-cpu, tf-keras, ml-dtypes). */
  name: string;
  version: string;
  requires: string[];
}

export interface RequirementConflict {
  /** The distribution that declares the requirement, e.g. tensorflow-cpu 2.13.1. */
  requirer: string;
  requirerVersion: string;
  /** The required distribution and its installed version, e.g. numpy 2.0.2. */
  name: string;
  installed: string;
  /** The declared specifier, e.g. "<=1.24.3,>=1.22", and the whole Requires-Dist line. */
  specifier: string;
  requirement: string;
}

export interface LoadAttempt {
  ok: boolean;
  seconds: number;
  chain: ExceptionInfo[];
  warnings: string[];
  /** On success: the loaded model's class and parameter count. */
  model?: { className: string; params: number | null } | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixes the probe can apply to a second load, in the same warm worker where possible.

export interface LoadFix {
  compile?: boolean;
  safeMode?: boolean;
  /**
   * Lifts keras-fix's own guard (the probe refuses Lambda bytecode and config-named imports outside Keras and the
   * user's code) for this one load. Only a step reached through a typed "yes" may set it; --auto never does.
   */
  allowStoredCode?: boolean;
  /** A Python file whose top level defines the missing objects; imported by path before the load. */
  customObjectsModule?: string;
  /** custom_objects key (as stored in the file) -> attribute name in customObjectsModule. */
  customObjects?: Record<string, string>;
  /** Known shims keras-fix ships (e.g. DepthwiseConv2D without `groups`), by id. */
  shims?: string[];
  /** Load in a worker started with KERAS_BACKEND=<backend> (Keras 3 reads it once, at import). */
  backend?: string;
  /** Load through tf_keras with TF_USE_LEGACY_KERAS=1 (needs a fresh process: TF reads it at import). */
  legacyKeras?: boolean;
  /** Load a temporary copy named with this extension (a `.keras`-named HDF5 file that Keras 3 refuses by name). */
  loadAs?: ".h5";
  /** Wrap a SavedModel folder with keras.layers.TFSMLayer instead of load_model. */
  tfsmLayer?: { callEndpoint: string } | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Causes and their walks

export type Token =
  | { kind: "text"; value: string }
  | { kind: "strong"; value: string }
  | { kind: "code"; value: string }
  | { kind: "command"; value: string }
  | { kind: "path"; value: string }
  | { kind: "link"; value: string }
  | { kind: "codeblock"; value: string; language: "python" | "shell" | "text" };

/** A paragraph is a list of tokens; content is a list of paragraphs. */
export type Content = Token[][];

export interface Facts {
  file: ModelFacts | null;
  env: EnvFacts | null;
  load: LoadAttempt | null;
  /** Set when keras-fix looked for an interpreter and found none (env is then null for that reason). */
  pythonMissing?: boolean;
  /** Why, when the user named one: `--python PATH` that is not an executable file. */
  pythonMissingReason?: { flag: string; message: string };
  /** Definitions of the file's custom object names found in the user's .py files (read, never run). */
  sources?: SourceMatch[];
}

export interface Diagnosis {
  cause: string;
  title: string;
  culprit: string | null;
  confidence: number;
  evidence: string[];
  captures: Record<string, string>;
  alternatives: { cause: string; confidence: number }[];
  /** Everything that stands between the file and this Keras, the cause the load met first among them (set by the
   * diagnosis session on a failed load: src/engine/every-cause.ts); absent where nothing was worked out. */
  causes?: StandingCause[];
}

/** One thing that stands between a file and a load: the error the load met, or one the file and the environment
 * show behind it (a second custom object, a Lambda, a Keras 2 file in Keras 3), which the load would meet next. */
export interface StandingCause {
  cause: string;
  title: string;
  culprit: string | null;
  confidence: number;
  /** True for the one the load actually met first (the diagnosis); the others stand behind it. */
  hitFirst: boolean;
  evidence: string[];
  /** What the cause's flow reads (the diagnosis' captures when walked). */
  captures: Record<string, string>;
}

/** What the steps see: the facts, the diagnosis and its captures, and the results of actions run so far. */
export interface StepContext extends Facts {
  diagnosis: Diagnosis;
  results: Record<string, ActionResult>;
  /** Values the user typed at input steps, by the step's `key` (the CLI's --custom-objects fills `customObjectsModule`). */
  inputs: Record<string, string>;
  modelPath: string | null;
}

export type Outcome = "fixed" | "not-fixed" | "escalate";

export interface ChoiceOption {
  id: string;
  label: string | ((ctx: StepContext) => string);
  next: string;
  /** Shown only when this holds (e.g. "use the module we found" only when one was found). */
  when?: (ctx: StepContext) => boolean;
  /** Runs a model's embedded code or installs software: needs an explicit typed yes, and --auto never takes it. */
  needsConsent?: { risk: string };
}

export type ActionRequest =
  | { kind: "verify-load"; fix: LoadFix }
  | { kind: "find-sources"; names: string[] }
  | { kind: "write-loader"; fix: LoadFix }
  | { kind: "generate-skeleton"; keys: string[] }
  | { kind: "resave-compare"; fix: LoadFix }
  | { kind: "run-command"; argv: string[] }
  // src/core/trial/environment.ts: install the plans, best first, into throwaway venvs and load the model there.
  // userCode: the user's module for the model's custom objects (--custom-objects), imported for the load there.
  | { kind: "try-versions"; plans: InstallPlan[]; userCode?: LoadFix }
  // What proving the first plan would download, for the wizard's consent (src/core/trial/actions.ts).
  | { kind: "estimate-trial"; plans: InstallPlan[] }
  // src/core/bring-home/bring-home.ts: a new .keras the user's Keras loads, from the proven plan's trial environment.
  | { kind: "bring-home"; plan: InstallPlan; userCode?: LoadFix }
  // The same from tf_keras in the user's own environment, once the tf_keras route loaded a Keras 2 file there.
  | { kind: "bring-home-legacy" }
  // src/core/lambda/actions.ts: what each Lambda would run; rebuild in code + load_weights; re-save the rebuild.
  | { kind: "read-lambdas" }
  | { kind: "rebuild-model" }
  | { kind: "resave-rebuilt"; script: string };

export interface ActionResult {
  ok: boolean;
  summary: Content;
  data?: Record<string, unknown>;
}

export type Step =
  | { kind: "info"; id: string; title: string; body: (ctx: StepContext) => Content; next: string }
  | {
      kind: "choice";
      id: string;
      title: string;
      body?: (ctx: StepContext) => Content;
      options: ChoiceOption[];
      /** The option --auto takes (none of them may need consent); `pick` chooses among `among` by the context. */
      auto: string | AutoPick;
    }
  | {
      kind: "action";
      id: string;
      title: string;
      body?: (ctx: StepContext) => Content;
      action: (ctx: StepContext) => ActionRequest;
      onSuccess: string;
      onFailure: string;
    }
  | {
      kind: "input";
      id: string;
      title: string;
      body?: (ctx: StepContext) => Content;
      /** The prompt beside the text field, e.g. "Path to the .py file that defines MyLayer". */
      prompt: string;
      /** Where the typed value lands in ctx.inputs. --auto never reaches an input step (choices route around it). */
      key: string;
      next: string;
    }
  | { kind: "end"; id: string; outcome: Outcome; title: string; body: (ctx: StepContext) => Content };

/** An --auto choice that depends on the context (e.g. whether --custom-objects named a file); `among` lists every
 * option `pick` may return, so the catalogue test can check them all without a context. */
export interface AutoPick {
  among: string[];
  pick: (ctx: StepContext) => string;
}

export interface Matcher {
  /** Matched against the exception's type name (the part after the last dot). */
  type?: RegExp;
  /** Named groups become the diagnosis' captures. */
  message: RegExp;
  /** When given, at least one frame's file (or function) must match. */
  frame?: RegExp;
  /** Base confidence for a match, 0..1 (default 0.8). */
  weight?: number;
  /** What this matcher's hit means, for the evidence list. */
  means?: string;
}

export interface Cause {
  id: string;
  title: string;
  /** One sentence, for the diagnosis screen and the report. */
  summary: (ctx: StepContext) => Content;
  matchers: Matcher[];
  /** Evidence from the file and environment alone (no traceback): returns captures and evidence, or null. */
  detect?: (facts: Facts) => { confidence: number; captures: Record<string, string>; evidence: string[] } | null;
  /** Refines a traceback match with the facts: false vetoes, a number multiplies the confidence. */
  when?: (captures: Record<string, string>, facts: Facts) => boolean | number;
  culprit?: (captures: Record<string, string>, facts: Facts) => string | null;
  /** When true for these facts, this cause ranks above every other one that found something (unsafe-model-file). */
  outranks?: (facts: Facts) => boolean;
  steps: Step[];
  /** Id of the first step. */
  start: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Install plans (src/core/versions/ makes them, trial environments prove them)

export interface InstallPlan {
  /** What kind of version set this is; flows pick wording by it. */
  route: "keras3-upgrade" | "keras2-tensorflow" | "tf-keras-legacy" | "multibackend" | "keras3-install";
  /** The `pip install` arguments after `install`, quoted for a shell (e.g. `"tensorflow==2.16.*"`); empty = none. */
  packages: string[];
  /** Environment variables that must be set before TensorFlow is imported (TF_USE_LEGACY_KERAS=1). */
  env: Record<string, string>;
  /** Whether the user's Python can install this set; when false, `pythonNeeded` says which can. */
  pythonOk: boolean;
  pythonNeeded: string | null;
  /** The Pythons that can install the set, as a PEP 440 `Requires-Python` specifier (`>=3.9,<3.12`); null = any. */
  requiresPython: string | null;
  /** Installing this changes Keras for everything else in the environment: recommend a new virtualenv. */
  newEnvRecommended: boolean;
  /** Sentences saying why these versions, for the step body and the report. */
  why: string[];
  /** The exact code that loads the file with this set (tf_keras routes differ from plain load_model). */
  loadCode: string;
  /** Set once a trial environment loaded (or failed to load) the model with this set; absent = never tried. */
  proof?: PlanProof;
}

/** What a trial environment showed about a plan (src/core/trial/environment.ts). */
export interface PlanProof {
  proven: boolean;
  /** The exact requirements the trial installed, and the Python minor it ran. */
  pins: string[];
  /** The versions pip resolved for them (`{keras: "3.15.1"}`): what was actually proven. */
  resolved: Record<string, string>;
  python: string | null;
  /** The trial environment's folder, when one was made. */
  dir: string | null;
  message: string;
  /** Where the attempt stopped (python, venv, check, install, load) and its number among the trials built. */
  stage?: string;
  attempt?: number | null;
  /** Where the trial's Python came from (yours, pyenv, conda, path, uv). */
  pythonSource?: string | null;
}

/** A definition of a missing name found in the user's sources (src/core/fixes/find-sources.ts). */
export interface SourceMatch {
  name: string;
  file: string;
  /** 1-based line of the definition. */
  line: number;
  kind: "class" | "function" | "assignment";
  /** The custom_objects key `@register_keras_serializable` gives this definition ("Package>Name"), or null. */
  registeredKey: string | null;
}
