// Reads a TensorFlow checkpoint's `<prefix>.index`: the variable names, dtypes and shapes, never the values (those
// are in `<prefix>.data-NNNNN-of-NNNNN`). The index is a LevelDB-style SSTable (tensorflow/core/lib/io/table_*:
// data blocks of prefix-compressed key/value entries, an index block pointing at them, a 48-byte footer ending in
// a magic number) whose values are BundleEntryProto messages (tensorflow/core/protobuf/tensor_bundle.proto).
// TF's BundleWriter writes the table uncompressed (table::kNoCompression; checked on TF 2.1, 2.15 and 2.21 files),
// so no snappy is needed; a compressed block is reported, not guessed at.

/** `0xdb4775248b80fb57`, little-endian, the last 8 bytes of every table (table_format.h kTableMagicNumber). */
const TABLE_MAGIC = Buffer.from([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]);
const FOOTER_LENGTH = 48;
/** Block contents are followed by a 1-byte compression type and a 4-byte CRC. */
const BLOCK_TRAILER = 5;
// BundleEntryProto { DataType dtype = 1; TensorShapeProto shape = 2; int32 shard_id = 3; int64 offset = 4;
//   int64 size = 5; fixed32 crc32c = 6; repeated TensorSliceProto slices = 7; }
// TensorShapeProto { repeated Dim dim = 2 { int64 size = 1; string name = 2; }; bool unknown_rank = 3; }
// BundleHeaderProto (the value under the empty key) { int32 num_shards = 1; Endianness endianness = 2; ... }
const ENTRY = { dtype: 1, shape: 2 };
const SHAPE = { dim: 2 };
const DIM = { size: 1 };
const HEADER = { numShards: 1 };
/** tensorflow/core/framework/types.proto DataType numbers for the dtypes weights come in. */
const DTYPES: Record<number, string> = {
  1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 7: "string", 9: "int64", 10: "bool",
  14: "bfloat16", 17: "uint16", 19: "float16", 22: "uint32", 23: "uint64",
};
/** A checkpoint index is a few KB to a few MB; more entries than this are not read (the rest is counted). */
const MAX_ENTRIES = 100_000;

export interface CheckpointVariable {
  /** The key as stored, e.g. `layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE` or `dense/kernel`. */
  key: string;
  dtype: string;
  shape: number[];
}

export interface CheckpointIndex {
  numShards: number | null;
  variables: CheckpointVariable[];
}

export class CheckpointIndexError extends Error {}

/** True when the buffer ends like an SSTable (the footer's magic number): enough to call a file a TF index. */
export function hasTableMagic(tail: Buffer): boolean {
  return tail.length >= 8 && tail.subarray(tail.length - 8).equals(TABLE_MAGIC);
}

function varint(buffer: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buffer.length && i < at + 10; i++) {
    value += (buffer[i] & 0x7f) * scale;
    scale *= 128;
    if ((buffer[i] & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new CheckpointIndexError("malformed varint");
}

/** The fields of a protobuf message held in memory: number, wire type, varint value or payload. */
function* protoFields(buffer: Buffer): Generator<{ number: number; value: number; payload: Buffer | null }> {
  let at = 0;
  while (at < buffer.length) {
    const tag = varint(buffer, at);
    at = tag.next;
    const number = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (wire === 0) {
      const v = varint(buffer, at);
      at = v.next;
      yield { number, value: v.value, payload: null };
    } else if (wire === 2) {
      const length = varint(buffer, at);
      const end = length.next + length.value;
      if (end > buffer.length) throw new CheckpointIndexError("protobuf length past the end");
      yield { number, value: length.value, payload: buffer.subarray(length.next, end) };
      at = end;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
    } else {
      throw new CheckpointIndexError(`unsupported protobuf wire type ${wire}`);
    }
  }
}

/** A block's contents, checked for compression; `handle` is the encoded BlockHandle (offset, size varints). */
function readBlock(file: Buffer, offset: number, size: number): Buffer {
  if (offset + size + BLOCK_TRAILER > file.length) throw new CheckpointIndexError("a block points past the end of the file");
  const compression = file[offset + size];
  if (compression !== 0) throw new CheckpointIndexError(`block compressed with type ${compression} (only uncompressed tables are read)`);
  return file.subarray(offset, offset + size);
}

/** The key/value entries of one block (leveldb block_builder: shared, non-shared, value length, key delta, value). */
function* blockEntries(block: Buffer): Generator<{ key: string; value: Buffer }> {
  if (block.length < 4) throw new CheckpointIndexError("block too short");
  const restarts = block.readUInt32LE(block.length - 4);
  const end = block.length - 4 - restarts * 4;
  if (end < 0) throw new CheckpointIndexError("bad restart count");
  let at = 0;
  let key = Buffer.alloc(0);
  while (at < end) {
    const shared = varint(block, at);
    const unshared = varint(block, shared.next);
    const valueLength = varint(block, unshared.next);
    const keyStart = valueLength.next;
    const valueStart = keyStart + unshared.value;
    const valueEnd = valueStart + valueLength.value;
    if (shared.value > key.length || valueEnd > end) throw new CheckpointIndexError("entry overruns its block");
    key = Buffer.concat([key.subarray(0, shared.value), block.subarray(keyStart, valueStart)]);
    yield { key: key.toString("utf8"), value: block.subarray(valueStart, valueEnd) };
    at = valueEnd;
  }
}

function blockHandle(encoded: Buffer, at = 0): { offset: number; size: number; next: number } {
  const offset = varint(encoded, at);
  const size = varint(encoded, offset.next);
  return { offset: offset.value, size: size.value, next: size.next };
}

function entryOf(key: string, value: Buffer): CheckpointVariable {
  let dtype = "unknown";
  const shape: number[] = [];
  for (const field of protoFields(value)) {
    if (field.number === ENTRY.dtype && field.payload === null) dtype = DTYPES[field.value] ?? `dtype ${field.value}`;
    if (field.number === ENTRY.shape && field.payload) {
      for (const dim of protoFields(field.payload)) {
        if (dim.number !== SHAPE.dim || !dim.payload) continue;
        let size = 0;
        for (const part of protoFields(dim.payload)) if (part.number === DIM.size) size = part.value;
        shape.push(size);
      }
    }
  }
  return { key, dtype, shape };
}

/** Parses a whole `.index` file held in memory; throws CheckpointIndexError when it is not a readable table. */
export function readCheckpointIndex(file: Buffer): CheckpointIndex {
  if (file.length < FOOTER_LENGTH || !hasTableMagic(file)) throw new CheckpointIndexError("no table footer (magic number missing)");
  const footer = file.subarray(file.length - FOOTER_LENGTH);
  const metaindex = blockHandle(footer);
  const index = blockHandle(footer, metaindex.next);
  const result: CheckpointIndex = { numShards: null, variables: [] };
  for (const pointer of blockEntries(readBlock(file, index.offset, index.size))) {
    const handle = blockHandle(pointer.value);
    for (const entry of blockEntries(readBlock(file, handle.offset, handle.size))) {
      if (entry.key === "") {
        for (const field of protoFields(entry.value)) if (field.number === HEADER.numShards) result.numShards = field.value;
      } else if (result.variables.length < MAX_ENTRIES) {
        result.variables.push(entryOf(entry.key, entry.value));
      }
    }
  }
  return result;
}

/** Object-based (TF2) keys end in this; name-based (TF1 Saver) keys are the variable names themselves. */
const VARIABLE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE";

/**
 * The model's own variables, in a readable name: TF2 keys lose their `/.ATTRIBUTES/VARIABLE_VALUE` suffix; the
 * object graph, the save counter and the optimizer's state (its iterations and per-variable slots) are left out.
 */
export function modelVariables(index: CheckpointIndex): CheckpointVariable[] {
  return index.variables
    .filter(({ key }) => key !== "_CHECKPOINTABLE_OBJECT_GRAPH" && !key.startsWith("save_counter/"))
    .filter(({ key }) => !key.startsWith("optimizer/") && !key.includes("/.OPTIMIZER_SLOT/"))
    .map((variable) => ({ ...variable, key: variable.key.endsWith(VARIABLE_SUFFIX) ? variable.key.slice(0, -VARIABLE_SUFFIX.length) : variable.key }));
}
