// Lists the model files in a folder for the wizard's file picker, when keras-fix is run without a path: by name
// plus a cheap look at the first bytes (no Python, no full parse), so broken files still show up with a note.
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export type CandidateKind = "hdf5" | "keras-zip" | "json" | "savedmodel";

export interface ModelCandidate {
  /** The entry's name inside the folder (what the user passes on). */
  name: string;
  kind: CandidateKind;
  /** Bytes for files; null for SavedModel folders. */
  size: number | null;
  /** Why the bytes do not look like the name says (e.g. a Git LFS pointer), or null when they do. */
  note: string | null;
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP_SIGNATURE = Buffer.from("PK\x03\x04", "latin1");
const SNIFF_BYTES = 64 * 1024;

function kindByName(name: string): CandidateKind | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".h5") || lower.endsWith(".hdf5")) return "hdf5";
  if (lower.endsWith(".keras")) return "keras-zip";
  if (lower.endsWith(".json")) return "json";
  return null;
}

async function headOf(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** What the first bytes say when they disagree with the name; null when they agree. */
function sniffNote(kind: CandidateKind, head: Buffer): string | null {
  if (head.length === 0) return "empty file";
  const start = head.subarray(0, 200).toString("latin1");
  if (start.startsWith("version https://git-lfs")) return "Git LFS pointer, not the model itself";
  if (/^\s*<(!doctype|html)/i.test(start)) return "an HTML page, not a model";
  // HDF5 files may carry a user block: the signature then sits at 512, 1024, 2048... bytes.
  if (kind === "hdf5") {
    for (let offset = 0; offset + 8 <= head.length; offset = offset === 0 ? 512 : offset * 2) {
      if (head.subarray(offset, offset + 8).equals(HDF5_SIGNATURE)) return null;
    }
    return "does not start like an HDF5 file";
  }
  if (kind === "keras-zip") {
    if (head.subarray(0, 4).equals(ZIP_SIGNATURE)) return null;
    if (head.subarray(0, 8).equals(HDF5_SIGNATURE)) return "an HDF5 file named .keras";
    return "not a zip archive";
  }
  return null;
}

/** A .json counts only when it looks like a Keras or TF.js model config, so package.json and friends stay out. */
function looksLikeModelJson(head: Buffer): boolean {
  const start = head.toString("utf8");
  return /^\s*\{/.test(start) && /"(class_name|modelTopology|keras_version)"/.test(start);
}

/** Model files and SavedModel folders directly inside `dir` (and `dir` itself as "." when it is a SavedModel). */
export async function findModelFiles(dir: string): Promise<ModelCandidate[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: ModelCandidate[] = [];
  if (entries.some((entry) => entry.isFile() && entry.name === "saved_model.pb")) {
    found.push({ name: ".", kind: "savedmodel", size: null, note: null });
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    try {
      if (entry.isDirectory()) {
        const inner = await readdir(full);
        if (inner.includes("saved_model.pb")) found.push({ name: entry.name, kind: "savedmodel", size: null, note: null });
        continue;
      }
      const kind = kindByName(entry.name);
      if (!kind || !(entry.isFile() || entry.isSymbolicLink())) continue;
      const { size } = await stat(full);
      const head = await headOf(full, size);
      if (kind === "json" && !looksLikeModelJson(head)) continue;
      found.push({ name: entry.name, kind, size, note: sniffNote(kind, head) });
    } catch {
      // Unreadable entries (permissions, dangling links) are not candidates.
    }
  }
  return found.sort((a, b) => Number(a.note !== null) - Number(b.note !== null) || a.name.localeCompare(b.name));
}
