// A minimal protobuf wire-format reader over a file handle: SavedModel files can hold hundreds of megabytes of
// graph, so fields are found by reading tags and lengths at positions and skipping what is not wanted.
import { readSync } from "node:fs";

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export interface ProtoField {
  number: number;
  wireType: number;
  /** varint value (as a number; protobuf ints here are small) for wire type 0. */
  value: number;
  /** Absolute file offsets of a length-delimited payload. */
  start: number;
  end: number;
}

/** The fields of the message in [start, end), read through `varint` (from a file or from memory); throws on anything
 * that is not well-formed protobuf. */
function* wireFields(varint: (at: number) => { value: number; next: number }, start: number, end: number): Generator<ProtoField> {
  let at = start;
  while (at < end) {
    const tag = varint(at);
    const number = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (number === 0) throw new Error("field number 0");
    at = tag.next;
    if (wireType === WIRE_VARINT) {
      const v = varint(at);
      yield { number, wireType, value: v.value, start: at, end: v.next };
      at = v.next;
    } else if (wireType === WIRE_LEN) {
      const length = varint(at);
      const payloadEnd = length.next + length.value;
      if (payloadEnd > end) throw new Error("length past the end of the message");
      yield { number, wireType, value: length.value, start: length.next, end: payloadEnd };
      at = payloadEnd;
    } else if (wireType === WIRE_I64 || wireType === WIRE_I32) {
      const width = wireType === WIRE_I64 ? 8 : 4;
      yield { number, wireType, value: 0, start: at, end: at + width };
      at += width;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  if (at !== end) throw new Error("message overruns its length");
}

export class ProtoFile {
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  read(start: number, end: number): Buffer {
    const buffer = Buffer.alloc(end - start);
    let done = 0;
    while (done < buffer.length) {
      const n = readSync(this.fd, buffer, done, buffer.length - done, start + done);
      if (n === 0) throw new Error("unexpected end of file");
      done += n;
    }
    return buffer;
  }

  private varint(at: number): { value: number; next: number } {
    const bytes = this.read(at, Math.min(at + 10, this.size));
    let value = 0;
    let scale = 1;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
    }
    throw new Error("malformed varint");
  }

  /** The fields of the message stored in [start, end); throws on anything that is not well-formed protobuf. */
  fields(start = 0, end = this.size): Generator<ProtoField> {
    return wireFields((at) => this.varint(at), start, end);
  }

  string(field: ProtoField): string {
    return this.read(field.start, field.end).toString("utf8");
  }
}

/** The same wire-format reading over bytes already in memory (a whole saved_model.pb walked op by op). */
export class ProtoBytes {
  constructor(readonly bytes: Buffer) {}

  private varint(at: number): { value: number; next: number } {
    let value = 0;
    let scale = 1;
    for (let i = at; i < Math.min(at + 10, this.bytes.length); i++) {
      const byte = this.bytes[i];
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return { value, next: i + 1 };
    }
    throw new Error("malformed varint");
  }

  fields(start = 0, end = this.bytes.length): Generator<ProtoField> {
    return wireFields((at) => this.varint(at), start, end);
  }

  string(field: ProtoField): string {
    return this.bytes.toString("utf8", field.start, field.end);
  }

  /** The fields of one message, as a list (a message's fields are few). */
  list(field: ProtoField | null = null): ProtoField[] {
    return [...this.fields(field?.start ?? 0, field?.end ?? this.bytes.length)];
  }
}
