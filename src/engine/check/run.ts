// `keras-fix check`'s engine: every model through the same stages as one diagnosis (src/engine/diagnose.ts), with
// ONE warm probe worker for all of them. Each model: inspect and the safety read without Python; a file that settles
// the question by itself (LFS pointer, weights only, truncated...) or a dangerous one is never loaded; the rest are
// loaded in the user's environment and a failure is classified by the existing classifier. A load over --timeout is
// killed and reported as hung, a worker that dies is reported as crashed; the probe session starts a fresh worker for
// the next model in both cases.
import { readFileSync } from "node:fs";
import { causeById, causes } from "../../../flows/index.js";
import { dangerousFindings } from "../../../flows/unsafe-model-file/cause.js";
import { classify } from "../../core/classify/classify.js";
import { contentToPlain } from "../../core/content.js";
import { describeKeras, describeLoad } from "../../core/describe.js";
import { definitionsIn, findSources } from "../../core/fixes/find-sources.js";
import { inspectModel } from "../../core/inspect/index.js";
import { withInstalled } from "../../core/inspect/safety-exposure.js";
import { relative } from "node:path";
import { findPython, isExecutableFile, isInsideModelFolder, modelFolderOf } from "../../core/probe/find-python.js";
import { startProbe, type ProbeSession } from "../../core/probe/probe.js";
import { ProbeError } from "../../core/probe/protocol.js";
import { UserError } from "../../core/errors.js";
import type { EnvFacts, Facts, LoadAttempt, LoadFix, ModelFacts, SourceMatch } from "../../core/types.js";
import { readExplainDoc } from "../explain-doc.js";
import { sourceRoots } from "../effects.js";
import type { FoundModel } from "./find.js";

export type CheckStatus = "loads" | "fails" | "dangerous" | "hung" | "crashed";

/** One model's verdict: what every output format is made from. Deterministic (no times, no pids), so shards merge. */
export interface CheckResult {
  path: string;
  /** The environment it was checked in (`envLabel`). */
  environment: string;
  /** What inspect found the file to be (hdf5, keras-zip, savedmodel, git-lfs-pointer, h5-weights, ...). */
  format: string;
  status: CheckStatus;
  /** The cause id (flows/<id>), null when it loads. */
  cause: string | null;
  title: string | null;
  culprit: string | null;
  /** The cause's one sentence for this file. */
  summary: string | null;
  /** The first paragraph of the cause's "How to fix". */
  fix: string | null;
  /** The error the load met, in one line (or why it was not loaded). */
  error: string | null;
}

export interface TimedResult {
  result: CheckResult;
  seconds: number;
}

export interface CheckOptions {
  python?: string;
  /** Per model, for the load (the Keras import gets at least 300 s). */
  timeoutSeconds: number;
  customObjects?: string;
  /** Environment variables for the workers (a trial's, with --against). */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** The models to check: an interpreter inside one of their folders is refused. */
  models?: string[];
}

export interface CheckRun {
  environment: string;
  env: EnvFacts;
  /** Python processes started: 1 when no model hung or crashed the worker. */
  workersStarted: number;
  kerasImports: number;
}

// What inspect alone settles (as in diagnose.ts): Python would only repeat what the bytes say.
const DECIDED_BY_FILE = new Set(["missing", "git-lfs-pointer", "html", "empty", "truncated", "not-a-model", "h5-weights", "tf-checkpoint"]);

export function envLabel(env: EnvFacts): string {
  return `Python ${env.python.version} · ${describeKeras(env)}`;
}

function firstParagraph(text: string): string {
  return text.trim().split(/\n\s*\n/)[0]?.replace(/\s*\n\s*/g, " ") ?? "";
}

/** The verdict for a model that does not load: the classifier's cause, its summary for this file, its fix. */
function verdict(path: string, environment: string, facts: Facts, status: CheckStatus, chain: LoadAttempt["chain"] | null, error: string | null): CheckResult {
  const diagnosis = classify(chain, facts, causes);
  const cause = causeById(diagnosis.cause);
  const ctx = { ...facts, diagnosis, results: {}, inputs: {}, modelPath: path };
  let summary: string | null = null;
  try {
    summary = cause ? contentToPlain(cause.summary(ctx)) : null;
  } catch {
    summary = null;
  }
  const doc = readExplainDoc(diagnosis.cause);
  return {
    path,
    environment,
    format: facts.file?.format ?? "unknown",
    status,
    cause: diagnosis.cause,
    title: diagnosis.title,
    culprit: diagnosis.culprit,
    summary,
    fix: doc ? firstParagraph(contentToPlain(doc.howToFix)) : null,
    error: error ?? facts.file?.problem?.message ?? null,
  };
}

/** --custom-objects: the file's custom names that the module defines (read, not run), as custom_objects keys. */
function customObjectsFix(module: string | undefined, file: ModelFacts): LoadFix {
  if (!module) return {};
  const names = new Set(file.customObjects.map((ref) => ref.className));
  let defined: Set<string>;
  try {
    defined = new Set(definitionsIn(readFileSync(module, "utf8"), module, names).map((m) => m.name));
  } catch {
    defined = new Set();
  }
  const mapping = Object.fromEntries(file.customObjects.filter((ref) => defined.has(ref.className)).map((ref) => [ref.key, ref.className]));
  return { customObjectsModule: module, customObjects: mapping };
}

/** A load over the time limit is no cause the classifier knows: check names it itself. */
export const HUNG = {
  cause: "load-timeout",
  title: "The load did not finish in time",
  culprit: null,
  fix: "Give it more time with --timeout SECONDS, or find what the load waits for (a custom object's code, a network path, a lock).",
} as const;

export interface Checker {
  readonly run: CheckRun;
  check(model: FoundModel): Promise<TimedResult>;
  close(): Promise<void>;
}

/** Finds Python and starts the one warm worker; a missing Python or a Keras that does not import is a UserError. */
export async function startChecker(options: CheckOptions): Promise<Checker> {
  if (options.python && !isExecutableFile(options.python)) {
    throw new UserError(`--python ${options.python} is not an executable file.`, "Pass --python with a working interpreter.");
  }
  const python = findPython({ flag: options.python });
  if (!python) throw new UserError("No Python interpreter found.", "Pass --python /path/to/python (the one that has Keras).");
  // As for one model (find-python.ts): never an interpreter that came with a model. The folder check is run from
  // is the user's own (their .venv may sit beside a model at the repository's root), so it and its parents are not.
  const cwd = process.cwd();
  const shipped = (options.models ?? []).find((model) => {
    const folder = modelFolderOf(model);
    return relative(folder, cwd).startsWith("..") && isInsideModelFolder(python.path, model);
  });
  if (shipped) {
    throw new UserError(`Refusing to run ${python.path}: it lives inside the folder of the model ${shipped}.`, "Pass --python with an interpreter you installed yourself.");
  }
  const probe: ProbeSession = await startProbe({
    python,
    timeoutSeconds: Math.max(300, options.timeoutSeconds),
    requestTimeoutSeconds: options.timeoutSeconds,
    env: options.env,
    signal: options.signal,
  });
  const env = probe.env;
  if (env.importError !== null || env.loader === null) {
    await probe.close();
    const diagnosis = classify(env.importError, { file: null, env, load: null }, causes);
    const last = env.importError?.at(-1);
    throw new UserError(
      `Keras does not import in ${python.path}: ${diagnosis.title}${last ? ` (${last.type}: ${last.message.split("\n")[0]})` : ""}.`,
      "Pass --python with the interpreter your project loads its models in.",
    );
  }
  const environment = envLabel(env);
  const pids = new Set<number>(probe.pids());
  let kerasImports = 1;
  const run: CheckRun = { environment, env, workersStarted: 1, kerasImports: 1 };
  const countWorkers = () => {
    for (const pid of probe.pids()) {
      if (!pids.has(pid)) {
        pids.add(pid);
        kerasImports++;
      }
    }
    run.workersStarted = pids.size;
    run.kerasImports = kerasImports;
  };
  const module = options.customObjects;
  const loadsResult = (model: FoundModel, file: ModelFacts): CheckResult => ({
    path: model.path, environment, format: file.format, status: "loads", cause: null, title: null, culprit: null, summary: null, fix: null, error: null,
  });

  // The static read of the user's code (diagnose.ts does it too): once per set of names and folders, not per model.
  const sources = new Map<string, Promise<SourceMatch[]>>();
  const sourcesOf = (names: string[], roots: string[]) => {
    const key = JSON.stringify([[...names].sort(), roots]);
    if (!sources.has(key)) sources.set(key, findSources(names, roots));
    return sources.get(key)!;
  };

  async function check(model: FoundModel): Promise<TimedResult> {
    const start = performance.now();
    const seconds = () => (performance.now() - start) / 1000;
    const inspected = await inspectModel(model.absolute);
    const file: ModelFacts = inspected.safety ? { ...inspected, safety: { ...inspected.safety, findings: inspected.safety.findings.map((f) => withInstalled(f, env)) } } : inspected;
    const facts: Facts = { file, env, load: null };
    const customNames = [...new Set(file.customObjects.map((ref) => ref.className))];
    if (customNames.length > 0) facts.sources = await sourcesOf(customNames, sourceRoots(model.absolute));
    if (DECIDED_BY_FILE.has(file.format)) return { result: verdict(model.path, environment, facts, "fails", null, null), seconds: seconds() };
    // Never loaded: the safety read found something that acts outside the model (flows/unsafe-model-file).
    if (dangerousFindings(facts).length > 0) {
      return { result: verdict(model.path, environment, facts, "dangerous", null, "not loaded: the safety read found code or links that act outside the model"), seconds: seconds() };
    }
    if (options.signal?.aborted) throw new UserError("check was cancelled");
    let load;
    try {
      load = await probe.load(model.absolute, customObjectsFix(module, file));
    } catch (error) {
      countWorkers();
      if (!(error instanceof ProbeError)) throw error;
      // The worker was killed (time limit) or died without a signal (os._exit): the next load gets a fresh one.
      if (error.reason === "timeout") {
        const message = `the load did not finish within ${options.timeoutSeconds} s; Python was stopped and the run went on`;
        return { result: { ...loadsResult(model, file), status: "hung", ...HUNG, summary: message, error: message }, seconds: seconds() };
      }
      const message = error.message.split("\n")[0];
      return { result: verdict(model.path, environment, facts, "crashed", [{ type: "WorkerExit", message, frames: [] }], message), seconds: seconds() };
    }
    countWorkers();
    facts.load = load;
    if (load.ok) {
      return { result: loadsResult(model, file), seconds: seconds() };
    }
    const status: CheckStatus = load.stage === "crash" ? "crashed" : "fails";
    return { result: verdict(model.path, environment, facts, status, load.chain, describeLoad(load)), seconds: seconds() };
  }

  return { run, check, close: () => probe.close() };
}
