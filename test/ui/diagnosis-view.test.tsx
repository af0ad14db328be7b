// The diagnosis screen of a file with two problems: every cause listed under one heading, the one the load met first
// marked, and file text made safe; one cause alone shows no list.
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { DiagnosisView } from "../../src/ui/diagnosis-view.js";
import type { Diagnosis, StandingCause } from "../../src/core/types.js";
import { plain } from "./helpers.js";

const standing = (cause: string, title: string, culprit: string, hitFirst: boolean): StandingCause => ({ cause, title, culprit, confidence: 0.9, hitFirst, evidence: [], captures: {} });
const diagnosis = (causes: StandingCause[]): Diagnosis => ({
  cause: "keras2-file-in-keras3",
  title: "A Keras 2 file is being loaded by Keras 3",
  culprit: "TFOpLambda",
  confidence: 0.9,
  evidence: [],
  captures: {},
  alternatives: [],
  causes,
});
const view = (causes: StandingCause[]) =>
  plain(render(<DiagnosisView title="A Keras 2 file is being loaded by Keras 3" summary={[[{ kind: "text", value: "summary" }]]} diagnosis={diagnosis(causes)} />).lastFrame() ?? "");

describe("DiagnosisView", () => {
  it("lists two causes under 'Two things stand between this file and your Keras', the first one met marked", () => {
    const frame = view([
      standing("keras2-file-in-keras3", "A Keras 2 file is being loaded by Keras 3", "TFOpLambda", true),
      standing("custom-layer-missing", "A custom layer's code is missing", "Two\u001b[2JScale", false),
    ]);
    expect(frame).toContain("Two things stand between this file and your Keras");
    expect(frame).toMatch(/1\. A Keras 2 file is being loaded by Keras 3 \(TFOpLambda\) · the load met this first/);
    expect(frame).toMatch(/2\. A custom layer's code is missing \(Two\\x1b\[2JScale\)/);
    expect(frame).not.toMatch(/2\..*the load met this first/);
  });

  it("says three when there are three, and shows no list for one cause", () => {
    const three = view([
      standing("custom-layer-missing", "A custom layer's code is missing", "TwoScale", true),
      standing("custom-loss-missing", "A custom loss function's code is missing", "two_loss", false),
      standing("keras2-file-in-keras3", "A Keras 2 file is being loaded by Keras 3", "Keras 2 code of TwoScale", false),
    ]);
    expect(three).toContain("Three things stand between this file and your Keras");
    const one = view([standing("keras2-file-in-keras3", "A Keras 2 file is being loaded by Keras 3", "TFOpLambda", true)]);
    expect(one).not.toContain("stand between");
  });
});
