// The wizard's first line ("keras-fix · path"), written straight to the terminal before Ink loads. It must not
// import Ink: it exists so that the first frame does not wait for it. The App leaves this line out of its transcript.
import chalk from "chalk";
import { sanitize } from "../core/content.js";

export function headerLine(modelPath: string): string {
  return `${chalk.bold("keras-fix")} · ${chalk.magenta(sanitize(modelPath))}`;
}

export function printHeader(modelPath: string, stream: NodeJS.WriteStream = process.stdout): void {
  stream.write(`${headerLine(modelPath)}\n`);
}
