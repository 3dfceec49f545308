// Dense matrix product C = A * B (row-major), f64 and f32: blocked for the caches, with A and B
// packed into panels so the inner kernel reads both sequentially, and a register-tiled SIMD
// micro-kernel that keeps its block of C in vector accumulators: 3 x 6 for f64 (nine; 4 x 4, eight,
// in the build without relaxed SIMD), 4 x 8 for f32 (eight). Edges are packed with zeros and
// written back partially.
//
// A is packed with every element already splatted across a vector (except for the 4 x 4 f64
// tiles, which use `load64_splat` on compact panels), so the kernels read it with
// plain vector loads whose offsets fold into the address: V8 (11.3) computes the address of each
// offset `load*_splat` with an extra `lea`. The kernels stay one k step per iteration, and the
// tiles are bounded by registers: V8 issues all of an iteration's loads before its multiply-adds,
// so loads plus accumulators must fit its 15 usable vector registers ((rows + 1) x (vectors + 1)
// <= 16); unrolled steps or larger tiles spill. Nine accumulators rather than eight leave the
// multiply-add units some slack (each takes 4 cycles, two start per cycle): see
// docs/benchmarks.md, "Towards 90% of the fused peak".
import { HEADER, DTYPE_F32 } from "../heap/layout";
import { allocPinned, freeBlock } from "../heap/alloc";

// With relaxed SIMD (a separate build of the core) multiply-adds are fused.
// @ts-ignore: decorator
@inline function madd64(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f64x2.relaxed_madd(a, b, c) : f64x2.add(c, f64x2.mul(a, b));
}
// @ts-ignore: decorator
@inline function madd32(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(c, f32x4.mul(a, b));
}

const MR: u32 = 4; // rows of an f32 micro-tile
const SPLAT: u32 = 16; // bytes of one packed element of A (a whole vector)
// f64 tiles are 3 x 6 with fused multiply-adds; with a separate multiply its temporary makes 16
// registers, one accumulator goes to the stack, and 4 x 4 tiles on compact panels are faster
const WIDE64: bool = ASC_FEATURE_RELAXED_SIMD;
const MR64: u32 = WIDE64 ? 3 : 4; // rows of an f64 micro-tile
const NR64: u32 = WIDE64 ? 6 : 4; // columns of an f64 micro-tile
const A64: u32 = WIDE64 ? SPLAT : 8; // bytes of one packed element of A (f64)
const KC: u32 = 384; // depth of a packed panel
const MC: u32 = 32; // rows of A packed at once (f32)
const MC64: u32 = WIDE64 ? 30 : 32; // the same for f64, a multiple of MR64
const NC: u32 = 1024; // columns of B packed at once

// scratch panels, kept between products
let packA: u32 = 0;
let packB: u32 = 0;
let packBBytes: u32 = 0;
const edge = <u32>memory.data(4 * 8 * 8, 16); // one micro-tile of C for partial tiles

function scratch(bytesA: u32, bytesB: u32): bool {
  if (packA == 0) {
    const blk = allocPinned(bytesA + 16);
    if (blk == 0) return false;
    packA = (blk + HEADER + 15) & ~15;
  }
  if (packBBytes < bytesB) {
    const blk = allocPinned(bytesB + 16);
    if (blk == 0) return false;
    packB = (blk + HEADER + 15) & ~15;
    packBBytes = bytesB;
  }
  return true;
}

// ---------------------------------------------------------------- f64

/**
 * Packs rows [i0, i0+mc) x columns [p0, p0+kc) of A into MR64-row panels: panel, then k, then
 * row, each element splatted across a vector.
 */
function packA64x3(a: u32, lda: u32, i0: u32, p0: u32, mc: u32, kc: u32): void {
  let dst = packA;
  const s = lda << 3;
  for (let ir: u32 = 0; ir < mc; ir += MR64) {
    const rows = min(MR64, mc - ir);
    const src = a + (((i0 + ir) * lda + p0) << 3);
    let p: u32 = 0;
    if (rows == MR64) {
      // two columns at a time: a 3 x 2 block read as rows, written as splats, column by column
      for (; p + 2 <= kc; p += 2) {
        const o = src + (p << 3);
        const x0 = v128.load(o), x1 = v128.load(o + s), x2 = v128.load(o + 2 * s);
        v128.store(dst, v128.shuffle<f64>(x0, x0, 0, 0));
        v128.store(dst, v128.shuffle<f64>(x1, x1, 0, 0), 16);
        v128.store(dst, v128.shuffle<f64>(x2, x2, 0, 0), 32);
        v128.store(dst, v128.shuffle<f64>(x0, x0, 1, 1), 48);
        v128.store(dst, v128.shuffle<f64>(x1, x1, 1, 1), 64);
        v128.store(dst, v128.shuffle<f64>(x2, x2, 1, 1), 80);
        dst += 6 * SPLAT;
      }
    }
    for (; p < kc; p++) {
      for (let r: u32 = 0; r < MR64; r++) {
        v128.store(dst, f64x2.splat(r < rows ? load<f64>(src + r * s + (p << 3)) : 0));
        dst += SPLAT;
      }
    }
  }
}

/**
 * Packs rows [p0, p0+kc) x columns [j0, j0+nc) of B into NR64-column panels: panel, then k, then
 * column. Two rows of B at a time, read along the rows, so each panel's two rows are written
 * as one run of 96 bytes (walking down B's columns instead strides by whole rows through the
 * caches).
 */
function packB64x6(b: u32, ldb: u32, p0: u32, j0: u32, kc: u32, nc: u32): void {
  const full = nc - nc % NR64;
  const s = ldb << 3;
  const panel = kc * NR64 * 8; // bytes of one packed panel
  let p: u32 = 0;
  for (; p + 2 <= kc; p += 2) {
    const src = b + (((p0 + p) * ldb + j0) << 3);
    let dst = packB + p * NR64 * 8;
    for (let jr: u32 = 0; jr < full; jr += NR64) {
      const o = src + (jr << 3);
      v128.store(dst, v128.load(o));
      v128.store(dst, v128.load(o, 16), 16);
      v128.store(dst, v128.load(o, 32), 32);
      v128.store(dst, v128.load(o + s), 48);
      v128.store(dst, v128.load(o + s, 16), 64);
      v128.store(dst, v128.load(o + s, 32), 80);
      dst += panel;
    }
  }
  for (; p < kc; p++) {
    const src = b + (((p0 + p) * ldb + j0) << 3);
    let dst = packB + p * NR64 * 8;
    for (let jr: u32 = 0; jr < full; jr += NR64) {
      const o = src + (jr << 3);
      v128.store(dst, v128.load(o));
      v128.store(dst, v128.load(o, 16), 16);
      v128.store(dst, v128.load(o, 32), 32);
      dst += panel;
    }
  }
  if (full < nc) {
    // the last, partial panel, padded with zeros
    const cols = nc - full;
    let dst = packB + full * (kc << 3);
    for (p = 0; p < kc; p++) {
      const src = b + (((p0 + p) * ldb + j0 + full) << 3);
      for (let c: u32 = 0; c < NR64; c++) store<f64>(dst + (c << 3), c < cols ? load<f64>(src + (c << 3)) : 0);
      dst += NR64 * 8;
    }
  }
}

/** C[0:3, 0:6] += Apanel * Bpanel over kc (-= when `negate`); c points at the tile, ldc in elements. */
function kernel64x3x6(kc: u32, ap: u32, bp: u32, c: u32, ldc: u32, negate: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c02 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0), c12 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c22 = f64x2.splat(0);
  const aEnd = ap + kc * MR64 * SPLAT;
  while (ap < aEnd) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32);
    const a0 = v128.load(ap), a1 = v128.load(ap, 16), a2 = v128.load(ap, 32);
    c00 = madd64(a0, b0, c00);
    c01 = madd64(a0, b1, c01);
    c02 = madd64(a0, b2, c02);
    c10 = madd64(a1, b0, c10);
    c11 = madd64(a1, b1, c11);
    c12 = madd64(a1, b2, c12);
    c20 = madd64(a2, b0, c20);
    c21 = madd64(a2, b1, c21);
    c22 = madd64(a2, b2, c22);
    ap += MR64 * SPLAT;
    bp += NR64 * 8;
  }
  if (negate) {
    c00 = f64x2.neg(c00); c01 = f64x2.neg(c01); c02 = f64x2.neg(c02);
    c10 = f64x2.neg(c10); c11 = f64x2.neg(c11); c12 = f64x2.neg(c12);
    c20 = f64x2.neg(c20); c21 = f64x2.neg(c21); c22 = f64x2.neg(c22);
  }
  const r = ldc << 3;
  v128.store(c, f64x2.add(v128.load(c), c00));
  v128.store(c, f64x2.add(v128.load(c, 16), c01), 16);
  v128.store(c, f64x2.add(v128.load(c, 32), c02), 32);
  v128.store(c + r, f64x2.add(v128.load(c + r), c10));
  v128.store(c + r, f64x2.add(v128.load(c + r, 16), c11), 16);
  v128.store(c + r, f64x2.add(v128.load(c + r, 32), c12), 32);
  v128.store(c + 2 * r, f64x2.add(v128.load(c + 2 * r), c20));
  v128.store(c + 2 * r, f64x2.add(v128.load(c + 2 * r, 16), c21), 16);
  v128.store(c + 2 * r, f64x2.add(v128.load(c + 2 * r, 32), c22), 32);
}

/** Packs rows [i0, i0+mc) x columns [p0, p0+kc) of A into 4-row panels: panel, then k, then row. */
function packA64x4(a: u32, lda: u32, i0: u32, p0: u32, mc: u32, kc: u32): void {
  let dst = packA;
  const s = lda << 3;
  for (let ir: u32 = 0; ir < mc; ir += 4) {
    const rows = min(4, mc - ir);
    const src = a + (((i0 + ir) * lda + p0) << 3);
    let p: u32 = 0;
    if (rows == 4) {
      // two columns at a time: a 4 x 2 block read as rows, written transposed
      for (; p + 2 <= kc; p += 2) {
        const o = src + (p << 3);
        const x0 = v128.load(o), x1 = v128.load(o + s), x2 = v128.load(o + 2 * s), x3 = v128.load(o + 3 * s);
        v128.store(dst, v128.shuffle<f64>(x0, x1, 0, 2));
        v128.store(dst, v128.shuffle<f64>(x2, x3, 0, 2), 16);
        v128.store(dst, v128.shuffle<f64>(x0, x1, 1, 3), 32);
        v128.store(dst, v128.shuffle<f64>(x2, x3, 1, 3), 48);
        dst += 64;
      }
    }
    for (; p < kc; p++) {
      for (let r: u32 = 0; r < 4; r++) {
        store<f64>(dst, r < rows ? load<f64>(src + r * s + (p << 3)) : 0);
        dst += 8;
      }
    }
  }
}

/** Packs rows [p0, p0+kc) x columns [j0, j0+nc) of B into 4-column panels: panel, then k, then column. */
function packB64x4(b: u32, ldb: u32, p0: u32, j0: u32, kc: u32, nc: u32): void {
  let dst = packB;
  for (let jr: u32 = 0; jr < nc; jr += 4) {
    const cols = min(4, nc - jr);
    for (let p: u32 = 0; p < kc; p++) {
      const src = b + (((p0 + p) * ldb + j0 + jr) << 3);
      if (cols == 4) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      } else {
        for (let c: u32 = 0; c < 4; c++) store<f64>(dst + (c << 3), c < cols ? load<f64>(src + (c << 3)) : 0);
      }
      dst += 32;
    }
  }
}

/** C[0:4, 0:4] += Apanel * Bpanel over kc (-= when `negate`); c points at the tile, ldc in elements. */
function kernel64x4(kc: u32, ap: u32, bp: u32, c: u32, ldc: u32, negate: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  // the loop counts with the A pointer itself: one induction variable fewer per step
  const aEnd = ap + kc * 32;
  while (ap < aEnd) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const a0 = v128.load64_splat(ap), a1 = v128.load64_splat(ap, 8);
    const a2 = v128.load64_splat(ap, 16), a3 = v128.load64_splat(ap, 24);
    c00 = madd64(a0, b0, c00);
    c01 = madd64(a0, b1, c01);
    c10 = madd64(a1, b0, c10);
    c11 = madd64(a1, b1, c11);
    c20 = madd64(a2, b0, c20);
    c21 = madd64(a2, b1, c21);
    c30 = madd64(a3, b0, c30);
    c31 = madd64(a3, b1, c31);
    ap += 32;
    bp += 32;
  }
  if (negate) {
    c00 = f64x2.neg(c00); c01 = f64x2.neg(c01);
    c10 = f64x2.neg(c10); c11 = f64x2.neg(c11);
    c20 = f64x2.neg(c20); c21 = f64x2.neg(c21);
    c30 = f64x2.neg(c30); c31 = f64x2.neg(c31);
  }
  const r = ldc << 3;
  v128.store(c, f64x2.add(v128.load(c), c00));
  v128.store(c, f64x2.add(v128.load(c, 16), c01), 16);
  v128.store(c + r, f64x2.add(v128.load(c + r), c10));
  v128.store(c + r, f64x2.add(v128.load(c + r, 16), c11), 16);
  v128.store(c + 2 * r, f64x2.add(v128.load(c + 2 * r), c20));
  v128.store(c + 2 * r, f64x2.add(v128.load(c + 2 * r, 16), c21), 16);
  v128.store(c + 3 * r, f64x2.add(v128.load(c + 3 * r), c30));
  v128.store(c + 3 * r, f64x2.add(v128.load(c + 3 * r, 16), c31), 16);
}

// @ts-ignore: decorator
@inline function kernel64(kc: u32, ap: u32, bp: u32, c: u32, ldc: u32, negate: bool): void {
  if (WIDE64) kernel64x3x6(kc, ap, bp, c, ldc, negate);
  else kernel64x4(kc, ap, bp, c, ldc, negate);
}

export function matmulF64(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32): void {
  memory.fill(c, 0, (m * n) << 3);
  gemm64(m, n, k, a, k, b, n, c, n, false);
}

/**
 * C += A * B, or C -= A * B when `negate`, for an m x k block of A, a k x n block of B and an
 * m x n block of C, each row-major with its own row stride (lda, ldb, ldc elements).
 */
export function gemm64(m: u32, n: u32, k: u32, a: u32, lda: u32, b: u32, ldb: u32, c: u32, ldc: u32, negate: bool): void {
  if (m == 0 || n == 0 || k == 0) return;
  if (!scratch(MC * KC * SPLAT, KC * (NC + 8) * 8)) {
    naiveF64(a, lda, b, ldb, c, ldc, m, k, n, negate);
    return;
  }
  for (let jc: u32 = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc: u32 = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      if (WIDE64) packB64x6(b, ldb, pc, jc, kc, nc);
      else packB64x4(b, ldb, pc, jc, kc, nc);
      for (let ic: u32 = 0; ic < m; ic += MC64) {
        const mc = min(MC64, m - ic);
        if (WIDE64) packA64x3(a, lda, ic, pc, mc, kc);
        else packA64x4(a, lda, ic, pc, mc, kc);
        for (let jr: u32 = 0; jr < nc; jr += NR64) {
          const cols = min(NR64, nc - jr);
          const bp = packB + jr * kc * 8;
          for (let ir: u32 = 0; ir < mc; ir += MR64) {
            const rows = min(MR64, mc - ir);
            const ap = packA + ir * kc * A64;
            const ct = c + (((ic + ir) * ldc + jc + jr) << 3);
            if (rows == MR64 && cols == NR64) kernel64(kc, ap, bp, ct, ldc, negate);
            else {
              memory.fill(edge, 0, MR64 * NR64 * 8);
              kernel64(kc, ap, bp, edge, NR64, negate);
              for (let i: u32 = 0; i < rows; i++) {
                for (let j: u32 = 0; j < cols; j++) {
                  const o = ct + ((i * ldc + j) << 3);
                  store<f64>(o, load<f64>(o) + load<f64>(edge + ((i * NR64 + j) << 3)));
                }
              }
            }
          }
        }
      }
    }
  }
}

function naiveF64(a: u32, lda: u32, b: u32, ldb: u32, c: u32, ldc: u32, m: u32, k: u32, n: u32, negate: bool): void {
  for (let i: u32 = 0; i < m; i++) {
    for (let p: u32 = 0; p < k; p++) {
      const x = negate ? -load<f64>(a + ((i * lda + p) << 3)) : load<f64>(a + ((i * lda + p) << 3));
      for (let j: u32 = 0; j < n; j++) {
        const o = c + ((i * ldc + j) << 3);
        store<f64>(o, load<f64>(o) + x * load<f64>(b + ((p * ldb + j) << 3)));
      }
    }
  }
}
// ---------------------------------------------------------------- f32

/** Packs a block of A for f32 as packA64 does (panel, then k, then row), each element splatted. */
function packA32(a: u32, lda: u32, i0: u32, p0: u32, mc: u32, kc: u32): void {
  let dst = packA;
  const s = lda << 2;
  for (let ir: u32 = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const src = a + (((i0 + ir) * lda + p0) << 2);
    let p: u32 = 0;
    if (rows == MR) {
      // four columns at a time: a 4 x 4 block read as rows, written as splats, column by column
      for (; p + 4 <= kc; p += 4) {
        const o = src + (p << 2);
        const x0 = v128.load(o), x1 = v128.load(o + s), x2 = v128.load(o + 2 * s), x3 = v128.load(o + 3 * s);
        v128.store(dst, v128.shuffle<f32>(x0, x0, 0, 0, 0, 0));
        v128.store(dst, v128.shuffle<f32>(x1, x1, 0, 0, 0, 0), 16);
        v128.store(dst, v128.shuffle<f32>(x2, x2, 0, 0, 0, 0), 32);
        v128.store(dst, v128.shuffle<f32>(x3, x3, 0, 0, 0, 0), 48);
        v128.store(dst, v128.shuffle<f32>(x0, x0, 1, 1, 1, 1), 64);
        v128.store(dst, v128.shuffle<f32>(x1, x1, 1, 1, 1, 1), 80);
        v128.store(dst, v128.shuffle<f32>(x2, x2, 1, 1, 1, 1), 96);
        v128.store(dst, v128.shuffle<f32>(x3, x3, 1, 1, 1, 1), 112);
        v128.store(dst, v128.shuffle<f32>(x0, x0, 2, 2, 2, 2), 128);
        v128.store(dst, v128.shuffle<f32>(x1, x1, 2, 2, 2, 2), 144);
        v128.store(dst, v128.shuffle<f32>(x2, x2, 2, 2, 2, 2), 160);
        v128.store(dst, v128.shuffle<f32>(x3, x3, 2, 2, 2, 2), 176);
        v128.store(dst, v128.shuffle<f32>(x0, x0, 3, 3, 3, 3), 192);
        v128.store(dst, v128.shuffle<f32>(x1, x1, 3, 3, 3, 3), 208);
        v128.store(dst, v128.shuffle<f32>(x2, x2, 3, 3, 3, 3), 224);
        v128.store(dst, v128.shuffle<f32>(x3, x3, 3, 3, 3, 3), 240);
        dst += 16 * SPLAT;
      }
    }
    for (; p < kc; p++) {
      for (let r: u32 = 0; r < MR; r++) {
        v128.store(dst, f32x4.splat(r < rows ? load<f32>(src + r * s + (p << 2)) : 0));
        dst += SPLAT;
      }
    }
  }
}

/**
 * Packs rows [p0, p0+kc) x columns [j0, j0+nc) of B into 8-column panels: panel, then k, then
 * column. Two rows of B at a time, read along the rows, so every 64-byte line of a panel is
 * written whole (walking down B's columns instead strides by whole rows through the caches).
 */
function packB32(b: u32, ldb: u32, p0: u32, j0: u32, kc: u32, nc: u32): void {
  const full = nc & ~7;
  const s = ldb << 2;
  const panel = kc << 5; // bytes of one packed 8-column panel
  let p: u32 = 0;
  for (; p + 2 <= kc; p += 2) {
    const src = b + (((p0 + p) * ldb + j0) << 2);
    let dst = packB + (p << 5);
    for (let jr: u32 = 0; jr < full; jr += 8) {
      const o = src + (jr << 2);
      v128.store(dst, v128.load(o));
      v128.store(dst, v128.load(o, 16), 16);
      v128.store(dst, v128.load(o + s), 32);
      v128.store(dst, v128.load(o + s, 16), 48);
      dst += panel;
    }
  }
  for (; p < kc; p++) {
    const src = b + (((p0 + p) * ldb + j0) << 2);
    let dst = packB + (p << 5);
    for (let jr: u32 = 0; jr < full; jr += 8) {
      const o = src + (jr << 2);
      v128.store(dst, v128.load(o));
      v128.store(dst, v128.load(o, 16), 16);
      dst += panel;
    }
  }
  if (full < nc) {
    const cols = nc - full;
    let dst = packB + full * (kc << 2);
    for (p = 0; p < kc; p++) {
      const src = b + (((p0 + p) * ldb + j0 + full) << 2);
      for (let c: u32 = 0; c < 8; c++) store<f32>(dst + (c << 2), c < cols ? load<f32>(src + (c << 2)) : 0);
      dst += 32;
    }
  }
}

function kernel32(kc: u32, ap: u32, bp: u32, c: u32, ldc: u32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const aEnd = ap + kc * MR * SPLAT;
  while (ap < aEnd) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const a0 = v128.load(ap), a1 = v128.load(ap, 16), a2 = v128.load(ap, 32), a3 = v128.load(ap, 48);
    c00 = madd32(a0, b0, c00);
    c01 = madd32(a0, b1, c01);
    c10 = madd32(a1, b0, c10);
    c11 = madd32(a1, b1, c11);
    c20 = madd32(a2, b0, c20);
    c21 = madd32(a2, b1, c21);
    c30 = madd32(a3, b0, c30);
    c31 = madd32(a3, b1, c31);
    ap += MR * SPLAT;
    bp += 32;
  }
  const r = ldc << 2;
  v128.store(c, f32x4.add(v128.load(c), c00));
  v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
  v128.store(c + r, f32x4.add(v128.load(c + r), c10));
  v128.store(c + r, f32x4.add(v128.load(c + r, 16), c11), 16);
  v128.store(c + 2 * r, f32x4.add(v128.load(c + 2 * r), c20));
  v128.store(c + 2 * r, f32x4.add(v128.load(c + 2 * r, 16), c21), 16);
  v128.store(c + 3 * r, f32x4.add(v128.load(c + 3 * r), c30));
  v128.store(c + 3 * r, f32x4.add(v128.load(c + 3 * r, 16), c31), 16);
}

export function matmulF32(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32): void {
  memory.fill(c, 0, (m * n) << 2);
  if (m == 0 || n == 0 || k == 0) return;
  if (!scratch(MC * KC * SPLAT, KC * (NC + 8) * 8)) {
    naiveF32(a, b, c, m, k, n);
    return;
  }
  for (let jc: u32 = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc: u32 = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB32(b, n, pc, jc, kc, nc);
      for (let ic: u32 = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA32(a, k, ic, pc, mc, kc);
        for (let jr: u32 = 0; jr < nc; jr += 8) {
          const cols = min(8, nc - jr);
          const bp = packB + jr * kc * 4;
          for (let ir: u32 = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const ap = packA + ir * kc * SPLAT;
            const ct = c + (((ic + ir) * n + jc + jr) << 2);
            if (rows == MR && cols == 8) kernel32(kc, ap, bp, ct, n);
            else {
              memory.fill(edge, 0, 4 * 8 * 4);
              kernel32(kc, ap, bp, edge, 8);
              for (let i: u32 = 0; i < rows; i++) {
                for (let j: u32 = 0; j < cols; j++) {
                  const o = ct + ((i * n + j) << 2);
                  store<f32>(o, load<f32>(o) + load<f32>(edge + ((i * 8 + j) << 2)));
                }
              }
            }
          }
        }
      }
    }
  }
}

function naiveF32(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32): void {
  for (let i: u32 = 0; i < m; i++) {
    for (let p: u32 = 0; p < k; p++) {
      const x = load<f32>(a + ((i * k + p) << 2));
      for (let j: u32 = 0; j < n; j++) {
        const o = c + ((i * n + j) << 2);
        store<f32>(o, load<f32>(o) + x * load<f32>(b + ((p * n + j) << 2)));
      }
    }
  }
}

export function matmul(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32, dtype: u32): void {
  if (dtype == DTYPE_F32) matmulF32(a, b, c, m, k, n);
  else matmulF64(a, b, c, m, k, n);
}

export { freeBlock };
