// The sidecar formats of fixtures/tracebacks (see fixtures/tracebacks/README.md) and how a sidecar becomes the
// Facts that classify receives. A typo in a sidecar fails the harness instead of being ignored.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
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
};

export const expectSidecar = z.strictObject({ source, culprit: z.string().optional(), ...factsFields });
export const factsFixture = z.strictObject({ source, culprit: z.string().optional(), ...factsFields });
export const nearMissSidecar = z.strictObject({
  source,
  notCause: z.string(),
  cause: z.string().optional(),
  ...factsFields,
});

type FactsFields = { model?: string; file?: Record<string, unknown>; env?: Record<string, unknown> | null; pythonMissing?: boolean };

interface ManifestEntry {
  file: string;
  expect: Partial<ModelFacts>;
}

// Until src/core/inspect lands, a model fixture's facts come from the `expect` block its generator wrote into the
// MANIFEST.json beside it (the same values the inspect tests assert).
async function inspectedFacts(modelPath: string): Promise<ModelFacts> {
  const absolute = join(repoRoot, modelPath);
  if (!existsSync(absolute)) throw new Error(`sidecar names a model fixture that does not exist: ${modelPath}`);
  const inspectModule = join(repoRoot, "src", "core", "inspect", "index.ts");
  if (existsSync(inspectModule)) {
    const { inspectModel } = (await import(inspectModule)) as { inspectModel: (path: string) => Promise<ModelFacts> };
    return inspectModel(absolute);
  }
  const manifest = JSON.parse(readFileSync(join(dirname(absolute), "MANIFEST.json"), "utf8")) as { files: ManifestEntry[] };
  const entry = manifest.files.find((candidate) => candidate.file === basename(absolute));
  if (!entry) throw new Error(`${modelPath} is not listed in its MANIFEST.json`);
  const stats = statSync(absolute);
  return modelFacts({ ...entry.expect, path: absolute, fileSize: stats.isFile() ? stats.size : null });
}

export async function factsFor(sidecar: FactsFields): Promise<Facts> {
  let file: ModelFacts | null = null;
  if (sidecar.model) file = await inspectedFacts(sidecar.model);
  if (sidecar.file) file = modelFacts({ ...(file ?? {}), ...(sidecar.file as Partial<ModelFacts>) });
  const env: EnvFacts | null = sidecar.env ? envFacts(sidecar.env as Partial<EnvFacts>) : null;
  return { file, env, load: null, ...(sidecar.pythonMissing ? { pythonMissing: true } : {}) };
}
