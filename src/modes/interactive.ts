// SCAFFOLD: replaced by interactive.tsx (the Ink app).
import type { CliOptions } from "../cli.js";
import { UserError } from "../core/errors.js";

export async function runInteractive(_target: string | undefined, _options: CliOptions): Promise<number> {
  throw new UserError("the wizard is not built yet.");
}
