// Walks the whole mined message table (catalogues/messages.json, written by scripts/mine-messages.py from the
// releases themselves): every template maps to a cause or is declared irrelevant with a reason
// (catalogues/messages-map.json, first matching rule wins), and a synthetic instance of every template that maps to
// a cause, its holes filled with plausible names, is classified as that cause.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { fillTemplate, loadMessageMap, ruleFor, type MinedMessage } from "../../src/core/classify/messages.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { repoRoot } from "../helpers/envs.js";
import { factsFor } from "./sidecar.js";

const table = JSON.parse(readFileSync(join(repoRoot, "catalogues", "messages.json"), "utf8")) as {
  coverage: { package: string; minor: string; file: string | null }[];
  messages: MinedMessage[];
};
// The whole load path's table (scripts/mine-load-path.py): not every template is triaged, but a rule may be there for
// one of its templates alone ("Cannot create group in read only mode", keras 2.2's h5dict).
const loadPath = JSON.parse(readFileSync(join(repoRoot, "catalogues", "messages-load-path.json"), "utf8")) as {
  coverage: { release: string; archive: string | null; modules: number; templates: number }[];
  messages: MinedMessage[];
};
const map = loadMessageMap();
const causeIds = new Set(causes.map((cause) => cause.id));

describe("the mined message table", () => {
  it("covers every Keras line: Keras 1 and 2.0-2.3, tf.keras in TF 1.x and 2.x, Keras 2.6-2.15, tf_keras, Keras 3", () => {
    const mined = new Set(table.coverage.filter((c) => c.file).map((c) => `${c.package} ${c.minor}`));
    for (const release of ["keras 1.2", "keras 2.2", "keras 2.3", "keras 2.10", "keras 2.15", "keras 3.0", "keras 3.15", "tf-keras 2.15",
      "tensorflow 1.15", "tensorflow 2.5", "h5py 3.12"]) {
      expect(mined).toContain(release);
    }
    expect(table.messages.length).toBeGreaterThan(500);
  });

  it("has a rule for every template, and each rule names a real cause or gives a reason", () => {
    for (const rule of map) {
      if ("cause" in rule) expect(causeIds).toContain(rule.cause);
      else expect(rule.irrelevant.length).toBeGreaterThan(10);
    }
    // No catch-all: a template that no rule claims (a new release's wording) fails here until someone triages it.
    const unmapped = table.messages.filter((message) => !ruleFor(message, map)).map((m) => `${m.type}: ${m.template}`);
    expect(unmapped).toEqual([]);
    expect(map.filter((rule) => rule.match === "" && !rule.type && !rule.function && !rule.files)).toEqual([]);
    // Every rule still claims a template (a rule left behind by a re-mine would hide nothing but mislead).
    const claimed = new Set([...table.messages, ...loadPath.messages].map((message) => ruleFor(message, map)));
    expect(map.filter((rule) => !claimed.has(rule)).map((rule) => rule.match)).toEqual([]);
  });

  it("triages the load path's templates by structure: a module's own checks by the files that raise them", () => {
    const unclaimed = loadPath.messages.filter((message) => !ruleFor(message, map));
    // 1,995 of 3,504 were claimed by no rule before the structural rules (issue 22); 1,002 of 4,058 after them, with
    // TensorFlow's installed keras-related modules mined too. A re-mine that adds many templates outside the triaged
    // modules shows here.
    expect(unclaimed.length).toBeLessThan(1100);
    const numpyCheck = { type: "ValueError", template: "some argument check {x}", functions: ["f"], files: ["numpy/lib/_function_base_impl.py"] };
    expect(ruleFor(numpyCheck, map)).toMatchObject({ irrelevant: expect.stringContaining("NumPy") });
    // A file outside the triaged modules keeps the template unclaimed.
    expect(ruleFor({ ...numpyCheck, files: ["numpy/lib/_function_base_impl.py", "keras/saving/save.py"] }, map)).toBeNull();
  });

  it("follows the whole load path of every Keras line and the import-time packages (scripts/mine-load-path.py)", () => {
    const mined = loadPath.coverage.filter((line) => line.archive && line.modules > 0).map((line) => line.release.split(" ")[0]);
    for (const pkg of ["keras", "tf_keras", "numpy", "protobuf", "h5py", "tensorflow"]) expect(mined, pkg).toContain(pkg);
    expect(loadPath.messages.some((message) => message.template.startsWith("Cannot create group in read only mode"))).toBe(true);
  });

  it("classifies a synthetic instance of every template that maps to a cause as that cause", async () => {
    const wrong: string[] = [];
    for (const message of table.messages) {
      const rule = ruleFor(message, map);
      if (!rule || !("cause" in rule)) continue;
      const text = `${message.type}: ${fillTemplate(message.template, rule.fill)}`;
      const diagnosis = classify(parseTraceback(text), await factsFor({ file: rule.file, env: rule.env }), causes);
      if (diagnosis.cause !== rule.cause) wrong.push(`${text.slice(0, 160)} -> ${diagnosis.cause}, expected ${rule.cause}`);
    }
    expect(wrong).toEqual([]);
  });
});
