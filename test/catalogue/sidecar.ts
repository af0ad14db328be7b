// The sidecar formats of fixtures/tracebacks (see fixtures/tracebacks/README.md) and how a sidecar becomes the
// Facts that classify receives. A typo in a sidecar fails the harness instead of being ignored.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { inspectModel } from "../../src/core/inspect/index.js";
import type { SourceMatch } from "../../src/core/fixes/find-sources.js";
import type { EnvFacts, Facts, ModelFacts } from "../../src/core/types.js";
import { repoRoot } from "../helpers/envs.js";
import { envFacts, modelFacts } from "./facts.js";

const source = z
  .string()
  .regex(/^(captured: \S+ .+|template: .+)$/, 'source is "captured: <env> <command>" or "template: <research id, version>"');

const factsFields = {
  /** A model fixture under fixtures/models whose inspected facts are passed to classify. */
  model: z.string().startsWith("fixtures/models/").optional(),
  /** Partial ModelFacts, for files that cannot live in the repo (a 2 GB truncated download, a user's PyTorch file). */
  file: z.record(z.string(), z.unknown()).optional(),
  /** Partial EnvFacts; null states that no environment was probed. */
  env: z.record(z.string(), z.unknown()).nullable().optional(),
  pythonMissing: z.boolean().optional(),
  /** What a static read of the user's code found (find-sources' SourceMatch records), as the session provides. */
  sources: z
    .array(z.strictObject({ name: z.string(), file: z.string(), line: z.number(), kind: z.enum(["class", "function", "assignment"]), registeredKey: z.string().nullable() }))
    .optional(),
};

export const expectSidecar = z.strictObject({ source, culprit: z.string().optional(), ...factsFields });
export const factsFixture = z.strictObject({ source, culprit: z.string().optional(), ...factsFields });
export const nearMissSidecar = z.strictObject({
  source,
  notCause: z.string(),
  cause: z.string().optional(),
  ...factsFields,
});

type FactsFields = {
  model?: string;
  file?: Record<string, unknown>;
  env?: Record<string, unknown> | null;
  pythonMissing?: boolean;
  sources?: SourceMatch[];
};

async function inspectedFacts(modelPath: string): Promise<ModelFacts> {
  const absolute = join(repoRoot, modelPath);
  if (!existsSync(absolute)) throw new Error(`sidecar names a model fixture that does not exist: ${modelPath}`);
  return inspectModel(absolute);
}

export async function factsFor(sidecar: FactsFields): Promise<Facts> {
  let file: ModelFacts | null = null;
  if (sidecar.model) file = await inspectedFacts(sidecar.model);
  if (sidecar.file) file = modelFacts({ ...(file ?? {}), ...(sidecar.file as Partial<ModelFacts>) });
  const env: EnvFacts | null = sidecar.env ? envFacts(sidecar.env as Partial<EnvFacts>) : null;
  return {
    file,
    env,
    load: null,
    ...(sidecar.pythonMissing ? { pythonMissing: true } : {}),
    ...(sidecar.sources ? { sources: sidecar.sources } : {}),
  };
}
