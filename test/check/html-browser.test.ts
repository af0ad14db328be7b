// `keras-fix check --format html` opened in a real browser (Debian's Chromium driven by playwright-core): the page
// loads from the file offline and asks for nothing else, each cell is coloured by its verdict, and clicking a cell
// shows that model's diagnosis and fix. The page is made by the real CLI with real Keras (keras3).
import { copyFileSync, cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { writeUnsafeFiles } from "../safety/unsafe-files.js";
import { ensureChromium } from "./chromium.js";

function place(dir: string, from: string, to: string): void {
  mkdirSync(join(dir, to, ".."), { recursive: true });
  cpSync(join(modelsDir, from), join(dir, to), { recursive: true });
}

describe("keras-fix check --format html in Chromium", () => {
  let browser: Browser;
  let page: Page;
  let pageUrl: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const executablePath = ensureChromium();
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-html-"));
    const scratch = mkdtempSync(join(tmpdir(), "keras-fix-check-html-scratch-"));
    place(repo, "keras3/sequential.keras", "good.keras");
    place(repo, "keras3/custom_layer_unregistered.keras", "missing.keras");
    place(repo, "bad/lfs_pointer.h5", "pointer.h5");
    const unsafe = writeUnsafeFiles(join(scratch, "unsafe"), join(scratch, "canaries")).find((f) => f.label === "config-subprocess-run")!;
    copyFileSync(unsafe.path, join(repo, "danger.keras"));
    const out = join(scratch, "report.html");
    const run = runCli(["check", "--python", pythonFor("keras3"), "--format", "html", "--output", out], { cwd: repo });
    expect(run.status, run.stderr).toBe(1);
    pageUrl = pathToFileURL(out).href;
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
    // Offline: a page that needed the network would show it; every request it makes is recorded too.
    const context = await browser.newContext({ offline: true });
    page = await context.newPage();
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(pageUrl);
  }, 1_800_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("opens offline and asks for nothing but itself", () => {
    expect(requests).toEqual([pageUrl]);
  });

  it("shows the models × environments matrix, each cell coloured by its verdict", async () => {
    const cells = await page.$$eval("#matrix td.cell", (tds) =>
      tds.map((td) => ({ text: (td.textContent ?? "").trim(), colour: getComputedStyle(td).backgroundColor })),
    );
    expect(cells.map((c) => c.text)).toEqual(["✘ dangerous (not loaded): unsafe-model-file", "✔ loads", "✘ fails: custom-layer-missing", "✘ fails: git-lfs-pointer"]);
    const [dangerous, loads, fails, pointer] = cells.map((c) => c.colour);
    expect(loads).toBe("rgb(209, 242, 217)");
    expect(fails).toBe("rgb(255, 214, 214)");
    expect(pointer).toBe(fails);
    expect(dangerous).toBe("rgb(228, 198, 245)");
  });

  it("clicking a cell opens its diagnosis and fix", async () => {
    const detail = page.locator("section.detail.fails", { hasText: "missing.keras" });
    expect(await detail.isVisible()).toBe(false);
    await page.click("#matrix td.cell.fails >> text=custom-layer-missing");
    expect(await detail.isVisible()).toBe(true);
    const text = await detail.innerText();
    expect(text).toMatch(/A custom layer's code is missing \(custom-layer-missing\)/);
    expect(text).toMatch(/Culprit\s+ScaledDense/);
    expect(text).toMatch(/How to fix\s+Import the code that defines the class/);
    // Another cell replaces it.
    await page.click("#matrix td.cell.loads a");
    expect(await detail.isVisible()).toBe(false);
    expect(await page.locator("section.detail.loads").innerText()).toMatch(/good\.keras[\s\S]*Result\s+loads/);
  });
});
