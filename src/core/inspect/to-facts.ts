// The one place a reader's findings (found.ts) become ModelFacts: the config walked (model-facts.ts), the file's
// problem, the weight shapes stand-ins need, and the container's safety read (src/core/inspect/safety*.ts).
import type { ModelFacts, SafetyFinding } from "../types.js";
import { baseFacts } from "./facts.js";
import type { Found } from "./found.js";
import { factsFromModel } from "./model-facts.js";
import { finding, mergeSafety } from "./safety.js";
import { folderFindings } from "./safety-folder.js";
import { zipFindings } from "./safety-zip.js";

export async function toFacts(found: Found): Promise<ModelFacts> {
  const facts = found.kind === "config" ? await configFacts(found) : fileFacts(found);
  if (found.note !== undefined) facts.details = { ...facts.details, note: found.note };
  // Nothing readable at the path: nothing was read, so there is no verdict at all.
  if (facts.format === "missing") {
    delete facts.safety;
    return facts;
  }
  return withSafety(found.storageSafety ? { ...facts, safety: mergeSafety(facts.safety ?? [], found.storageSafety) } : facts);
}

async function configFacts(found: Extract<Found, { kind: "config" }>): Promise<ModelFacts> {
  const walked = factsFromModel(found);
  const facts: ModelFacts = {
    ...walked,
    problem: found.problem ?? walked.problem ?? found.problemUnlessWalk ?? null,
    ...(found.tensorflowVersion !== undefined ? { tensorflowVersion: found.tensorflowVersion } : {}),
  };
  if (found.weightShapes && facts.customClasses.length > 0 && !facts.problem) Object.assign(facts.details, await found.weightShapes());
  return facts;
}

function fileFacts(found: Extract<Found, { kind: "file" }>): ModelFacts {
  const facts: ModelFacts = { ...baseFacts(found.path, found.format, found.fileSize), problem: found.problem, details: found.details };
  if (found.kerasVersion !== undefined) facts.kerasVersion = found.kerasVersion;
  if (found.backend !== undefined) facts.backend = found.backend;
  if (found.kerasLine !== undefined) facts.kerasLine = found.kerasLine;
  if (found.tensorflowVersion !== undefined) facts.tensorflowVersion = found.tensorflowVersion;
  return facts;
}

/** The facts with the container's safety findings added to the config's (src/core/inspect/safety.ts). */
async function withSafety(facts: ModelFacts): Promise<ModelFacts> {
  let container: SafetyFinding[];
  try {
    if (facts.details.container === "zip") container = await zipFindings(facts.path);
    else if (facts.format === "savedmodel") container = folderFindings(facts.path, "savedmodel");
    else if (facts.details.layout === "directory") container = folderFindings(facts.path, "keras-folder");
    else container = [];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    container = [finding("safety-read-incomplete", "caution", "(file)", `keras-fix could not finish its safety read (${reason.slice(0, 160)}); treat the file as unchecked.`)];
  }
  return { ...facts, safety: mergeSafety(facts.safety ?? [], container) };
}
