// cpu-instruction-unsupported: the probe's SIGILL report and the shell's "Illegal instruction" both name the cause;
// a Python that really dies by SIGILL produces what the probe sees.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pythonFor } from "../helpers/envs.js";
import { autoWalk, baseFor, causeOf, plainWalk } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("cpu-instruction-unsupported");

describe("cpu-instruction-unsupported", () => {
  it("names a real SIGILL death of Python as the probe reports it", async () => {
    const run = spawnSync(pythonFor("bare"), ["-c", "import os, signal; os.kill(os.getpid(), signal.SIGILL)"], { encoding: "utf8" });
    expect(run.signal).toBe("SIGILL");
    // src/core/probe/probe.ts turns a signal death during import into this EnvFacts.importError.
    const importError = [{ type: run.signal!, message: `Python was killed by signal ${run.signal} (4) while importing Keras.`, frames: [] }];
    const base = baseFor(facts({ env: { packages: { tensorflow: "2.16.1" }, loader: null, importError } }), null);
    expect(base.diagnosis).toMatchObject({ cause: "cpu-instruction-unsupported", culprit: "tensorflow 2.16.1" });
    const walk = await autoWalk(cause, base);
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).toMatch(/AVX[\s\S]*KERAS_BACKEND=jax/);
  });

  it("reads the shell's and TensorFlow's own words", () => {
    expect(baseFor(facts(), "Illegal instruction (core dumped)").diagnosis.cause).toBe("cpu-instruction-unsupported");
    const avx = baseFor(
      facts(),
      "2018-04-03 10:21:36.212356: F tensorflow/core/platform/cpu_feature_guard.cc:37] The TensorFlow library was compiled to use AVX instructions, but these aren't available on this machine.\nAborted (core dumped)",
    );
    expect(avx.diagnosis).toMatchObject({ cause: "cpu-instruction-unsupported", captures: { instructions: "AVX" } });
  });

  it("does not take a plain crash with another signal for it", () => {
    const base = baseFor(facts({ env: { importError: [{ type: "SIGSEGV", message: "Python was killed by signal SIGSEGV (11) while importing Keras.", frames: [] }] } }), null);
    expect(base.diagnosis.cause).not.toBe("cpu-instruction-unsupported");
  });
});

describe("cpu-instruction-unsupported culprit (issue 22)", () => {
  it("names, from a paste alone, the instructions: TF's own guard's, else AVX; a Windows DLL failure names TensorFlow", () => {
    expect(baseFor(facts(), "$ python -c 'import tensorflow'\nIllegal instruction (core dumped)").diagnosis.culprit).toMatch(/^AVX \(/);
    const guard = "2018-09-01 10:00:00.000000: F tensorflow/core/platform/cpu_feature_guard.cc:37] The TensorFlow library was compiled to use AVX2 instructions, but these aren't available on your machine.";
    expect(baseFor(facts(), guard).diagnosis.culprit).toMatch(/^AVX2 \(/);
    const dll = "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: A dynamic link library (DLL) initialization routine failed.";
    expect(baseFor(facts(), dll).diagnosis).toMatchObject({ cause: "cpu-instruction-unsupported", culprit: "tensorflow" });
  });
});
