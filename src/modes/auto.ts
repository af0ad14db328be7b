// SCAFFOLD: replaced by the real mode.
import type { CliOptions } from "../cli.js";
import { UserError } from "../core/errors.js";

export async function runAuto(_target: string | undefined, _options: CliOptions): Promise<number> {
  throw new UserError("auto is not built yet.");
}
