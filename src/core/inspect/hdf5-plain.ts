// Reads what inspect needs from an HDF5 file in the layout h5py writes by default (superblock 0/1, version-1 object
// headers, symbol-table groups): the root's attributes and group names, and a walk of every group and dataset for the
// safety read. That is what Keras' .h5 and .keras weights files are, and reading them here spares starting h5wasm
// (a 4 MB wasm module in a worker thread, most of a whole `keras-fix inspect`'s time).
// The reader is strict on purpose: anything it does not expect (another layout, links, virtual or external storage,
// non-numeric datasets, a shared message, an odd field, a budget passed) makes it return null, and the caller reads
// the file with h5wasm as before. So it only has to be right on plain files, and it returns exactly what the h5wasm
// path returns on them (test/inspect/hdf5-plain.test.ts compares both on every HDF5 fixture).
// Layouts: HDF5 File Format Specification 3.0, sections II.A (superblock), III.A-C (B-tree v1, symbol table nodes,
// local heap), III.E (global heap), IV.A (object headers and their messages).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { Hdf5Root, Hdf5StorageNote, RootAttributeName } from "./hdf5-extract.js";
import { findHdf5Superblock } from "./sniff.js";

/** What the h5wasm worker would send for a job with `root` and `storage` (hdf5-thread.ts). */
export interface PlainRead {
  root: Hdf5Root;
  storage: Hdf5StorageNote[];
}

/** Why the plain reader gave the file to h5wasm; only tests look at it. */
export class NotPlain extends Error {}

const ROOT_ATTRIBUTES: readonly RootAttributeName[] = ["keras_version", "backend", "model_config", "training_config", "layer_names"];
/** The same bounds the h5wasm walk has (hdf5-extract.ts): past them the file is not plain. */
const MAX_ENTITIES = 50_000;
const MAX_GROUP_DEPTH = 24;
/** Bytes read in all, besides attribute values: headers of a Keras file are a few MB at most. */
const MAX_READ_BYTES = 256 * 1024 * 1024;
const MAX_BTREE_LEVEL = 16;
/** HDF5's default group B-tree and symbol-table node sizes, which h5py never changes; the superblock must say so. */
const GROUP_LEAF_K = 4;
const GROUP_INTERNAL_K = 16;
const MAX_HEADER_BLOCKS = 64;
const PAGE = 64 * 1024;
/** Pages kept (16 MB): the headers of a model with thousands of layers are spread over the whole file. */
const MAX_PAGES = 256;

const MESSAGE = {
  nil: 0x00,
  dataspace: 0x01,
  datatype: 0x03,
  fillOld: 0x04,
  fill: 0x05,
  layout: 0x08,
  filters: 0x0b,
  attribute: 0x0c,
  comment: 0x0d,
  mtimeOld: 0x0e,
  continuation: 0x10,
  symbolTable: 0x11,
  mtime: 0x12,
  btreeK: 0x13,
  refCount: 0x16,
} as const;
const KNOWN_MESSAGES = new Set<number>(Object.values(MESSAGE));
/** Datatype classes (II.B.3.1.3). */
const CLASS = { fixed: 0, float: 1, time: 2, string: 3, bitfield: 4, opaque: 5, compound: 6, reference: 7, enum: 8, vlen: 9, array: 10 } as const;

export function need(condition: boolean, what: string): asserts condition {
  if (!condition) throw new NotPlain(what);
}

/** Positioned reads through 64 KB pages, bounded in total: a header walk touches the same pages again and again. */
export class Bytes {
  private readonly pages = new Map<number, Buffer>();
  /** Global heap collections read so far, by address: their objects by index. */
  readonly heaps = new Map<number, Map<number, Buffer>>();
  private total = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
    /** Addresses in the file are relative to the base address (the superblock's place after a user block). */
    readonly base: number,
    readonly offsetSize: number,
    readonly lengthSize: number,
  ) {}

  /** `length` bytes at the relative address `at`; the whole range must lie inside the file. */
  at(at: number, length: number): Buffer {
    const start = this.base + at;
    need(Number.isSafeInteger(start) && length >= 0 && start + length <= this.size, "a range outside the file");
    this.total += length;
    need(this.total <= MAX_READ_BYTES, "too much to read");
    if (length > PAGE / 4) return this.direct(start, length);
    const first = Math.floor(start / PAGE);
    const last = Math.floor((start + length - 1) / PAGE);
    if (length === 0) return Buffer.alloc(0);
    if (first !== last) return this.direct(start, length);
    const page = this.page(first);
    return page.subarray(start - first * PAGE, start - first * PAGE + length);
  }

  private page(index: number): Buffer {
    let page = this.pages.get(index);
    if (!page) {
      page = this.direct(index * PAGE, Math.min(PAGE, this.size - index * PAGE));
      if (this.pages.size >= MAX_PAGES) this.pages.clear();
      this.pages.set(index, page);
    }
    return page;
  }

  private direct(start: number, length: number): Buffer {
    // Not zeroed: a short read is refused below, so every byte handed out was read from the file.
    const buffer = Buffer.allocUnsafe(length);
    need(readSync(this.fd, buffer, 0, length, start) === length, "a short read");
    return buffer;
  }
}

/** A little-endian unsigned field of 1-8 bytes; an all-ones value is HDF5's "undefined address". */
export function uint(bytes: Buffer, at: number, width: number): number {
  need(at + width <= bytes.length, "a field past its message");
  let value = 0;
  for (let i = width - 1; i >= 0; i--) value = value * 256 + bytes[at + i];
  need(Number.isSafeInteger(value) || isUndefined(bytes, at, width), "a field too large");
  return value;
}

export function isUndefined(bytes: Buffer, at: number, width: number): boolean {
  for (let i = 0; i < width; i++) if (bytes[at + i] !== 0xff) return false;
  return true;
}

interface Message {
  type: number;
  flags: number;
  data: Buffer;
}

/** A version-1 object header's messages, continuation blocks followed (IV.A.1.a). */
function objectHeader(file: Bytes, address: number): Message[] {
  const prefix = file.at(address, 16);
  need(prefix[0] === 1 && prefix[1] === 0, "not a version-1 object header");
  const count = prefix.readUInt16LE(2);
  const blocks: [number, number][] = [[address + 16, prefix.readUInt32LE(8)]];
  const messages: Message[] = [];
  const seen = new Set<number>();
  for (let b = 0; b < blocks.length; b++) {
    need(b < MAX_HEADER_BLOCKS, "too many header blocks");
    const [start, length] = blocks[b];
    need(!seen.has(start), "a header block twice");
    seen.add(start);
    const block = file.at(start, length);
    let at = 0;
    while (at + 8 <= block.length) {
      const type = block.readUInt16LE(at);
      const size = block.readUInt16LE(at + 2);
      const flags = block[at + 4];
      need(at + 8 + size <= block.length, "a message past its block");
      const data = block.subarray(at + 8, at + 8 + size);
      need(KNOWN_MESSAGES.has(type), `message type ${type}`);
      // h5py marks messages constant or not-to-be-shared at most; shared ones live elsewhere (a committed datatype, a
      // shared-message table), and other flags are either another writer's or damage HDF5 may refuse.
      need((flags & ~0x05) === 0, "a message flag h5py does not write");
      if (type === MESSAGE.continuation) blocks.push([uint(data, 0, file.offsetSize), uint(data, file.offsetSize, file.lengthSize)]);
      messages.push({ type, flags, data });
      at += 8 + size;
    }
    need(at === block.length, "a header block with trailing bytes");
  }
  need(messages.length === count, "a header whose message count does not add up");
  return messages;
}

interface Dataspace {
  /** Element count; 1 for a scalar. */
  elements: number;
  rank: number;
  dims: number[];
}

/** Dataspace message, versions 1 and 2 (IV.A.2.b). */
function dataspace(data: Buffer, lengthSize: number): Dataspace {
  const version = data[0];
  const rank = data[1];
  const flags = data[2];
  need((version === 1 || version === 2) && rank <= 32 && (flags & ~0x01) === 0, "an odd dataspace");
  if (version === 2) need(data[3] === 0 || data[3] === 1, "a null dataspace");
  else need(data.readUInt32LE(4) === 0 && data[3] === 0, "an odd dataspace");
  const at = version === 1 ? 8 : 4;
  const dims = Array.from({ length: rank }, (_, i) => uint(data, at + i * lengthSize, lengthSize));
  if (flags & 0x01) {
    for (let i = 0; i < rank; i++) {
      const max = at + (rank + i) * lengthSize;
      need(isUndefined(data, max, lengthSize) || uint(data, max, lengthSize) >= dims[i], "a dimension past its maximum");
    }
  }
  const elements = dims.reduce((a, b) => a * b, 1);
  need(Number.isSafeInteger(elements), "a dataspace too large");
  return { elements, rank, dims };
}

interface Datatype {
  typeClass: number;
  size: number;
  /** Strings: 1 for UTF-8, 0 for ASCII. */
  cset: number;
  /** Variable-length: 1 a string, 0 a sequence. */
  vlenString: boolean;
}

/** IEEE floats as HDF5 describes them: size → [exponent location, exponent size, mantissa size, bias]. */
const IEEE: Record<number, number[]> = { 2: [10, 5, 10, 15], 4: [23, 8, 23, 127], 8: [52, 11, 52, 1023] };

/**
 * Datatype message (IV.A.2.d), for the types h5py writes for Keras: little-endian integers and IEEE floats,
 * fixed-length strings and variable-length UTF-8/ASCII strings. Every field is checked against what those are, so a
 * damaged type (which HDF5 may refuse) is not plain; other classes are returned for the caller to refuse.
 */
function datatype(data: Buffer): Datatype {
  need(data.length >= 8, "a short datatype");
  const typeClass = data[0] & 0x0f;
  const version = data[0] >> 4;
  need(version === 1 && typeClass <= CLASS.array, "an odd datatype");
  const bits = data[1] | (data[2] << 8) | (data[3] << 16);
  const size = data.readUInt32LE(4);
  const props = data.subarray(8);
  switch (typeClass) {
    case CLASS.fixed:
      // Little-endian, zero padding, signed or not; all bits used.
      need((bits & ~0x08) === 0 && [1, 2, 4, 8].includes(size) && props.length >= 4, "an odd integer type");
      need(props.readUInt16LE(0) === 0 && props.readUInt16LE(2) === size * 8, "an odd integer type");
      return { typeClass, size, cset: 0, vlenString: false };
    case CLASS.float: {
      const ieee = IEEE[size];
      need(ieee !== undefined && props.length >= 12, "an odd float type");
      // Little-endian, zero padding, implied leading mantissa bit, sign in the top bit.
      need((bits & 0xff) === 0x20 && bits >> 8 === size * 8 - 1, "an odd float type");
      const [exponentAt, exponentSize, mantissaSize, bias] = ieee;
      need(props.readUInt16LE(0) === 0 && props.readUInt16LE(2) === size * 8, "an odd float type");
      need(props[4] === exponentAt && props[5] === exponentSize && props[6] === 0 && props[7] === mantissaSize && props.readUInt32LE(8) === bias, "an odd float type");
      return { typeClass, size, cset: 0, vlenString: false };
    }
    case CLASS.string:
      need(size > 0 && (bits & 0x0f) <= 2 && ((bits >> 4) & 0x0f) <= 1 && bits >> 8 === 0, "an odd string type");
      return { typeClass, size, cset: (bits >> 4) & 0x0f, vlenString: false };
    case CLASS.vlen: {
      const vlenString = (bits & 0x0f) === 1;
      if (!vlenString) return { typeClass, size, cset: 0, vlenString };
      need(((bits >> 4) & 0x0f) <= 2 && ((bits >> 8) & 0x0f) <= 1 && bits >> 12 === 0, "an odd string type");
      // The base type of a variable-length string is one unsigned byte (H5T_NATIVE_UCHAR as h5py writes it).
      need(props.length >= 12 && props[0] === 0x10 && props[1] === 0 && props[2] === 0 && props[3] === 0 && props.readUInt32LE(4) === 1, "an odd string base type");
      need(props.readUInt16LE(8) === 0 && props.readUInt16LE(10) === 8, "an odd string base type");
      return { typeClass, size, cset: (bits >> 8) & 0x0f, vlenString };
    }
    default:
      return { typeClass, size, cset: 0, vlenString: false };
  }
}

/**
 * One object of a global heap collection (III.E): the bytes a variable-length string points at. The collection is
 * walked whole, the way HDF5 loads it (H5HGcache.c), so that a collection HDF5 cannot load (a free-space object of
 * size 0 makes it loop forever: test/inspect/hostile/global-heap-loop.h5) is left to h5wasm and its time limit.
 */
export function globalHeapObject(file: Bytes, collection: number, index: number): Buffer {
  const objects = file.heaps.get(collection) ?? globalHeap(file, collection);
  file.heaps.set(collection, objects);
  const object = objects.get(index);
  need(object !== undefined, "a heap object that is missing");
  return object;
}

function globalHeap(file: Bytes, collection: number): Map<number, Buffer> {
  const lengthSize = file.lengthSize;
  const header = file.at(collection, 8 + lengthSize);
  need(header.toString("latin1", 0, 4) === "GCOL" && header[4] === 1, "not a global heap");
  const heap = file.at(collection, uint(header, 8, lengthSize));
  const objects = new Map<number, Buffer>();
  const objectHeader = 8 + lengthSize;
  let at = 8 + lengthSize;
  while (at < heap.length) {
    // The last bit of space, too small for an object header, is free space.
    if (at + objectHeader > heap.length) break;
    const id = heap.readUInt16LE(at);
    const size = uint(heap, at + 8, lengthSize);
    const next = id > 0 ? at + objectHeader + Math.ceil(size / 8) * 8 : at + size;
    need(next > at && next <= heap.length, "a global heap HDF5 cannot walk");
    if (id > 0) objects.set(id, heap.subarray(at + objectHeader, at + objectHeader + size));
    at = next;
  }
  return objects;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes of a variable-length string element (length + global heap id), up to its first NUL as HDF5 gives it. */
function vlenBytes(file: Bytes, element: Buffer): Buffer {
  const length = element.readUInt32LE(0);
  const collection = uint(element, 4, file.offsetSize);
  const index = element.readUInt32LE(4 + file.offsetSize);
  if (length === 0) return Buffer.alloc(0);
  const object = globalHeapObject(file, collection, index);
  need(object.length >= length, "a string longer than its heap object");
  const bytes = object.subarray(0, length);
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/** A variable-length string as h5wasm decodes it in an array (Emscripten's UTF8ToString / AsciiToString): only text
 * both decoders agree on is accepted. */
function vlenText(bytes: Buffer, cset: number): string {
  if (cset === 0) need(!bytes.some((byte) => byte >= 0x80), "non-ASCII bytes in an ASCII string");
  try {
    return utf8.decode(bytes);
  } catch {
    throw new NotPlain("a string that is not UTF-8");
  }
}

interface Attribute {
  name: string;
  type: Datatype;
  space: Dataspace;
  value: Buffer;
}

/** Attribute message, versions 1-3 (IV.A.2.m). */
function attribute(data: Buffer, lengthSize: number): Attribute {
  const version = data[0];
  need(version >= 1 && version <= 3 && data.length >= 8, "an odd attribute");
  if (version === 1) need(data[1] === 0, "an odd attribute");
  else need(data[1] === 0, "an attribute with a shared type or space");
  const nameSize = data.readUInt16LE(2);
  const typeSize = data.readUInt16LE(4);
  const spaceSize = data.readUInt16LE(6);
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  let at = version === 3 ? 9 : 8;
  need(nameSize > 0 && at + pad(nameSize) + pad(typeSize) + pad(spaceSize) <= data.length, "an attribute past its message");
  const nameBytes = data.subarray(at, at + nameSize);
  need(nameBytes[nameSize - 1] === 0 && nameBytes.indexOf(0) === nameSize - 1, "an odd attribute name");
  const name = vlenText(nameBytes.subarray(0, nameSize - 1), 1);
  at += pad(nameSize);
  const type = datatype(data.subarray(at, at + typeSize));
  at += pad(typeSize);
  const space = dataspace(data.subarray(at, at + spaceSize), lengthSize);
  at += pad(spaceSize);
  const value = data.subarray(at);
  need(value.length >= space.elements * type.size, "an attribute value past its message");
  return { name, type, space, value };
}

/**
 * An attribute's value as the h5wasm path gives it (hdf5-extract.ts readAttribute): a scalar variable-length string
 * as its UTF-8 bytes when `asBytes`, other strings decoded, a scalar as one value and a one-dimensional array as a
 * list. Other types and shapes are not plain.
 */
function attributeValue(file: Bytes, attr: Attribute, asBytes: boolean): unknown {
  const { type, space } = attr;
  need(space.rank <= 1, "a multi-dimensional attribute");
  let values: unknown[];
  if (type.typeClass === CLASS.string) {
    need(type.size > 0 && (type.cset === 0 || type.cset === 1), "an odd string type");
    const decoder = new TextDecoder(type.cset === 1 ? "utf-8" : "ascii");
    values = [];
    for (let i = 0; i < space.elements; i++) {
      const bytes = attr.value.subarray(i * type.size, (i + 1) * type.size);
      const nul = bytes.indexOf(0);
      values.push(decoder.decode(nul < 0 ? bytes : bytes.subarray(0, nul)));
    }
  } else if (type.typeClass === CLASS.vlen && type.vlenString) {
    need(type.size === 8 + file.offsetSize && (type.cset === 0 || type.cset === 1), "an odd string type");
    const elements = Array.from({ length: space.elements }, (_, i) => vlenBytes(file, attr.value.subarray(i * type.size, (i + 1) * type.size)));
    if (asBytes && space.rank === 0) return new Uint8Array(elements[0]);
    values = elements.map((bytes) => vlenText(bytes, type.cset));
  } else {
    throw new NotPlain("an attribute that is not a string");
  }
  return space.rank === 0 ? values[0] : values;
}

/** The names and object addresses of a symbol-table group, in the order HDF5 lists them (its B-tree's). */
function groupEntries(file: Bytes, btree: number, heap: number, budget: { left: number }): [string, number][] {
  const heapHeader = file.at(heap, 8 + 2 * file.lengthSize + file.offsetSize);
  need(heapHeader.toString("latin1", 0, 4) === "HEAP" && heapHeader[4] === 0, "not a local heap");
  const names = file.at(uint(heapHeader, 8 + 2 * file.lengthSize, file.offsetSize), uint(heapHeader, 8, file.lengthSize));
  // The free list as HDF5 checks it when it loads the heap (H5HLcache.c): blocks inside the data, list ends at 1.
  let free = uint(heapHeader, 8 + file.lengthSize, file.lengthSize);
  for (let blocks = 0; free !== 1; blocks++) {
    need(blocks < 10_000 && free + 2 * file.lengthSize <= names.length, "a local heap free list HDF5 refuses");
    const next = uint(names, free, file.lengthSize);
    const size = uint(names, free + file.lengthSize, file.lengthSize);
    need(free + size <= names.length && (next === 1 || next > free), "a local heap free list HDF5 refuses");
    free = next;
  }
  const nameAt = (offset: number) => {
    const end = names.indexOf(0, offset);
    need(offset < names.length && end >= 0, "a name outside the local heap");
    return vlenText(names.subarray(offset, end), 1);
  };
  const entries: [string, number][] = [];
  const entrySize = 2 * file.offsetSize + 24;
  const node = (address: number, level: number | null) => {
    // Every node counts: children that all point at one node would otherwise multiply the visits level by level.
    need(--budget.left > 0, "too many objects");
    const header = file.at(address, 8 + 2 * file.offsetSize);
    need(header.toString("latin1", 0, 4) === "TREE" && header[4] === 0, "not a group B-tree node");
    const nodeLevel = header[5];
    need(nodeLevel <= MAX_BTREE_LEVEL && (level === null || nodeLevel === level), "an odd B-tree level");
    const used = header.readUInt16LE(6);
    need(used <= 2 * GROUP_INTERNAL_K, "a B-tree node fuller than its capacity");
    const keyAndChild = file.lengthSize + file.offsetSize;
    const body = file.at(address + header.length, used * keyAndChild + file.lengthSize);
    for (let i = 0; i < used; i++) {
      const child = uint(body, i * keyAndChild + file.lengthSize, file.offsetSize);
      if (nodeLevel > 0) {
        node(child, nodeLevel - 1);
        continue;
      }
      need(--budget.left > 0, "too many objects");
      const symbols = file.at(child, 8);
      need(symbols.toString("latin1", 0, 4) === "SNOD" && symbols[4] === 1, "not a symbol table node");
      const count = symbols.readUInt16LE(6);
      need(count <= 2 * GROUP_LEAF_K && symbols[5] === 0, "a symbol table node fuller than its capacity");
      const table = file.at(child + 8, count * entrySize);
      for (let s = 0; s < count; s++) {
        need(--budget.left > 0, "too many objects");
        const entry = table.subarray(s * entrySize, (s + 1) * entrySize);
        // Cache type 2 is a soft link: h5wasm reports it, so the file is not plain.
        need(entry.readUInt32LE(2 * file.offsetSize) <= 1, "a soft link");
        entries.push([nameAt(uint(entry, 0, file.offsetSize)), uint(entry, file.offsetSize, file.offsetSize)]);
      }
    }
  };
  node(btree, null);
  for (let i = 1; i < entries.length; i++) need(Buffer.compare(Buffer.from(entries[i - 1][0]), Buffer.from(entries[i][0])) < 0, "group names out of order");
  return entries;
}

/** A group's B-tree and heap, or null for a dataset; anything else is not plain. */
function symbolTableOf(messages: Message[], file: Bytes): { btree: number; heap: number } | null {
  const table = messages.find((m) => m.type === MESSAGE.symbolTable);
  if (table) return { btree: uint(table.data, 0, file.offsetSize), heap: uint(table.data, file.offsetSize, file.offsetSize) };
  return null;
}

/**
 * A dataset Keras could have written: numbers or strings, in compact, contiguous or chunked storage whose size fits
 * the dataspace (HDF5 checks that when it opens the dataset, and the h5wasm walk opens every one).
 */
function checkDataset(messages: Message[], file: Bytes): void {
  const typeMessage = messages.find((m) => m.type === MESSAGE.datatype);
  const spaceMessage = messages.find((m) => m.type === MESSAGE.dataspace);
  const layout = messages.find((m) => m.type === MESSAGE.layout);
  need(!!typeMessage && !!spaceMessage && !!layout, "an object that is neither a group nor a dataset");
  const space = dataspace(spaceMessage.data, file.lengthSize);
  const type = datatype(typeMessage.data);
  // What the h5wasm walk reports as object data (opaque, references, sequences) or must look inside (compound,
  // array), and types Keras does not write, are left to it.
  const plain = [CLASS.fixed, CLASS.float, CLASS.string] as number[];
  need(plain.includes(type.typeClass) || (type.typeClass === CLASS.vlen && type.vlenString), "a dataset of objects or of an unusual type");
  const data = layout.data;
  need(data[0] === 3, "a layout message other than version 3");
  const bytes = space.elements * type.size;
  if (data[1] === 0) {
    need(data.length >= 4 && data.readUInt16LE(2) === bytes, "compact storage of the wrong size");
  } else if (data[1] === 1) {
    need(uint(data, 2 + file.offsetSize, file.lengthSize) === bytes, "contiguous storage of the wrong size");
  } else if (data[1] === 2) {
    const rank = data[2];
    need(rank === space.rank + 1 && data.length >= 3 + file.offsetSize + 4 * rank, "chunks of the wrong rank");
    const chunk = Array.from({ length: rank }, (_, i) => data.readUInt32LE(3 + file.offsetSize + 4 * i));
    need(chunk.every((d) => d > 0) && chunk[rank - 1] === type.size, "odd chunk dimensions");
  } else {
    throw new NotPlain("virtual or unknown storage");
  }
}

/**
 * The root (names, the attributes inspect reads, Keras 3's layer groups) and the safety walk's notes (none: a file
 * with something to note is not plain), or null when h5wasm must read the file.
 */
export function readPlainHdf5(path: string): PlainRead | null {
  try {
    return readPlain(path);
  } catch (error) {
    if (error instanceof NotPlain || error instanceof RangeError) return null;
    throw error;
  }
}

/** For tests: why a file is not plain, or null when it is. */
export function whyNotPlain(path: string): string | null {
  try {
    readPlain(path);
    return null;
  } catch (error) {
    if (error instanceof NotPlain || error instanceof RangeError) return error.message;
    throw error;
  }
}

function readPlain(path: string): PlainRead {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const offset = findHdf5Superblock(fd, size);
    need(offset !== null, "no superblock");
    const head = Buffer.alloc(Math.min(96, size - offset));
    readSync(fd, head, 0, head.length, offset);
    const version = head[8];
    need((version === 0 || version === 1) && head[9] === 0 && head[10] === 0 && head[11] === 0 && head[12] === 0, "superblock version 2 or later");
    const offsetSize = head[13];
    const lengthSize = head[14];
    need([4, 8].includes(offsetSize) && [4, 8].includes(lengthSize), "odd address sizes");
    const at = version === 0 ? 24 : 28;
    need(head.readUInt16LE(16) === GROUP_LEAF_K && head.readUInt16LE(18) === GROUP_INTERNAL_K && head.readUInt32LE(20) === 0, "odd B-tree sizes or flags");
    if (version === 1) need(head.readUInt16LE(24) === 32 && head.readUInt16LE(26) === 0, "odd chunk B-tree sizes");
    // HDF5 takes the superblock's own place as the base address (H5Fsuper.c); h5py writes 0 or that place.
    const baseField = uint(head, at, offsetSize);
    need(baseField === 0 || baseField === offset, "an odd base address");
    need(isUndefined(head, at + offsetSize, offsetSize), "a free-space index");
    need(isUndefined(head, at + 3 * offsetSize, offsetSize), "a driver information block");
    const rootEntry = at + 4 * offsetSize;
    const file = new Bytes(fd, size, offset, offsetSize, lengthSize);
    return readFile(file, uint(head, rootEntry + offsetSize, offsetSize));
  } finally {
    closeSync(fd);
  }
}

function readFile(file: Bytes, rootAddress: number): PlainRead {
  const budget = { left: MAX_ENTITIES };
  const rootMessages = objectHeader(file, rootAddress);
  const rootTable = symbolTableOf(rootMessages, file);
  need(rootTable !== null, "a root that is not a symbol-table group");
  const attributes = rootMessages.filter((m) => m.type === MESSAGE.attribute).map((m) => attribute(m.data, file.lengthSize));
  // h5wasm lists attribute names in HDF5's name order (byte order).
  const attributeNames = attributes.map((a) => a.name).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  need(new Set(attributeNames).size === attributeNames.length, "an attribute twice");
  const byName = new Map(attributes.map((a) => [a.name, a]));
  const read: Hdf5Root["attributes"] = {};
  for (const name of ROOT_ATTRIBUTES) {
    const value = rootAttribute(file, byName, name);
    if (value !== null) read[name] = value;
  }
  const rootChildren = groupEntries(file, rootTable.btree, rootTable.heap, budget);
  const keys = rootChildren.map(([name]) => name);
  let keras3LayerGroups: string[] | null = null;
  // The safety walk over every object (hdf5-extract.ts readStorage): a plain file has nothing to note, so the walk
  // only proves that every object is a plain group or dataset.
  const visited = new Set<number>([rootAddress]);
  const walk = (children: [string, number][], depth: number, atRoot: boolean) => {
    need(depth <= MAX_GROUP_DEPTH, "groups nested too deep");
    for (const [name, address] of children) {
      const messages = objectHeader(file, address);
      const table = symbolTableOf(messages, file);
      if (table === null) {
        checkDataset(messages, file);
        continue;
      }
      // A group reached twice (a hard link, or a loop) is walked twice by h5wasm; leave such files to it.
      need(!visited.has(address), "a group linked twice");
      visited.add(address);
      const entries = groupEntries(file, table.btree, table.heap, budget);
      const layersKey = keys.includes("layers") ? "layers" : keys.includes("_layer_checkpoint_dependencies") ? "_layer_checkpoint_dependencies" : null;
      if (atRoot && name === layersKey) keras3LayerGroups = entries.map(([child]) => child);
      walk(entries, depth + 1, false);
    }
  };
  walk(rootChildren, 0, true);
  return { root: { attributeNames, keys, attributes: read, keras3LayerGroups }, storage: [] };
}

/** hdf5-extract.ts readAttribute: the attribute, or Keras' `<name>0`, `<name>1`, ... split form, or null. */
function rootAttribute(file: Bytes, byName: Map<string, Attribute>, name: string): unknown {
  const whole = byName.get(name);
  if (whole) return attributeValue(file, whole, true);
  if (!byName.has(`${name}0`)) return null;
  const parts: unknown[] = [];
  for (let i = 0; byName.has(`${name}${i}`); i++) {
    const part = attributeValue(file, byName.get(`${name}${i}`)!, false);
    if (Array.isArray(part)) parts.push(...part);
    else parts.push(part);
  }
  return parts;
}
