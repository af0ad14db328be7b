// The static safety read on hand-made hostile files (zips, configs, HDF5, folders) and on every real model fixture:
// hostile files get the verdict and the findings their trick calls for, real Keras files are never "dangerous",
// and the releases open to each finding follow the advisories' per-line fixed releases (not monotonic in 3.x).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { inspectModel } from "../../src/core/inspect/index.js";
import { EXPOSURE, isOpen, releaseIsOpen, withInstalled } from "../../src/core/inspect/safety-exposure.js";
import { scanConfig } from "../../src/core/inspect/safety.js";
import { npyHeader, pickleIn, unsafeName } from "../../src/core/inspect/safety-zip.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { installPlansForFacts } from "../../src/core/versions/versions.js";
import { installPlanFor } from "../../src/core/versions/plans.js";
import { envFacts, modelFacts } from "../catalogue/facts.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { manifestFixtures } from "../robustness/helpers.js";
import { modelFactsSchema } from "../inspect/schema.js";
import { objectNpy, writeUnsafeFiles, type UnsafeFile } from "./unsafe-files.js";

let dir: string;
let files: UnsafeFile[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keras-fix-safety-"));
  files = writeUnsafeFiles(join(dir, "files"), join(dir, "canaries"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hostile files", () => {
  it("each gets its verdict and findings, and the facts keep to the inspect --json schema", async () => {
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const facts = modelFactsSchema.parse(await inspectModel(file.path));
      const ids = facts.safety!.findings.map((f) => f.id);
      expect({ label: file.label, verdict: facts.safety!.verdict }).toEqual({ label: file.label, verdict: file.verdict });
      for (const id of file.ids) expect(ids, file.label).toContain(id);
    }
  });

  it("reads HDF5 links and non-numeric datasets (files made by h5py from a real Keras 2 .h5)", async () => {
    const script = fileURLToPath(new URL("make_unsafe_h5.py", import.meta.url));
    const made = spawnSync(pythonFor("keras3"), [script, join(modelsDir, "keras2", "sequential.h5"), dir, join(modelsDir, "keras3", "sequential.keras")], { encoding: "utf8", timeout: 120_000 });
    expect(made.status, made.stderr).toBe(0);
    const byName = Object.fromEntries(
      await Promise.all((JSON.parse(made.stdout) as string[]).map(async (path) => [path.split("/").pop()!, (await inspectModel(path)).safety] as const)),
    );
    expect(byName["h5-external-link.h5"]).toMatchObject({ verdict: "dangerous", findings: [{ id: "h5-link", where: "/model_weights/stolen" }] });
    expect(byName["h5-object-dataset.h5"]!.verdict).toBe("caution");
    expect(byName["h5-object-dataset.h5"]!.findings.map((f) => f.where).sort()).toEqual(["/model_weights/evil_objects", "/model_weights/evil_opaque"]);
    expect(byName["keras-weights-external-link.keras"]).toMatchObject({ verdict: "dangerous", findings: [{ id: "h5-link", where: "model.weights.h5:/stolen" }] });
    expect(byName["h5-config-tfsmlayer.h5"]).toMatchObject({ verdict: "dangerous", findings: [{ id: "config-tfsmlayer" }] });
  });
});

describe("real Keras files", () => {
  it("are never dangerous; stored lambdas are a caution, named after where they sit", async () => {
    const fixtures = manifestFixtures().filter((f) => f.set !== "bad");
    expect(fixtures.length).toBeGreaterThan(20);
    for (const fixture of fixtures) {
      const facts = await inspectModel(fixture.path);
      expect({ file: `${fixture.set}/${fixture.file}`, verdict: facts.safety!.verdict === "dangerous" ? facts.safety!.findings : "not dangerous" })
        .toEqual({ file: `${fixture.set}/${fixture.file}`, verdict: "not dangerous" });
      if (facts.lambdas.some((l) => l.hasBytecode && l.functionType === "lambda")) {
        expect(facts.safety!.findings.map((f) => f.id).join(), `${fixture.set}/${fixture.file}`).toMatch(/lambda-bytecode/);
      }
    }
  });
});

describe("config rules", () => {
  const noBuiltins = () => false;
  it("tell a module a Keras would import from the user's own `builtins` functions", () => {
    // Keras 3 writes module "builtins" for functions defined in __main__ (fixtures keras3/custom_loss.keras).
    expect(scanConfig({ loss: { module: "builtins", class_name: "function", config: "weighted_mse", registered_name: "function" } }, "c:", "native", noBuiltins)).toEqual([]);
    expect(scanConfig({ loss: { module: "builtins", class_name: "function", config: "eval", registered_name: "function" } }, "c:", "native", noBuiltins)[0]).toMatchObject({ id: "config-imports-module", severity: "dangerous" });
    // A legacy loader never imports `module`: a stdlib module there is odd, not an import.
    expect(scanConfig({ layers: [{ module: "os", class_name: "Dense", config: {} }] }, "c:", "legacy", noBuiltins)[0]).toMatchObject({ severity: "caution" });
    expect(scanConfig({ layers: [{ module: "my_project.layers", class_name: "Gate", config: {}, registered_name: "Custom>Gate" }] }, "c:", "native", noBuiltins)[0]).toMatchObject({ severity: "caution", where: "c:layers[0]" });
    expect(scanConfig({ deep: [[[{ class_name: "__lambda__", config: { code: "4wAA" } }]]] }, "c:", "native", noBuiltins)[0]).toMatchObject({ id: "lambda-bytecode-keras", where: "c:deep[0][0][0]" });
  });

  it("recognise pickles and object arrays from their first bytes", () => {
    expect(pickleIn(Buffer.from([0x80, 0x04, 0x95]))).toMatch(/protocol 4/);
    expect(pickleIn(objectNpy(Buffer.alloc(0)))).toMatch(/objects/);
    const structured = objectNpy(Buffer.alloc(0)).toString("latin1").replace("'|O'", "[('x', '<f4'), ('o', '|O')]");
    expect(npyHeader(Buffer.from(structured, "latin1"))?.hasObject).toBe(true);
    expect(pickleIn(Buffer.from(objectNpy(Buffer.alloc(0)).toString("latin1").replace("'|O'", "'<f4'"), "latin1"))).toBeNull();
    expect([unsafeName("assets/x/vocabulary.txt"), unsafeName("a/../../b"), unsafeName("C:\\x")].map(Boolean)).toEqual([false, true, true]);
  });
});

describe("exposure", () => {
  const tfsm = EXPOSURE["config-tfsmlayer"].exposure.keras3;
  const links = EXPOSURE["h5-link"].exposure.keras3;

  it("follows each 3.x line's own fixed release, and leaves lines between two fixes open", () => {
    // CVE-2026-1462: fixed in 3.12.1, 3.13.2 and 3.14.0.
    expect(["3.11.3", "3.12.0", "3.12.1", "3.13.0", "3.13.1", "3.13.2", "3.14.0", "3.15.1"].map((v) => isOpen(tfsm, v))).toEqual([true, true, false, true, true, false, false, false]);
    // GHSA-27f4-p4xq-cxg8: fixed in 3.12.3 and 3.15.0 only; 3.13.x and 3.14.x never got it.
    expect(["3.12.2", "3.12.3", "3.13.2", "3.14.1", "3.15.0"].map((v) => isOpen(links, v))).toEqual([true, false, true, true, false]);
  });

  it("says whether the installed Keras is open, and which releases version advice must avoid", () => {
    const finding = scanConfig({ layers: [{ module: "subprocess", class_name: "run", config: {} }] }, "c:", "native", () => false)[0];
    const env = (loader: "keras3" | "tf_keras", keras: string, tfKeras: string | null = null) =>
      envFacts({ loader, packages: { keras, tf_keras: tfKeras } });
    expect(withInstalled(finding, env("keras3", "3.5.0")).installedOpen).toBe(true);
    expect(withInstalled(finding, env("keras3", "3.15.1")).installedOpen).toBe(false);
    expect(withInstalled(finding, env("tf_keras", "3.15.1", "2.21.0")).installedOpen).toBe(true);
    expect(withInstalled(finding, null).installedOpen).toBeNull();
    expect(releaseIsOpen([finding], "keras3", "3.8.0")).toBe(true);
    expect(releaseIsOpen([finding], "keras3", "3.9.0")).toBe(false);
  });
});

describe("the policy in classification", () => {
  it("files Keras 3.14's refusal of a dangerous file as unsafe-model-file, and a safe file's as a missing class", async () => {
    const file = files.find((f) => f.label === "config-subprocess-run")!;
    const dangerous = await inspectModel(file.path);
    const chain = parseTraceback("Traceback (most recent call last):\n  File \"/x/keras/src/saving/serialization_lib.py\", line 800, in _retrieve_class_or_fn\nTypeError: Could not locate class 'run'. Make sure custom classes and functions are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': 'subprocess', 'class_name': 'run'}");
    expect(classify(chain, { file: dangerous, env: null, load: null }, causes).cause).toBe("unsafe-model-file");
    const safe = await inspectModel(files.find((f) => f.label === "real-sequential")!.path);
    expect(classify(chain, { file: safe, env: null, load: null }, causes).cause).not.toBe("unsafe-model-file");
  });
});

describe("version advice", () => {
  it("never points at a release open to a dangerous finding", () => {
    const [finding] = scanConfig({ layers: [{ module: "subprocess", class_name: "run", config: {} }] }, "c:", "native", () => false);
    const env = envFacts({ loader: "keras3", packages: { keras: "3.4.0", tensorflow: "2.16.1" }, python: { path: "python", version: "3.11.9", source: "path" } });
    const file = (safety: boolean) => modelFacts({ format: "keras-zip", kerasVersion: "3.5.0", kerasLine: "keras3", ...(safety ? { safety: { verdict: "dangerous" as const, findings: [finding] } } : {}) });
    // Without findings the floor is the Keras that wrote the file; with CVE-2025-1550 in it, the release that refuses it.
    expect(installPlansForFacts({ file: file(false), env, load: null }, "m.keras")[0].packages).toContain('"keras>=3.5"');
    const plans = installPlansForFacts({ file: file(true), env, load: null }, "m.keras");
    expect(plans[0].packages).toContain('"keras>=3.9.0"');
    expect(plans[0].why.join(" ")).toMatch(/open to what keras-fix found/);
    // tf_keras imports any module a config names, in every release: a Keras 2 file's tf_keras route is dropped.
    const keras2File = modelFacts({ format: "keras-zip", kerasVersion: "2.15.0", kerasLine: "tf-keras2", safety: { verdict: "dangerous", findings: [finding] } });
    const unfiltered = installPlanFor({ fileKerasVersion: "2.15.0", fileLine: "tf-keras2", userPython: "3.11.9", currentPackages: env.packages });
    expect(unfiltered.length).toBeGreaterThan(0);
    expect(installPlansForFacts({ file: keras2File, env, load: null }, "m.keras")).toEqual([]);
  });
});
