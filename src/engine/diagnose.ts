// The real diagnosis session: inspect the file, find Python, import Keras and try the load in one warm worker,
// classify, and then run the actions a cause's steps ask for. Every front door (wizard, --auto, --json) uses it.
import { causeById, causes } from "../../flows/index.js";
import { resolve } from "node:path";
import { dangerousFindings } from "../../flows/unsafe-model-file/cause.js";
import { classify } from "../core/classify/classify.js";
import { warmWordings } from "../core/classify/messages.js";
import { paragraphs } from "../core/content.js";
import { describeFile, describeKeras, describeLoad } from "../core/describe.js";
import { runEffect, sourceRoots } from "./effects.js";
import { standingCauses } from "./every-cause.js";
import { findSources } from "../core/fixes/find-sources.js";
import { findPython, isExecutableFile } from "../core/probe/find-python.js";
import { inspectModel } from "../core/inspect/index.js";
import { withInstalled } from "../core/inspect/safety-exposure.js";
import { startProbe, type ProbeSession } from "../core/probe/probe.js";
import type { ActionProgress, DiagnoseResult, DiagnoseSession, StageProgress } from "./session.js";
import { pipProgressForBar } from "../core/trial/environment.js";
import type { ActionRequest, ActionResult, EnvFacts, Facts, LoadAttempt, ModelFacts } from "../core/types.js";

export interface DiagnoseOptions {
  modelPath: string;
  python?: string;
  timeoutSeconds: number;
  /** Values known before the walk (the CLI's --custom-objects becomes customObjectsModule). */
  inputs?: Record<string, string>;
  /** Where fixes write new files (the loader script, a re-saved copy); the current folder by default. */
  outputDir?: string;
  /** Progress lines of long actions (a trial environment's pip); --auto prints them on stderr. */
  onActionProgress?: (line: string) => void;
}

// Formats where the file alone settles the question: starting Python would only repeat what the bytes say.
/** Actions that hand the model file to Python (the worker, a trial environment or a rebuild). */
const MODEL_IN_PYTHON = new Set<ActionRequest["kind"]>(["verify-load", "resave-compare", "try-versions", "bring-home", "bring-home-legacy", "rebuild-model", "resave-rebuilt"]);
const DECIDED_BY_FILE = new Set(["missing", "git-lfs-pointer", "html", "empty", "truncated", "not-a-model", "h5-weights", "tf-checkpoint"]);

/** `--python PATH` naming no executable file: diagnosed as python-not-found rather than thrown as a usage error. */
function pythonFlagPointsAtNothing(flag: string | undefined): { flag: string; message: string } | null {
  if (!flag || isExecutableFile(resolve(flag))) return null;
  return { flag, message: `--python ${flag} is not an executable file.` };
}

function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

export function createDiagnoseSession(options: DiagnoseOptions): DiagnoseSession {
  let probe: ProbeSession | null = null;
  let closed = false;
  let starting = new AbortController();
  const facts: Facts = { file: null, env: null, load: null };
  let importSeconds = 0;

  function result(outcome: DiagnoseResult["outcome"], extra: Partial<DiagnoseResult> = {}): DiagnoseResult {
    return { file: facts.file, env: facts.env, load: facts.load, diagnosis: null, cause: null, outcome, ...extra };
  }

  function diagnosed(onProgress: (p: StageProgress) => void, chain: LoadAttempt["chain"] | null): DiagnoseResult {
    const start = performance.now();
    onProgress({ stage: "classify", status: "running" });
    const classified = classify(chain, facts, causes);
    // A failed load stops at its first error: the file's other problems are listed with it (src/engine/every-cause.ts).
    const diagnosis = facts.load && !facts.load.ok ? { ...classified, causes: standingCauses(facts, classified) } : classified;
    const cause = causeById(diagnosis.cause) ?? null;
    onProgress({ stage: "classify", status: "done", detail: diagnosis.title, seconds: secondsSince(start) });
    return result(diagnosis.cause === "unclassified" ? "undiagnosed" : "diagnosed", { diagnosis, cause });
  }

  /** Finds Python and starts the worker; a failure is kept for later, since the file may settle the question. */
  async function startPython(onProgress: (p: StageProgress) => void): Promise<{ probe: ProbeSession | null; error?: unknown }> {
    try {
      let start = performance.now();
      onProgress({ stage: "find-python", status: "running" });
      const missingFlag = pythonFlagPointsAtNothing(options.python);
      const python = missingFlag ? null : await findPython({ flag: options.python, modelPath: options.modelPath });
      if (!python) {
        facts.pythonMissing = true;
        if (missingFlag) facts.pythonMissingReason = missingFlag;
        onProgress({ stage: "find-python", status: "failed", detail: missingFlag?.message ?? "no Python interpreter found" });
        return { probe: null };
      }
      onProgress({ stage: "find-python", status: "done", detail: `${python.path} (${python.source})`, seconds: secondsSince(start) });
      start = performance.now();
      onProgress({ stage: "import", status: "running", detail: "starting Python and importing Keras" });
      const started = await startProbe({ python, modelPath: options.modelPath, timeoutSeconds: options.timeoutSeconds, signal: starting.signal });
      importSeconds = secondsSince(start);
      // Held by the session at once, so close() stops it even if the diagnosis itself failed meanwhile.
      if (closed) await started.close();
      else probe = started;
      return { probe: closed ? null : started };
    } catch (error) {
      return { probe: null, error };
    }
  }
  async function diagnose(onProgress: (p: StageProgress) => void): Promise<DiagnoseResult> {
    // The Keras import is the long pole: Python starts first and imports it while the file is read.
    const pythonReady = startPython(onProgress);
    const start = performance.now();
    onProgress({ stage: "inspect", status: "running" });
    const file: ModelFacts = await inspectModel(options.modelPath);
    facts.file = file;
    onProgress({
      stage: "inspect",
      status: file.problem ? "failed" : "done",
      detail: describeFile(file),
      seconds: secondsSince(start),
    });
    const customNames = [...new Set(file.customObjects.map((ref) => ref.className))];
    // A static read of the user's code: it tells a renamed registration from a class that is simply missing.
    if (customNames.length > 0) facts.sources = await findSources(customNames, sourceRoots(options.modelPath));
    if (DECIDED_BY_FILE.has(file.format)) {
      // Python was started for nothing: stop it, and forget whatever it found or failed at.
      starting.abort();
      await pythonReady;
      const started = probe;
      probe = null;
      await started?.close();
      delete facts.pythonMissing;
      delete facts.pythonMissingReason;
      for (const stage of ["find-python", "import", "load"] as const) {
        onProgress({ stage, status: "skipped", detail: "not needed: the file itself says what is wrong" });
      }
      return diagnosed(onProgress, null);
    }

    // Node would only wait for the import: compile what a failed load's classification needs meanwhile.
    warmWordings();
    const { probe: started, error } = await pythonReady;
    if (closed) return result("error");
    if (error) throw error;
    if (!started) {
      // No interpreter is an environment error (exit 2) that still carries its diagnosis, python-not-found.
      onProgress({ stage: "import", status: "skipped" });
      onProgress({ stage: "load", status: "skipped" });
      return { ...diagnosed(onProgress, null), outcome: "error" };
    }
    const env: EnvFacts = started.env;
    facts.env = env;
    // Each safety finding now says whether this environment's Keras would act on it.
    if (file.safety) facts.file = { ...file, safety: { ...file.safety, findings: file.safety.findings.map((f) => withInstalled(f, env)) } };
    const importFailed = env.importError !== null;
    onProgress({
      stage: "import",
      status: importFailed || env.loader === null ? "failed" : "done",
      detail: `Python ${env.python.version} · ${describeKeras(env)}`,
      seconds: importSeconds,
    });
    if (importFailed || env.loader === null) {
      onProgress({ stage: "load", status: "skipped" });
      return diagnosed(onProgress, env.importError);
    }

    // A file the safety read named dangerous is never loaded here, whatever its format and the installed Keras: its
    // cause (unsafe-model-file) explains each finding and loads it only after a typed yes (flows/unsafe-model-file).
    if (dangerousFindings(facts).length > 0 || file.safety?.verdict === "dangerous") {
      onProgress({ stage: "load", status: "skipped", detail: "not loaded: the safety read found something that acts outside the model" });
      return diagnosed(onProgress, null);
    }
    onProgress({ stage: "load", status: "running", detail: "keras.models.load_model(...)" });
    const load = await started.load(options.modelPath);
    facts.load = load;
    onProgress({ stage: "load", status: load.ok ? "done" : "failed", detail: describeLoad(load), seconds: load.seconds });
    if (load.ok) return result("loads");
    return diagnosed(onProgress, load.chain);
  }

  async function runAction(request: ActionRequest, onProgress?: (progress: ActionProgress) => void): Promise<ActionResult> {
    // No step reaches Python with a dangerous file unless it carries the typed yes (allowStoredCode, which only the
    // wizard's consent sets and --auto never does): not a verify-load, nor a trial, a re-save or a weights load.
    if (facts.file?.safety?.verdict === "dangerous" && MODEL_IN_PYTHON.has(request.kind) && !("fix" in request && request.fix.allowStoredCode === true)) {
      return { ok: false, summary: paragraphs("Not run: the safety read found something in this file that acts outside the model, so keras-fix gives it to no Python without your typed yes.") };
    }
    // A file that settled the diagnosis alone (a Git LFS pointer, say) started no Python; a step that has since made
    // it loadable (git lfs pull) needs one now.
    if (!probe && !closed && MODEL_IN_PYTHON.has(request.kind)) {
      starting = new AbortController();
      const { probe: started } = await startPython(() => {});
      if (started) facts.env = started.env;
    }
    return runEffect(request, {
      onPipProgress: onProgress && ((pip) => onProgress(pipProgressForBar(pip))),
      modelPath: options.modelPath,
      facts,
      outputDir: options.outputDir,
      timeoutSeconds: options.timeoutSeconds,
      onProgress: options.onActionProgress,
      probe: () => {
        if (!probe) throw new Error("no Python could be started to load the model: run keras-fix again with --python PATH");
        return probe;
      },
    });
  }

  async function close(): Promise<void> {
    closed = true;
    starting.abort();
    const current = probe;
    probe = null;
    if (current) await current.close();
  }

  return { diagnose, runAction, close };
}
