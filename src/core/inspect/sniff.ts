// Decides what a file is from its bytes (never its name): Keras' own loaders dispatch on the extension, which is
// exactly why an HDF5 file named .keras, an LFS pointer named .h5 or an HTML page named .keras confuse them.
import { openSync, readSync, closeSync } from "node:fs";

export type Sniffed =
  | { kind: "empty" }
  | { kind: "hdf5"; offset: number }
  | { kind: "zip" }
  | { kind: "lfs"; size: number | null; oid: string | null }
  | { kind: "html" }
  | { kind: "json" }
  | { kind: "text"; what: string }
  | { kind: "pickle"; hints: string[]; torch: boolean }
  | { kind: "onnx"; producer: string | null }
  | { kind: "tflite" }
  | { kind: "safetensors" }
  | { kind: "archive"; what: string }
  | { kind: "binary" };

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
/** How much of the start of a file the sniffers look at. */
export const HEAD_BYTES = 64 * 1024;

export function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const n = readSync(fd, buffer, 0, length, offset);
  return buffer.subarray(0, n);
}

/** HDF5 looks for its superblock at 0, 512, 1024, 2048 ... (a user block before it is allowed). */
export function findHdf5Superblock(fd: number, size: number): number | null {
  for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
    if (readAt(fd, offset, 8).equals(HDF5_MAGIC)) return offset;
  }
  return null;
}

function isMostlyText(head: Buffer): boolean {
  if (head.length === 0) return false;
  let bad = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) bad++;
  }
  return bad / head.length < 0.02 && !head.toString("utf8").includes("\ufffd");
}

/** ONNX ModelProto starts with ir_version (field 1, varint) and holds producer_name (2) and a graph (7). */
function sniffOnnx(head: Buffer): { producer: string | null } | null {
  if (head[0] !== 0x08 || head[1] === undefined || head[1] === 0 || head[1] > 30) return null;
  let at = 2;
  let producer: string | null = null;
  let sawGraphOrOpset = false;
  let sawProducer = false;
  for (let fields = 0; fields < 8 && at < head.length; fields++) {
    const tag = head[at++];
    const field = tag >> 3;
    const wire = tag & 7;
    if (field < 2 || field > 20) return null;
    if (wire === 0) {
      while (at < head.length && head[at] & 0x80) at++;
      at++;
    } else if (wire === 2) {
      let length = 0;
      let scale = 1;
      while (at < head.length) {
        const byte = head[at++];
        length += (byte & 0x7f) * scale;
        scale *= 128;
        if (!(byte & 0x80)) break;
      }
      if (field === 2) {
        producer = head.subarray(at, at + length).toString("utf8");
        sawProducer = true;
      }
      if (field === 7 || field === 8) sawGraphOrOpset = true;
      at += length;
    } else {
      return null;
    }
  }
  return sawGraphOrOpset || sawProducer ? { producer } : null;
}

/** Strings that tell what a pickle holds, from the class names it references near its start. */
function pickleHints(head: Buffer): { hints: string[]; torch: boolean } {
  const text = head.toString("latin1");
  // Legacy (non-zip) torch.save writes the magic number 0x1950a86a20f9469cfc6c as the first pickled value.
  const torchMagic = head.includes(Buffer.from([0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]));
  const torch = torchMagic || /\btorch\b|torch\._utils|_rebuild_tensor/.test(text);
  const hints: string[] = [];
  if (torch) hints.push("written by PyTorch's torch.save");
  if (/sklearn/.test(text)) hints.push("scikit-learn objects");
  if (/\bkeras\b|tensorflow/.test(text)) hints.push("it references Keras/TensorFlow objects");
  if (/joblib/.test(text)) hints.push("joblib");
  return { hints, torch };
}

export function sniffHead(head: Buffer, size: number, fd: number): Sniffed {
  if (size === 0) return { kind: "empty" };
  const hdf5 = findHdf5Superblock(fd, size);
  if (hdf5 !== null) return { kind: "hdf5", offset: hdf5 };
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05 || head[2] === 0x07)) {
    return { kind: "zip" };
  }
  if (head.subarray(4, 8).toString("latin1") === "TFL3") return { kind: "tflite" };
  if (head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5) {
    return { kind: "pickle", ...pickleHints(head) };
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return { kind: "archive", what: "gzip" };
  if (head.subarray(257, 262).toString("latin1") === "ustar") return { kind: "archive", what: "tar" };
  if (head.subarray(0, 6).equals(Buffer.from("7z\xbc\xaf\x27\x1c", "latin1"))) return { kind: "archive", what: "7-Zip" };
  if (head.subarray(0, 3).toString("latin1") === "BZh") return { kind: "archive", what: "bzip2" };
  // safetensors: an 8-byte little-endian header length, then a JSON header.
  if (head.length > 10 && head[8] === 0x7b && head[9] === 0x22 && head.readBigUInt64LE(0) < BigInt(size)) {
    return { kind: "safetensors" };
  }
  const onnx = sniffOnnx(head);
  if (onnx) return { kind: "onnx", producer: onnx.producer };
  if (!isMostlyText(head)) return { kind: "binary" };
  const text = head.toString("utf8").replace(/^\ufeff/, "");
  const trimmed = text.trimStart();
  if (trimmed.startsWith("version https://git-lfs.github.com/spec/")) {
    const size = /^size (\d+)$/m.exec(text);
    const oid = /^oid sha256:([0-9a-f]{64})$/m.exec(text);
    return { kind: "lfs", size: size ? Number(size[1]) : null, oid: oid ? oid[1] : null };
  }
  if (/^(<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<(!doctype )?html)/i.test(trimmed) || /<html[\s>]/i.test(trimmed.slice(0, 2048))) {
    return { kind: "html" };
  }
  if (trimmed.startsWith("{")) return { kind: "json" };
  if (/^<\?xml/i.test(trimmed)) return { kind: "text", what: "XML" };
  if (/^(model_checkpoint_path|all_model_checkpoint_paths)/.test(trimmed)) {
    return { kind: "text", what: "a TensorFlow `checkpoint` index; the weights are the .index/.data files beside it" };
  }
  return { kind: "text", what: "plain text" };
}

/** Reads the start of a file and sniffs it. */
export function sniffFile(path: string, size: number): Sniffed {
  const fd = openSync(path, "r");
  try {
    return sniffHead(readAt(fd, 0, Math.min(HEAD_BYTES, size)), size, fd);
  } finally {
    closeSync(fd);
  }
}
