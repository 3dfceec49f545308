// The checksum of log records and stored values: detects bytes that did not read back as they
// were written (a torn write, a flipped bit). Four independent multiply-xor lanes over 32-bit
// words, mixed at the end; about 2.5 times the speed of a table-driven CRC-32 in JavaScript,
// which matters because every stored byte is checked once when written and once when read.
// Words are read in the host's byte order, which is little-endian on every current host (as the
// value codec also assumes).

const PRIME = 0x01000193;
const STEP = 0x7f4a7c15;

export function checksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const n4 = (end - start) >>> 2;
  const at = bytes.byteOffset + start;
  const words = at % 4 === 0 ? new Uint32Array(bytes.buffer, at, n4) : new Uint32Array(bytes.slice(start, start + n4 * 4).buffer);
  let a = 0x9e3779b9, b = 0x85ebca6b, c = 0xc2b2ae35, d = 0x27d4eb2f;
  let i = 0;
  for (; i + 4 <= n4; i += 4) {
    a = (Math.imul(a ^ words[i], PRIME) + STEP) | 0;
    b = (Math.imul(b ^ words[i + 1], PRIME) + STEP) | 0;
    c = (Math.imul(c ^ words[i + 2], PRIME) + STEP) | 0;
    d = (Math.imul(d ^ words[i + 3], PRIME) + STEP) | 0;
  }
  for (; i < n4; i++) a = (Math.imul(a ^ words[i], PRIME) + STEP) | 0;
  for (let j = start + n4 * 4; j < end; j++) b = (Math.imul(b ^ bytes[j], PRIME) + STEP) | 0;
  let h = Math.imul(a ^ (b >>> 15), 0x85ebca6b) ^ Math.imul(c ^ (d >>> 13), 0xc2b2ae35) ^ (end - start);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
