// The zod schema of `keras-fix inspect --json` (ModelFacts in src/core/types.ts): every output the tests see is
// validated against it, so a field that drifts from the contract fails here.
import { z } from "zod";

const layerNode: z.ZodType<unknown> = z.lazy(() =>
  z.object({
    name: z.string(),
    className: z.string(),
    custom: z.boolean(),
    lambda: z.boolean(),
    children: z.array(layerNode),
  }),
);

const lineExposure = z.union([z.object({ fixedIn: z.array(z.string().regex(/^\d+\.\d+\.\d+$/)).min(1) }).strict(), z.enum(["every-release", "not-reachable"])]);

/** ModelFacts.safety: the static safety read (src/core/inspect/safety.ts). */
export const safetySchema = z.object({
  verdict: z.enum(["ok", "caution", "dangerous"]),
  findings: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
      severity: z.enum(["caution", "dangerous"]),
      where: z.string().min(1),
      why: z.string().min(10),
      advisory: z.string().nullable(),
      exposure: z.object({ keras3: lineExposure, tfKeras: lineExposure, keras2: lineExposure }).strict(),
      openIn: z.string().min(5),
      installedOpen: z.boolean().nullable().optional(),
    }).strict(),
  ),
}).strict().refine(
  (read) => read.verdict === (read.findings.some((f) => f.severity === "dangerous") ? "dangerous" : read.findings.length > 0 ? "caution" : "ok"),
  "the verdict follows from the findings",
);

export const modelFactsSchema = z.object({
  schemaVersion: z.literal(1),
  path: z.string(),
  format: z.enum([
    "h5-model", "h5-weights", "tf-checkpoint", "keras-zip", "savedmodel", "tfjs", "keras-json", "git-lfs-pointer", "html", "empty",
    "truncated", "missing", "not-a-model",
  ]),
  problem: z.object({ cause: z.string(), message: z.string().min(10), hint: z.string().optional() }).nullable(),
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
    z.object({
      kind: z.enum(["layer", "model", "loss", "metric", "optimizer", "activation", "initializer", "regularizer",
        "constraint", "function", "other"]),
      className: z.string(),
      registeredName: z.string().nullable(),
      module: z.string().nullable(),
      key: z.string(),
      config: z.record(z.string(), z.unknown()).nullable(),
      where: z.array(z.string()),
    }),
  ),
  lambdas: z.array(
    z.object({
      layerName: z.string(),
      functionType: z.enum(["lambda", "function", "raw", "unknown"]),
      functionName: z.string().nullable(),
      hasBytecode: z.boolean(),
      module: z.string().nullable(),
    }),
  ),
  layers: layerNode.nullable(),
  kerasLine: z.enum(["keras1", "keras2", "tf-keras2", "keras3"]).nullable(),
  tensorflowVersion: z.string().nullable(),
  // Absent when nothing readable is at the path (format missing): nothing was read.
  safety: safetySchema.optional(),
  details: z.record(z.string(), z.unknown()),
}).strict();
