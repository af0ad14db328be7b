// The plain HDF5 reader (src/core/inspect/hdf5-plain.ts) must return exactly what the h5wasm worker returns, or
// nothing: every HDF5 fixture, every .keras fixture's model.weights.h5, files written here by h5py 3 (keras3 env) and
// h5py 2 (tf115-py36 env, TF 1.15), and seeded damaged copies. Real Keras files must take the plain path (that is
// the speed-up); links, object data, new-style groups and damage HDF5 refuses must be left to h5wasm.
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPlainHdf5, whyNotPlain } from "../../src/core/inspect/hdf5-plain.js";
import { readWithHdf5 } from "../../src/core/inspect/hdf5-thread.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";

const HDF5_MAGIC = "\x89HDF\r\n\x1a\n";
const heapLoop = join(modelsDir, "..", "..", "test", "inspect", "hostile", "global-heap-loop.h5");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function isHdf5(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(8);
    return [0, 512, 1024, 2048, 4096].some((at) => readSync(fd, head, 0, 8, at) === 8 && head.toString("latin1") === HDF5_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** Byte strings compared as bytes: both readers hand scalar variable-length strings over as Uint8Array. */
const comparable = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_key, inner) => (inner instanceof Uint8Array ? { bytes: Buffer.from(inner).toString("base64") } : inner)));

/** The plain read when it reads the file, after checking it against h5wasm's; null when it leaves the file. */
async function plainMatchingHdf5(path: string): Promise<ReturnType<typeof readPlainHdf5>> {
  const plain = readPlainHdf5(path);
  if (!plain) return null;
  const reference = await readWithHdf5(path, { root: true, weightShapes: false, storage: true });
  expect(reference.failure, path).toBeNull();
  expect(comparable({ root: plain.root, storage: plain.storage, storageError: null }), path).toEqual(
    comparable({ root: reference.root, storage: reference.storage, storageError: reference.storageError }),
  );
  return plain;
}

let dir: string;
const written: Record<"h5py3" | "h5py2", string> = { h5py3: "", h5py2: "" };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kf-plain-h5-"));
  const script = new URL("make_plain_h5.py", import.meta.url).pathname;
  for (const [key, env] of [["h5py3", "keras3"], ["h5py2", "tf115-py36"]] as const) {
    written[key] = join(dir, key);
    mkdirSync(written[key]);
    // The .keras members are the same bytes whoever copies them: once is enough.
    execFileSync(pythonFor(env), [script, written[key], ...(key === "h5py3" ? [modelsDir] : [])], { stdio: ["ignore", "ignore", "pipe"] });
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the plain HDF5 reader", () => {
  it("reads every intact HDF5 fixture exactly as h5wasm does", async () => {
    // fixtures/models/hostile*: files changed by hand to reach outside themselves, never plain on purpose.
    const fixtures = filesUnder(modelsDir).filter((path) => isHdf5(path) && basename(path) !== "truncated.h5" && !/[\\/]hostile[^\\/]*[\\/]/.test(path));
    expect(fixtures.length).toBeGreaterThan(60);
    for (const path of fixtures) {
      expect(whyNotPlain(path), path).toBeNull();
      expect(await plainMatchingHdf5(path), path).not.toBeNull();
    }
  }, 120_000);

  it("reads what h5py 3 and h5py 2 write, and every .keras fixture's model.weights.h5, exactly as h5wasm does", async () => {
    for (const key of ["h5py3", "h5py2"] as const) {
      const made = filesUnder(written[key]);
      const weights = made.filter((path) => path.endsWith(".keras.weights.h5"));
      if (key === "h5py3") expect(weights.length).toBeGreaterThan(30);
      const plainOnes = ["userblock_v0.h5", "userblock_4096.h5", "bytes_attributes.h5", "split_layer_names.h5", "one_layer_weights.h5",
        "many_groups.h5", "ascii_fixed_string.h5", "storage_kinds.h5", "vlen_string_list.h5"];
      for (const path of [...weights, ...plainOnes.map((name) => join(written[key], name))]) {
        expect(whyNotPlain(path), path).toBeNull();
        expect(await plainMatchingHdf5(path), path).not.toBeNull();
      }
      const split = readPlainHdf5(join(written[key], "split_layer_names.h5"));
      expect((split?.root.attributes.layer_names as string[]).length).toBe(3000);
      expect(readPlainHdf5(join(written[key], "many_groups.h5"))?.root.keras3LayerGroups).toHaveLength(600);
    }
  }, 120_000);

  it("leaves superblock v3, new-style groups, links, object data and a looping global heap to h5wasm", () => {
    for (const key of ["h5py3", "h5py2"] as const) {
      for (const name of ["userblock_v3.h5", "track_order.h5", "hard_link.h5", "soft_link.h5", "compound_dataset.h5", "bool_dataset.h5"]) {
        expect(readPlainHdf5(join(written[key], name)), `${key}/${name}`).toBeNull();
      }
    }
    expect(whyNotPlain(heapLoop)).toMatch(/global heap/);
    expect(readPlainHdf5(join(modelsDir, "bad", "truncated.h5"))).toBeNull();
  });

  it("on damaged copies, reads only what h5wasm reads the same way", async () => {
    const sources = ["keras2/sequential.h5", "keras3/custom_layer_registered.h5", "tf21/tfkeras_weights_only.h5", "keras3/weights_only.weights.h5"];
    let seed = 20_251_202;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let plain = 0;
    let left = 0;
    for (const source of sources) {
      const bytes = readFileSync(join(modelsDir, source));
      for (let i = 0; i < 12; i++) {
        const copy = Buffer.from(bytes);
        // The first 8 KB hold the superblock, the root's header, heaps and B-trees.
        const at = Math.floor(random() * Math.min(copy.length, 8192));
        copy[at] ^= 1 + Math.floor(random() * 255);
        const path = join(dir, `${basename(source)}-${i}.h5`);
        writeFileSync(path, copy);
        if (statSync(path).size !== bytes.length) throw new Error("copy size changed");
        if (await plainMatchingHdf5(path)) plain++;
        else left++;
      }
    }
    // Both paths are exercised: many flips land in data or padding, many in structures.
    expect(plain).toBeGreaterThan(5);
    expect(left).toBeGreaterThan(2);
  }, 120_000);
});
