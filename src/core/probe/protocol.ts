// What keras_probe.py may print: every JSON line is validated here, and anything else is a ProbeProtocolError.
// The probe's failures the user can act on (no start, a crash, a time limit) are ProbeErrors.
import { z } from "zod";
import { BugError, UserError } from "../errors.js";
import type { ExceptionInfo, LoadAttempt } from "../types.js";

// ---------------------------------------------------------------------------------------------------------------
// Errors

export type ProbeFailureReason = "spawn" | "exit" | "timeout";

/** The probe could not run or answer in time: something the user can act on (another Python, a longer --timeout). */
export class ProbeError extends UserError {
  constructor(
    message: string,
    readonly reason: ProbeFailureReason,
    readonly stderrTail: string,
    hint?: string,
  ) {
    super(stderrTail ? `${message}\n--- last lines of its stderr ---\n${stderrTail}` : message, hint);
    this.name = "ProbeError";
  }
}

/** The probe printed something that is not our protocol: a bug on our side. */
export class ProbeProtocolError extends BugError {
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(stderrTail ? `${message}\n--- last lines of its stderr ---\n${stderrTail}` : message);
    this.name = "ProbeProtocolError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Protocol (keras_probe.py writes these; anything else is a ProbeProtocolError)

const frameSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  function: z.string().nullable(),
  code: z.string().nullable().optional(),
});
const chainSchema = z.array(z.object({ type: z.string(), message: z.string(), frames: z.array(frameSchema) }));
const loaderSchema = z.enum(["keras3", "tf.keras", "tf_keras", "keras2"]).nullable();
const pythonEnvSchema = z.object({
  python: z.object({ path: z.string(), version: z.string() }),
  packages: z.record(z.string(), z.string().nullable()),
  backend: z.string().nullable(),
  legacyKeras: z.boolean(),
  loader: loaderSchema,
  importError: chainSchema.nullable(),
  importSeconds: z.number().nullable(),
  backendSource: z.string().nullable().optional(),
  distributions: z.array(z.object({ name: z.string(), version: z.string(), requires: z.array(z.string()) })).optional(),
  markers: z.record(z.string(), z.string()).optional(),
  importStderr: z.string().nullable().optional(),
});
const workerSchema = z.object({ pid: z.number().int(), kerasImports: z.number().int(), requests: z.number().int() });
const loadSchema = z.object({
  ok: z.boolean(),
  seconds: z.number(),
  chain: chainSchema,
  warnings: z.array(z.string()),
  model: z.object({ className: z.string(), params: z.number().nullable() }).nullable().optional(),
  stage: z.string().nullable(),
  endpoints: z.array(z.string()).nullable().optional(),
});
const resaveSchema = z.object({
  ok: z.boolean(),
  stage: z.string().nullable(),
  outPath: z.string().nullable(),
  load: loadSchema,
  saveSeconds: z.number().nullable(),
  reload: loadSchema.nullable(),
  maxAbsDiff: z.number().nullable(),
  inputShapes: z.array(z.array(z.number().int())).nullable(),
  error: chainSchema.nullable(),
});
// The rebuild-load op (keras_probe.py rebuild_load): a generated build_model() script, load_weights, weight check.
const rebuildSchema = z.object({
  ok: z.boolean(),
  stage: z.string().nullable(),
  error: chainSchema.nullable(),
  model: z.object({ className: z.string(), params: z.number().nullable() }).nullable(),
  weights: z
    .object({
      model: z.number(),
      stored: z.number(),
      matched: z.number(),
      unmatched: z.array(z.object({ name: z.string(), shape: z.array(z.number()).nullable() })),
      unused: z.array(z.object({ name: z.string(), shape: z.array(z.number()).nullable() })),
      unusedCount: z.number(),
    })
    .nullable(),
  outPath: z.string().nullable(),
  reload: loadSchema.nullable(),
  maxAbsDiff: z.number().nullable(),
  seconds: z.number(),
});
export type RebuildLoadResult = z.infer<typeof rebuildSchema>;
export const eventSchema = z.object({
  event: z.enum(["facts", "ready"]),
  protocol: z.literal(1),
  env: pythonEnvSchema,
  worker: workerSchema,
});
export const responseSchema = z.union([
  z.object({ id: z.number(), op: z.literal("load"), result: loadSchema, worker: workerSchema }),
  z.object({ id: z.number(), op: z.literal("resave-compare"), result: resaveSchema, worker: workerSchema }),
  z.object({ id: z.number(), op: z.literal("env"), env: pythonEnvSchema, worker: workerSchema }),
  z.object({ id: z.number(), op: z.literal("rebuild-load"), result: rebuildSchema, worker: workerSchema }),
  // Bringing a model home (src/core/bring-home/bring-home.ts validates the result itself).
  z.object({ id: z.number(), op: z.literal("bring-home-import"), result: z.record(z.string(), z.unknown()), worker: workerSchema }),
  z.object({ id: z.number(), op: z.literal("quit"), worker: workerSchema }),
  z.object({ id: z.number().nullable(), error: chainSchema, worker: workerSchema }),
]);

export type PythonEnv = z.infer<typeof pythonEnvSchema>;
export type ProbeResponse = z.infer<typeof responseSchema>;
export type WorkerStats = z.infer<typeof workerSchema>;

/** A load as the probe reports it: the LoadAttempt contract plus where it failed and which worker ran it. */
export interface ProbeLoadAttempt extends LoadAttempt {
  /** import-keras | fix (the fix itself failed: the user module raised, unknown shim) | load | predict | reload-process | crash; null on success. */
  stage: string | null;
  /** SavedModel signatures, listed when a TFSMLayer wrap failed. */
  endpoints?: string[] | null;
  worker: WorkerStats;
}

export interface ResaveCompareResult {
  ok: boolean;
  /** The first stage that failed: load | save | predict | reload | compare | crash; null on success. */
  stage: string | null;
  outPath: string | null;
  load: LoadAttempt & { stage: string | null };
  saveSeconds: number | null;
  /** The cold load of the new file in a fresh interpreter. */
  reload: (LoadAttempt & { stage: string | null }) | null;
  maxAbsDiff: number | null;
  inputShapes: number[][] | null;
  error: ExceptionInfo[] | null;
  /** One line saying what failed (the failing stage's final exception), null on success. */
  message: string | null;
  worker: WorkerStats;
}

/** The final exception of the stage that failed, as one line for summaries. */
export function resaveFailureMessage(result: Omit<ResaveCompareResult, "message">): string | null {
  if (result.ok) return null;
  const chain =
    result.stage === "load" ? result.load.chain : result.stage === "reload" ? (result.reload?.chain ?? []) : (result.error ?? []);
  const last = chain[chain.length - 1];
  const what = last ? `${last.type}: ${last.message.split("\n")[0]}` : "unknown error";
  return `${result.stage ?? "resave"} failed: ${what}`;
}
