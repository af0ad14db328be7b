// Ctrl-C in the wizard while a trial environment's pip installs (issue 21 §1): the wizard's Ctrl-C is a key, not a
// signal, and it used to leave pip and the load running to the end and the environment recorded as proven. Here pip
// talks to a local package index of tiny fake wheels that answers the two dry runs (the estimate, the trial's check)
// and then stalls the install's downloads: pip is mid-install when Ctrl-C comes, whatever the machine's speed.
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { alive, liveOptions, openTerminal, pythonDescendants, type Terminal } from "./tmux.js";

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

/** A PEP 503 index on 127.0.0.1: each wheel is served twice (the two dry runs), then its downloads hang. */
async function stallingIndex(wheels: Map<string, Buffer>): Promise<{ url: string; stalled: () => number }> {
  const served = new Map<string, number>();
  let stalled = 0;
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
    if (count <= 2) return response.writeHead(200, headers).end(body);
    // The install's download: headers and never the body, as a very slow mirror.
    stalled++;
    response.writeHead(200, headers);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the index did not start");
  return { url: `http://127.0.0.1:${address.port}/simple`, stalled: () => stalled };
}

/** Moves the selection to the option matching `pattern` and presses Enter. */
async function choose(term: Terminal, pattern: RegExp) {
  const options = liveOptions(await term.waitFor(/↑\/↓ and Enter: choose/, 60_000));
  const index = options.findIndex((option) => pattern.test(option));
  expect(index, `no option ${pattern} in ${JSON.stringify(options)}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) term.send("Down");
  term.send("Enter");
}

describe("Ctrl-C in the wizard while a trial environment installs", () => {
  it("kills pip at once, leaves the environment unfinished and not proven, and exits 130", async () => {
    const dir = tempDir("kf-trial-cancel-");
    const cache = tempDir("kf-trial-cache-");
    copyFileSync(join(modelsDir, "keras3", MODEL), join(dir, MODEL));
    mkdirSync(join(dir, "wheels"));
    const index = await stallingIndex(makeWheels(join(dir, "wheels")));
    const python = pythonFor("keras35-py312");
    const script = `node ${JSON.stringify(cliPath)} ${MODEL} --python ${JSON.stringify(python)}; echo "[keras-fix exited $?]"; exec sleep 3600`;
    terminal = openTerminal("trial-cancel", dir, ["sh", "-c", script], {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      TERM: "xterm-256color",
      ...envVarsFor("keras35-py312"),
      PIP_INDEX_URL: index.url,
      PIP_NO_CACHE_DIR: "1",
      PIP_RETRIES: "0",
      KERAS_FIX_TRIAL_CACHE: cache,
    });
    const term = terminal;
    await term.waitFor("Press Enter to continue.", 120_000);
    term.send("Enter");
    await choose(term, /Show the versions that read this file/);
    await term.waitFor(/Versions that read this file[\s\S]*Press Enter to continue\./, 60_000);
    term.send("Enter");
    await choose(term, /Prove it first/);
    await term.waitFor(/Prove it in a trial environment\?[\s\S]*↑\/↓ and Enter: choose/, 120_000);
    await choose(term, /^Go ahead/);
    // The consent: a typed yes.
    await term.waitFor(/Type "yes" and press Enter/, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    term.send("yes", { literal: true });
    await term.waitFor(/› yes/, 10_000);
    term.send("Enter");
    // pip is installing: its downloads hang at the index.
    const deadline = Date.now() + 120_000;
    while (index.stalled() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(index.stalled(), term.screen()).toBeGreaterThan(0);
    const [name] = readdirSync(cache).filter((entry) => !entry.endsWith(".lock"));
    const env = join(cache, name);
    const children = [...pythonDescendants(term.panePid()).keys()];
    expect([...pythonDescendants(term.panePid()).values()].some((cmd) => /-m pip install/.test(cmd) && !/--dry-run/.test(cmd))).toBe(true);

    term.send("C-c");
    const screen = await term.waitFor(/\[keras-fix exited (\d+)\]/, 5_000);
    expect(screen).toContain("Cancelled.");
    expect(/\[keras-fix exited (\d+)\]/.exec(screen)?.[1]).toBe("130");
    // Within two seconds of the key, no pip and no Python of keras-fix's remains.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(children.filter(alive)).toEqual([]);
    expect([...pythonDescendants(term.panePid()).values()]).toEqual([]);
    // The environment stays unfinished, and `keras-fix envs` does not call it proven.
    expect(existsSync(join(env, ".keras-fix-unfinished"))).toBe(true);
    const listing = JSON.parse(
      execFileSync("node", [cliPath, "envs", "--json"], { env: { ...process.env, KERAS_FIX_TRIAL_CACHE: cache }, encoding: "utf8" }),
    ) as unknown;
    expect(JSON.stringify(listing)).not.toMatch(/"proven":\s*true/);
  }, 400_000);
});
