// lambda-safe-mode: every Keras wording of the refusal; --auto never takes safe_mode=False (it needs consent) and
// ends on the rebuild route; with consent the verification carries safeMode false; NameError in a Lambda is here.
import { describe, expect, it } from "vitest";
import { facts } from "../catalogue/facts.js";
import { autoWalk, baseFor, causeOf, failed, ok, plainWalk, scriptedRunner, walkWith } from "../catalogue/walk.js";
import type { LambdaReport } from "../../src/core/lambda/types.js";

const cause = causeOf("lambda-safe-mode");
const lambdaFacts = facts({ file: { path: "/m/l.keras", hasLambda: true, lambdas: [{ layerName: "lambda", functionType: "lambda", functionName: null, hasBytecode: true, module: null }] } });
const L2 = "ValueError: The `{arg_name}` of this `Lambda` layer is a Python lambda. Deserializing it is unsafe. If you trust the source of the config artifact, you can override this error by passing `safe_mode=False` to `from_config()`, or calling `keras.config.enable_unsafe_deserialization().";

describe("lambda-safe-mode", () => {
  it("recognises L1, L1', L2 with the literal {arg_name}, L2' and L3", () => {
    for (const text of [
      L2,
      "ValueError: Requested the deserialization of a `lambda` object. This carries a potential risk of arbitrary code execution.",
      "ValueError: Requested the deserialization of a Python lambda. This carries a potential risk of arbitrary code execution.",
      "ValueError: Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda. This carries a potential risk.",
      "ValueError: Requested the deserialization of a Lambda layer with a Python `lambda` inside it. This carries a potential risk.",
    ]) {
      expect(baseFor(lambdaFacts, text).diagnosis).toMatchObject({ cause: "lambda-safe-mode", culprit: "Lambda layer lambda" });
    }
  });

  it("recognises keras-fix's own refusal (any Keras line) and says keras-fix, not Keras, refused it", async () => {
    // A bare last line is read as an exception only for *Error/*Exception names: the probe's chain always has frames.
    const refused = "Traceback (most recent call last):\n  File \"/k/keras_probe.py\", line 539, in func_load\nkeras_fix.KerasFixRefusedLambda: keras-fix refused to run the Python bytecode stored for Lambda layer 'scale' before it ran: loading it would execute code from the model file on this machine.";
    const base = baseFor(facts({ file: null }), refused);
    expect(base.diagnosis).toMatchObject({ cause: "lambda-safe-mode", culprit: "Lambda layer scale" });
    const walk = await autoWalk(cause, base);
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).not.toContain("safe_mode=False to");
    expect(cause.summary(base as never).flat().map((t) => ("value" in t ? t.value : "")).join("")).toMatch(/keras-fix refused it/);
    expect(cause.summary(base as never).flat().map((t) => ("value" in t ? t.value : "")).join("")).not.toMatch(/would have run it/);
  });

  it("--auto reads the Lambdas, explains the risk and takes the rebuild road without loading unsafely", async () => {
    const hostile: LambdaReport = {
      layerName: "lambda", python: "3.11.7", error: null, args: ["x"], arguments: {}, uses: ["os.system"], constants: ["'touch c'"],
      verdict: "dangerous", reasons: ["uses os.system: the operating system"], expression: null, unsupported: "POP_JUMP_IF_NONE", defaults: null, closure: {},
    };
    const runner = scriptedRunner([
      { expect: (r) => r.kind === "read-lambdas", result: ok({ lambdas: [hostile] }) },
      { expect: (r) => r.kind === "rebuild-model", result: { ok: false, summary: [], data: { why: "TODO in lambda_fn", path: "/w/l_rebuilt.py" } } },
    ]);
    const walk = await autoWalk(cause, baseFor(lambdaFacts, L2), runner.run);
    expect(runner.seen.map((r) => r.kind)).toEqual(["read-lambdas", "rebuild-model"]);
    expect(walk.outcome).toBe("not-fixed");
    const text = plainWalk(walk);
    expect(text).toContain("runs on your machine");
    expect(text).toContain("Do not allow this file's code to run");
    expect(text).toContain("TODO in lambda_fn");
    const unsafe = cause.steps.flatMap((s) => (s.kind === "choice" ? s.options : [])).find((o) => o.id === "unsafe");
    expect(unsafe?.needsConsent?.risk).toMatch(/trust/);
  });

  it("with consent, verifies safeMode false with keras-fix's guard lifted, and writes a loader carrying it", () => {
    const fix = { safeMode: false, allowStoredCode: true };
    const walk = walkWith(cause, baseFor(lambdaFacts, L2), { choose: "unsafe", loaded: "write-loader" }, { "read-lambdas": failed, "verify-unsafe": ok({ fix }), "loaded-loader": ok({}) });
    expect(walk.requests).toEqual([
      { kind: "read-lambdas" },
      { kind: "verify-load", fix },
      { kind: "write-loader", fix },
    ]);
    expect(walk.state.outcome).toBe("fixed");
  });

  it("a proven rebuild ends fixed, and the optional re-save carries the generated script", () => {
    const proven = ok({ path: "/w/l_rebuilt.py", proven: true, why: "all 2 weights equal the file's" });
    const walk = walkWith(cause, baseFor(lambdaFacts, L2), { rebuilt: "resave" }, { "read-lambdas": failed, rebuild: proven, "rebuilt-resave": ok({ path: "/w/l.rebuilt.keras" }) });
    expect(walk.requests).toEqual([{ kind: "read-lambdas" }, { kind: "rebuild-model" }, { kind: "resave-rebuilt", script: "/w/l_rebuilt.py" }]);
    expect(walk.state.outcome).toBe("fixed");
    expect(walk.text).toContain("from l_rebuilt import build_model");
    expect(walk.text).toContain("/w/l.rebuilt.keras");
  });

  it("owns a NameError raised inside a Lambda and tells how to give the global", async () => {
    const text = 'NameError: Exception encountered when calling layer "lambda_1" (type Lambda).\n\nname \'tf\' is not defined\n\nCall arguments received by layer "lambda_1" (type Lambda):\n  • inputs=tf.Tensor(shape=(None, 4), dtype=float32)';
    const base = baseFor(facts(), text);
    expect(base.diagnosis).toMatchObject({ cause: "lambda-safe-mode", culprit: "Lambda uses tf" });
    expect(plainWalk(await autoWalk(cause, base))).toContain('custom_objects={"tf": tf}');
    expect(baseFor(facts(), "NameError: name 'tf' is not defined").diagnosis.cause).not.toBe("lambda-safe-mode");
  });
});
