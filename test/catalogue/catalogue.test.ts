// The catalogue checks itself both ways (DESIGN rule 4): registry against folders, each cause's explain.md,
// fixtures and test file, and each cause's steps graph (every target exists, every walk can end, --auto never
// needs consent).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { paragraphs } from "../../src/core/content.js";
import { autoOptionIds } from "../../src/engine/step-machine.js";
import type { Cause, Step } from "../../src/core/types.js";
import { fixturesDir, repoRoot } from "../helpers/envs.js";

const flowsDir = join(repoRoot, "flows");
const EXPLAIN_HEADINGS = ["## What happened", "## Why", "## How to fix", "## See also"];

/** Every step id a step can move to. */
export function targetsOf(step: Step): string[] {
  switch (step.kind) {
    case "info":
    case "input":
      return [step.next];
    case "choice":
      return step.options.map((option) => option.next);
    case "action":
      return [step.onSuccess, step.onFailure];
    case "end":
      return [];
  }
}

/** Problems in a cause's steps graph, as sentences; empty when the graph is sound. */
export function graphProblems(cause: Cause): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Step>();
  for (const step of cause.steps) {
    if (byId.has(step.id)) problems.push(`step id ${step.id} is used twice`);
    byId.set(step.id, step);
  }
  if (!byId.has(cause.start)) problems.push(`start step ${cause.start} does not exist`);
  for (const step of cause.steps) {
    for (const target of targetsOf(step)) {
      if (!byId.has(target)) problems.push(`step ${step.id} goes to ${target}, which does not exist`);
    }
    if (step.kind === "choice") {
      const ids = step.options.map((option) => option.id);
      if (new Set(ids).size !== ids.length) problems.push(`choice ${step.id} repeats an option id`);
      for (const autoId of autoOptionIds(step.auto)) {
        const auto = step.options.find((option) => option.id === autoId);
        if (!auto) problems.push(`choice ${step.id} names --auto option ${autoId}, which it does not have`);
        else if (auto.needsConsent) problems.push(`choice ${step.id}: its --auto option ${auto.id} needs consent`);
      }
      if (step.options.length === 0) problems.push(`choice ${step.id} has no options`);
    }
  }
  // Every step reachable from start must be able to reach an end step: a cycle with no way out is a trap.
  const reachable = new Set<string>();
  const queue = byId.has(cause.start) ? [cause.start] : [];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reachable.has(id) || !byId.has(id)) continue;
    reachable.add(id);
    queue.push(...targetsOf(byId.get(id)!));
  }
  const canEnd = new Set(cause.steps.filter((step) => step.kind === "end").map((step) => step.id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const step of cause.steps) {
      if (!canEnd.has(step.id) && targetsOf(step).some((target) => canEnd.has(target))) {
        canEnd.add(step.id);
        grew = true;
      }
    }
  }
  for (const id of reachable) if (!canEnd.has(id)) problems.push(`from step ${id} no walk reaches an end step`);
  // --auto follows only each choice's auto option and must never stop at an input step.
  const autoReachable = new Set<string>();
  const autoQueue = byId.has(cause.start) ? [cause.start] : [];
  while (autoQueue.length > 0) {
    const id = autoQueue.pop()!;
    const step = byId.get(id);
    if (!step || autoReachable.has(id)) continue;
    autoReachable.add(id);
    if (step.kind === "input") problems.push(`--auto reaches input step ${id}`);
    if (step.kind === "choice") {
      for (const autoId of autoOptionIds(step.auto)) {
        const auto = step.options.find((option) => option.id === autoId);
        if (auto) autoQueue.push(auto.next);
      }
    } else autoQueue.push(...targetsOf(step));
  }
  // Unreachable steps are dead content.
  for (const step of cause.steps) if (!reachable.has(step.id)) problems.push(`step ${step.id} is unreachable from start`);
  return problems;
}

describe("the registry and the flows folder agree", () => {
  const folders = readdirSync(flowsDir, { withFileTypes: true })
    // Folders starting with "_" hold steps shared by several causes, not a cause.
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
    .map((entry) => entry.name)
    .sort();
  const ids = causes.map((cause) => cause.id);

  it("registers every folder and has a folder for every cause", () => {
    expect(folders.filter((folder) => !ids.includes(folder))).toEqual([]);
    expect(ids.filter((id) => !folders.includes(id))).toEqual([]);
  });

  it("never registers an id twice", () => {
    expect(new Set(ids).size).toBe(ids.length);
  });
});

for (const cause of causes) {
  describe(`cause ${cause.id}`, () => {
    const folder = join(flowsDir, cause.id);

    it("is a kebab-case id with a cause.ts in its folder", () => {
      expect(cause.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(existsSync(join(folder, "cause.ts"))).toBe(true);
    });

    it("has an explain.md with exactly the four headings, in order, each followed by text", () => {
      const path = join(folder, "explain.md");
      expect(existsSync(path), `${cause.id}/explain.md is missing`).toBe(true);
      const lines = readFileSync(path, "utf8").split("\n");
      expect(lines.filter((line) => line.startsWith("## ")).map((line) => line.trimEnd())).toEqual(EXPLAIN_HEADINGS);
      const sections = readFileSync(path, "utf8").split(/^## .*$/m).slice(1);
      for (const [index, section] of sections.entries()) {
        expect(section.trim(), `${cause.id}: "${EXPLAIN_HEADINGS[index]}" is empty`).not.toBe("");
      }
    });

    it("has fixtures: a traceback, or facts for a cause detected from facts alone", () => {
      const dir = join(fixturesDir, "tracebacks", cause.id);
      const files = existsSync(dir) ? readdirSync(dir) : [];
      const tracebacks = files.filter((file) => file.endsWith(".txt"));
      const factsOnly = files.filter((file) => file.endsWith(".facts.json"));
      if (cause.detect) expect(tracebacks.length + factsOnly.length, `no fixture in fixtures/tracebacks/${cause.id}`).toBeGreaterThan(0);
      else expect(tracebacks.length, `no traceback fixture in fixtures/tracebacks/${cause.id}`).toBeGreaterThan(0);
    });

    it("has a test file", () => {
      expect(existsSync(join(repoRoot, "test", "flows", `${cause.id}.test.ts`))).toBe(true);
    });

    it("has a steps graph where every walk can end and --auto never needs consent", () => {
      expect(graphProblems(cause)).toEqual([]);
    });

    it("has a title and at least one way to be found", () => {
      expect(cause.title).not.toBe(cause.id);
      if (cause.id !== "unclassified") expect(cause.matchers.length > 0 || cause.detect !== undefined).toBe(true);
    });
  });
}

describe("the graph check itself", () => {
  const body = () => paragraphs("x");
  const graph = (steps: Step[], start = "a"): Cause => ({
    id: "t",
    title: "t",
    summary: body,
    matchers: [],
    steps,
    start,
  });
  const end: Step = { kind: "end", id: "end", outcome: "not-fixed", title: "end", body };

  it("accepts a retry loop that can still end", () => {
    const cause = graph([
      { kind: "action", id: "a", title: "a", action: () => ({ kind: "verify-load", fix: {} }), onSuccess: "end", onFailure: "b" },
      { kind: "choice", id: "b", title: "b", options: [{ id: "retry", label: "retry", next: "a" }, { id: "stop", label: "stop", next: "end" }], auto: "stop" },
      end,
    ]);
    expect(graphProblems(cause)).toEqual([]);
  });

  it("finds a trap cycle, a missing target, a missing start, dead and duplicate steps", () => {
    const trap = graph([
      { kind: "info", id: "a", title: "a", body, next: "b" },
      { kind: "info", id: "b", title: "b", body, next: "a" },
      { kind: "info", id: "c", title: "c", body, next: "nowhere" },
      end,
      end,
    ]);
    expect(graphProblems(trap)).toEqual([
      "step id end is used twice",
      "step c goes to nowhere, which does not exist",
      "from step a no walk reaches an end step",
      "from step b no walk reaches an end step",
      "step c is unreachable from start",
      "step end is unreachable from start",
      "step end is unreachable from start",
    ]);
    expect(graphProblems(graph([end], "start"))).toContain("start step start does not exist");
  });

  it("refuses an input step on the --auto path", () => {
    const asks = graph([
      { kind: "input", id: "a", title: "a", prompt: "path", key: "module", next: "end" },
      end,
    ]);
    expect(graphProblems(asks)).toEqual(["--auto reaches input step a"]);
  });

  it("refuses an --auto option that needs consent or does not exist", () => {
    const risky = graph([
      {
        kind: "choice",
        id: "a",
        title: "a",
        options: [{ id: "run", label: "run", next: "end", needsConsent: { risk: "runs code" } }],
        auto: "run",
      },
      { kind: "choice", id: "b", title: "b", options: [{ id: "x", label: "x", next: "end" }], auto: "y" },
      end,
    ]);
    expect(graphProblems(risky)).toEqual([
      "choice a: its --auto option run needs consent",
      "choice b names --auto option y, which it does not have",
      "step b is unreachable from start",
    ]);
  });
});
