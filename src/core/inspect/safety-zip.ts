// The container half of the safety read for `.keras` zips: every central-directory entry (the list Python's zipfile
// sees, duplicates included) is judged by its name, its attributes and its sizes, and the first bytes of every
// member are checked for pickles (raw pickle streams, object `.npy` arrays, `.npz` archives inside the archive).
// Nothing is extracted; only prefixes are read, and a nested archive at most MAX_MEMBER_BYTES.
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yauzl from "yauzl";
import type { SafetyFinding } from "../types.js";
import { readHdf5Bounded } from "./hdf5-thread.js";
import { finding, hdf5Findings } from "./safety.js";
import { copyMember, MAX_MEMBER_BYTES } from "./zip-member.js";

/** Entries judged; a hostile zip may claim 65535, and the first thousands say enough. */
const MAX_ENTRIES = 10_000;
/** Bytes read from the start of each member: enough for a pickle opcode or an `.npy` header. */
const PREFIX_BYTES = 4096;
/** Members whose prefix is read; the rest are judged by name and size only. */
const MAX_PREFIX_READS = 200;
/** Inflated ÷ stored size above which a member is a decompression bomb; Keras stores members uncompressed (§4). */
const BOMB_RATIO = 100;
const BOMB_MIN_BYTES = 1024 * 1024;

/** Members Keras writes (research §4): K3/K2.12+/tf_keras `.keras`, and K2.11's experimental `variables.h5`. */
const KERAS_MEMBERS = new Set(["metadata.json", "config.json", "model.weights.h5", "variables.h5"]);

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export function memberNameOf(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

/** Why a member name is unsafe to extract (Keras extracts every member once there are more than three). */
export function unsafeName(name: string): string | null {
  if (/^[\\/]/.test(name) || /^[A-Za-z]:/.test(name)) return "an absolute path";
  if (name.split(/[\\/]/).includes("..")) return "a path that climbs out of the folder (`..`)";
  if (name.includes("\\")) return "a backslash, which Windows reads as a folder separator";
  if (name.includes("\0")) return "a NUL byte";
  return null;
}

/** What a member's first bytes hold, when it is something that unpickles. */
export function pickleIn(prefix: Buffer): string | null {
  if (prefix.length >= 2 && prefix[0] === 0x80 && prefix[1] >= 0x02 && prefix[1] <= 0x05) return `a pickle stream (protocol ${prefix[1]})`;
  const header = npyHeader(prefix);
  if (header !== null && header.hasObject) return `a NumPy array of Python objects (descr ${header.descr}), stored as a pickle`;
  return null;
}

/** An `.npy` header (magic, version, length, then a Python-literal dict): its descr and whether it holds `O`. */
export function npyHeader(bytes: Buffer): { descr: string; hasObject: boolean } | null {
  if (bytes.length < 10 || bytes.subarray(0, 6).toString("latin1") !== "\x93NUMPY") return null;
  const major = bytes[6];
  const lengthBytes = major === 1 ? 2 : 4;
  const length = major === 1 ? bytes.readUInt16LE(8) : bytes.length >= 12 ? bytes.readUInt32LE(8) : 0;
  const text = bytes.subarray(8 + lengthBytes, 8 + lengthBytes + length).toString(major === 3 ? "utf8" : "latin1");
  const match = /'descr'\s*:\s*((?:'[^']*')|(?:\[.*?\]\s*(?=,\s*'(?:fortran_order|shape)')))/s.exec(text);
  const descr = match ? match[1] : text.slice(0, 120);
  // Structured dtypes hide the object type inside a list: any O type anywhere is dtype.hasobject (§5).
  return { descr: descr.slice(0, 120), hasObject: /'[|<>=]?O\d*'/.test(descr) };
}

async function prefixOf(zip: yauzl.ZipFile, entry: yauzl.Entry, bytes: number): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= bytes) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}

/** The members of a zip inside the zip (an `.npz`), checked for pickled arrays. */
async function nestedFindings(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<SafetyFinding[]> {
  if (entry.uncompressedSize > MAX_MEMBER_BYTES) {
    return [finding("zip-nested-archive", "caution", name, `${name} is a zip inside the archive, too large for keras-fix to open (${entry.uncompressedSize} bytes).`)];
  }
  const bytes = await prefixOf(zip, entry, MAX_MEMBER_BYTES);
  const inner = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, decodeStrings: false });
  const found: SafetyFinding[] = [];
  let count = 0;
  try {
    for await (const member of inner.eachEntry()) {
      if (++count > MAX_PREFIX_READS) break;
      const memberName = memberNameOf(member);
      if (member.uncompressedSize === 0 || memberName.endsWith("/")) continue;
      const what = pickleIn(await prefixOf(inner, member, PREFIX_BYTES));
      if (what) found.push(finding("zip-pickle-member", "dangerous", `${name}/${memberName}`, `${memberName} inside ${name} is ${what}: numpy.load(allow_pickle=True), which Keras 3 before 3.9 and tf_keras before 2.20.1 use for .npz weights, runs whatever code the pickle names.`));
    }
  } finally {
    inner.close();
  }
  if (found.length === 0) found.push(finding("zip-nested-archive", "caution", name, `${name} is a zip inside the archive; Keras never writes one.`));
  return found;
}

function entryFindings(entry: yauzl.Entry, name: string, seen: Map<string, number>): SafetyFinding[] {
  const found: SafetyFinding[] = [];
  const copies = (seen.get(name) ?? 0) + 1;
  seen.set(name, copies);
  if (copies === 2) {
    found.push(finding("zip-duplicate-member", "dangerous", name, `The archive holds ${name} more than once: Python's zipfile (and so Keras) reads the last copy, while scanners and other tools may read the first, so what was checked is not what loads.`));
  }
  const unsafe = unsafeName(name);
  if (unsafe) found.push(finding("zip-path-traversal", "dangerous", name, `The member name is ${unsafe}: Keras extracts every member of an archive with more than three, and up to 3.11.3 wrote it wherever the name points.`));
  const madeOnUnix = entry.versionMadeBy >> 8 === 3;
  if (madeOnUnix && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    found.push(finding("zip-symlink", "dangerous", name, "The member is a symbolic link: extracted, it points reads and writes at another file on your machine."));
  }
  const ratio = entry.compressedSize > 0 ? entry.uncompressedSize / entry.compressedSize : entry.uncompressedSize > 0 ? Infinity : 0;
  if (entry.uncompressedSize >= BOMB_MIN_BYTES && ratio > BOMB_RATIO) {
    found.push(finding("zip-bomb", "dangerous", name, `The member inflates from ${entry.compressedSize} to ${entry.uncompressedSize} bytes (${Number.isFinite(ratio) ? Math.round(ratio) : "∞"}×): a decompression bomb; Keras stores members uncompressed.`));
  }
  if (name === "model.weights.npz") {
    found.push(finding("zip-npz-weights", "dangerous", name, "The weights are an .npz where Keras writes model.weights.h5: Keras 3 before 3.9, tf_keras before 2.20.1 and Keras 2.12–2.15 unpickle its arrays (allow_pickle=True), which runs code."));
  } else if (!KERAS_MEMBERS.has(name) && !name.startsWith("assets/") && !unsafe) {
    found.push(finding("zip-unexpected-member", "caution", name, `Keras never writes a member named ${name} (it writes metadata.json, config.json, model.weights.h5 and assets/).`));
  }
  return found;
}

/** Links and virtual datasets inside `model.weights.h5` (CVE-2026-1669, GHSA-27f4-p4xq-cxg8): HDF5 reads files, so
 * the member is copied to a private temporary file (at most MAX_MEMBER_BYTES) and walked by the HDF5 worker. */
async function weightsFindings(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<SafetyFinding[]> {
  if (entry.uncompressedSize > MAX_MEMBER_BYTES) return [];
  const dir = mkdtempSync(join(tmpdir(), "keras-fix-safety-"));
  try {
    const target = join(dir, "model.weights.h5");
    await copyMember(zip, entry, target);
    const read = await readHdf5Bounded(target, { root: false, weightShapes: false, storage: true });
    // A damaged weights file is for the load to report; only what HDF5 could walk is judged.
    return hdf5Findings(read.storage ?? [], null).map((f) => ({ ...f, where: `${name}:${f.where}` }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LOCAL_HEADER = 0x04034b50;

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  return buffer.subarray(0, readSync(fd, buffer, 0, length, position));
}

/**
 * What a reader that walks local headers sees and Python's zipfile (central directory) does not: a local header
 * whose name differs from its central entry (CPython refuses it, streaming readers take the local name), and members
 * stored in the file that no central entry lists (invisible to Keras, visible to whoever streams the archive).
 * The walk stops at the first header whose size is deferred to a data descriptor or zip64: Keras writes neither.
 */
export function localHeaderFindings(path: string, central: { name: Buffer; offset: number }[]): SafetyFinding[] {
  const found: SafetyFinding[] = [];
  const fd = openSync(path, "r");
  try {
    for (const entry of central) {
      const header = readAt(fd, entry.offset, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) continue;
      const local = readAt(fd, entry.offset + 30, header.readUInt16LE(26));
      if (!local.equals(entry.name)) {
        found.push(finding("zip-name-mismatch", "dangerous", entry.name.toString("utf8"), `The member's local header names it ${JSON.stringify(local.toString("utf8").slice(0, 80))}: readers that stream the archive see another member than Keras does.`));
      }
    }
    const listed = new Set(central.map((entry) => entry.offset));
    let at = 0;
    for (let count = 0; count < MAX_ENTRIES; count++) {
      const header = readAt(fd, at, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) break;
      const size = header.readUInt32LE(18);
      if (header.readUInt16LE(6) & 0x08 || size === 0xffffffff) break;
      const nameLength = header.readUInt16LE(26);
      if (!listed.has(at)) {
        const name = readAt(fd, at + 30, nameLength).toString("utf8");
        found.push(finding("zip-hidden-member", "dangerous", name || `(offset ${at})`, `The archive stores ${name || "a member"} that its table of contents does not list: Keras never sees it, but tools that stream the archive do.`));
      }
      at += 30 + nameLength + header.readUInt16LE(28) + size;
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

/** The safety findings of a zip's container; a zip yauzl cannot open is the reader's problem, not a finding. */
export async function zipFindings(path: string): Promise<SafetyFinding[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch {
    return [];
  }
  const found: SafetyFinding[] = [];
  const seen = new Map<string, number>();
  let count = 0;
  let prefixReads = 0;
  const central: { name: Buffer; offset: number }[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (++count > MAX_ENTRIES) {
        found.push(finding("zip-too-many-members", "caution", "(archive)", `The archive lists more than ${MAX_ENTRIES} members; Keras writes a handful. Only the first ${MAX_ENTRIES} were read.`));
        break;
      }
      const name = memberNameOf(entry);
      central.push({ name: entry.fileNameRaw, offset: entry.relativeOffsetOfLocalHeader });
      found.push(...entryFindings(entry, name, seen));
      if (entry.uncompressedSize === 0 || name.endsWith("/") || prefixReads >= MAX_PREFIX_READS) continue;
      prefixReads++;
      try {
        const prefix = await prefixOf(zip, entry, PREFIX_BYTES);
        const what = pickleIn(prefix);
        if (name === "model.weights.h5" && prefix.subarray(0, 8).toString("latin1") === "\x89HDF\r\n\x1a\n") {
          found.push(...(await weightsFindings(zip, entry, name)));
        } else if (what) {
          found.push(finding("zip-pickle-member", "dangerous", name, `${name} is ${what}: whatever unpickles it runs the code the pickle names.`));
        } else if (prefix.subarray(0, 4).toString("latin1") === "PK\x03\x04") {
          found.push(...(await nestedFindings(zip, entry, name)));
        }
      } catch (error) {
        found.push(finding("zip-member-unreadable", "caution", name, `keras-fix could not read this member to check it (${(error instanceof Error ? error.message : String(error)).slice(0, 120)}).`));
      }
    }
  } catch (error) {
    found.push(finding("zip-member-unreadable", "caution", "(archive)", `The archive's table of contents stops reading (${(error instanceof Error ? error.message : String(error)).slice(0, 120)}); members after that were not checked.`));
  } finally {
    zip.close();
  }
  found.push(...localHeaderFindings(path, central));
  return found;
}
