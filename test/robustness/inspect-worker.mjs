// Runs the built inspectModel over the paths given as JSON on stdin, in a child process the fuzz harness can kill
// and measure: one `start` line before each input, one result line after, and this process' peak RSS at the end.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [, , distInspect] = process.argv;
const { inspectModel } = await import(pathToFileURL(distInspect).href);
const paths = JSON.parse(readFileSync(0, "utf8"));

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function peakKb() {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) : null;
}

for (let i = 0; i < paths.length; i++) {
  send({ i, start: true });
  try {
    const facts = await inspectModel(paths[i]);
    // The CLI prints these facts as JSON: a document that cannot be serialised is a failure too.
    let json;
    try {
      json = JSON.stringify(facts);
    } catch (error) {
      send({ i, unserialisable: String(error) });
      continue;
    }
    send({ i, format: facts.format, problem: facts.problem, jsonBytes: json.length, json: json.length < 200_000 ? json : json.slice(0, 200_000), peakKb: peakKb() });
  } catch (error) {
    send({ i, threw: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) });
  }
}
send({ done: true, peakKb: peakKb() });
