// What the wizard says while a trial environment is made (issue 21): pip's resolver (10-30 s with a real index) and
// the first 40 s after the typed yes used to show only a spinner. Each phase now has its words: resolving, creating
// the venv, downloading (bytes of the total), installing, loading the model there. pip talks to a local package
// index of tiny fake wheels that answers slowly, so each phase lasts long enough to be seen on any machine.
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { liveOptions, openTerminal, type Terminal } from "./tmux.js";

const MODEL = "sequential.keras";
// What the plan for a Keras 3.15 file in the Keras 3.5 + JAX environment installs (keras>=3.15 plus the backend).
const WHEELS = [
  ["keras", "3.15.1"],
  ["jax", "0.4.31"],
  ["jaxlib", "0.4.31"],
] as const;

let terminal: Terminal | null = null;
let server: Server | null = null;
const sockets = new Set<Socket>();
const folders: string[] = [];
afterEach(() => {
  terminal?.kill();
  terminal = null;
  for (const socket of sockets) socket.destroy();
  server?.close();
  server = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** Wheels with metadata only (no code, no dependencies), made by Python's zipfile. */
function makeWheels(dir: string): Map<string, Buffer> {
  const script = `
import sys, zipfile
name, version, out = sys.argv[1:4]
dist = "%s-%s.dist-info" % (name, version)
with zipfile.ZipFile(out, "w") as z:
    z.writestr(dist + "/METADATA", "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\nRequires-Python: >=3.8\\n" % (name, version))
    z.writestr(dist + "/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    z.writestr(dist + "/RECORD", "%s/METADATA,,\\n%s/WHEEL,,\\n%s/RECORD,,\\n" % (dist, dist, dist))
`;
  const files = new Map<string, Buffer>();
  for (const [name, version] of WHEELS) {
    const file = `${name}-${version}-py3-none-any.whl`;
    execFileSync(pythonFor("bare"), ["-c", script, name, version, join(dir, file)]);
    files.set(file, readFileSync(join(dir, file)));
  }
  return files;
}

/** A PEP 503 index on 127.0.0.1 that answers every wheel after a pause, and sends the install's downloads slowly. */
async function slowIndex(wheels: Map<string, Buffer>): Promise<string> {
  const served = new Map<string, number>();
  server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const project = /^\/simple\/([^/]+)\/?$/.exec(path)?.[1];
    if (project) {
      const links = [...wheels.keys()].filter((file) => file.split("-")[0] === project.toLowerCase().replace(/[-_.]+/g, ""));
      if (links.length === 0) return response.writeHead(404).end();
      response.writeHead(200, { "content-type": "text/html" });
      return response.end(`<html><body>${links.map((file) => `<a href="/files/${file}">${file}</a>`).join("\n")}</body></html>`);
    }
    const file = /^\/files\/(.+)$/.exec(path)?.[1];
    const body = file ? wheels.get(file) : undefined;
    if (!file || !body) return response.writeHead(404).end();
    const headers = { "content-type": "application/octet-stream", "content-length": String(body.length) };
    if (request.method === "HEAD") return response.writeHead(200, headers).end();
    const count = (served.get(file) ?? 0) + 1;
    served.set(file, count);
    // The two dry runs (the estimate, the trial's check) wait 1.5 s a file; the install's download 2 s, in two halves.
    if (count <= 2) return void setTimeout(() => response.writeHead(200, headers).end(body), 1_500);
    response.writeHead(200, headers);
    response.write(body.subarray(0, body.length >> 1));
    setTimeout(() => response.end(body.subarray(body.length >> 1)), 2_000);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the index did not start");
  return `http://127.0.0.1:${address.port}/simple`;
}

/** Moves the selection to the option matching `pattern` and presses Enter. */
async function choose(term: Terminal, pattern: RegExp) {
  const options = liveOptions(await term.waitFor(/↑\/↓ and Enter: choose/, 60_000));
  const index = options.findIndex((option) => pattern.test(option));
  expect(index, `no option ${pattern} in ${JSON.stringify(options)}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) term.send("Down");
  term.send("Enter");
}

/** The live progress line while an action runs: the last rows above the key hints. */
function phasesOn(screen: string): string[] {
  return screen
    .split("\n")
    .slice(-4)
    .map((row) => row.replace(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /, "").trim())
    .filter((row) => /resolving|creating the trial|downloading|installing the downloaded|loading the model in the trial/.test(row));
}

describe("a trial environment in the wizard", () => {
  it("says what is happening at each phase: resolving, creating the venv, downloading, loading", async () => {
    const dir = tempDir("kf-trial-phases-");
    const cache = tempDir("kf-trial-cache-");
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    mkdirSync(join(dir, "wheels"));
    const url = await slowIndex(makeWheels(join(dir, "wheels")));
    const python = pythonFor("keras35-py312");
    const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(python)}; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("trial-phases", dir, ["sh", "-c", script], {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      TERM: "xterm-256color",
      ...envVarsFor("keras35-py312"),
      PIP_INDEX_URL: url,
      PIP_NO_CACHE_DIR: "1",
      PIP_RETRIES: "0",
      KERAS_FIX_TRIAL_CACHE: cache,
    });
    const term = terminal;
    const seen = new Set<string>();
    const watch = async (until: RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const screen = term.screen();
        for (const phase of phasesOn(screen)) seen.add(phase);
        if (until.test(screen)) return screen;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out waiting for ${until}; the screen:\n${term.screen()}`);
    };
    await term.waitFor("Press Enter to continue.", 120_000);
    term.send("Enter");
    await choose(term, /Show the versions that read this file/);
    await term.waitFor(/Versions that read this file[\s\S]*Press Enter to continue\./, 60_000);
    term.send("Enter");
    await choose(term, /Prove it first/);
    // Before the yes: the estimate is pip's resolver in dry-run mode.
    await watch(/Prove it in a trial environment\?[\s\S]*↑\/↓ and Enter: choose/, 120_000);
    expect([...seen].some((phase) => /pip is resolving which versions to install/.test(phase)), JSON.stringify([...seen])).toBe(true);
    seen.clear();
    await choose(term, /^Go ahead/);
    await term.waitFor(/Type "yes" and press Enter/, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    term.send("yes", { literal: true });
    await term.waitFor(/› yes/, 10_000);
    term.send("Enter");
    // The fake keras wheel has no code, so the load there fails: the walk goes on to its next question or its end.
    await watch(/(Enter: (choose|finish|continue))[^\n]*$/, 240_000);
    const phases = [...seen].join("\n");
    expect(phases).toMatch(/creating the trial environment/);
    expect(phases).toMatch(/pip is resolving which versions to install/);
    expect(phases).toMatch(/downloading (keras|jax|jaxlib)/);
    expect(phases).toMatch(/loading the model in the trial environment/);
  }, 400_000);
});
