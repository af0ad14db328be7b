// CRC-32 of data repeated many times without reading it all (zlib's crc32_combine): an honest zip bomb of GBs
// needs the CRC of its GBs, and hashing them byte by byte costs seconds of the fuzz budget.
import { crc32 } from "node:zlib";

function times(matrix: number[], vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i++, vector >>>= 1) if (vector & 1) sum ^= matrix[i];
  return sum >>> 0;
}

function square(matrix: number[]): number[] {
  return matrix.map((row) => times(matrix, row));
}

/** The CRC-32 of A followed by B, from crc(A), crc(B) and the length of B. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA;
  let odd = [0xedb88320];
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd.push(row >>> 0);
  let even = square(odd); // two zero bits
  odd = square(even); // four zero bits
  let crc = crcA >>> 0;
  let remaining = lengthB;
  for (;;) {
    even = square(odd);
    if (remaining % 2 === 1) crc = times(even, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
    odd = square(even);
    if (remaining % 2 === 1) crc = times(odd, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

/** The CRC-32 of `block` written `count` times in a row, by doubling: log2(count) combines, not count. */
export function crc32Repeated(block: Buffer, count: number): number {
  let result = 0;
  let resultLength = 0;
  let power = crc32(block);
  let powerLength = block.length;
  for (let remaining = count; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) {
      result = resultLength === 0 ? power : crc32Combine(result, power, powerLength);
      resultLength += powerLength;
    }
    power = crc32Combine(power, power, powerLength);
    powerLength *= 2;
  }
  return result;
}
