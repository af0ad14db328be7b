// What `check --fix` adds to every format: the proven fix and the loader written, where the format has room for them,
// and nothing at all without --fix (the results then have neither field). The results here are made by hand: the
// CLI run with real Keras is test/check/fix.test.ts.
import { describe, expect, it } from "vitest";
import { parse as parseJunit } from "junit2json";
import { htmlReport, jsonLine, junitXml, markdown, sarifLog, textTable } from "../../src/engine/check/formats.js";
import type { CheckResult, TimedResult } from "../../src/engine/check/run.js";

const base: CheckResult = { path: "m.keras", environment: "Python 3.11 · keras 3", format: "keras-zip", status: "loads", cause: null, title: null, culprit: null, summary: null, fix: null, error: null };
const failing: CheckResult = { ...base, path: "loss/custom_loss.keras", status: "fails", cause: "custom-loss-missing", title: "A custom loss is missing", culprit: "weighted_mse", fix: "Load with compile=False." };

const withFix: TimedResult[] = [
  { result: { ...failing, proven: { fix: { compile: false }, description: "compile=False" }, loader: "loss/load_custom_loss<2>.py" }, seconds: 1 },
  { result: { ...failing, path: "other/unfixed.keras", proven: null, loader: null }, seconds: 1 },
  { result: { ...base, proven: null, loader: null }, seconds: 1 },
];
const withoutFix: TimedResult[] = [{ result: failing, seconds: 1 }, { result: base, seconds: 1 }];

describe("check --fix in each format", () => {
  it("the table lists each proven fix and loader, and the failing model with none", () => {
    const table = textTable(withFix);
    expect(table).toMatch(/Proven by --fix:\n {2}loss\/custom_loss\.keras: compile=False; wrote loss\/load_custom_loss<2>\.py\n {2}other\/unfixed\.keras: no fix proven/);
    // A model that loaded plainly has nothing to prove.
    expect(table).not.toMatch(/ {2}m\.keras:/);
    expect(textTable(withoutFix)).not.toContain("--fix");
  });

  it("JSON lines carry proven and loader with --fix only", () => {
    expect(JSON.parse(jsonLine(withFix[0].result))).toMatchObject({ proven: { fix: { compile: false } }, loader: "loss/load_custom_loss<2>.py" });
    expect(Object.keys(JSON.parse(jsonLine(withoutFix[0].result)))).not.toContain("loader");
  });

  it("markdown and HTML name the loader (escaped), JUnit's failure text and SARIF's properties carry it", async () => {
    expect(markdown(withFix)).toContain("- `loss/custom_loss.keras`: compile=False; wrote `loss/load_custom_loss&lt;2&gt;.py`");
    expect(markdown(withoutFix)).not.toContain("--fix");
    const page = htmlReport(withFix, "0.0.0");
    expect(page).toContain("<dt>Loader script written</dt><dd>loss/load_custom_loss&lt;2&gt;.py</dd>");
    expect(page).toContain("<dt>Proven fix (--fix)</dt><dd>no fix proven automatically</dd>");
    const junit = (await parseJunit(junitXml(withFix))) as any;
    const failure = junit.testsuite[0].testcase[0].failure[0];
    expect(failure.inner).toContain("loader written: loss/load_custom_loss<2>.py");
    const sarif = JSON.parse(sarifLog(withFix, "0.0.0"));
    expect(sarif.runs[0].results[0].properties).toMatchObject({ proven: { fix: { compile: false } }, loader: "loss/load_custom_loss<2>.py" });
    expect(JSON.parse(sarifLog(withoutFix, "0.0.0")).runs[0].results[0].properties).not.toHaveProperty("loader");
  });
});
