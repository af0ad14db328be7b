// The published JSON Schemas (docs/schema/*.schema.json) are what the zod schemas in src/engine/json-documents.ts
// generate, and every mode's real --json output conforms to them: loads, diagnosed, undiagnosed, the file settling
// it, and the error and refusal documents (bad --python, bad --custom-objects, text that is no traceback).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonDocuments, jsonSchemaOf, SCHEMA_VERSION } from "../../src/engine/json-documents.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { fixturesDir, modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";

type Name = keyof typeof jsonDocuments;

function conforms(name: Name, document: unknown, what: string): void {
  const parsed = jsonDocuments[name].safeParse(document);
  const issues = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  expect(issues, `${what} does not match docs/schema/${name}.schema.json`).toEqual([]);
  expect((document as { schemaVersion: number }).schemaVersion).toBe(SCHEMA_VERSION);
}

describe("the JSON contract", () => {
  it("docs/schema holds the schemas the zod types generate (npm run build && npm run schemas)", () => {
    for (const name of Object.keys(jsonDocuments) as Name[]) {
      const published = JSON.parse(readFileSync(join(repoRoot, "docs", "schema", `${name}.schema.json`), "utf8"));
      expect(published, `docs/schema/${name}.schema.json is stale`).toEqual(jsonSchemaOf(name));
    }
  });

  it("the schemas reject what breaks the contract and accept keys added later", () => {
    const inspected = jsonOf(runCli(["inspect", join(modelsDir, "keras3", "sequential.keras"), "--json"]));
    expect(jsonDocuments.inspect.safeParse({ ...inspected, futureField: 1 }).success).toBe(true);
    expect(jsonDocuments.inspect.safeParse({ ...inspected, format: "pickle" }).success).toBe(false);
    expect(jsonDocuments.inspect.safeParse({ ...inspected, schemaVersion: 2 }).success).toBe(false);
    const { path: _dropped, ...withoutPath } = inspected;
    expect(jsonDocuments.inspect.safeParse(withoutPath).success).toBe(false);
  });

  it("inspect --json: models, damaged and foreign files, a missing path", () => {
    const paths = [
      join(modelsDir, "keras3", "custom_layer_unregistered.h5"),
      join(modelsDir, "keras3", "lambda_layer.keras"),
      join(modelsDir, "keras2", "savedmodel_keras"),
      join(modelsDir, "bad", "empty.h5"),
      join(modelsDir, "bad", "lfs_pointer.h5"),
      join(modelsDir, "bad", "pickle_model.pkl"),
      join(modelsDir, "no-such-model.h5"),
    ];
    for (const path of paths) {
      const run = runCli(["inspect", path, "--json"]);
      conforms("inspect", jsonOf(run), `inspect ${path}`);
    }
  });

  it("explain --json: diagnosed, with --model, undiagnosed, and the refusal of text without an exception", () => {
    const traceback = join(fixturesDir, "tracebacks", "custom-layer-missing", "keras-2.2.4--custom-layer-multi-backend.txt");
    const diagnosed = runCli(["explain", traceback, "--json"]);
    conforms("explain", jsonOf(diagnosed), "explain (diagnosed)");
    expect(jsonOf(diagnosed).diagnosis.cause).toBe("custom-layer-missing");
    conforms("explain", jsonOf(runCli(["explain", traceback, "--model", join(modelsDir, "keras3", "custom_layer_unregistered.h5"), "--json"])), "explain --model");
    conforms("explain", jsonOf(runCli(["explain", "-", "--json"], { input: "ZeroDivisionError: division by zero\n" })), "explain (undiagnosed)");
    const refused = runCli(["explain", "-", "--json"], { input: "just some words\n" });
    expect(refused.status).toBe(2);
    conforms("explain", jsonOf(refused), "explain (refused)");
    expect(jsonOf(refused)).toMatchObject({ outcome: "error", error: { message: expect.stringMatching(/exception/i) } });
  });

  it("--auto --json: the file settles it, errors as documents, then a real Keras 3 diagnosis with its walk", { timeout: 600_000 }, () => {
    const missing = runCli([join(modelsDir, "no-such-model.h5"), "--auto", "--json", "--python", pythonFor("bare")]);
    conforms("auto", jsonOf(missing), "--auto on a missing file");
    expect(jsonOf(missing).outcome).toBe("diagnosed");

    const badPython = runCli([join(modelsDir, "keras3", "sequential.keras"), "--auto", "--json", "--python", "/no/such/python"]);
    expect(badPython.status).toBe(2);
    conforms("auto", jsonOf(badPython), "--auto with an unusable --python");
    // An unusable --python is an environment error that still carries its diagnosis (issue 9 §4).
    expect(jsonOf(badPython).outcome).toBe("error");
    expect(jsonOf(badPython).diagnosis).toMatchObject({ cause: "python-not-found" });
    expect(jsonOf(badPython).diagnosis.culprit).toMatch(/\/no\/such\/python/);

    const badModule = runCli([join(modelsDir, "keras3", "sequential.keras"), "--auto", "--json", "--custom-objects", "/no/such/layers.py"]);
    expect(badModule.status).toBe(2);
    conforms("auto", jsonOf(badModule), "--auto with a missing --custom-objects file");

    const real = runCli([join(modelsDir, "keras3", "custom_layer_unregistered.keras"), "--auto", "--json", "--python", pythonFor("keras3")]);
    const report = jsonOf(real);
    conforms("auto", report, "--auto on a real failing load");
    expect(report.diagnosis.cause).toBe("custom-layer-missing");
    expect(report.walk.steps.length).toBeGreaterThan(0);
  });
});
