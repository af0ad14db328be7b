// The memory rule of `keras-fix check` without gigabytes: which model loads alone (loadsAlone, from the free memory,
// the jobs and the model's estimated need), and the gate that keeps such a load from overlapping any other while
// ordinary loads run together. The loads here are fakes that record who was loading at the same time.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLoadGate, loadBytes, loadsAlone } from "../../src/engine/check/run.js";

const GiB = 1024 ** 3;

describe("check's memory rule", () => {
  it("a model needing more than one job's share of the free memory loads alone; the rest do not", () => {
    expect(loadsAlone(3 * GiB, 8 * GiB, 2)).toBe(false);
    expect(loadsAlone(5 * GiB, 8 * GiB, 2)).toBe(true);
    // One job: the whole free memory is its share.
    expect(loadsAlone(5 * GiB, 8 * GiB, 1)).toBe(false);
    expect(loadsAlone(9 * GiB, 8 * GiB, 1)).toBe(true);
  });

  it("estimates a load's need from the file's size, a SavedModel folder's from all its files", () => {
    const dir = mkdtempSync(join(tmpdir(), "keras-fix-gate-"));
    writeFileSync(join(dir, "model.h5"), Buffer.alloc(1000));
    mkdirSync(join(dir, "saved", "variables"), { recursive: true });
    writeFileSync(join(dir, "saved", "saved_model.pb"), Buffer.alloc(100));
    writeFileSync(join(dir, "saved", "variables", "variables.data-00000-of-00001"), Buffer.alloc(400));
    expect(loadBytes(join(dir, "model.h5"))).toBe(3000);
    expect(loadBytes(join(dir, "saved"))).toBe(1500);
    expect(loadBytes(join(dir, "missing.h5"))).toBe(0);
  });

  it("an exclusive load never overlaps another, while ordinary loads overlap each other", async () => {
    const gate = createLoadGate();
    const active = new Set<string>();
    const overlaps: string[] = [];
    let mostAtOnce = 0;
    // Each fake load holds the gate across a few turns of the event loop, as a real load holds it across I/O.
    const load = async (name: string, exclusive: boolean, turns: number) => {
      await gate.enter(exclusive);
      active.add(name);
      mostAtOnce = Math.max(mostAtOnce, active.size);
      for (let n = 0; n < turns; n++) {
        const others = [...active].filter((other) => other !== name);
        if (others.length > 0 && (exclusive || others.some((other) => other.startsWith("big")))) overlaps.push(`${name} with ${others.join(", ")}`);
        await new Promise<void>((next) => setImmediate(next));
      }
      active.delete(name);
      gate.leave(exclusive);
    };
    const started = [
      load("small-1", false, 5),
      load("small-2", false, 3),
      load("big-1", true, 4),
      load("small-3", false, 2),
      load("big-2", true, 2),
      load("small-4", false, 4),
      load("small-5", false, 1),
    ];
    await Promise.all(started);
    expect(overlaps).toEqual([]);
    // The ordinary loads did run together (before the first large one, and after the last).
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(active.size).toBe(0);
  });

  it("a large model waiting for the loads before it goes before ordinary loads that arrive later", async () => {
    const gate = createLoadGate();
    const order: string[] = [];
    const load = async (name: string, exclusive: boolean) => {
      await gate.enter(exclusive);
      order.push(name);
      await new Promise<void>((next) => setImmediate(next));
      gate.leave(exclusive);
    };
    await Promise.all([load("small-1", false), load("big", true), load("small-2", false), load("small-3", false)]);
    expect(order).toEqual(["small-1", "big", "small-2", "small-3"]);
  });
});
