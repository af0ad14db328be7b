// The second paste-form set (issue 11, "Add a second set written from the mined table"): every template of
// catalogues/messages.json that catalogues/messages-map.json maps to a cause becomes a few synthetic tracebacks (the
// user's load_model line, then the frame of the file and function the table says raises it), their holes filled
// with several plausible names drawn from pools, not only the fill values the catalogue test uses. Each traceback
// then goes through the paste-form generator (scripts/paste-forms.mjs). The split into a tuning and a sealed half is
// by template, so every instance and form of one template falls in the same half. Deterministic: the generator is
// seeded by the template's hash.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Synthetic instances per template. */
export const INSTANCES_PER_TEMPLATE = 2;

// Name pools. Every name is custom in every Keras line (none is a built-in of the catalogues), as the placeholder it
// replaces was; a built-in name would change the cause the template means.
const POOLS = {
  layer: ["ScaledDense", "GatedResidualBlock", "PositionalEmbedding", "TransformerEncoderBlock", "AttentionPooling", "PatchEncoder", "CRFLayer", "SqueezeExcite"],
  model: ["SiameseNet", "UNetModel", "VariationalAutoencoder", "DeepFMModel", "MyModel"],
  activation: ["custom_swish", "scaled_tanh", "my_gelu", "hard_mish_fn", "sine_activation"],
  loss: ["focal_loss", "weighted_bce", "contrastive_loss", "jaccard_distance_loss", "smooth_l1"],
  metric: ["dice_coef", "recall_m", "precision_m", "f1_m", "mean_iou_metric"],
  optimizer: ["AdamWarmup", "WarmupAdam", "RAdamOptimizer", "LookaheadOptimizer", "AdaBeliefOptimizer"],
  module: ["custom_layers", "model_utils", "layers_lib", "nets", "train_helpers"],
  folder: ["/home/me/models/", "/content/drive/MyDrive/", "/Users/ana/projects/cnn/", "/data/exp42/", "/home/ubuntu/work/"],
};

// The placeholders the map's fills (and messages.ts' defaults) use, and the pool each is drawn from. `snake` makes
// the layer's instance name from the chosen class, as Keras does.
const PLACEHOLDERS = [
  { token: /MyCustomLayer/g, pool: "layer", culprit: true },
  { token: /my_custom_layer/g, pool: "layer", snake: true },
  { token: /MyCustomModel/g, pool: "model", culprit: true },
  { token: /my_custom_fn|my_activation/g, pool: "activation", culprit: true },
  { token: /my_weighted_loss/g, pool: "loss", culprit: true },
  { token: /my_f1_metric/g, pool: "metric", culprit: true },
  { token: /AdamWarmup/g, pool: "optimizer", culprit: true },
  { token: /\bmy_layers\b|\bmy_functions\b/g, pool: "module" },
  { token: /\/home\/me\/models\//g, pool: "folder" },
];

const NAMED_CULPRIT = /^(?:custom-(?:layer|function|loss|metric|optimizer)-missing|custom-object-config)$/;

const sha1 = (text) => createHash("sha1").update(text).digest();

// mulberry32: a small seeded generator, so the same table always gives the same set.
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const snakeCase = (name) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();

/** "tuning" or "sealed" for a mined template: all its instances and forms fall in one half. */
export function minedHalfOf(message) {
  return sha1(`keras-fix mined eval:${message.type}:${message.template}`)[0] % 2 === 0 ? "tuning" : "sealed";
}

// A traceback as Python prints it for a load that failed in `file`'s `fn`: the user's own line first.
function tracebackFor(message, body, random) {
  const python = ["3.8", "3.9", "3.10", "3.11", "3.12"][Math.floor(random() * 5)];
  const site = `/usr/local/lib/python${python}/site-packages`;
  const file = message.files[0] ?? "keras/saving.py";
  const fn = message.functions[0] ?? "load_model";
  const line = 100 + Math.floor(random() * 800);
  const type = message.type === "IOError" ? "OSError" : message.type;
  return [
    "Traceback (most recent call last):",
    `  File "/home/me/project/predict.py", line ${5 + Math.floor(random() * 30)}, in <module>`,
    '    model = keras.models.load_model(MODEL_PATH)',
    `  File "${site}/${file}", line ${line}, in ${fn}`,
    `    raise ${type}(`,
    `${type}: ${body}`,
  ].join("\n");
}

/**
 * The synthetic cases of the mined set: [{ cause, path, half, text, sidecar: { culprit?, file?, env? } }], the shape
 * scorePasteForms takes. `messages` is the module src/core/messages (or its dist/ build): its map and hole filler.
 */
export function minedCases(root, { loadMessageMap, ruleFor, fillTemplate }) {
  const table = JSON.parse(readFileSync(join(root, "catalogues", "messages.json"), "utf8"));
  const map = loadMessageMap();
  const cases = [];
  for (const message of table.messages) {
    if (message.kind !== "raise") continue;
    const rule = ruleFor(message, map);
    if (!rule || !("cause" in rule)) continue;
    const templateHash = sha1(`${message.type}:${message.template}`).toString("hex").slice(0, 12);
    const holes = [...new Set([...message.template.matchAll(/\{(\w*)\}/g)].map((match) => match[1]))];
    for (let instance = 0; instance < INSTANCES_PER_TEMPLATE; instance++) {
      const random = seeded(sha1(`${templateHash}:${instance}`).readUInt32BE(0));
      const picks = Object.fromEntries(Object.entries(POOLS).map(([pool, names]) => [pool, names[Math.floor(random() * names.length)]]));
      const substitute = (value) =>
        PLACEHOLDERS.reduce((text, { token, pool, snake }) => text.replace(token, snake ? snakeCase(picks[pool]) : picks[pool]), value);
      const fill = Object.fromEntries(holes.map((hole) => [hole, substitute(fillTemplate(`{${hole}}`, rule.fill ?? {}))]));
      const body = fillTemplate(message.template, fill);
      // The name is the culprit only where the cause is "this object is missing / cannot be rebuilt"; elsewhere a
      // class name in the message is context (the layer whose variables differ), and the culprit is something else.
      const culprit = NAMED_CULPRIT.test(rule.cause)
        ? PLACEHOLDERS.filter((p) => p.culprit).map((p) => picks[p.pool]).find((name) => body.includes(name))
        : undefined;
      cases.push({
        cause: rule.cause,
        path: `mined:${templateHash}#${instance}`,
        half: minedHalfOf(message),
        text: tracebackFor(message, body, random),
        sidecar: { ...(culprit ? { culprit } : {}), ...(rule.file ? { file: rule.file } : {}), ...(rule.env ? { env: rule.env } : {}) },
      });
    }
  }
  return cases;
}
