// The Lambda road with real Keras: models with Lambdas are saved by Keras 3 at test time (make_lambda_models.py),
// each Lambda is read without running it, the model is rebuilt in code and loads only its weights in one warm
// keras3 worker; the re-saved rebuild loads in safe mode in a fresh Python. tf.keras 2.15 gets the same on the
// Keras 2 fixture. A hostile Lambda (os.system on a canary path) is "dangerous", never copied, never run.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectModel } from "../../src/core/inspect/index.js";
import { readLambdaFacts, rebuildModel, resaveRebuilt } from "../../src/core/lambda/actions.js";
import type { LambdaReport } from "../../src/core/lambda/types.js";
import { startProbe, type ProbeSession } from "../../src/core/probe/probe.js";
import type { EffectDeps } from "../../src/engine/effects.js";
import { modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";
import { runCli, sha256 } from "../integration/custom-objects-helpers.js";

const work = mkdtempSync(join(tmpdir(), "kf-lambda-models-"));
const canary = join(work, "kf_canary_created");
const out = mkdtempSync(join(tmpdir(), "kf-lambda-out-"));
let probe: ProbeSession;

function deps(modelPath: string, session: ProbeSession | null = probe): EffectDeps {
  return {
    modelPath,
    facts: { file: null, env: session?.env ?? null, load: null },
    probe: () => {
      if (!session) throw new Error("this test runs no Keras");
      return session;
    },
    outputDir: out,
  };
}

const lambdasOf = (data: Record<string, unknown> | undefined) => (data?.lambdas ?? []) as LambdaReport[];

beforeAll(async () => {
  const made = spawnSync(pythonFor("keras3"), [join(repoRoot, "test", "lambda", "make_lambda_models.py"), work, canary], {
    encoding: "utf8",
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  expect(made.status, made.stderr.slice(-2000)).toBe(0);
  probe = await startProbe({ python: { path: pythonFor("keras3"), source: "flag" }, timeoutSeconds: 170 });
}, 180_000);

afterAll(async () => {
  await probe?.close();
  expect(existsSync(canary)).toBe(false);
});

describe("rebuilding Lambda models in code (Keras 3.15)", () => {
  for (const [file, expression] of [
    ["arithmetic.keras", "(x * 2.0) + 1.0"],
    ["backend_op.keras", "keras.ops.clip(x, 0.0, 1.0)"],
    ["closure_args.keras", "x * scale"],
    ["arithmetic.h5", "(x * 2.0) + 1.0"],
    ["functional.keras", "t[0] - (t[1] * 0.5)"],
  ] as const) {
    it(`${file}: shows the Lambda, rebuilds it and proves every weight`, async () => {
      const path = join(work, file);
      const before = sha256(path);
      const read = await readLambdaFacts(deps(path));
      const [lambda] = lambdasOf(read.data);
      expect(lambda).toMatchObject({ verdict: "tensor-maths", expression, python: expect.stringMatching(/^3\.11\./) });
      const rebuilt = await rebuildModel(deps(path));
      expect(rebuilt.data?.why).toMatch(/weights equal the file's/);
      expect(rebuilt.ok).toBe(true);
      const script = readFileSync(rebuilt.data!.path as string, "utf8");
      expect(script).toContain(`return ${expression}`);
      // JSON.parse keeps no int/float distinction: 3.0 comes back as 3, the same value for tensor maths.
      if (file.startsWith("closure")) expect(script).toContain('arguments={"scale": 3}');
      expect(sha256(path)).toBe(before);
    }, 120_000);
  }

  for (const file of ["keras3/functional_nested.keras", "keras3/functional_nested.h5"]) {
    it(`${file}: a nested functional model is rebuilt and every weight proven`, async () => {
      const rebuilt = await rebuildModel(deps(join(modelsDir, file)));
      expect(rebuilt.ok, String(rebuilt.data?.why)).toBe(true);
      expect(rebuilt.data!.code as string).toMatch(/def build_\w+\(\):/);
    }, 120_000);
  }

  it("re-saves the rebuild as a .keras that loads in safe mode in a fresh Python, with equal outputs", async () => {
    const path = join(work, "closure_args.keras");
    const rebuilt = await rebuildModel(deps(path));
    const resaved = await resaveRebuilt(rebuilt.data!.path as string, deps(path));
    expect(resaved.ok, JSON.stringify(resaved.data)).toBe(true);
    expect((resaved.data!.rebuild as { maxAbsDiff: number }).maxAbsDiff).toBe(0);
    // The new file stores the function by its registered name: no bytecode left.
    const facts = await inspectModel(resaved.data!.path as string);
    expect(facts.lambdas.every((l) => !l.hasBytecode)).toBe(true);
  }, 120_000);

  it("a Lambda the decompiler does not support ends as an honest TODO listing what it uses", async () => {
    const path = join(work, "unsupported.keras");
    const rebuilt = await rebuildModel(deps(path));
    expect(rebuilt.ok).toBe(false);
    expect(rebuilt.data?.proven).toBe(false);
    expect(rebuilt.data?.why).toMatch(/TODO in branchy_fn: the decompiler cannot write it/);
    const script = rebuilt.data!.code as string;
    expect(script).toContain("# TODO(keras-fix)");
    expect(script).toContain("# It uses: keras.ops.maximum");
    expect(script).toContain("raise NotImplementedError");
  }, 120_000);

  for (const file of ["hostile.keras", "hostile.h5"]) {
    it(`${file}: os.system on a canary path is "dangerous", never copied and never run`, async () => {
      const path = join(work, file);
      const read = await readLambdaFacts(deps(path));
      const [lambda] = lambdasOf(read.data);
      expect(lambda.verdict).toBe("dangerous");
      expect(lambda.uses).toContain("os.system");
      expect(lambda.constants.join(" ")).toContain(canary);
      const rebuilt = await rebuildModel(deps(path));
      expect(rebuilt.ok).toBe(false);
      expect(rebuilt.data!.code as string).not.toContain("os.system(");
      expect(existsSync(canary)).toBe(false);
    }, 120_000);
  }

  it("--auto takes the rebuild road: proven is fixed (exit 0), the hostile file is not (exit 1), nothing runs", () => {
    const good = runCli("keras3", pythonFor("keras3"), [join(work, "backend_op.keras")]);
    expect(good.json.diagnosis?.cause).toBe("lambda-safe-mode");
    expect(good.json.walk?.steps.map((s) => s.action).filter(Boolean)).toEqual(["read-lambdas", "rebuild-model"]);
    expect(good.json.walk?.outcome).toBe("fixed");
    expect(good.status).toBe(0);
    expect(existsSync(join(good.cwd, "backend_op_rebuilt.py"))).toBe(true);

    const bad = runCli("keras3", pythonFor("keras3"), [join(work, "hostile.keras")]);
    expect(bad.json.walk?.outcome).toBe("not-fixed");
    expect(bad.status).toBe(1);
    const read = (bad.json.walk?.steps ?? []).find((s) => s.action === "read-lambdas") as { lambdas?: LambdaReport[] } | undefined;
    expect(read?.lambdas?.[0]).toMatchObject({ layerName: "hostile", verdict: "dangerous", uses: ["os.system"] });
    expect(existsSync(canary)).toBe(false);
  }, 340_000);
});

describe("every Lambda file in fixtures/models shows what each Lambda does", () => {
  const files = ["keras2/lambda_layer.h5", "keras2/lambda_uses_tf.h5", "keras3/lambda_layer.keras", "keras3/lambda_layer.h5", "tf21/lambda_layer_py37.h5"];
  it("lists every fixture whose config stores Lambda bytecode", async () => {
    const found: string[] = [];
    for (const line of ["keras2", "keras3", "keras3-extra", "tf21", "bad"]) {
      const manifest = JSON.parse(readFileSync(join(modelsDir, line, "MANIFEST.json"), "utf8")) as { files?: { file: string }[] };
      for (const entry of manifest.files ?? []) {
        const facts = await inspectModel(join(modelsDir, line, entry.file));
        if (facts.lambdas.some((l) => l.functionType === "lambda")) found.push(`${line}/${entry.file}`);
      }
    }
    expect(found.sort()).toEqual([...files].sort());
  });
  for (const file of files) {
    it(`${file}: each Lambda's body and uses, read without Keras`, async () => {
      const read = await readLambdaFacts(deps(join(modelsDir, file), null));
      const lambdas = lambdasOf(read.data);
      expect(lambdas.length).toBeGreaterThan(0);
      for (const lambda of lambdas) {
        expect(lambda.error).toBeNull();
        expect(lambda.expression).toBeTruthy();
        expect(lambda.verdict).toBe("tensor-maths");
      }
    });
  }
});

describe("tf.keras 2.15 (Keras 2) rebuild", () => {
  it("rebuilds the Keras 2 fixture, and its re-save loads in safe mode (Lambdas become registered layers)", async () => {
    const session = await startProbe({ python: { path: pythonFor("keras2"), source: "flag" }, timeoutSeconds: 170 });
    try {
      const path = join(modelsDir, "keras2", "lambda_uses_tf.h5");
      const rebuilt = await rebuildModel(deps(path, session));
      expect(rebuilt.ok, String(rebuilt.data?.why)).toBe(true);
      expect(rebuilt.data!.code as string).toContain("return tf.nn.relu(x) * 2.0");
      const resaved = await resaveRebuilt(rebuilt.data!.path as string, deps(path, session));
      expect(resaved.ok, JSON.stringify(resaved.data)).toBe(true);
      // Keras 2 numbers a nested model's calls from 1 (node 0 is its own construction).
      const nested = await rebuildModel(deps(join(modelsDir, "keras2", "functional_nested.h5"), session));
      expect(nested.ok, String(nested.data?.why)).toBe(true);
    } finally {
      await session.close();
    }
  }, 240_000);
});
