// Brings a model home: once a version plan is proven in a trial environment, the model is exported there (config,
// plain .npy weights, outputs on a seeded random input) and rebuilt in the user's own Keras 3 as a NEW .keras file
// beside the model, which is proven only when a fresh Python there loads it in safe mode and gives the same outputs.
// Both steps are src/python/bring_home.py (the probe's guard is on for every load): the export runs once in the
// trial's Python, the import in the user's warm probe worker; the model is only read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { code, paragraphs, path as pathToken, strong, text } from "../content.js";
import type { EffectDeps } from "../effect-deps.js";
import { freshPath, modelStem } from "../new-files.js";
import { probeFilePath } from "../probe/probe.js";
import { runTracked, type TrackedOutcome } from "../probe/processes.js";
import type { ActionResult } from "../types.js";
import type { InstallPlan } from "../versions/plans.js";

/** Where the copy goes: `<stem>.home.keras` beside the model, or `<stem>.home-2.keras`... when that exists. */
export function homePath(modelPath: string): string {
  return freshPath(dirname(resolve(modelPath)), `${modelStem(modelPath)}.home`, ".keras");
}

const chain = z.array(z.object({ type: z.string(), message: z.string(), frames: z.array(z.unknown()) })).nullable();
const loadResult = z.looseObject({ ok: z.boolean(), chain: chain.unwrap(), stage: z.string().nullable().optional() });
const exportSchema = z.looseObject({
  ok: z.boolean(),
  stage: z.string().nullable(),
  error: chain.optional(),
  load: loadResult.nullable().optional(),
  format: z.enum(["keras3", "keras2"]).nullable().optional(),
  keras: z.string().nullable().optional(),
  simple: z.string().nullable().optional(),
});
const droppedKey = z.object({ className: z.string(), key: z.string(), value: z.unknown() });
const importSchema = z.looseObject({
  ok: z.boolean(),
  stage: z.string().nullable(),
  error: chain.optional(),
  route: z.enum(["simple", "rebuild"]).nullable().optional(),
  outPath: z.string().nullable().optional(),
  dropped: z.array(droppedKey).optional(),
  refused: z.array(z.object({ className: z.string(), key: z.string().nullable(), why: z.string() })).optional(),
  renumbered: z.array(z.string()).optional(),
  simpleError: chain.optional(),
  reload: loadResult.nullable().optional(),
  maxAbsDiff: z.number().nullable().optional(),
  tolerance: z.number().nullable().optional(),
  keras: z.string().nullable().optional(),
  inner: z.object({ type: z.string(), message: z.string(), className: z.string().nullable(), layer: z.string().nullable() }).nullable().optional(),
  compiled: z.object({ ok: z.boolean(), why: z.string().nullable() }).nullable().optional(),
  tfOps: z.array(z.string()).optional(),
  converted: z.array(droppedKey).optional(),
});

/** The custom-objects part of a fix: the user's module (a path) and `custom_objects` keys to its attribute names. */
export interface CustomObjectsFix {
  customObjectsModule?: string;
  customObjects?: Record<string, string>;
}

export interface BringHomeInput {
  modelPath: string;
  /** The trial environment's interpreter (the plan is proven there) and the variables its load needs. */
  trialPython: string;
  trialEnv?: Record<string, string>;
  /** The import step in the user's own Python (the session's warm worker): the copy must load there. */
  importHere: (folder: string, source: string, outPath: string, fix: CustomObjectsFix) => Promise<Record<string, unknown>>;
  /** The user's own code for the model's custom layers (--custom-objects): imported for the export and the rebuild. */
  fix?: CustomObjectsFix;
  timeoutSeconds: number;
  onProgress?: (line: string) => void;
  /** Where the copy goes; beside the model unless a test says otherwise. */
  outPath?: string;
  /** Who exported it, as the report names it ("the trial's", "tf_keras's"). */
  exporterName?: string;
}

export interface BringHomeResult {
  proven: boolean;
  /** The new file, only when proven (an unproven copy is removed). */
  path: string | null;
  maxAbsDiff: number | null;
  tolerance: number | null;
  /** "simple": Keras 2's own .keras loaded as is; "rebuild": rebuilt from the config with the weights set. */
  route: "simple" | "rebuild" | null;
  /** Keys this Keras does not know, dropped because their value is the newer Keras' default ("Dense.quantization_config"). */
  dropped: string[];
  /** Nested models whose node numbers were shifted from Keras 2's counting to Keras 3's. */
  renumbered: string[];
  /** Why Keras 2's own .keras (the simple road) did not load here, when it was tried and failed. */
  simpleRoad: string | null;
  /** Where it stopped when not proven: export | import-keras | adapt | rebuild | weights | save | reload | compare... */
  stage: string | null;
  /** When the rebuild failed inside Keras' wrappers ("Functional could not be deserialized properly"): the innermost
   *  error and the layer it came from ("in layer 'mean' (Mean): TypeError: ..."). */
  innerError: string | null;
  /** What the target writes otherwise and reads only its own way: a class under its own name ('Orthogonal →
   *  "OrthogonalInitializer"'), a single input as a list of one ('Functional.input_layers → [["image",0,0]]'), a dtype
   *  policy object as its name where the target has no class for it ('DTypePolicy → "float16"'). */
  converted: string[];
  /** The raw TensorFlow ops of a Keras 2 graph, each rebuilt as a keras.ops call ("tf.math.reduce_mean"). */
  tfOps: string[];
  /** Whether the copy carries the trial's training settings (optimizer, loss, metrics), and why not. */
  compiled: boolean;
  notCompiledBecause: string | null;
  /** One sentence: what was written and how it was proven, or why not. */
  why: string;
}

const PYTHON_ENV = { PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1" };

/** The error to show: the last of the chain, or the first raised when the last is Keras' wrapper around it. */
function lastException(errors: { type: string; message: string }[] | null | undefined): string {
  const wrapped = !!errors && errors.length > 1 && /could not be deserialized properly/.test(errors.at(-1)!.message);
  const last = wrapped ? errors[0] : errors?.at(-1);
  return last ? `${last.type.split(".").at(-1)}: ${last.message.split("\n")[0].slice(0, 300)}` : "no error was reported";
}

/** The one result line `bring_home.py export` printed, or a sentence on how the run failed. */
function exportResultOf(run: TrackedOutcome): { result: unknown } | { failure: string } {
  for (const line of run.stdout.split("\n").reverse()) {
    try {
      const message = JSON.parse(line) as { bringHome?: string; result?: unknown };
      if (message.bringHome === "export") return { result: message.result };
    } catch {
      // Not our line.
    }
  }
  if (run.timedOut) return { failure: "the export did not finish in time" };
  const tail = run.stderr.split("\n").filter(Boolean).slice(-3).join(" / ");
  return { failure: `the export exited with ${run.exitCode ?? run.signal}${tail ? `: ${tail}` : ""}` };
}

/** Counts repeats: ["Dense.quantization_config", ...] once each, "×2" when several layers had it. */
function dedupeDropped(dropped: z.infer<typeof droppedKey>[]): string[] {
  const counts = new Map<string, number>();
  for (const item of dropped) counts.set(`${item.className}.${item.key}`, (counts.get(`${item.className}.${item.key}`) ?? 0) + 1);
  return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name));
}

export async function bringHome(input: BringHomeInput): Promise<BringHomeResult> {
  const say = input.onProgress ?? (() => undefined);
  const script = probeFilePath("bring_home.py");
  const out = input.outPath ?? homePath(input.modelPath);
  const source = resolve(input.modelPath);
  const base = { proven: false, path: null, maxAbsDiff: null, tolerance: null, route: null, dropped: [], renumbered: [], simpleRoad: null, innerError: null, tfOps: [], converted: [], compiled: false, notCompiledBecause: null };
  const folder = mkdtempSync(join(tmpdir(), "keras-fix-home-"));
  try {
    say(`bring home: exporting the model from ${input.exporterName === undefined ? "the trial environment" : input.exporterName.replace(/'s$/, "")} (config, weights, outputs on a seeded input)`);
    const exportRun = await runTracked([input.trialPython, "-u", script, "export", JSON.stringify({ path: source, out: folder, fix: { ...input.fix, ...(input.trialEnv?.TF_USE_LEGACY_KERAS ? { legacyKeras: true } : {}) } })], {
      timeoutSeconds: input.timeoutSeconds,
      env: { ...PYTHON_ENV, ...input.trialEnv },
    });
    const exported = exportResultOf(exportRun);
    if ("failure" in exported) return { ...base, stage: "export", why: exported.failure };
    const exportResult = exportSchema.parse(exported.result);
    if (!exportResult.ok) {
      const what = exportResult.stage === "load" ? lastException(exportResult.load?.chain) : lastException(exportResult.error);
      const exporter = input.exporterName === undefined ? "the trial environment" : input.exporterName.replace(/'s$/, "");
      return { ...base, stage: "export", why: `${exporter} could not export the model (${exportResult.stage}): ${what}` };
    }
    say(`bring home: rebuilding it in your Keras and saving ${out}`);
    const result = importSchema.parse(await input.importHere(folder, source, out, input.fix ?? {}));
    const common = {
      maxAbsDiff: result.maxAbsDiff ?? null,
      tolerance: result.tolerance ?? null,
      route: result.route ?? null,
      dropped: dedupeDropped(result.dropped ?? []),
      renumbered: result.renumbered ?? [],
      simpleRoad: result.simpleError ? lastException(result.simpleError) : null,
      stage: result.stage,
      innerError: result.inner ? innerError(result.inner) : null,
      tfOps: result.tfOps ?? [],
      converted: [...new Set((result.converted ?? []).map((c) => `${c.className}${c.key === "dtype" || c.key === "class_name" ? "" : `.${c.key}`} → ${JSON.stringify(c.value)}`))],
      compiled: result.compiled?.ok ?? false,
      notCompiledBecause: result.compiled && !result.compiled.ok ? result.compiled.why : null,
    };
    const userKeras = `Keras ${result.keras ?? "(yours)"}`;
    if (result.ok && result.outPath) {
      say(`bring home: proven, max difference ${result.maxAbsDiff}`);
      return {
        ...common,
        proven: true,
        path: result.outPath,
        why: `${userKeras} loads the new file in safe mode in a fresh Python; on the same seeded random input its outputs differ from ${input.exporterName ?? "the trial's"} Keras ${exportResult.keras} by at most ${result.maxAbsDiff} (tolerance ${formatNumber(result.tolerance)}).`,
      };
    }
    return { ...base, ...common, why: importFailure(result, userKeras) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The innermost error under Keras' wrappers, with the layer its config names. */
function innerError(inner: { type: string; message: string; className: string | null; layer: string | null }): string {
  const where = inner.layer ? `in layer '${inner.layer}'${inner.className ? ` (${inner.className})` : ""}: ` : "";
  return `${where}${inner.type.split(".").at(-1)}: ${inner.message.split("\n")[0].slice(0, 300)}`;
}

function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "none" : value.toPrecision(2);
}

function importFailure(result: z.infer<typeof importSchema>, userKeras: string): string {
  switch (result.stage) {
    case "adapt":
      return (result.refused ?? []).map((r) => (r.key ? `${r.className}.${r.key}: ${r.why}` : r.why)).join("; ");
    case "reload":
      return `the new file did not load in a fresh Python (${lastException(result.reload?.chain)}); it was removed`;
    case "compare":
      return result.maxAbsDiff !== null && result.maxAbsDiff !== undefined
        ? `the outputs differ by ${result.maxAbsDiff}, over the tolerance ${formatNumber(result.tolerance)}; the file was removed`
        : `the outputs could not be compared (${lastException(result.error)}); the file was removed`;
    default:
      return `${userKeras} failed at ${result.stage ?? "an unknown stage"}: ${result.inner ? innerError(result.inner) : lastException(result.error)}`;
  }
}

/** The `bring-home` action: the proven plan's trial environment exports, the user's Python imports. */
export async function bringHomeAction(plan: InstallPlan, deps: EffectDeps, fix?: CustomObjectsFix): Promise<ActionResult> {
  const trialDir = plan.proof?.proven ? plan.proof.dir : null;
  if (!trialDir) {
    return { ok: false, summary: paragraphs("There is no proven trial environment to bring the model home from."), data: {} };
  }
  return bringHomeReport(
    await bringHome({
      modelPath: deps.modelPath,
      trialPython: join(trialDir, "bin", "python"),
      trialEnv: plan.env,
      importHere: (folder, source, outPath, userCode) => deps.probe().bringHomeImport(folder, source, outPath, userCode),
      fix,
      timeoutSeconds: deps.timeoutSeconds ?? 300,
      onProgress: deps.onProgress,
    }),
    fix,
  );
}

/**
 * The `bring-home-legacy` action: tf_keras (Keras 2) in the user's own Python loaded a file that Keras 3 cannot, so a
 * second Python of theirs with TF_USE_LEGACY_KERAS=1 exports it and their Keras 3 worker rebuilds it as a new .keras.
 * A file tf_keras re-saves would still be a Keras 2 file; this one is Keras 3's own.
 */
export async function bringHomeFromLegacyAction(deps: EffectDeps): Promise<ActionResult> {
  const python = deps.facts.env?.python?.path;
  if (!python || deps.facts.env?.loader !== "keras3") {
    return { ok: false, summary: paragraphs("A Keras 3 copy needs this Python to have Keras 3 beside tf_keras."), data: {} };
  }
  return bringHomeReport(
    await bringHome({
      modelPath: deps.modelPath,
      trialPython: python,
      trialEnv: { TF_USE_LEGACY_KERAS: "1" },
      exporterName: "tf_keras's",
      importHere: (folder, source, outPath, userCode) => deps.probe().bringHomeImport(folder, source, outPath, userCode),
      timeoutSeconds: deps.timeoutSeconds ?? 300,
      onProgress: deps.onProgress,
    }),
  );
}

/** The step's result; `fix` (the user's code the copy was rebuilt with) is what its loads need too. */
function bringHomeReport(result: BringHomeResult, fix?: CustomObjectsFix): ActionResult {
  const simpleRoad = result.simpleRoad
    ? [[text("Keras 2's own .keras of it did not load here ("), code(result.simpleRoad), text(result.proven ? "), so it was rebuilt from the config." : "), so keras-fix went to the config instead.")]]
    : [];
  const adapted = [
    ...(result.dropped.length > 0 ? [[text("Left out (your Keras does not know them, and each had the newer Keras' default value): "), code(result.dropped.join(", ")), text(".")]] : []),
    ...(result.renumbered.length > 0 ? [[text("Nested models renumbered from Keras 2's node counting to Keras 3's: "), code(result.renumbered.join(", ")), text(".")]] : []),
    ...(result.converted.length > 0 ? [[text("Written the way your Keras writes them (it reads no other): "), code(result.converted.join(", ")), text(".")]] : []),
    ...(result.tfOps.length > 0 ? [[text("Raw TensorFlow ops rebuilt as keras.ops operations (no Lambda, no stored code): "), code(result.tfOps.join(", ")), text(".")]] : []),
    ...(result.proven ? [result.compiled ? [text("The copy keeps the training settings (optimizer, loss, metrics); the optimizer's state starts afresh.")] : [text(`It holds no training settings${result.notCompiledBecause ? ` (${result.notCompiledBecause})` : ""}: compile it again to train.`)]] : []),
  ];
  return {
    ok: result.proven,
    summary: result.proven
      ? [[strong("Proven: "), text("wrote "), pathToken(result.path!), text(".")], [text(result.why)], ...simpleRoad, ...adapted, [text("Your model file was not changed.")]]
      : [[strong("Not brought home: "), text(`${result.why}.`.replace(/\.\.$/, "."))], ...simpleRoad, [text("Your model file was not changed; nothing was written beside it.")]],
    data: { ...(result.path ? { path: result.path } : {}), bringHome: result, ...(fix?.customObjectsModule ? { fix } : {}) },
  };
}
