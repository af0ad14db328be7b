// `keras-fix explain` gives the fix steps, not only a diagnosis (issue 21): the cause's own walk, as --auto takes it,
// up to the first step that needs the model file or a Python; then the cause's "How to fix" and the command that
// goes on. With --model, the evidence about the file comes from that file: the name the traceback blames is looked
// up in it, and a score the file did not move is not credited to it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causeById, causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { walkWithoutActions } from "../../src/engine/auto-walk.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { fixturesDir, modelsDir } from "../helpers/envs.js";

const tracebacks = join(fixturesDir, "tracebacks");
const NO_KERAS = "Traceback (most recent call last):\n  File \"train.py\", line 1, in <module>\n    import keras\nModuleNotFoundError: No module named 'keras'\n";
const multiBackend = join(tracebacks, "custom-layer-missing", "keras-2.2.4--custom-layer-multi-backend.txt");
const scaledDense = join(tracebacks, "custom-layer-missing", "keras-3.15.1--custom-layer-unregistered-keras.txt");

describe("explain gives the fix steps", () => {
  it("walks keras-not-installed to its end: the pip line for the file, for the Python that printed the traceback", () => {
    const model = join(modelsDir, "keras3", "custom_layer_unregistered.keras");
    const run = runCli(["explain", "-", "--model", model], { input: NO_KERAS });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/Fix steps\n {2}▸ Install Keras into this Python/);
    expect(run.stdout).toContain('python -m pip install "keras>=3.15" tensorflow');
    expect(run.stdout).toContain("Install it into the Python that printed this traceback");
    // What the file needs after that (issue 21, the quick start with a Python without Keras).
    expect(run.stdout).toMatch(/custom layer `ScaledDense`/);
    expect(run.stdout).toContain(`Nothing was run: follow the steps above, or run keras-fix ${model}`);
    expect(run.stdout).not.toContain("--auto chose");

    const doc = jsonOf(runCli(["explain", "-", "--model", model, "--json"], { input: NO_KERAS }));
    expect(doc.walk.steps.map((s: { id: string }) => s.id)).toEqual(["explain", "route", "commands"]);
    expect(doc.walk.stoppedBefore).toBeNull();
    expect(doc.env).toBeNull();
  });

  it("stops before the first step that needs the model or a Python, says which, and gives the cause's How to fix", () => {
    const run = runCli(["explain", multiBackend]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/Fix steps\n {2}▸ A custom layer is missing/);
    expect(run.stdout).toContain("The fix: import that code and pass it as `custom_objects` when loading.");
    expect(run.stdout).toMatch(/How to fix\n {2}Import the code that defines the class/);
    expect(run.stdout).toContain("Next: Look for its code on this machine (read only, nothing is run). That step needs the model file and a Python with Keras");
    expect(run.stdout).toContain("run keras-fix <your model file> to take it from here");
    const doc = jsonOf(runCli(["explain", multiBackend, "--json"]));
    expect(doc.walk.stoppedBefore).toEqual({ id: "find", title: "Look for its code on this machine (read only, nothing is run)" });
    expect(doc.walk.steps.every((s: { action: string | null }) => s.action === null)).toBe(true);
    expect(doc.walk.wrote).toEqual([]);
  });

  it("walks every captured traceback's cause without running anything and without failing", async () => {
    let walked = 0;
    for (const cause of readdirSync(tracebacks).filter((name) => !name.startsWith("_") && !name.includes("."))) {
      for (const name of readdirSync(join(tracebacks, cause)).filter((file) => file.endsWith(".txt"))) {
        const chain = parseTraceback(readFileSync(join(tracebacks, cause, name), "utf8"));
        const diagnosis = classify(chain, { file: null, env: null, load: null }, causes);
        const found = causeById(diagnosis.cause)!;
        const load = { ok: false, seconds: 0, chain, warnings: [] };
        const walk = await walkWithoutActions(found, { file: null, env: null, load, diagnosis, modelPath: null });
        // A walk that starts with an action (reading a Lambda's bytecode) has no step to show before it.
        expect(walk.steps.length > 0 || walk.stoppedBefore !== undefined, `${cause}/${name}`).toBe(true);
        expect(walk.steps.some((s) => s.request || s.result), `${cause}/${name} ran an action`).toBe(false);
        if (walk.stoppedBefore) expect(found.steps.find((s) => s.id === walk.stoppedBefore!.id)?.kind).toBe("action");
        else expect(walk.steps.at(-1)?.kind).toBe("end");
        walked++;
      }
    }
    expect(walked).toBeGreaterThan(100);
  });
});

describe("explain --model: the evidence comes from that model", () => {
  it("says the file holds no class the traceback blames, instead of crediting the file", () => {
    const model = join(modelsDir, "keras3", "custom_layer_unregistered.h5");
    const doc = jsonOf(runCli(["explain", multiBackend, "--model", model, "--json"]));
    expect(doc.diagnosis.culprit).toBe("InstanceNormalization");
    const evidence = doc.diagnosis.evidence as string[];
    expect(evidence).not.toContain("what the file and the environment say agrees with it");
    expect(evidence).toContain("what the wording and the names say agrees with it");
    expect(evidence).toContain(
      "custom_layer_unregistered.h5 stores no InstanceNormalization (its custom objects are ScaledDense): this traceback may come from another file, or another version of this one",
    );
  });

  it("names where the file stores the class when it does", () => {
    const model = join(modelsDir, "keras3", "custom_layer_unregistered.keras");
    const doc = jsonOf(runCli(["explain", scaledDense, "--model", model, "--json"]));
    expect(doc.diagnosis.culprit).toBe("ScaledDense");
    const evidence = doc.diagnosis.evidence as string[];
    expect(evidence.some((line) => /^custom_layer_unregistered\.keras stores the layer ScaledDense \(in [^)]+\)$/.test(line))).toBe(true);
    expect(evidence.join("\n")).not.toMatch(/stores no/);
  });
});
