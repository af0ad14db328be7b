// `keras-fix explain - --json | head -c 10`: the reader closes the pipe before keras-fix writes. That must end
// quietly (no "Error: write EPIPE" stack of ours on stderr), with the exit code of the run itself.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cliPath } from "../helpers/envs.js";

describe("a closed stdout", () => {
  it("ends quietly when the reader of --json output has gone", async () => {
    const child = spawn(process.execPath, [cliPath, "explain", "-", "--json"], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    // The reader goes away before a byte is written.
    child.stdout.destroy();
    child.stdin.end("ValueError: Unknown layer: Functional\n");
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+|Unhandled/);
    expect(stderr).not.toMatch(/hit a bug/);
    expect(code).toBe(1);
  });
});
