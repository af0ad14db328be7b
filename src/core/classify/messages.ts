// The message table mined from the Keras, TensorFlow, tf_keras and h5py releases (catalogues/messages.json, written by
// scripts/mine-messages.py) and the map that says which cause each template means (catalogues/messages-map.json).
// At run time it answers one question: which releases word an error this way ("this wording is from keras
// 2.2.5–2.3.1"), which is evidence about the user's environment even when there is none to probe.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cataloguesDir } from "../versions/builtins.js";

export interface MinedMessage {
  type: string;
  kind: "raise" | "warn" | "log";
  template: string;
  /** The releases as runs: "keras 2.2.5–2.3.1, tf.keras (TF) 2.0.4–2.5.3". */
  wording: string;
  releases: string[];
  files: string[];
  functions: string[];
}

interface RuleBase {
  /** Regex over the template (holes appear as {name}). */
  match: string;
  /** Regex over the exception / warning type; any when absent. */
  type?: string;
  /** Regex every function that raises the template must match (e.g. only constructors); any when absent. */
  function?: string;
  /** Regex every file that raises the template must match (a module's own checks, triaged by structure); any when absent. */
  files?: string;
}
export type MessageRule =
  | (RuleBase & { cause: string; fill?: Record<string, string>; file?: Record<string, unknown>; env?: Record<string, unknown> })
  | (RuleBase & { irrelevant: string });

interface CompiledRule {
  rule: MessageRule;
  match: RegExp;
  type: RegExp | null;
  fn: RegExp | null;
  files: RegExp | null;
}

let rules: CompiledRule[] | null = null;
let table: MinedEntry[] | null = null;

export function loadMessageMap(): (MessageRule & { compiled: CompiledRule })[] {
  if (!rules) {
    const raw = JSON.parse(readFileSync(join(cataloguesDir(), "messages-map.json"), "utf8")) as { rules: MessageRule[] };
    rules = raw.rules.map((rule) => ({
      rule,
      match: new RegExp(rule.match),
      type: rule.type ? new RegExp(rule.type) : null,
      fn: rule.function ? new RegExp(rule.function) : null,
      files: rule.files ? new RegExp(rule.files) : null,
    }));
  }
  return rules.map((compiled) => ({ ...compiled.rule, compiled }));
}

/** The first rule of the map that claims this template. */
export function ruleFor(message: Pick<MinedMessage, "type" | "template" | "functions"> & { files?: string[] }, map = loadMessageMap()): MessageRule | null {
  for (const rule of map) {
    const { match, type, fn, files } = rule.compiled;
    if (fn && !message.functions.every((name) => fn.test(name))) continue;
    if (files && !(message.files ?? []).every((file) => files.test(file))) continue;
    if ((!type || type.test(message.type)) && match.test(message.template)) return rule;
  }
  return null;
}

// Plausible values for a template's holes, by the hole's name; anything else becomes a class-like name.
const FILLS: [RegExp, string][] = [
  [/^(filepath|path|file_path|export_dir|dirpath|filename|path_to_\w+|directory|name_or_path)$/i, "/home/me/models/model.h5"],
  [/^(obj_type)$/, "class"],
  [/^(module|parent_module|module_name|package)$/, "my_layers"],
  [/^(printable_module_name)$/, "layer"],
  [/^(config|full_config|identifier|cls_config|serialized|inner_config)$/,
    "{'module': None, 'class_name': 'MyCustomLayer', 'config': {'name': 'my_custom_layer', 'trainable': True}, 'registered_name': 'MyCustomLayer'}"],
  [/^(e|err|error|exception)$/, "Unknown layer: 'MyCustomLayer'"],
  [/^(version|keras_version|saved_version|tf_version)$/, "3.15.1"],
];

/** A synthetic instance of a template: each {hole} filled from `fill`, then from its name. */
export function fillTemplate(template: string, fill: Record<string, string> = {}): string {
  return template
    .replace(/\{(\w*)\}/g, (_all, hole: string) => fill[hole] ?? FILLS.find(([pattern]) => pattern.test(hole))?.[1] ?? "MyCustomLayer")
    .replace(/\{\{/g, "{")
    .replace(/\}\}/g, "}");
}

// A template as a tolerant pattern: a hole takes any text (a name that is not an identifier, "binary_crossentropy +
// jaccard_loss", a dotted path, "a>b", spaces); a quote matches either quote; a colon with or without the space after
// it; runs of spaces any whitespace.
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{\w*\}/).map((part) =>
    part
      .replace(/\{\{/g, "{")
      .replace(/\}\}/g, "}")
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      .replace(/['"]/g, `['"]`)
      .replace(/: /g, ":\\s?")
      .replace(/ +/g, "\\s+"),
  );
  return new RegExp(`^${parts.join("[\\s\\S]*?")}`);
}

// A template's literal parts and a message, both in one spelling (one quote, whitespace runs as one space, none after
// a colon), so that a message lacking any part is passed over before its pattern runs: a pattern with several holes
// can take a quarter of a second to fail on a long message.
function oneSpelling(text: string): string {
  return text.replace(/"/g, "'").replace(/\s+/g, " ").replace(/: /g, ":");
}

function literalParts(template: string): string[] {
  return template
    .split(/\{\w*\}/)
    .map((part) => oneSpelling(part.replace(/\{\{/g, "{").replace(/\}\}/g, "}")).trim())
    .filter((part) => part.length > 0);
}

type MinedEntry = { message: MinedMessage; pattern: RegExp; literals: string[] };

function minedTable(): MinedEntry[] {
  if (!table) {
    const raw = JSON.parse(readFileSync(join(cataloguesDir(), "messages.json"), "utf8")) as { messages: MinedMessage[] };
    // The whole load path's messages (scripts/mine-load-path.py: modules import keras / load_model import, and the
    // numpy, protobuf, h5py releases that broke TF and Keras at import), after the save/load table's own.
    const extra = join(cataloguesDir(), "messages-load-path.json");
    const loadPath = existsSync(extra) ? (JSON.parse(readFileSync(extra, "utf8")) as { messages: MinedMessage[] }).messages : [];
    const seen = new Set(raw.messages.map((message) => `${message.type}\u0000${message.template}`));
    const all = [...raw.messages, ...loadPath.filter((message) => !seen.has(`${message.type}\u0000${message.template}`))];
    table = all
      .filter((message) => message.kind === "raise")
      .map((message) => ({ message, pattern: templatePattern(message.template), literals: literalParts(message.template) }));
  }
  return table;
}

/** Reads and compiles the mined wordings now (about 0.1 s), so that a run can do it while Python imports Keras. */
export function warmWordings(): void {
  minedTable();
  loadMessageMap();
}

/** The mined templates of this exception type that this message is an instance of. */
function* instancesOf(exceptionType: string, text: string): Generator<MinedEntry> {
  const type = exceptionType.slice(exceptionType.lastIndexOf(".") + 1);
  const spelled = oneSpelling(text);
  for (const entry of minedTable()) {
    if (type && entry.message.type !== type) continue;
    if (entry.literals.every((part) => spelled.includes(part)) && entry.pattern.test(text)) yield entry;
  }
}

/**
 * The cause the message map gives the mined template this message is an instance of (the most specific template
 * first), or null: data-driven knowledge of every release's wording, for text no cause's own matchers recognised.
 */
export function minedCauseOf(exceptionType: string, message: string): { cause: string; template: string; wording: string } | null {
  const text = message.replace(/\s*\n\s*/g, " ").trim();
  if (text.length < 12) return null;
  const map = loadMessageMap();
  let best: { message: MinedMessage; literal: number; cause: string } | null = null;
  for (const { message: mined } of instancesOf(exceptionType, text)) {
    const literal = mined.template.replace(/\{\w*\}/g, "").length;
    if (literal < 20 || (best && literal <= best.literal)) continue;
    const rule = ruleFor(mined, map);
    if (rule && "cause" in rule) best = { message: mined, literal, cause: rule.cause };
  }
  return best ? { cause: best.cause, template: best.message.template, wording: best.message.wording } : null;
}

/**
 * The releases whose code words an error message this way, most specific template first (the longest literal text),
 * or null when no mined template matches it. A one-line message is enough.
 */
export function wordingOf(exceptionType: string, message: string): { template: string; wording: string } | null {
  const text = message.replace(/\s*\n\s*/g, " ").trim();
  if (text.length < 12) return null;
  let best: { message: MinedMessage; literal: number } | null = null;
  for (const { message: mined } of instancesOf(exceptionType, text)) {
    const literal = mined.template.replace(/\{\w*\}/g, "").length;
    if (literal >= 20 && (!best || literal > best.literal)) best = { message: mined, literal };
  }
  return best ? { template: best.message.template, wording: best.message.wording } : null;
}
