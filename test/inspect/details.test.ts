// The facts inspect records for other code, on real fixtures: `details.weightShapes` of models with custom layers
// (checked against h5py reading the same files, and used by the skeleton generator to get a real Keras 3 load
// through) and
// `details.lambdaBytecode` (decoded by the marshal hint to the Python that wrote the fixture).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bytecodeHint } from "../../src/core/fixes/marshal-hint.js";
import { skeletonModule } from "../../src/core/fixes/skeleton.js";
import { inspectModel } from "../../src/core/inspect/index.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";

type Shapes = Record<string, { name: string; shape: number[] }[]>;

// What h5py lists for the same files: legacy layout by each layer group's weight_names, Keras 3 H5IOStore by
// every `vars` group (keyed by its `name` attribute), in index order.
const H5PY_SHAPES = `
import io, json, sys, zipfile, h5py
path = sys.argv[1]
source = io.BytesIO(zipfile.ZipFile(path).read("model.weights.h5")) if path.endswith(".keras") else path
table = {}
with h5py.File(source, "r") as f:
    if "model_weights" in f:
        g = f["model_weights"]
        for layer in g.attrs["layer_names"]:
            layer = layer.decode() if isinstance(layer, bytes) else layer
            names = [n.decode() if isinstance(n, bytes) else n for n in g[layer].attrs.get("weight_names", [])]
            table[layer] = [{"name": n, "shape": list(g[layer][n].shape)} for n in names]
    else:
        def visit(name, obj):
            if isinstance(obj, h5py.Group) and name.split("/")[-1] == "vars":
                key = obj.attrs.get("name", name.rsplit("/", 1)[0])
                if key not in table:
                    table[key] = [{"name": name + "/" + i, "shape": list(obj[i].shape)} for i in sorted(obj, key=int)]
        f["layers"].visititems(visit)
print(json.dumps(table))
`;

function h5pyShapes(path: string): Shapes {
  const run = spawnSync(pythonFor("keras3"), ["-c", H5PY_SHAPES, path], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Shapes;
}

describe("details.weightShapes", () => {
  it("lists a Keras 2 .h5's weights per layer by their stored names, as h5py does", async () => {
    const path = join(modelsDir, "keras2", "custom_layer_registered.h5");
    const facts = await inspectModel(path);
    expect(facts.details.weightShapes).toEqual({
      gate: [],
      dense: [{ name: "dense/kernel:0", shape: [4, 2] }, { name: "dense/bias:0", shape: [2] }],
    });
    expect(facts.details.weightShapes).toEqual(h5pyShapes(path));
  });

  for (const file of ["keras2/custom_layer_unregistered.h5", "keras3/custom_layer_registered.h5", "keras3/custom_layer_no_kwargs.h5", "keras3/custom_layer_unregistered.h5"]) {
    it(`matches h5py on ${file}`, async () => {
      const path = join(modelsDir, file);
      const facts = await inspectModel(path);
      expect(Object.keys(facts.details.weightShapes as Shapes).length).toBeGreaterThan(0);
      expect(facts.details.weightShapes).toEqual(h5pyShapes(path));
    });
  }

  it("reads a .keras model's model.weights.h5 when the model has custom layers, keyed by layer name", async () => {
    const path = join(modelsDir, "keras3", "custom_layer_nested_object.keras");
    const facts = await inspectModel(path);
    const shapes = facts.details.weightShapes as Shapes;
    expect(shapes.holder_layer).toEqual([]);
    expect(shapes.dense.map((w) => w.shape)).toEqual([[4, 2], [2]]);
    expect(shapes).toEqual(h5pyShapes(path));
  });

  for (const file of ["keras3/sequential.keras", "keras2/functional_nested.h5"]) {
    it(`skips the per-weight lookups for a model of built-in layers (${file}): nothing would use the shapes`, async () => {
      const facts = await inspectModel(join(modelsDir, file));
      expect(facts.customClasses).toEqual([]);
      expect(facts.details.weightShapes).toBeUndefined();
      expect(facts.details.weightShapesUnreadable).toBeUndefined();
    });
  }

  for (const file of ["custom_layer_unregistered.keras", "custom_layer_unregistered.h5"]) {
    it(`gives the skeleton what it needs for a real Keras 3 load of ${file}, weights included`, () => {
      return (async () => {
        const facts = await inspectModel(join(modelsDir, "keras3", file));
        const { code } = skeletonModule(facts.customObjects, facts, null);
        expect(code).toMatch(/self\.\w+ = self\.add_weight\(name="\w+", shape=\(4, 2\)/);
        const dir = mkdtempSync(join(tmpdir(), "kf-shapes-"));
        try {
          writeFileSync(join(dir, "skeleton_objects.py"), code);
          const mapping = facts.customObjects.map((r) => `${JSON.stringify(r.key)}: getattr(m, ${JSON.stringify(r.className)})`).join(", ");
          const script = `import sys, keras; sys.path.insert(0, ${JSON.stringify(dir)}); import skeleton_objects as m
model = keras.models.load_model(${JSON.stringify(facts.path)}, custom_objects={${mapping}}, compile=False)
print("LOADED", [tuple(w.shape) for w in model.weights])`;
          const run = spawnSync(pythonFor("keras3"), ["-c", script], { encoding: "utf8", env: { ...process.env, ...envVarsFor("keras3"), TF_CPP_MIN_LOG_LEVEL: "3" } });
          expect(run.stdout, run.stderr.slice(-1500)).toContain("LOADED [(4, 2)]");
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      })();
    });
  }
});

describe("details.lambdaBytecode", () => {
  const cases: [string, string][] = [
    ["keras2/lambda_layer.h5", "3.11"],
    ["keras3/lambda_layer.keras", "3.11"],
    ["keras3/lambda_layer.h5", "3.11"],
    ["tf21/lambda_layer_py37.h5", "3.7"],
  ];
  for (const [file, python] of cases) {
    it(`${file}: the stored lambda decodes to the Python that wrote it (${python})`, async () => {
      const facts = await inspectModel(join(modelsDir, file));
      const codes = facts.details.lambdaBytecode as string[];
      expect(codes.length).toBeGreaterThanOrEqual(1);
      expect(codes.length).toBeLessThanOrEqual(4);
      expect(bytecodeHint(codes[0])?.minors).toContain(python);
    });
  }

  it("is absent when no Lambda holds a Python lambda (a named function)", async () => {
    const facts = await inspectModel(join(modelsDir, "keras3", "lambda_named_function.h5"));
    expect(facts.hasLambda).toBe(true);
    expect(facts.details.lambdaBytecode).toBeUndefined();
  });
});
