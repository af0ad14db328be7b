// Colour follows no-color.org: a non-empty NO_COLOR turns it off, FORCE_COLOR (chalk's and Node's convention)
// overrides NO_COLOR, and --no-color beats both. chalk's one level governs everything we print: the reports, inspect's
// tree and, through Ink (which colours with the same chalk), the wizard.
import chalk from "chalk";

export function colorWanted(noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColorFlag) return false;
  if ("FORCE_COLOR" in env) return true;
  return !env.NO_COLOR;
}

/** Sets chalk's level before anything is drawn; chalk itself already reads FORCE_COLOR and the terminal. */
export function applyColorChoice(noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (!colorWanted(noColorFlag, env)) chalk.level = 0;
}
