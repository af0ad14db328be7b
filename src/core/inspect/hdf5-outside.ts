// Finds what in an HDF5 file reaches outside it, from the bytes alone and before h5wasm ever opens the file: external
// links (HDF5 follows them, and opening the target is already a read of a file the model chose), soft links whose
// target is not in the file, external raw storage (a dataset whose bytes live in another file: tf.keras 2.x and
// Keras 3 before 3.14 read them into the weights, research keras-security.md row 9 and §8), and virtual datasets.
// Unlike hdf5-plain.ts this walk is tolerant: it reads every layout h5py and HDF5 1.8+ write (superblocks 0-3,
// version 1 and 2 object headers, symbol-table groups, compact link messages and dense link storage in a fractal heap
// whose root is a direct block or an indirect block of direct blocks) and only says "not complete" where it stops
// (a deeper or filtered heap, huge or tiny heap objects, damage). h5wasm then reads the file in a worker that can
// open no other file (hdf5-worker.ts), so what this walk misses still cannot be read.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { Hdf5StorageNote } from "./hdf5-contents.js";
import { Bytes, globalHeapObject, isUndefined, need, NotPlain, uint } from "./hdf5-plain.js";
import { findHdf5Superblock } from "./sniff.js";

export interface OutsideScan {
  notes: Hdf5StorageNote[];
  /** Why the walk stopped before it saw every object; null when it saw them all. */
  incomplete: string | null;
}

const MAX_OBJECTS = 50_000;
const MAX_NOTES = 50;
const MAX_HEADER_BLOCKS = 64;
const MSG = { linkInfo: 0x02, datatype: 0x03, link: 0x06, external: 0x07, layout: 0x08, continuation: 0x10, symbolTable: 0x11 } as const;
/** Link types of a link message (IV.A.2.g). */
const LINK = { hard: 0, soft: 1, external: 64 } as const;

interface Message {
  type: number;
  flags: number;
  data: Buffer;
}

export function scanHdf5Outside(path: string): OutsideScan {
  const notes: Hdf5StorageNote[] = [];
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    return { notes, incomplete: `cannot open the file (${(error as NodeJS.ErrnoException).code ?? "error"})` };
  }
  try {
    const walk = new Walk(fd, notes);
    walk.run();
    return { notes: notes.slice(0, MAX_NOTES), incomplete: walk.incomplete };
  } catch (error) {
    if (error instanceof NotPlain || error instanceof RangeError) return { notes: notes.slice(0, MAX_NOTES), incomplete: error.message };
    throw error;
  } finally {
    closeSync(fd);
  }
}

class Walk {
  private file!: Bytes;
  private readonly visited = new Set<number>();
  /** Paths of the objects reached by hard links; soft links are judged against them at the end. */
  private readonly paths = new Set<string>(["/"]);
  private readonly externals: string[] = [];
  private readonly softs: [string, string][] = [];
  incomplete: string | null = null;

  constructor(
    private readonly fd: number,
    private readonly notes: Hdf5StorageNote[],
  ) {}

  run(): void {
    const size = fstatSync(this.fd).size;
    const offset = findHdf5Superblock(this.fd, size);
    need(offset !== null, "no superblock");
    const head = Buffer.alloc(Math.min(128, size - offset));
    readSync(this.fd, head, 0, head.length, offset);
    const version = head[8];
    let root: number;
    if (version === 0 || version === 1) {
      const offsetSize = head[13];
      need([2, 4, 8].includes(offsetSize) && [2, 4, 8].includes(head[14]), "odd address sizes");
      this.file = new Bytes(this.fd, size, offset, offsetSize, head[14]);
      const rootEntry = (version === 0 ? 24 : 28) + 4 * offsetSize;
      root = uint(head, rootEntry + offsetSize, offsetSize);
    } else if (version === 2 || version === 3) {
      const offsetSize = head[9];
      need([2, 4, 8].includes(offsetSize) && [2, 4, 8].includes(head[10]), "odd address sizes");
      this.file = new Bytes(this.fd, size, offset, offsetSize, head[10]);
      root = uint(head, 12 + 3 * offsetSize, offsetSize);
    } else {
      throw new NotPlain(`superblock version ${version}`);
    }
    this.object(root, "/", 0);
    this.judgeSoftLinks();
  }

  private note(path: string, kind: Hdf5StorageNote["kind"], detail: string) {
    if (this.notes.length < MAX_NOTES) this.notes.push({ path, kind, detail });
  }

  private object(address: number, path: string, depth: number): void {
    need(depth <= 64, "groups nested too deep");
    this.paths.add(path);
    if (this.visited.has(address)) return;
    need(this.visited.size < MAX_OBJECTS, "too many objects");
    this.visited.add(address);
    const messages = this.header(address);
    const children: [string, number][] = [];
    for (const m of messages) {
      switch (m.type) {
        case MSG.symbolTable:
          children.push(...this.symbolTable(m.data, path));
          break;
        case MSG.link: {
          const child = this.link(m.data, path);
          if (child) children.push(child);
          break;
        }
        case MSG.linkInfo: {
          // Dense link storage: the link messages live in a fractal heap.
          const heapAt = 2 + (m.data[1] & 0x01 ? 8 : 0);
          if (isUndefined(m.data, heapAt, this.file.offsetSize)) break;
          const links = this.denseLinks(uint(m.data, heapAt, this.file.offsetSize));
          if (links === null) this.incomplete ??= `dense link storage at ${path}`;
          for (const link of links ?? []) {
            const child = this.link(link, path);
            if (child) children.push(child);
          }
          break;
        }
        case MSG.external:
          this.note(path, "external-storage", this.externalFiles(m.data));
          break;
        case MSG.layout:
          if (m.data[0] === 4 && m.data[1] === 3) this.note(path, "virtual-dataset", this.virtualSources(m.data));
          break;
        case MSG.datatype:
          if (!(m.flags & 0x02)) {
            const stored = objectClass(m.data);
            if (stored) this.note(path, "object-data", stored);
          }
          break;
      }
    }
    for (const [name, child] of children) this.object(child, join(path, name), depth + 1);
  }

  /** An object header's messages, version 1 or 2, continuation blocks followed (IV.A.1). */
  private header(address: number): Message[] {
    const file = this.file;
    const messages: Message[] = [];
    const blocks: [number, number][] = [];
    const first = file.at(address, 16);
    let v2 = false;
    let creationOrder = false;
    if (first.toString("latin1", 0, 4) === "OHDR") {
      need(first[4] === 2, "an odd object header");
      v2 = true;
      const flags = first[5];
      creationOrder = (flags & 0x04) !== 0;
      let at = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
      const width = 1 << (flags & 0x03);
      const sizeField = file.at(address + at, width);
      const size = uint(sizeField, 0, width);
      at += width;
      blocks.push([address + at, size]);
    } else {
      need(first[0] === 1, "an odd object header");
      blocks.push([address + 16, first.readUInt32LE(8)]);
    }
    const seen = new Set<number>();
    for (let b = 0; b < blocks.length; b++) {
      need(b < MAX_HEADER_BLOCKS, "too many header blocks");
      let [start, length] = blocks[b];
      need(!seen.has(start), "a header block twice");
      seen.add(start);
      if (v2 && b > 0) {
        need(file.at(start, 4).toString("latin1") === "OCHK", "an odd continuation block");
        start += 4;
        length -= 8;
      }
      const block = file.at(start, length);
      const headerSize = v2 ? 4 + (creationOrder ? 2 : 0) : 8;
      let at = 0;
      while (at + headerSize <= block.length) {
        const type = v2 ? block[at] : block.readUInt16LE(at);
        const size = v2 ? block.readUInt16LE(at + 1) : block.readUInt16LE(at + 2);
        const flags = v2 ? block[at + 3] : block[at + 4];
        need(at + headerSize + size <= block.length, "a message past its block");
        const data = block.subarray(at + headerSize, at + headerSize + size);
        if (type === MSG.continuation) blocks.push([uint(data, 0, file.offsetSize), uint(data, file.offsetSize, file.lengthSize)]);
        messages.push({ type, flags, data });
        at += headerSize + size;
      }
    }
    return messages;
  }

  /**
   * The link messages of a fractal heap (III.G) holding a group's dense link storage, read block by block: a root
   * direct block, or a root indirect block of direct blocks, unfiltered, every object managed. Objects sit back to back
   * from a block's start; after the last one the block must be zeros, so nothing can hide behind free space. Any other
   * heap is null: not read.
   */
  private denseLinks(address: number): Buffer[] | null {
    const file = this.file;
    const O = file.offsetSize;
    const L = file.lengthSize;
    const headerSize = 4 + 1 + 2 + 2 + 1 + 4 + L + O + L + O + 8 * L + 2 + 2 * L + 2 + 2 + O + 2;
    const h = file.at(address, headerSize);
    if (h.toString("latin1", 0, 4) !== "FRHP" || h[4] !== 0) return null;
    const filtersLength = h.readUInt16LE(7);
    const checksummed = (h[9] & 0x02) !== 0;
    // Past the fields this read has no use for, to the huge and tiny object counts, then the table's shape.
    let at = 10 + 4 + L + O + L + O + 5 * L;
    const hugeCount = uint(h, at, L);
    const tinyCount = uint(h, at + 2 * L, L);
    at += 3 * L;
    const width = h.readUInt16LE(at);
    const startSize = uint(h, at + 2, L);
    const maxDirect = uint(h, at + 2 + L, L);
    const maxHeapBits = h.readUInt16LE(at + 2 + 2 * L);
    const rootAddress = uint(h, at + 2 + 2 * L + 4, O);
    const rootRows = h.readUInt16LE(at + 2 + 2 * L + 4 + O);
    if (filtersLength !== 0 || hugeCount !== 0 || tinyCount !== 0 || isUndefined(h, at + 2 + 2 * L + 4, O)) return null;
    const offsetBytes = Math.ceil(maxHeapBits / 8);
    const links: Buffer[] = [];
    const directBlock = (blockAddress: number, size: number): boolean => {
      const block = file.at(blockAddress, size);
      if (block.toString("latin1", 0, 4) !== "FHDB") return false;
      let p = 5 + O + offsetBytes + (checksummed ? 4 : 0);
      while (p < block.length && block[p] === 1) {
        const length = linkMessageLength(block, p, O);
        if (length === null || p + length > block.length) return false;
        links.push(block.subarray(p, p + length));
        p += length;
      }
      return block.subarray(p).every((byte) => byte === 0);
    };
    if (rootRows === 0) return directBlock(rootAddress, startSize) ? links : null;
    const blockSize = (row: number) => startSize * (row < 2 ? 1 : 2 ** (row - 1));
    if (blockSize(rootRows - 1) > maxDirect) return null;
    const entries = file.at(rootAddress + 5 + O + offsetBytes, rootRows * width * O);
    for (let row = 0; row < rootRows; row++) {
      for (let column = 0; column < width; column++) {
        const entry = (row * width + column) * O;
        if (isUndefined(entries, entry, O)) continue;
        if (!directBlock(uint(entries, entry, O), blockSize(row))) return null;
      }
    }
    return links;
  }

  /** A version-1 group: B-tree of symbol-table nodes, names in a local heap; cache type 2 is a soft link. */
  private symbolTable(data: Buffer, path: string): [string, number][] {
    const file = this.file;
    const btree = uint(data, 0, file.offsetSize);
    const heap = this.localHeap(uint(data, file.offsetSize, file.offsetSize));
    const children: [string, number][] = [];
    const entrySize = 2 * file.offsetSize + 24;
    const node = (address: number, level: number) => {
      need(level < 32 && this.visited.size + children.length < MAX_OBJECTS, "an odd group B-tree");
      const header = file.at(address, 8 + 2 * file.offsetSize);
      need(header.toString("latin1", 0, 4) === "TREE" && header[4] === 0, "not a group B-tree node");
      const used = header.readUInt16LE(6);
      const keyAndChild = file.lengthSize + file.offsetSize;
      const body = file.at(address + header.length, used * keyAndChild + file.lengthSize);
      for (let i = 0; i < used; i++) {
        const child = uint(body, i * keyAndChild + file.lengthSize, file.offsetSize);
        if (header[5] > 0) {
          node(child, level + 1);
          continue;
        }
        const symbols = file.at(child, 8);
        need(symbols.toString("latin1", 0, 4) === "SNOD", "not a symbol table node");
        const count = symbols.readUInt16LE(6);
        const table = file.at(child + 8, count * entrySize);
        for (let s = 0; s < count; s++) {
          const entry = table.subarray(s * entrySize, (s + 1) * entrySize);
          const name = heap(uint(entry, 0, file.offsetSize));
          const cache = entry.readUInt32LE(2 * file.offsetSize);
          if (cache === 2) this.softs.push([join(path, name), heap(entry.readUInt32LE(2 * file.offsetSize + 8))]);
          else children.push([name, uint(entry, file.offsetSize, file.offsetSize)]);
        }
      }
    };
    node(btree, 0);
    return children;
  }

  /** A local heap's strings, by offset. */
  private localHeap(address: number): (offset: number) => string {
    const file = this.file;
    const header = file.at(address, 8 + 2 * file.lengthSize + file.offsetSize);
    need(header.toString("latin1", 0, 4) === "HEAP", "not a local heap");
    const data = file.at(uint(header, 8 + 2 * file.lengthSize, file.offsetSize), uint(header, 8, file.lengthSize));
    return (offset) => {
      const end = data.indexOf(0, offset);
      need(offset < data.length && end >= 0, "a name outside the local heap");
      return data.toString("utf8", offset, end);
    };
  }

  /** A link message (IV.A.2.g): hard links are children; soft and external links are noted. */
  private link(data: Buffer, path: string): [string, number] | null {
    need(data[0] === 1, "an odd link message");
    const flags = data[1];
    let at = 2;
    const type = flags & 0x08 ? data[at++] : LINK.hard;
    if (flags & 0x04) at += 8;
    if (flags & 0x10) at += 1;
    const width = 1 << (flags & 0x03);
    const nameLength = uint(data, at, width);
    at += width;
    need(at + nameLength <= data.length, "a link name past its message");
    const name = data.toString("utf8", at, at + nameLength);
    at += nameLength;
    const where = join(path, name);
    if (type === LINK.hard) return [name, uint(data, at, this.file.offsetSize)];
    const length = data.readUInt16LE(at);
    const value = data.subarray(at + 2, at + 2 + length);
    if (type === LINK.soft) {
      this.softs.push([where, value.toString("utf8")]);
    } else if (type === LINK.external) {
      // One byte of version and flags, then the file name and the object path, each ending in a NUL.
      const [file, object] = value.subarray(1).toString("utf8").split("\0");
      this.externals.push(where);
      this.note(where, "external-link", `${file}:${object ?? "?"}`);
    } else {
      this.note(where, "external-link", `a user-defined link of type ${type}`);
    }
    return null;
  }

  /** The External Data Files message (IV.A.2.h): the files a dataset's raw bytes are read from. */
  private externalFiles(data: Buffer): string {
    const file = this.file;
    need(data[0] === 1, "an odd external data files message");
    const used = data.readUInt16LE(6);
    const names: string[] = [];
    try {
      const heap = this.localHeap(uint(data, 8, file.offsetSize));
      const slot = 3 * file.lengthSize;
      for (let i = 0; i < Math.min(used, 3); i++) names.push(heap(uint(data, 8 + file.offsetSize + i * slot, file.lengthSize)));
    } catch {
      // The names are for the message only; the storage itself is the finding.
    }
    return names.length > 0 ? names.join(", ") : "another file";
  }

  /** A virtual dataset's source file names, from its global heap object (IV.A.2.i, layout version 4 class 3). */
  private virtualSources(data: Buffer): string {
    try {
      const object = globalHeapObject(this.file, uint(data, 2, this.file.offsetSize), data.readUInt32LE(2 + this.file.offsetSize));
      const count = uint(object, 1, this.file.lengthSize);
      const names = object.subarray(1 + this.file.lengthSize).toString("utf8").split("\0");
      return count > 0 && names[0] ? names[0] : "other files";
    } catch {
      return "other files";
    }
  }

  /** A soft link leaves the file when its target is not an object reached in it, or passes an external link. */
  private judgeSoftLinks(): void {
    for (const [where, target] of this.softs) {
      const absolute = target.startsWith("/") ? target : join(where.slice(0, where.lastIndexOf("/")) || "/", target);
      const viaExternal = this.externals.some((external) => absolute === external || absolute.startsWith(`${external}/`));
      if (viaExternal || !this.paths.has(absolute)) this.note(where, "soft-link", target);
    }
  }
}

/** The size of the link message starting at `at` (IV.A.2.g), or null when it is not one. */
function linkMessageLength(block: Buffer, at: number, offsetSize: number): number | null {
  if (block[at] !== 1 || at + 2 > block.length) return null;
  const flags = block[at + 1];
  if (flags & 0xe0) return null;
  let p = at + 2;
  const type = flags & 0x08 ? block[p++] : 0;
  if (flags & 0x04) p += 8;
  if (flags & 0x10) p += 1;
  const width = 1 << (flags & 0x03);
  if (p + width > block.length) return null;
  let nameLength = 0;
  for (let i = width - 1; i >= 0; i--) nameLength = nameLength * 256 + block[p + i];
  p += width + nameLength;
  if (nameLength === 0 || p > block.length) return null;
  // A hard link holds an object address; soft, external and user-defined links a length and their value.
  if (type === 0) return p + offsetSize - at;
  if (p + 2 > block.length) return null;
  return p + 2 + block.readUInt16LE(p) - at;
}

const join = (group: string, name: string) => (group === "/" ? `/${name}` : `${group}/${name}`);

/** A datatype of objects, references or untyped bytes where Keras stores numbers (II.B.3.1.3). */
function objectClass(data: Buffer): string | null {
  const typeClass = data[0] & 0x0f;
  if (typeClass === 5) return "opaque bytes";
  if (typeClass === 7) return "object references";
  if (typeClass === 9 && (data[1] & 0x0f) === 0) return "variable-length sequences";
  return null;
}
