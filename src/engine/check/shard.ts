// `--shard i/n`: a deterministic split of the models over n CI jobs. Models are ordered by a hash of their display
// path (so a new model lands anywhere, not always in the last shard) and dealt round-robin, so the shards are
// disjoint, cover every model and differ in size by at most one.
import { createHash } from "node:crypto";
import { UserError } from "../../core/errors.js";
import type { FoundModel } from "./find.js";

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(spec: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard ${spec}: expected i/n with 1 ≤ i ≤ n.`, "keras-fix check --shard 1/4");
  }
  return { index, count };
}

const hashOf = (path: string) => createHash("sha256").update(path).digest("hex");

/** The models of shard `index` of `count`, in their original (path) order. */
export function shardOf<T extends Pick<FoundModel, "path">>(models: T[], shard: Shard): T[] {
  const byHash = [...models].sort((a, b) => (hashOf(a.path) < hashOf(b.path) ? -1 : 1));
  const chosen = new Set(byHash.filter((_, i) => i % shard.count === shard.index - 1));
  return models.filter((model) => chosen.has(model));
}
