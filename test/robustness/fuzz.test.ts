// Hostile files against inspect and the CLI: every fixture truncated and flipped at seeded offsets, .keras zips
// broken and bombed, configs nested 10k deep or 50 MB large, names full of terminal escapes. Nothing may throw,
// hang or eat memory, and every input must come out as a known format or a problem naming a registered cause.
// CI runs a fixed-seed slice; `npm run bench -- --fuzz-long` (KERAS_FIX_FUZZ=long) runs many more seeds.
// Env: KERAS_FIX_FUZZ=long, KERAS_FIX_FUZZ_SEED=<n>, KERAS_FIX_FUZZ_SUMMARY=<file.json>, KERAS_FIX_FUZZ_KEEP=1.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonFor, repoRoot } from "../helpers/envs.js";
import { crc32Repeated } from "./crc32-combine.js";
import { manifestFixtures, runCli, stackTraceIn } from "./helpers.js";
import { hostileH5, hostileKerasZips, mutateFixtures, oddInputs, type HostileInput } from "./hostile-inputs.js";
import { inspectAll, type InspectOutcome } from "./inspect-harness.js";
import { writeUnsafeFiles } from "../safety/unsafe-files.js";

const LONG = process.env.KERAS_FIX_FUZZ === "long";
const SEED = Number(process.env.KERAS_FIX_FUZZ_SEED ?? 20_251_121);
const MEMORY_CAP_KB = 512 * 1024;
// Generous per-input bounds: they catch hangs, not slowness (the machines here have two busy cores).
const PER_INPUT_MS = 30_000;
const CLI_BOUND_MS = 120_000;

const KNOWN_FORMATS = ["h5-model", "h5-weights", "tf-checkpoint", "keras-zip", "savedmodel", "tfjs", "keras-json", "git-lfs-pointer", "html",
  "empty", "truncated", "missing", "not-a-model"];
// Formats that mean "this is not a loadable model": inspect must say why, with a cause.
const BROKEN_FORMATS = new Set(["git-lfs-pointer", "html", "empty", "truncated", "missing", "not-a-model"]);

const causeIds = new Set(
  readdirSync(join(repoRoot, "flows"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(repoRoot, "flows", d.name, "cause.ts")))
    .map((d) => d.name),
);

/** Everything wrong with one outcome, as sentences; empty when inspect handled the input well. */
function complaintsAbout(outcome: InspectOutcome, input: HostileInput): string[] {
  if (outcome.threw) return [`inspectModel threw: ${outcome.threw.split("\n")[0]}`];
  if (outcome.hung) return [`no answer within ${PER_INPUT_MS / 1000} s`];
  if (outcome.overMemory) return [`peak RSS passed ${MEMORY_CAP_KB / 1024} MB (${outcome.peakKb} kB)`];
  if (outcome.crashed) return [`the process died: ${outcome.crashed.split("\n")[0]}`];
  if (outcome.unserialisable) return [`the facts cannot be printed as JSON: ${outcome.unserialisable}`];
  const complaints: string[] = [];
  if (!KNOWN_FORMATS.includes(outcome.format ?? "")) complaints.push(`unknown format ${outcome.format}`);
  const problem = outcome.problem;
  if (BROKEN_FORMATS.has(outcome.format ?? "") && !problem) complaints.push(`format ${outcome.format} without a problem`);
  if (input.intactContainer && (outcome.format === "truncated" || outcome.format === "empty")) {
    complaints.push(`an intact file reported as ${outcome.format}: ${problem?.message ?? ""}`);
  }
  if (problem) {
    if (!causeIds.has(problem.cause)) complaints.push(`problem.cause ${problem.cause} is not a registered cause`);
    if (typeof problem.message !== "string" || problem.message.trim() === "") complaints.push("empty problem message");
  }
  // Every input ends in a safety verdict (the facts JSON is cut at 200 kB; `safety` precedes the big `details`).
  const json = outcome.json ?? "";
  if (json.length < 200_000 && !/"safety":\{"verdict":"(?:ok|caution|dangerous)"/.test(json)) complaints.push("no safety verdict in the facts");
  const leak = stackTraceIn(outcome.json ?? "");
  if (leak) complaints.push(`stack trace text in the facts: ${leak}`);
  return complaints;
}

let dir: string;
let inputs: HostileInput[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keras-fix-fuzz-"));
  const fixtures = manifestFixtures();
  expect(fixtures.length).toBeGreaterThan(20);
  const options = LONG
    ? { seed: SEED, truncationsPerFixture: 8, flipsPerFixture: 8, zipFixtures: Infinity }
    : { seed: SEED, truncationsPerFixture: 1, flipsPerFixture: 1, zipFixtures: 3 };
  // 300k-layer configs cost seconds each to build and read: the long run only.
  const big = { manyLayers: LONG };
  inputs = [
    ...mutateFixtures(fixtures, dir, options),
    ...hostileKerasZips(join(repoRoot, "fixtures", "models", "keras3", "sequential.keras"), dir, big),
    ...hostileH5(join(repoRoot, "fixtures", "models", "keras3", "sequential.h5"), dir, big),
    ...oddInputs(dir),
    ...unsafeCorpus(dir, options),
  ];
});

/** Hand-made hostile files (test/safety/unsafe-files.ts) as they are, and truncated, flipped and cut apart. */
function unsafeCorpus(dir: string, options: { seed: number; truncationsPerFixture: number; flipsPerFixture: number; zipFixtures: number }): HostileInput[] {
  const unsafe = writeUnsafeFiles(join(dir, "unsafe"), canaryDir(dir));
  const asIs = unsafe.map((file) => ({ path: file.path, label: `unsafe ${file.label}`, intactContainer: true }));
  const zips = unsafe.filter((file) => file.path.endsWith(".keras")).map((file) => ({ set: "unsafe", file: `${file.label}.keras`, path: file.path, expectFormat: null, loadsIn: {} }));
  return [...asIs, ...mutateFixtures(zips, dir, { ...options, zipFixtures: LONG ? Infinity : 2 })];
}

const canaryDir = (dir: string) => join(dir, "canaries");

afterAll(() => {
  // KERAS_FIX_FUZZ_KEEP=1 keeps the corpus, to hand a failing input to whoever fixes it.
  if (process.env.KERAS_FIX_FUZZ_KEEP) console.log(`fuzz corpus kept in ${dir}`);
  else if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("fuzz: inspect in-process", () => {
  it("never throws, hangs or blows memory, and names every input", async () => {
    const bounds = { perInputMs: PER_INPUT_MS, memoryCapKb: MEMORY_CAP_KB };
    const batched = inputs.filter((i) => !i.alone);
    const alone = inputs.filter((i) => i.alone);
    const results = [await inspectAll(batched.map((i) => i.path), bounds)];
    for (const input of alone) results.push(await inspectAll([input.path], bounds));
    const ordered = [...batched, ...alone];
    const outcomes = results.flatMap((r) => r.outcomes);
    const peakKb = Math.max(...results.map((r) => r.peakKb));
    const failures = outcomes
      .map((outcome, n) => ({ input: ordered[n].label, complaints: complaintsAbout(outcome, ordered[n]) }))
      .filter((f) => f.complaints.length > 0);
    if (process.env.KERAS_FIX_FUZZ_SUMMARY) {
      const count = (key: (o: InspectOutcome) => string) =>
        outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [key(o)]: (acc[key(o)] ?? 0) + 1 }), {});
      writeFileSync(process.env.KERAS_FIX_FUZZ_SUMMARY, JSON.stringify({
        seed: SEED, long: LONG, inputs: outcomes.length, peakKb, failures,
        byFormat: count((o) => o.format ?? "(none)"), byCause: count((o) => o.problem?.cause ?? "(no problem)"),
        built: ordered.flatMap((input, n) => (input.intactContainer === undefined ? []
          : [{ input: input.label, format: outcomes[n].format, cause: outcomes[n].problem?.cause ?? null, peakKb: outcomes[n].peakKb ?? null }])),
      }, null, 2));
    }
    expect(failures).toEqual([]);
    // Reading hostile files never runs their payloads.
    expect(existsSync(canaryDir(dir)) ? readdirSync(canaryDir(dir)) : []).toEqual([]);
    expect(outcomes).toHaveLength(inputs.length);
    expect(peakKb).toBeLessThan(MEMORY_CAP_KB);
  });
});

describe("fuzz: the built CLI", () => {
  // A slice through the whole CLI: the worst inputs by construction, plus seeded picks among the mutations.
  const pick = () => {
    const named = inputs.filter((i) => /bomb|nested-10k|50mb|escapes|non-utf8|sizes-ff|truncate@/.test(i.label));
    return [...named.filter((_, n) => n % 2 === 0).slice(0, 9), ...inputs.filter((_, n) => n % 53 === 5).slice(0, 3)];
  };

  function assertCleanRun(run: Awaited<ReturnType<typeof runCli>>, label: string): Record<string, unknown> {
    expect(run.timedOut, `${label}: hung`).toBe(false);
    expect(run.overMemory, `${label}: peak RSS ${run.peakKb} kB`).toBe(false);
    expect([0, 1, 2, 3], `${label}: exit ${run.code} ${run.stderr.slice(-500)}`).toContain(run.code);
    expect(stackTraceIn(run.stderr), `${label}: stderr ${run.stderr.slice(-500)}`).toBeNull();
    expect(run.leftover, `${label}: processes left running`).toEqual([]);
    const document = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(stackTraceIn(run.stdout.slice(0, 1_000_000)), label).toBeNull();
    return document;
  }

  it("inspect --json prints one JSON document for every hostile input", async () => {
    for (const input of pick()) {
      const run = await runCli(["inspect", input.path, "--json"], { timeoutMs: CLI_BOUND_MS, memoryCapKb: MEMORY_CAP_KB });
      const facts = assertCleanRun(run, input.label);
      expect(KNOWN_FORMATS, input.label).toContain(facts.format);
    }
  });

  it("--auto --json ends in a diagnosis or a clear error for hostile inputs (Python without Keras)", async () => {
    const python = pythonFor("bare");
    for (const input of pick().slice(0, 5)) {
      const run = await runCli([input.path, "--auto", "--json", "--python", python, "--timeout", "60"], {
        timeoutMs: CLI_BOUND_MS, memoryCapKb: MEMORY_CAP_KB,
      });
      const report = assertCleanRun(run, input.label);
      const diagnosis = report.diagnosis as { cause: string } | null;
      const error = report.error as { message: string } | null;
      expect(diagnosis !== null || (error !== null && error.message.length > 0), `${input.label}: ${run.stdout.slice(0, 400)}`).toBe(true);
      if (diagnosis) expect(causeIds, input.label).toContain(diagnosis.cause);
    }
  });
});

describe("fuzz: the tools behind the corpus", () => {
  it("the bomb's CRC is the CRC of its repeated bytes", () => {
    const block = Buffer.from("a block of JSON whitespace    \n");
    let direct = 0;
    for (let n = 0; n < 1000; n++) direct = crc32(block, direct);
    expect(crc32Repeated(block, 1000)).toBe(direct);
  });
});
