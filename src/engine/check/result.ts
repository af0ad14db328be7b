// What `keras-fix check` says about one model: the record every output format is made from.
import type { LoadFix, ModelFacts } from "../../core/types.js";

export type CheckStatus = "loads" | "fails" | "dangerous" | "hung" | "crashed";

/** One model's verdict: what every output format is made from. Deterministic (no times, no pids), so shards merge. */
export interface CheckResult {
  path: string;
  /** The environment it was checked in (`envLabel`). */
  environment: string;
  /** What inspect found the file to be (hdf5, keras-zip, savedmodel, git-lfs-pointer, h5-weights, ...). */
  format: string;
  status: CheckStatus;
  /** The cause id (flows/<id>), null when it loads. */
  cause: string | null;
  title: string | null;
  culprit: string | null;
  /** The cause's one sentence for this file. */
  summary: string | null;
  /** The first paragraph of the cause's "How to fix". */
  fix: string | null;
  /** The error the load met, in one line (or why it was not loaded). */
  error: string | null;
  /** --fix only: the fix a real load proved, as `--auto`'s walk.fix, and in words (null: none was proven). */
  proven?: { fix: LoadFix; description: string } | null;
  /** --fix only: the load_<model>.py written for it (--write-loaders), else null. */
  loader?: string | null;
  /** --fix --bring-home only: the copy brought home and proven to load here, else null. */
  home?: string | null;
}

export interface TimedResult {
  result: CheckResult;
  seconds: number;
  /** The --custom-objects the load used, when the module defines some of the model's names: the fix that model's
   *  loader script needs, and the file's facts the script is written from. */
  loadedWith?: { fix: LoadFix; file: ModelFacts };
}
