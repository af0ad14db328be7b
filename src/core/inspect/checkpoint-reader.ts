// Recognises a TensorFlow checkpoint (`checkpoint`, `<prefix>.index`, `<prefix>.data-00000-of-0000N`: what TF 2.x
// `save_weights` writes without `.h5`, and `ModelCheckpoint(save_weights_only=True)`) from whatever part of it a
// user points at: the folder, the prefix (which is not a file at all), the `.index`, a data shard or the
// `checkpoint` text file. It holds weights only, so it is a weights-only finding, with the variables it stores.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { hasTableMagic, modelVariables, readCheckpointIndex, type CheckpointVariable } from "./checkpoint-index.js";
import { type FoundFile, problemFound } from "./found.js";
import { problems } from "./problems.js";

const DATA_SHARD = /\.data-(\d{5})-of-(\d{5})$/;
/** The variables listed in details (the count is always complete). */
const MAX_LISTED = 200;
/** An index over this is not read whole (a real one is a few MB even for large models). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

export interface CheckpointPaths {
  /** The prefix, as `load_weights` wants it. */
  prefix: string;
  /** How the user named it: the folder, the prefix, the index, a shard or the `checkpoint` file. */
  via: "folder" | "prefix" | "index" | "data" | "checkpoint-file";
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

function endsLikeTable(path: string): boolean {
  const size = statSync(path).size;
  if (size < 8) return false;
  const fd = openSync(path, "r");
  try {
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, size - 8);
    return hasTableMagic(tail);
  } finally {
    closeSync(fd);
  }
}

/** The prefix the `checkpoint` text file names as the latest (`model_checkpoint_path: "..."`), when it exists. */
function latestFromStateFile(dir: string): string | null {
  const statePath = join(dir, "checkpoint");
  if (!isFile(statePath) || statSync(statePath).size > 1024 * 1024) return null;
  const match = /^model_checkpoint_path:\s*"((?:[^"\\]|\\.)*)"/m.exec(readFileSync(statePath, "utf8"));
  if (!match) return null;
  const named = match[1].replace(/\\(.)/g, "$1");
  // TF writes it relative to the folder; older writers (and copies) may hold an absolute path from another machine.
  const candidates = isAbsolute(named) ? [named, join(dir, basename(named))] : [join(dir, named)];
  return candidates.find((prefix) => isFile(`${prefix}.index`)) ?? null;
}

/** A folder's checkpoint: the one its `checkpoint` file names, else its only (or newest) `.index` with data beside. */
function prefixInFolder(dir: string): string | null {
  const latest = latestFromStateFile(dir);
  if (latest) return latest;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return null;
  }
  const prefixes = entries
    .filter((entry) => entry.endsWith(".index"))
    .map((entry) => entry.slice(0, -".index".length))
    .filter((prefix) => entries.some((entry) => entry.startsWith(`${prefix}.data-`) && DATA_SHARD.test(entry)));
  if (prefixes.length === 0) return null;
  const newest = prefixes.map((prefix) => ({ prefix, time: statSync(join(dir, `${prefix}.index`)).mtimeMs })).sort((a, b) => b.time - a.time)[0];
  return join(dir, newest.prefix);
}

/** Where the checkpoint is when `path` names part of one, or null. A `.index` alone counts (its data may be lost). */
export function findCheckpoint(path: string): CheckpointPaths | null {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const prefix = prefixInFolder(path);
    return prefix ? { prefix, via: "folder" } : null;
  }
  if (!existsSync(path) && isFile(`${path}.index`)) return { prefix: path, via: "prefix" };
  // Any file may be named .index: it is a checkpoint's when it ends like a TF table.
  if (path.endsWith(".index") && isFile(path) && endsLikeTable(path)) return { prefix: path.slice(0, -".index".length), via: "index" };
  if (DATA_SHARD.test(path) && isFile(path)) {
    const prefix = path.replace(DATA_SHARD, "");
    return isFile(`${prefix}.index`) ? { prefix, via: "data" } : null;
  }
  if (basename(path) === "checkpoint" && isFile(path)) {
    const prefix = latestFromStateFile(dirname(path));
    return prefix ? { prefix, via: "checkpoint-file" } : null;
  }
  return null;
}

/** The data shards the index needs and which of them are not there. */
function shardsOf(prefix: string, numShards: number | null): { present: string[]; missing: string[] } {
  const dir = dirname(prefix);
  const name = basename(prefix);
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    // An unreadable folder: every shard counts as missing below.
  }
  const present = entries.filter((entry) => entry.startsWith(`${name}.data-`) && DATA_SHARD.test(entry)).sort();
  const total = numShards ?? Number(DATA_SHARD.exec(present[0] ?? "")?.[2] ?? 1);
  const missing: string[] = [];
  for (let shard = 0; shard < total && missing.length < 20; shard++) {
    const file = `${name}.data-${String(shard).padStart(5, "0")}-of-${String(total).padStart(5, "0")}`;
    if (!present.includes(file)) missing.push(file);
  }
  return { present, missing };
}

/** The layer-level names the variables sit under (`layer_with_weights-0`, or `dense` in a name-based checkpoint). */
function layerNamesOf(variables: CheckpointVariable[]): string[] {
  const names: string[] = [];
  for (const { key } of variables) {
    const top = key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : key;
    if (!names.includes(top)) names.push(top);
  }
  return names;
}

export function readCheckpoint(path: string, found: CheckpointPaths): FoundFile {
  const { prefix, via } = found;
  const indexPath = `${prefix}.index`;
  const details: Record<string, unknown> = { container: "tf-checkpoint", checkpointPrefix: prefix, givenAs: via };
  if (via !== "prefix") details.note = `You gave the ${via === "folder" ? "folder" : via === "index" ? ".index file" : via === "data" ? "data shard" : "`checkpoint` file"}; the checkpoint's prefix (what load_weights takes) is ${prefix}.`;
  const size = statSync(indexPath).size;
  let variables: CheckpointVariable[] = [];
  let numShards: number | null = null;
  let allKeys: string[] = [];
  try {
    if (size > MAX_INDEX_BYTES) throw new Error(`the index is ${size} bytes, more than keras-fix reads`);
    const index = readCheckpointIndex(readFileSync(indexPath));
    numShards = index.numShards;
    allKeys = index.variables.map((variable) => variable.key);
    variables = modelVariables(index);
  } catch (error) {
    details.indexUnreadable = error instanceof Error ? error.message : String(error);
  }
  const shards = shardsOf(prefix, numShards);
  Object.assign(details, {
    dataShards: shards.present,
    missingShards: shards.missing,
    objectBased: allKeys.includes("_CHECKPOINTABLE_OBJECT_GRAPH"),
    hasOptimizerState: allKeys.some((key) => key.startsWith("optimizer/") || key.includes("/.OPTIMIZER_SLOT/")),
    variableCount: variables.length,
    variables: variables.slice(0, MAX_LISTED).map(({ key, shape, dtype }) => ({ name: key, shape, dtype })),
    layerNames: layerNamesOf(variables),
  });
  const facts = problemFound(path, "tf-checkpoint", size, problems.tfCheckpoint(prefix, variables.length, shards.missing), details);
  // Only tf.keras 2 writes Keras models into TF checkpoints (Keras 3's save_weights wants a .weights.h5 name);
  // `layer_with_weights-N` is how its object graph names a Sequential or functional model's layers.
  const kerasLine = allKeys.some((key) => /^layer(_with_weights)?-\d+\//.test(key)) ? "tf-keras2" : null;
  return { ...facts, kerasLine };
}
