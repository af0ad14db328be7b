// Reads the HDF5 superblock ourselves to tell a truncated download from a damaged file before the HDF5 library
// sees it: the superblock records the end-of-file address, and HDF5 refuses a file shorter than that.
import { readAt } from "./sniff.js";

export interface Superblock {
  version: number;
  offset: number;
  baseAddress: number;
  /** The stored end-of-file address; HDF5 (H5Fsuper.c) reports "truncated file" when the file is shorter. */
  endOfFile: number | null;
}

const UNDEFINED = -1;

function readAddress(bytes: Buffer, at: number, width: number): number {
  if (at + width > bytes.length) return UNDEFINED;
  let value = 0;
  let allOnes = true;
  for (let i = width - 1; i >= 0; i--) {
    const byte = bytes[at + i];
    if (byte !== 0xff) allOnes = false;
    value = value * 256 + byte;
  }
  return allOnes ? UNDEFINED : value;
}

/** Layout per the HDF5 File Format Specification, section II.A (superblock versions 0/1 and 2/3). */
export function readSuperblock(fd: number, offset: number): Superblock | null {
  const bytes = readAt(fd, offset, 96);
  if (bytes.length < 16) return null;
  const version = bytes[8];
  let offsetsWidth: number;
  let baseAt: number;
  let eofAt: number;
  if (version === 0 || version === 1) {
    offsetsWidth = bytes[13];
    // 24 bytes of fixed fields; version 1 adds the indexed-storage K and 2 reserved bytes.
    baseAt = version === 0 ? 24 : 28;
    eofAt = baseAt + 2 * offsetsWidth;
  } else if (version === 2 || version === 3) {
    offsetsWidth = bytes[9];
    baseAt = 12;
    eofAt = baseAt + 2 * offsetsWidth;
  } else {
    return { version, offset, baseAddress: offset, endOfFile: null };
  }
  if (![2, 4, 8].includes(offsetsWidth)) return null;
  const baseAddress = readAddress(bytes, baseAt, offsetsWidth);
  const endOfFile = readAddress(bytes, eofAt, offsetsWidth);
  return {
    version,
    offset,
    baseAddress: baseAddress === UNDEFINED ? 0 : baseAddress,
    endOfFile: endOfFile === UNDEFINED ? null : endOfFile,
  };
}
