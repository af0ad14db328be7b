// The JSON contract: the documents `--json` prints (inspect, --auto, explain) as zod schemas, from which
// scripts/make-schemas.mjs writes docs/schema/*.schema.json. Objects accept keys they do not list (a newer
// keras-fix may add fields; readers must ignore what they do not know); `schemaVersion` changes when a listed field
// changes meaning or goes away.
import { z } from "zod";

export const SCHEMA_VERSION = 1;

const frame = z.looseObject({ file: z.string(), line: z.number().int().nullable(), function: z.string().nullable(), code: z.string().nullable().optional() });
const exceptionChain = z.array(z.looseObject({ type: z.string(), message: z.string(), frames: z.array(frame) }));

const layerNode: z.ZodType<unknown> = z.lazy(() =>
  z.looseObject({ name: z.string(), className: z.string(), custom: z.boolean(), lambda: z.boolean(), children: z.array(layerNode) }),
);

/** `keras-fix inspect --json`: ModelFacts (src/core/types.ts). */
export const inspectDocument = z
  .looseObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    path: z.string(),
    format: z.enum([
      "h5-model", "h5-weights", "keras-zip", "savedmodel", "tfjs", "keras-json", "git-lfs-pointer", "html", "empty",
      "truncated", "missing", "not-a-model",
    ]),
    problem: z.looseObject({ cause: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
    kerasVersion: z.string().nullable(),
    backend: z.string().nullable(),
    topClass: z.string().nullable(),
    layerClasses: z.array(z.string()),
    customClasses: z.array(z.string()),
    hasLambda: z.boolean(),
    compiled: z.boolean(),
    loss: z.unknown(),
    metrics: z.unknown(),
    optimizer: z.string().nullable(),
    fileSize: z.number().int().nonnegative().nullable(),
    customObjects: z.array(
      z.looseObject({
        kind: z.string(),
        className: z.string(),
        registeredName: z.string().nullable(),
        module: z.string().nullable(),
        key: z.string(),
        config: z.record(z.string(), z.unknown()).nullable(),
        where: z.array(z.string()),
      }),
    ),
    lambdas: z.array(
      z.looseObject({
        layerName: z.string(),
        functionType: z.string(),
        functionName: z.string().nullable(),
        hasBytecode: z.boolean(),
        module: z.string().nullable(),
      }),
    ),
    layers: layerNode.nullable(),
    kerasLine: z.enum(["keras1", "keras2", "tf-keras2", "keras3"]).nullable(),
    tensorflowVersion: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ title: "keras-fix inspect --json", description: "What a model file says, read without Python." });

const env = z.looseObject({
  python: z.looseObject({ path: z.string(), version: z.string(), source: z.string() }),
  packages: z.record(z.string(), z.string().nullable()),
  backend: z.string().nullable(),
  legacyKeras: z.boolean(),
  loader: z.enum(["keras3", "tf.keras", "tf_keras", "keras2"]).nullable(),
  importError: exceptionChain.nullable(),
  importSeconds: z.number().nullable(),
});

const diagnosis = z.looseObject({
  cause: z.string(),
  title: z.string(),
  culprit: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()),
  alternatives: z.array(z.looseObject({ cause: z.string(), confidence: z.number() })),
  captures: z.record(z.string(), z.string()),
});

// Everything that stands between the file and a load (src/engine/every-cause.ts): the cause the user's load met
// first (`hitFirst`, the same as `diagnosis` unless a fix chain moved on), then each one the file and the environment
// show behind it, strongest first; `met` when a load of this run hit it. Empty when the load worked or nothing was named.
const standingCause = z.looseObject({
  cause: z.string(),
  title: z.string(),
  culprit: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  hitFirst: z.boolean(),
  met: z.boolean(),
  evidence: z.array(z.string()),
});

const walk = z.looseObject({
  outcome: z.enum(["fixed", "not-fixed", "escalate"]),
  fix: z.record(z.string(), z.unknown()).nullable(),
  wrote: z.array(z.string()),
  // explain: the action step its walk stopped before (it needs the model file or a Python); null when none.
  stoppedBefore: z.looseObject({ id: z.string(), title: z.string() }).nullable().optional(),
  // The proven fix's loader script: written (--write-loaders), or only shown, with the command that writes it.
  loader: z.looseObject({ written: z.boolean(), path: z.string(), code: z.string(), command: z.string().nullable() }).nullable().optional(),
  // Each version plan the walk showed, proven (loaded in a trial environment) or not.
  plans: z
    .array(
      z.looseObject({
        status: z.enum(["proven", "unproven"]),
        packages: z.array(z.string()),
        proof: z.looseObject({ proven: z.boolean(), pins: z.array(z.string()), python: z.string().nullable(), message: z.string() }).nullable(),
      }),
    )
    .optional(),
  steps: z.array(
    z.looseObject({
      id: z.string(),
      kind: z.enum(["info", "choice", "input", "action", "end"]),
      title: z.string(),
      text: z.string(),
      choice: z.string().nullable(),
      action: z.string().nullable(),
      ok: z.boolean().nullable(),
      result: z.string().nullable(),
      // A copy of the model written for the user's own Keras after a trial proved a plan (--bring-home, the wizard).
      bringHome: z
        .looseObject({
          proven: z.boolean(),
          path: z.string().nullable(),
          maxAbsDiff: z.number().nullable(),
          tolerance: z.number().nullable(),
          route: z.enum(["simple", "rebuild"]).nullable(),
          stage: z.string().nullable(),
          why: z.string(),
        })
        .optional(),
    }),
  ),
});

/** A finished run (src/engine/report.ts toJsonDocument): what `--auto --json` and `explain --json` print. */
const runDocument = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  path: z.string().nullable(),
  file: inspectDocument.nullable(),
  env: env.nullable(),
  load: z
    .looseObject({ ok: z.boolean(), exceptionType: z.string().nullable(), message: z.string().nullable(), seconds: z.number(), warnings: z.array(z.string()) })
    .nullable(),
  diagnosis: diagnosis.nullable(),
  causes: z.array(standingCause),
  summary: z.string().nullable(),
  walk: walk.nullable(),
  outcome: z.enum(["loads", "diagnosed", "undiagnosed", "error"]),
  exitCode: z.number().int(),
  error: z.looseObject({ message: z.string(), hint: z.string().optional() }).nullable(),
});

export const autoDocument = runDocument.meta({
  title: "keras-fix <model> --auto --json",
  description: "A whole run: the file, the Python, the load, the diagnosis and the fix walk --auto took.",
});

export const explainDocument = runDocument.meta({
  title: "keras-fix explain <traceback> --json",
  description: "The diagnosis of a pasted traceback, and its fix steps up to the first that needs the model file or a Python (no Python runs: env is null, nothing is written).",
});

export const jsonDocuments = { inspect: inspectDocument, auto: autoDocument, explain: explainDocument } as const;

/** The JSON Schema (draft 2020-12) of one document, as published in docs/schema/<name>.schema.json. */
export function jsonSchemaOf(name: keyof typeof jsonDocuments): Record<string, unknown> {
  return z.toJSONSchema(jsonDocuments[name], { target: "draft-2020-12", io: "output" }) as Record<string, unknown>;
}
