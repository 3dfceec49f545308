// Noodle's rand(rows, cols, seed) in JavaScript: the same splitmix64 stream,
// seeded with the bits of the seed's double, so the peers of the dense suites
// multiply and invert exactly the matrices the Noodle programs build.
//
// 64-bit arithmetic is done on pairs of unsigned 32-bit halves, since BigInt
// is several times slower for the millions of values a 1024 x 1024 matrix needs.

const GOLDEN_HI = 0x9e3779b9,
  GOLDEN_LO = 0x7f4a7c15;
const MIX1_HI = 0xbf58476d,
  MIX1_LO = 0x1ce4e5b9;
const MIX2_HI = 0x94d049bb,
  MIX2_LO = 0x133111eb;
const TWO_POW_21 = 2 ** 21;
const TWO_POW_MINUS_53 = 2 ** -53;

// (hi, lo) of the product of two 64-bit numbers, modulo 2^64.
let mulHi = 0,
  mulLo = 0;
function mul64(ah, al, bh, bl) {
  // al * bl exactly, from 16-bit pieces (every partial product fits a double)
  const a0 = al & 0xffff,
    a1 = al >>> 16,
    b0 = bl & 0xffff,
    b1 = bl >>> 16;
  const p00 = a0 * b0,
    p01 = a0 * b1,
    p10 = a1 * b0,
    p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  mulLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const hi = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  mulHi = (hi + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** The elements of Noodle's rand(rows, cols, seed), row-major, uniform in [0, 1). */
export function noodleRand(rows, cols, seed) {
  const bits = new Uint32Array(new Float64Array([seed]).buffer); // little-endian: [lo, hi]
  let sLo = bits[0],
    sHi = bits[1];
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    // state += golden gamma
    const lo = (sLo + GOLDEN_LO) >>> 0;
    sHi = (sHi + GOLDEN_HI + (lo < sLo ? 1 : 0)) >>> 0;
    sLo = lo;
    // z = (z ^ (z >> 30)) * MIX1
    let zl = (sLo ^ ((sLo >>> 30) | (sHi << 2))) >>> 0;
    let zh = (sHi ^ (sHi >>> 30)) >>> 0;
    mul64(zh, zl, MIX1_HI, MIX1_LO);
    // z = (z ^ (z >> 27)) * MIX2
    zl = (mulLo ^ ((mulLo >>> 27) | (mulHi << 5))) >>> 0;
    zh = (mulHi ^ (mulHi >>> 27)) >>> 0;
    mul64(zh, zl, MIX2_HI, MIX2_LO);
    // z ^= z >> 31, then the top 53 bits as a fraction
    zl = (mulLo ^ ((mulLo >>> 31) | (mulHi << 1))) >>> 0;
    zh = (mulHi ^ (mulHi >>> 31)) >>> 0;
    out[i] = (zh * TWO_POW_21 + (zl >>> 11)) * TWO_POW_MINUS_53;
  }
  return out;
}
