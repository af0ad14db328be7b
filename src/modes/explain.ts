// SCAFFOLD: replaced by the real mode.
import type { CliOptions } from "../cli.js";
import { UserError } from "../core/errors.js";

export async function runExplain(_target: string | undefined, _options: CliOptions): Promise<number> {
  throw new UserError("explain is not built yet.");
}
