// runInteractive end to end over fake terminal streams and a scripted session: the options reach the session
// factory, the exit code comes back, and the session is closed on every way out.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { CliOptions } from "../../src/modes/options.js";
import type { DiagnoseOptions } from "../../src/engine/diagnose.js";
import { runInteractive } from "../../src/modes/interactive.js";
import { diagnosedResult, KEY, ScriptedSession, waitFor, type Script } from "./helpers.js";
import { walkCause } from "./test-causes.js";
import { FakeStdin, FakeStdout } from "../helpers/fake-terminal.js";


const options: CliOptions = { auto: false, json: false, python: "/envs/keras3/bin/python", timeoutSeconds: 120 };

function start(script: Script, cliOptions: CliOptions = options, target = "model.keras") {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout();
  const made: DiagnoseOptions[] = [];
  const session = new ScriptedSession(script);
  const exit = runInteractive(target, cliOptions, {
    createSession: (opts) => {
      made.push(opts);
      return session;
    },
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
  });
  const screen = () => stripVTControlCharacters(stdout.output);
  return { stdin, screen, made, session, exit, see: (text: string) => waitFor(() => screen().includes(text), screen) };
}

describe("runInteractive", () => {
  it("hands the CLI options to the session and returns 0 when the model loads", async () => {
    const run = start({ result: { file: null, env: null, load: null, diagnosis: null, cause: null, outcome: "loads" } });
    expect(await run.exit).toBe(0);
    expect(run.made).toEqual([{ modelPath: "model.keras", python: "/envs/keras3/bin/python", timeoutSeconds: 120, inputs: {} }]);
    expect(run.session.closeCalls).toBeGreaterThanOrEqual(1);
    expect(run.screen()).toContain("The model loads in this environment");
  });

  it("passes --custom-objects as the customObjectsModule input, as an absolute path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "co-"));
    writeFileSync(join(dir, "layers.py"), "class ScaledDense: pass\n");
    const run = start(
      { result: { file: null, env: null, load: null, diagnosis: null, cause: null, outcome: "loads" } },
      { ...options, customObjects: join(dir, "layers.py") },
    );
    expect(await run.exit).toBe(0);
    expect(run.made[0].inputs).toEqual({ customObjectsModule: join(dir, "layers.py") });
  });

  it("refuses a --custom-objects file that does not exist, before starting anything", async () => {
    const run = start({ result: new Error("must not run") }, { ...options, customObjects: "/nowhere/layers.py" });
    await expect(run.exit).rejects.toThrow(/--custom-objects: no file at \/nowhere\/layers.py/);
    expect(run.made).toEqual([]);
  });

  it("Ctrl-C while Python imports: closes the session and returns 130", async () => {
    const run = start({
      progress: [{ stage: "import", status: "running", detail: "starting Python and importing Keras" }],
      gate: new Promise<void>(() => {}),
      result: diagnosedResult(walkCause),
    });
    await run.see("starting Python and importing Keras");
    await new Promise((resolve) => setImmediate(resolve));
    run.stdin.write(KEY.ctrlC);
    expect(await run.exit).toBe(130);
    expect(run.session.closeCalls).toBeGreaterThanOrEqual(1);
  });
});
