// Just enough of the zip format to take a real .keras apart and put it back wrong: members removed or replaced,
// the central directory damaged, sizes that lie, and deflate bombs built from a repeated block.
import { constants, crc32, deflateRawSync } from "node:zlib";
import { crc32Combine, crc32Repeated } from "./crc32-combine.js";

export interface ZipMember {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  crc: number;
  compressed: Buffer;
  uncompressedSize: number;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;

function findEnd(zip: Buffer): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END) return i;
  }
  throw new Error("no end of central directory record");
}

/** The members of a (non-zip64) archive, read through its central directory. */
export function readZip(zip: Buffer): ZipMember[] {
  const end = findEnd(zip);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const members: ZipMember[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const uncompressedSize = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    members.push({ name, method, crc, compressed: zip.subarray(dataStart, dataStart + compressedSize), uncompressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

export function storedMember(name: string, data: Buffer): ZipMember {
  return { name, method: 0, crc: crc32(data), compressed: data, uncompressedSize: data.length };
}

export function deflatedMember(name: string, data: Buffer): ZipMember {
  return { name, method: 8, crc: crc32(data), compressed: deflateRawSync(data), uncompressedSize: data.length };
}

/** A well-formed archive of the members, sizes and CRCs exactly as the members state them. */
export function writeZip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(m.method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(m.crc >>> 0, 14);
    local.writeUInt32LE(m.compressed.length, 18);
    local.writeUInt32LE(m.uncompressedSize >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(m.method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(m.crc >>> 0, 16);
    central.writeUInt32LE(m.compressed.length, 20);
    central.writeUInt32LE(m.uncompressedSize >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, m.compressed);
    centrals.push(central, name);
    offset += 30 + name.length + m.compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Offsets of the central directory entries and of the end record, for in-place damage. */
export function centralOffsets(zip: Buffer): { entries: number[]; end: number } {
  const end = findEnd(zip);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: number[] = [];
  for (let n = 0; n < count; n++) {
    entries.push(at);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return { entries, end };
}

/**
 * A deflated member of `head`, then `repeats` MiB of spaces (valid JSON whitespace), then `tail`: each MiB block is
 * compressed once from a fresh state and repeated, so a GB-sized member costs a few MB to build.
 * `declaredSize` lets the archive lie about the inflated size (yauzl checks it; a streaming reader may not).
 */
export function bombMember(name: string, head: string, repeats: number, tail: string, declaredSize?: number): ZipMember {
  const block = Buffer.alloc(1 << 20, 0x20);
  const full = { finishFlush: constants.Z_FULL_FLUSH };
  const headBytes = Buffer.from(head, "utf8");
  const tailBytes = Buffer.from(tail, "utf8");
  const compressedBlock = deflateRawSync(block, { level: 9, ...full });
  const compressed = Buffer.concat([
    deflateRawSync(headBytes, full),
    ...Array.from({ length: repeats }, () => compressedBlock),
    deflateRawSync(tailBytes),
  ]);
  const size = headBytes.length + repeats * block.length + tailBytes.length;
  const body = crc32Combine(crc32(headBytes), crc32Repeated(block, repeats), block.length * repeats);
  const crc = crc32(tailBytes, body);
  return { name, method: 8, crc, compressed, uncompressedSize: declaredSize ?? size };
}
