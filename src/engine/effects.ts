// Runs the steps that act: a verified re-load, a source search, writing the loader or a skeleton, a re-save check,
// a consented command. Every file it writes gets a NEW name in the current folder; the user's files are never
// overwritten, and the model file is only ever read.
import { copyFileSync, linkSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { causes } from "../../flows/index.js";
import { freshModulePath, freshPath, modelStem } from "../core/new-files.js";
import { classify } from "../core/classify/classify.js";
import { code, paragraphs, path as pathToken, python, strong, text } from "../core/content.js";
import { describeLoad } from "../core/describe.js";
import { definitionsIn, findSources, gitRootOf, logicalLines } from "../core/fixes/find-sources.js";
import { loaderFileName, loaderScript } from "../core/fixes/loader-script.js";
import { skeletonModule } from "../core/fixes/skeleton.js";
import { readLambdaFacts, rebuildModel, resaveRebuilt } from "../core/lambda/actions.js";
import { runCommand } from "../core/probe/processes.js";
import { estimateFirstTrial, tryVersions } from "../core/trial/actions.js";
import { bringHomeAction, bringHomeFromLegacyAction } from "../core/bring-home/bring-home.js";
import type { ActionRequest, ActionResult, LoadFix } from "../core/types.js";
import type { EffectDeps } from "../core/effect-deps.js";


export { freshModulePath, freshPath, modelStem };
export type { EffectDeps };

/** Where the user's code for a model is likely to be: beside the model, here, and in either's git repository. */
export function sourceRoots(modelPath: string): string[] {
  const modelDir = dirname(resolve(modelPath));
  return [...new Set([modelDir, process.cwd(), gitRootOf(process.cwd()), gitRootOf(modelDir)].filter((r): r is string => !!r))];
}

function absoluteFix(fix: LoadFix): LoadFix {
  return fix.customObjectsModule ? { ...fix, customObjectsModule: resolve(fix.customObjectsModule) } : fix;
}

/** Scratch folders in use (a re-save in progress, a renamed copy of the model): removed on every exit, Ctrl-C included. */
const unfinishedWork = new Set<string>();
process.on("exit", () => {
  for (const dir of unfinishedWork) rmSync(dir, { recursive: true, force: true });
});

/** Runs `use` on the model, or on a temporary copy under another extension when the fix asks for one. */
async function withModelPath<T>(fix: LoadFix, deps: EffectDeps, use: (path: string, fix: LoadFix) => Promise<T>): Promise<T> {
  const { loadAs, ...rest } = absoluteFix(fix);
  if (!loadAs) return use(deps.modelPath, rest);
  const dir = mkdtempSync(join(tmpdir(), "keras-fix-copy-"));
  unfinishedWork.add(dir);
  try {
    const copy = join(dir, `${modelStem(deps.modelPath)}${loadAs}`);
    copyFileSync(deps.modelPath, copy);
    return await use(copy, rest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    unfinishedWork.delete(dir);
  }
}

/**
 * What is wrong with the file named to define the custom objects, read before anything is imported: it is not
 * there, or it neither defines nor imports a name the load needs. Null when it may well be the one.
 */
export function customObjectsModuleProblem(fix: LoadFix): { kind: "no-file" | "not-defined"; path: string; names: string[] } | null {
  if (!fix.customObjectsModule) return null;
  const path = resolve(fix.customObjectsModule);
  let source: string;
  try {
    if (!statSync(path).isFile()) return { kind: "no-file", path, names: [] };
    source = readFileSync(path, "utf8");
  } catch {
    return { kind: "no-file", path, names: [] };
  }
  const wanted = [...new Set(Object.values(fix.customObjects ?? {}))];
  const defined = new Set(definitionsIn(source, path, new Set(wanted)).map((match) => match.name));
  // `from layers import ScaledDense` makes the name the module's attribute as well as a definition does.
  const imports = logicalLines(source).filter((line) => /^(from\s+\S+\s+)?import\b/.test(line.text)).map((line) => line.text);
  const missing = wanted.filter((name) => !defined.has(name) && !imports.some((line) => line.split(/\W+/).includes(name)));
  return missing.length > 0 ? { kind: "not-defined", path, names: missing } : null;
}

/**
 * The user's code for the model's custom objects, as a trial environment and the bring-home step import it: only the
 * module and the keys of the names it defines (another name, say a loss kept elsewhere, would fail the whole import).
 */
function userCodeOf(fix: LoadFix | undefined): LoadFix | undefined {
  if (!fix?.customObjectsModule) return undefined;
  const problem = customObjectsModuleProblem(fix);
  const undefinedNames = new Set(problem?.kind === "not-defined" ? problem.names : []);
  const customObjects = Object.fromEntries(Object.entries(fix.customObjects ?? {}).filter(([, name]) => !undefinedNames.has(name)));
  return { customObjectsModule: resolve(fix.customObjectsModule), customObjects };
}

async function verifyLoad(fix: LoadFix, deps: EffectDeps): Promise<ActionResult> {
  const problem = customObjectsModuleProblem(fix);
  if (problem) {
    const summary =
      problem.kind === "no-file"
        ? paragraphs([strong("No such file: "), pathToken(problem.path), ". Nothing was loaded."])
        : paragraphs([pathToken(problem.path), ` does not define ${problem.names.join(", ")} (no class, def, assignment or import of that name). Nothing was loaded.`]);
    return { ok: false, summary, data: { fix, moduleProblem: problem } };
  }
  const attempt = await withModelPath(fix, deps, (path, loadFix) => deps.probe().load(path, loadFix));
  if (attempt.ok) {
    return { ok: true, summary: paragraphs([strong("It works: "), `the model ${describeLoad(attempt)}.`]), data: { attempt, fix } };
  }
  // The fix may have moved the load past the first problem into another one (a custom class found, but its
  // get_config is incomplete): name the new cause so the user is not left with the old diagnosis.
  const next = classify(attempt.chain, { ...deps.facts, load: attempt }, causes);
  const nextCause = next.cause === "unclassified" ? [] : [[text("This is now: "), strong(next.title), text(` (${next.cause}).`)]];
  return {
    ok: false,
    summary: [...paragraphs([strong("Still failing: "), code(describeLoad(attempt))]), ...nextCause],
    data: { attempt, fix, diagnosis: next },
  };
}

async function writeLoader(fix: LoadFix, deps: EffectDeps): Promise<ActionResult> {
  const dir = deps.outputDir ?? process.cwd();
  const target = loaderFileName(deps.modelPath, dir);
  const script = loaderScript({ modelPath: resolve(deps.modelPath), fix: absoluteFix(fix), fileFacts: deps.facts.file, env: deps.facts.env });
  writeFileSync(target, script, { flag: "wx" });
  return {
    ok: true,
    summary: paragraphs(["Wrote ", pathToken(target), ": run it to load the model the same way."], [python(script)]),
    data: { path: target, code: script },
  };
}

async function generateSkeleton(keys: string[], deps: EffectDeps): Promise<ActionResult> {
  const refs = (deps.facts.file?.customObjects ?? []).filter((ref) => keys.includes(ref.key));
  if (refs.length === 0) {
    return { ok: false, summary: paragraphs(`The file's config does not describe ${keys.join(", ")}, so there is nothing to build a skeleton from.`) };
  }
  const { code: source, notes } = skeletonModule(refs, deps.facts.file!, deps.facts.env);
  const target = freshModulePath(deps.outputDir ?? process.cwd(), `${modelStem(deps.modelPath)}_custom_objects`);
  writeFileSync(target, source, { flag: "wx" });
  return {
    ok: true,
    summary: paragraphs(["Wrote a skeleton to ", pathToken(target), "."], ...notes.map((note) => [text(note)]), [python(source)]),
    data: { path: target, code: source, notes, customObjects: Object.fromEntries(refs.map((r) => [r.key, r.className])) },
  };
}

/**
 * The copy is written into a hidden folder beside its final name (the compare's scratch files go there too) and
 * gets its name only once a fresh Python loaded it with the same outputs: an interrupted or failed re-save leaves
 * no unverified `.resaved.keras` for the user to trust.
 */
async function resaveCompare(fix: LoadFix, deps: EffectDeps): Promise<ActionResult> {
  const dir = deps.outputDir ?? process.cwd();
  const target = freshPath(dir, `${modelStem(deps.modelPath)}.resaved`, ".keras");
  const work = mkdtempSync(join(dir, ".keras-fix-resave-"));
  unfinishedWork.add(work);
  let outcome;
  try {
    const partial = join(work, basename(target));
    outcome = await withModelPath(fix, deps, (path, loadFix) => deps.probe().resaveCompare(path, loadFix, partial));
    // A hard link, not a rename: it fails instead of replacing a file that took the name meanwhile.
    if (outcome.ok) linkSync(partial, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
    unfinishedWork.delete(work);
  }
  return {
    ok: outcome.ok,
    summary: outcome.ok
      ? paragraphs(["Saved a copy as ", pathToken(target), `; reloaded in a fresh Python, its outputs differ by at most ${outcome.maxAbsDiff ?? 0} on the same random input.`])
      : paragraphs(["Re-saving did not work: ", code(outcome.message ?? "unknown error")]),
    data: { ...outcome, outPath: target, path: target },
  };
}

export async function runEffect(request: ActionRequest, deps: EffectDeps): Promise<ActionResult> {
  switch (request.kind) {
    case "verify-load":
      return verifyLoad(request.fix, deps);
    case "find-sources": {
      const roots = sourceRoots(deps.modelPath);
      const matches = await findSources(request.names, roots);
      return {
        ok: matches.length > 0,
        summary: matches.length > 0
          ? paragraphs(...matches.map((m) => [code(m.name), ` is defined in `, pathToken(`${m.file}:${m.line}`)]))
          : paragraphs(`No .py file under ${roots.join(", ")} defines ${request.names.join(", ")}.`),
        data: { matches, roots },
      };
    }
    case "write-loader":
      return writeLoader(request.fix, deps);
    case "generate-skeleton":
      return generateSkeleton(request.keys, deps);
    case "resave-compare":
      return resaveCompare(request.fix, deps);
    case "read-lambdas":
      return readLambdaFacts(deps);
    case "rebuild-model":
      return rebuildModel(deps);
    case "resave-rebuilt":
      return resaveRebuilt(request.script, deps);
    case "try-versions":
      return tryVersions(request.plans, deps, userCodeOf(request.userCode));
    case "bring-home":
      return bringHomeAction(request.plan, deps, userCodeOf(request.userCode));
    case "bring-home-legacy":
      return bringHomeFromLegacyAction(deps);
    case "estimate-trial":
      return estimateFirstTrial(request.plans, deps);
    case "run-command": {
      const outcome = await runCommand(request.argv);
      return {
        ok: outcome.exitCode === 0,
        summary: paragraphs([code(request.argv.join(" ")), ` exited with ${outcome.exitCode}.`], [text(outcome.output.slice(-2000))]),
        data: outcome,
      };
    }
  }
}
