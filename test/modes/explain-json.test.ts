// `explain --json` prints one JSON document for every exit code (issue 11): a refusal of text with no error in it
// (exit 2, `error` set), and a diagnosis of a message pasted without its exception type, quoted in a sentence.
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("explain --json", () => {
  it("prints a JSON document with `error` set when the text holds no error at all", () => {
    const run = runCli(["explain", "-", "--json"], { input: "hello, this is just a note\n" });
    expect(run.status).toBe(2);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ outcome: "error", exitCode: 2, diagnosis: null });
    expect(doc.error.message).toMatch(/No Python exception/);
  });

  it("diagnoses an error message quoted inside a sentence, with ranked alternatives", () => {
    const input = "I get \"Could not locate function 'weighted_mse'. Make sure custom classes and functions are decorated\" when loading\n";
    const run = runCli(["explain", "-", "--json"], { input });
    expect(run.status).toBe(1);
    const doc = JSON.parse(run.stdout);
    const ranked = [doc.diagnosis.cause, ...doc.diagnosis.alternatives.map((a: { cause: string }) => a.cause)];
    expect(ranked.slice(0, 3)).toContain("custom-loss-missing");
    expect(doc.diagnosis.culprit).toContain("weighted_mse");
  });
});
