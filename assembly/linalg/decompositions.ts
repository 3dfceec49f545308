// The decompositions of spec section 5 (1.1): qr, chol, eigh, svd, pinv, rank and lstsq, and
// `A \ b` for a matrix that is not square. Each copies its argument into f64 scratch (f32
// matrices are computed in f64, their results rounded back to f32), runs the kernels of qr.ts,
// cholesky.ts, eigh.ts and svd.ts, and builds its results; the scratch is freed before it
// returns. Non-finite elements and asymmetric input where symmetry is needed are 3011.
import { HEADER, T_RAW, DTYPE_F32, DTYPE_F64, STR_BYTES, STR_DATA } from "../heap/layout";
import { allocBlock, freeBlock } from "../heap/alloc";
import { objOf, num, obj, NIL } from "../heap/value";
import { raise, raise1, raise2 } from "../vm/fault";
import { newMap, mapSet } from "../objects/map";
import { pinnedLiteral, allocString, finishString } from "../objects/string";
import { newMatrix, isMatrix, mRows, mCols, mDtype, mElems, getAt } from "./matrix";
import { castMatrix, shapeList } from "./ops";
import { gemm64 } from "./matmul";
import { RB, applyLeft } from "./householder";
import { qrFactor, qrFormQt } from "./qr";
import { cholFactor, cholScratch } from "./cholesky";
import { tridiagonalize, formReflectorProduct, applyReflectorProduct } from "./eigh";
import { tridiagonalEigen, divideScratch } from "./divide";
import { bidiagonalize, bidiagonalQR } from "./svd";
import { axpy, scale, transposeInto } from "./vectors";
import * as B from "../vm/opcodes";
import { builtinName } from "../vm/builtin-names";
import { typeValue } from "../vm/ops";
import { E_INVALID_ARGUMENT, E_MEMORY_LIMIT, E_OPERAND_TYPES, E_SHAPE_MISMATCH } from "../vm/contract";

const EPS64: f64 = 2.220446049250313e-16;
const EPS32: f64 = 1.1920928955078125e-7;

// ---------------------------------------------------------------- scratch

const MAX_BLOCKS: u32 = 64;
const blocks = <u32>memory.data(4 * 64);
let blockCount: u32 = 0;

/** Scratch for `doubles` f64 values, 16-byte aligned; 0 (with 4001 raised) when memory is out. */
function take(doubles: u32): u32 {
  const bytes = <u64>doubles << 3;
  if (blockCount == MAX_BLOCKS || bytes > 0xFFFF_0000) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  const p = allocBlock(<u32>bytes + 16, T_RAW);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  store<u32>(blocks + (blockCount++ << 2), p);
  return (p + HEADER + 15) & ~15;
}

function takeZero(doubles: u32): u32 {
  const p = take(doubles);
  if (p != 0) memory.fill(p, 0, doubles << 3);
  return p;
}

function releaseAll(): void {
  for (let i: u32 = 0; i < blockCount; i++) freeBlock(load<u32>(blocks + (i << 2)));
  blockCount = 0;
}

/** Releases the scratch and returns nil: the result of a failed call (its fault is raised). */
function fail(): u64 {
  releaseAll();
  return NIL;
}

// ---------------------------------------------------------------- messages and keys

let S_Q: u32 = 0, S_R: u32 = 0, S_VALUES: u32 = 0, S_VECTORS: u32 = 0, S_U: u32 = 0, S_S: u32 = 0, S_V: u32 = 0;
let M_NOT_SPD: u32 = 0, M_NOT_SYMMETRIC_EIGH: u32 = 0, M_NONFINITE: u32 = 0, M_NO_CONVERGENCE: u32 = 0;

function names(): void {
  if (S_Q != 0) return;
  S_Q = pinnedLiteral("Q");
  S_R = pinnedLiteral("R");
  S_VALUES = pinnedLiteral("values");
  S_VECTORS = pinnedLiteral("vectors");
  S_U = pinnedLiteral("U");
  S_S = pinnedLiteral("S");
  S_V = pinnedLiteral("V");
  M_NOT_SPD = pinnedLiteral("chol: the matrix is not symmetric positive definite");
  M_NOT_SYMMETRIC_EIGH = pinnedLiteral("eigh: the matrix is not symmetric");
  M_NONFINITE = pinnedLiteral(": the matrix has an element that is NaN or infinite");
  M_NO_CONVERGENCE = pinnedLiteral(": the iteration did not converge");
}

/** 3011 naming the function and why, as "name: why". */
function invalid(id: u32, why: u32): u64 {
  raise1(E_INVALID_ARGUMENT, concat(builtinName(id), why));
  return fail();
}

/** The string a followed by b. */
function concat(a: u32, b: u32): u64 {
  const la = load<u32>(a, STR_BYTES), lb = load<u32>(b, STR_BYTES);
  const p = allocString(la + lb);
  if (p == 0) return obj(a);
  memory.copy(p + STR_DATA, a + STR_DATA, la);
  memory.copy(p + STR_DATA + la, b + STR_DATA, lb);
  return obj(finishString(p));
}

// ---------------------------------------------------------------- arguments and results

/** An f64 copy of matrix p (rows x cols, row stride cols) in scratch. */
function f64Copy(p: u32): u32 {
  const r = mRows(p), c = mCols(p), dt = mDtype(p), e = mElems(p);
  const a = take(r * c);
  if (a == 0) return 0;
  if (dt == DTYPE_F32) for (let i: u32 = 0; i < r * c; i++) store<f64>(a + (i << 3), getAt(e, i, dt));
  else memory.copy(a, e, (r * c) << 3);
  return a;
}

/** The largest magnitude among count doubles at a: NaN or infinity when one of them is. */
function largest(a: u32, count: u32): f64 {
  // f64x2.max propagates NaN
  let m0 = f64x2.splat(0), m1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= count; i += 4) {
    m0 = f64x2.max(m0, f64x2.abs(v128.load(a + (i << 3))));
    m1 = f64x2.max(m1, f64x2.abs(v128.load(a + (i << 3), 16)));
  }
  m0 = f64x2.max(m0, m1);
  let m = max(f64x2.extract_lane(m0, 0), f64x2.extract_lane(m0, 1));
  for (; i < count; i++) {
    const x = Math.abs(load<f64>(a + (i << 3)));
    m = x != x ? x : max(m, x);
  }
  return m;
}

function allFinite(a: u32, count: u32): bool {
  return largest(a, count) < Infinity;
}

/**
 * Whether square a (n x n) is symmetric to within sqrt(eps) of its largest element `big`; if
 * so, and `average`, it is made exactly symmetric (the mean of a and a'), so rounding in how it
 * was computed is forgiven. Compares in 32 x 32 tiles, so that the transposed reads stay in the
 * cache.
 */
function symmetrize(a: u32, n: u32, big: f64, eps: f64, average: bool): bool {
  const tol = Math.sqrt(eps) * big;
  for (let i0: u32 = 0; i0 < n; i0 += 32) {
    const i1 = min(i0 + 32, n);
    for (let j0: u32 = 0; j0 <= i0; j0 += 32) {
      for (let i = i0; i < i1; i++) {
        const j1 = min(j0 + 32, i);
        for (let j = j0; j < j1; j++) {
          const x = load<f64>(a + ((i * n + j) << 3)), y = load<f64>(a + ((j * n + i) << 3));
          if (Math.abs(x - y) > tol) return false;
          if (!average || x == y) continue;
          const m = 0.5 * (x + y);
          store<f64>(a + ((i * n + j) << 3), m);
          store<f64>(a + ((j * n + i) << 3), m);
        }
      }
    }
  }
  return true;
}

/** A new matrix (rows x cols) from f64 scratch src (row stride ld), of dtype dt. */
function result(src: u32, rows: u32, cols: u32, ld: u32, dt: u32): u32 {
  const m = newMatrix(rows, cols, DTYPE_F64);
  if (m == 0) return 0;
  const e = mElems(m);
  for (let i: u32 = 0; i < rows; i++) memory.copy(e + ((i * cols) << 3), src + ((i * ld) << 3), cols << 3);
  return dt == DTYPE_F32 ? castMatrix(m, DTYPE_F32) : m;
}

function bad(id: u32, v: u64): u64 {
  raise2(E_OPERAND_TYPES, obj(builtinName(id)), typeValue(v));
  return NIL;
}

function notSquare(id: u32, p: u32): u64 {
  raise2(E_SHAPE_MISMATCH, shapeList(p), obj(builtinName(id)));
  return NIL;
}

// ---------------------------------------------------------------- the builtins

export function callDecomposition(id: u32, args: u32): u64 {
  const a0 = load<u64>(args);
  if (!isMatrix(a0)) return bad(id, a0);
  names();
  const p = objOf(a0);
  let out: u64 = NIL;
  switch (id) {
    case B.BI_QR: out = qr(id, p); break;
    case B.BI_CHOL: out = chol(id, p); break;
    case B.BI_EIGH: out = eigh(id, p); break;
    case B.BI_SVD: out = svdMap(id, p); break;
    case B.BI_PINV: out = pinv(id, p); break;
    case B.BI_RANK: out = rank(id, p); break;
    case B.BI_LSTSQ: {
      const b = load<u64>(args, 8);
      if (!isMatrix(b)) return bad(id, b);
      out = lstsq(id, p, objOf(b));
      break;
    }
  }
  releaseAll();
  return out;
}

/** `A \ b` for a matrix A that is not square: lstsq. */
export function solveLeastSquares(p: u32, b: u32): u64 {
  names();
  const out = lstsq(B.BI_LSTSQ, p, b);
  releaseAll();
  return out;
}

function qr(id: u32, p: u32): u64 {
  const m = mRows(p), n = mCols(p), k = min(m, n), dt = mDtype(p);
  const a = f64Copy(p);
  if (a == 0) return fail();
  if (!allFinite(a, m * n)) return invalid(id, M_NONFINITE);
  const f = factorQR(a, m, n);
  if (f == 0) return fail();
  const qt = take(k * m), q = take(m * k);
  if (qt == 0 || q == 0) return fail();
  qrFormQt(qt, m, n, qrVt, qrTs, qrVcol, qrWk);
  transposeInto(qt, m, k, m, q, k);
  const Q = result(q, m, k, k, dt), R = result(a, k, n, n, dt);
  if (Q == 0 || R == 0) return fail();
  return pair(S_Q, Q, S_R, R);
}

// the reflectors of the last factorQR
let qrVt: u32 = 0, qrTaus: u32 = 0, qrTs: u32 = 0, qrVcol: u32 = 0, qrWk: u32 = 0;

/** QR of a (m x n) in place (R in its upper triangle), the reflectors in qrVt..; 0 when out of memory. */
function factorQR(a: u32, m: u32, n: u32): u32 {
  const k = min(m, n);
  qrVt = takeZero(k * m);
  qrTaus = take(k);
  qrTs = take(k * RB);
  qrVcol = take(m * RB);
  qrWk = take(RB * max(n, k));
  const panel = take(RB * m), tw = take(RB);
  if (qrVt == 0 || qrTaus == 0 || qrTs == 0 || qrVcol == 0 || qrWk == 0 || panel == 0 || tw == 0) return 0;
  qrFactor(a, m, n, qrVt, qrTaus, qrTs, panel, qrVcol, qrWk, tw);
  return 1;
}

function chol(id: u32, p: u32): u64 {
  const n = mRows(p), dt = mDtype(p);
  if (n != mCols(p)) return notSquare(id, p);
  // an f64 matrix is factored in its result's storage, an f32 one in scratch
  let L: u32 = 0, a: u32;
  if (dt == DTYPE_F64) {
    L = newMatrix(n, n, DTYPE_F64);
    if (L == 0) return fail();
    a = mElems(L);
    copyLower(mElems(p), a, n);
  } else {
    a = f64Copy(p);
    if (a != 0) copyLower(a, a, n);
  }
  const wt = take(cholScratch(n));
  if (a == 0 || wt == 0) return fail();
  if (!(copiedLargest < Infinity)) return invalid(id, M_NONFINITE);
  // symmetric to within sqrt(eps) of the largest element, as symmetrize checks
  if (copiedAsymmetry > Math.sqrt(epsOf(p)) * copiedLargest || !cholFactor(a, n, wt)) {
    raise1(E_INVALID_ARGUMENT, obj(M_NOT_SPD));
    return fail();
  }
  if (L == 0) L = result(a, n, n, n, dt);
  return L == 0 ? fail() : obj(L);
}

// what the last copyLower found: the largest magnitude (NaN when an element is NaN), and the
// largest difference between an element and its transpose
let copiedLargest: f64 = 0, copiedAsymmetry: f64 = 0;

/**
 * Copies the lower triangle of src (n x n f64, row stride n) into dst and zeros above it (dst
 * may be src), in one pass over pairs of 32 x 32 tiles that also finds copiedLargest and
 * copiedAsymmetry: the copy, the check for NaN and the check for symmetry read the matrix once.
 * A row of dst is zeroed above the diagonal as soon as it is copied (in place, only once all
 * of src has been read).
 */
function copyLower(src: u32, dst: u32, n: u32): void {
  let big = f64x2.splat(0), asym = f64x2.splat(0);
  let bigs: f64 = 0, asyms: f64 = 0;
  for (let i0: u32 = 0; i0 < n; i0 += 32) {
    const i1 = min(i0 + 32, n);
    for (let j0: u32 = 0; j0 <= i0; j0 += 32) {
      for (let i = i0; i < i1; i++) {
        const j1 = min(j0 + 32, i);
        const row = src + ((i * n) << 3), out = dst + ((i * n) << 3);
        let j = j0;
        for (; j + 2 <= j1; j += 2) {
          // (i, j), (i, j+1) and their transposes (j, i), (j+1, i)
          const x = v128.load(row + (j << 3));
          const y = v128.load64_lane(src + (((j + 1) * n + i) << 3), v128.load64_zero(src + ((j * n + i) << 3)), 1);
          v128.store(out + (j << 3), x);
          big = f64x2.max(big, f64x2.max(f64x2.abs(x), f64x2.abs(y)));
          asym = f64x2.max(asym, f64x2.abs(f64x2.sub(x, y)));
        }
        for (; j < j1; j++) {
          const x = load<f64>(row + (j << 3)), y = load<f64>(src + ((j * n + i) << 3));
          store<f64>(out + (j << 3), x);
          bigs = max(bigs, max(Math.abs(x), Math.abs(y)));
          asyms = max(asyms, Math.abs(x - y));
        }
        if (j1 == i) {
          const x = load<f64>(row + (i << 3));
          store<f64>(out + (i << 3), x);
          bigs = max(bigs, Math.abs(x));
          if (dst != src) memory.fill(out + ((i + 1) << 3), 0, (n - i - 1) << 3);
        }
      }
    }
  }
  if (dst == src) for (let i: u32 = 0; i < n; i++) memory.fill(dst + ((i * n + i + 1) << 3), 0, (n - i - 1) << 3);
  // f64x2.max and max (f64.max) carry a NaN through
  copiedLargest = max(bigs, max(f64x2.extract_lane(big, 0), f64x2.extract_lane(big, 1)));
  copiedAsymmetry = max(asyms, max(f64x2.extract_lane(asym, 0), f64x2.extract_lane(asym, 1)));
}

function eigh(id: u32, p: u32): u64 {
  const n = mRows(p), dt = mDtype(p);
  if (n != mCols(p)) return notSquare(id, p);
  const a = f64Copy(p);
  if (a == 0) return fail();
  const big = largest(a, n * n);
  if (!(big < Infinity)) return invalid(id, M_NONFINITE);
  if (!symmetrize(a, n, big, epsOf(p), true)) {
    raise1(E_INVALID_ARGUMENT, obj(M_NOT_SYMMETRIC_EIGH));
    return fail();
  }
  const vt = takeZero(n * n), taus = take(n), d = take(n), e = take(n), w = take(2 * n), z = take(n * n), dc = take(divideScratch(n));
  const ts = take(RB * RB), vcol = take(n * RB), wk = take(n * RB), tw = take(RB), order = take(n);
  if (vt == 0 || taus == 0 || d == 0 || e == 0 || w == 0 || z == 0 || dc == 0 || ts == 0 || vcol == 0 || wk == 0 || tw == 0 || order == 0) return fail();
  tridiagonalize(a, n, d, e, vt, taus, w);
  // the eigenvectors of T (a, free now, as the solver's spare room), then those of A = Q T Q'
  if (!tridiagonalEigen(d, e, n, z, dc, a)) return invalid(id, M_NO_CONVERGENCE);
  applyReflectorProduct(z, n, vt, taus, 1, n > 0 ? n - 1 : 0, ts, vcol, wk, tw);
  sortOrder(d, n, order, true);
  // values ascending as a column, vector j column order[j] of z (into a, free now)
  const vec = a;
  for (let j: u32 = 0; j < n; j++) store<f64>(w + (j << 3), load<f64>(d + (<u32>load<f64>(order + (j << 3)) << 3)));
  for (let i: u32 = 0; i < n; i++) {
    const src = z + ((i * n) << 3), dst = vec + ((i * n) << 3);
    for (let j: u32 = 0; j < n; j++) store<f64>(dst + (j << 3), load<f64>(src + (<u32>load<f64>(order + (j << 3)) << 3)));
  }
  const values = result(w, n, 1, 1, dt), vectors = result(vec, n, n, n, dt);
  if (values == 0 || vectors == 0) return fail();
  return pair(S_VALUES, values, S_VECTORS, vectors);
}

/** The indices (as f64) of the n values at x, sorted ascending or descending (stable). */
function sortOrder(x: u32, n: u32, order: u32, ascending: bool): void {
  for (let i: u32 = 0; i < n; i++) store<f64>(order + (i << 3), <f64>i);
  for (let i: u32 = 1; i < n; i++) {
    const oi = load<f64>(order + (i << 3));
    const v = load<f64>(x + (<u32>oi << 3));
    let j = i;
    while (j > 0) {
      const w = load<f64>(x + (<u32>load<f64>(order + ((j - 1) << 3)) << 3));
      if (ascending ? w <= v : w >= v) break;
      store<f64>(order + (j << 3), load<f64>(order + ((j - 1) << 3)));
      j--;
    }
    store<f64>(order + (j << 3), oi);
  }
}

// the results of the last svdCore: U (m x k), s (k, descending), V (n x k), row-major
let svdU: u32 = 0, svdS: u32 = 0, svdV: u32 = 0;

/**
 * The thin SVD of matrix p (m x n, k = min(m, n)) into svdU, svdS, svdV; the vectors only when
 * `vectors`. Returns false with a fault raised.
 */
function svdCore(id: u32, p: u32, vectors: bool): bool {
  const m = mRows(p), n = mCols(p);
  const wide = m < n;
  const big = wide ? n : m, k = wide ? m : n;
  const a0 = f64Copy(p);
  if (a0 == 0) return false;
  const largestElement = largest(a0, m * n);
  if (!(largestElement < Infinity)) {
    invalid(id, M_NONFINITE);
    return false;
  }
  // scaled by a power of two to a largest element in [1, 2): the iteration's test for a
  // negligible entry has an absolute floor near 1e-291, and squares must not overflow
  const exponent = largestElement > 0 ? <i32>Math.max(-1000, Math.min(1000, Math.floor(Math.log2(largestElement)))) : 0;
  if (exponent != 0) scale(a0, Math.pow(2, -exponent), m * n);
  // a: big x k, the matrix or its transpose
  let a = a0;
  if (wide) {
    a = take(m * n);
    if (a == 0) return false;
    transposeInto(a0, n, m, n, a, m);
  }
  // r: k x k, a itself or the R of its QR factorisation
  let r = a;
  if (big > k) {
    if (factorQR(a, big, k) == 0) return false;
    r = takeZero(k * k);
    if (r == 0) return false;
    for (let i: u32 = 0; i < k; i++) memory.copy(r + ((i * k + i) << 3), a + ((i * k + i) << 3), (k - i) << 3);
  }
  const d = take(k), e = take(k), utv = takeZero(k * k), tl = take(k), vtv = takeZero(k * k), tr = take(k);
  // c1 is also the reduction's scratch (2k)
  const ubt = take(k * k), vbt = take(k * k), c1 = take(2 * k), s1 = take(k), c2 = take(k), s2 = take(k);
  if (d == 0 || e == 0 || utv == 0 || tl == 0 || vtv == 0 || tr == 0 || ubt == 0 || vbt == 0 || c1 == 0 || s1 == 0 || c2 == 0 || s2 == 0) return false;
  bidiagonalize(r, k, d, e, utv, tl, vtv, tr, c1);
  if (vectors) {
    // U1' and V1', whose rows the iteration rotates into U' and V' of the square factor
    const ts = take(RB * RB), vcol = take(k * RB), wk = take(k * RB), tw = take(RB);
    if (ts == 0 || vcol == 0 || wk == 0 || tw == 0) return false;
    formReflectorProduct(ubt, k, utv, tl, 0, k, ts, vcol, wk, tw);
    formReflectorProduct(vbt, k, vtv, tr, 1, k > 0 ? k - 1 : 0, ts, vcol, wk, tw);
  }
  if (!bidiagonalQR(d, e, k, ubt, vbt, c1, s1, c2, s2, vectors)) {
    invalid(id, M_NO_CONVERGENCE);
    return false;
  }
  const order = take(k);
  svdS = take(k);
  if (order == 0 || svdS == 0) return false;
  sortOrder(d, k, order, false);
  const unscale = Math.pow(2, exponent);
  for (let j: u32 = 0; j < k; j++) store<f64>(svdS + (j << 3), unscale * load<f64>(d + (<u32>load<f64>(order + (j << 3)) << 3)));
  if (!vectors) return true;
  // the small factors as columns, in the order of s: us (k x k) and vs (k x k)
  const us = take(k * k), vs = take(k * k);
  if (us == 0 || vs == 0) return false;
  for (let j: u32 = 0; j < k; j++) {
    const o = <u32>load<f64>(order + (j << 3));
    for (let i: u32 = 0; i < k; i++) {
      store<f64>(us + ((i * k + j) << 3), load<f64>(ubt + ((o * k + i) << 3)));
      store<f64>(vs + ((i * k + j) << 3), load<f64>(vbt + ((o * k + i) << 3)));
    }
  }
  // the tall factor: Q us when a was factored, else us
  let tall = us;
  if (big > k) {
    const qt = take(k * big), q = take(big * k);
    tall = takeZero(big * k);
    if (qt == 0 || q == 0 || tall == 0) return false;
    qrFormQt(qt, big, k, qrVt, qrTs, qrVcol, qrWk);
    transposeInto(qt, big, k, big, q, k);
    gemm64(big, k, k, q, k, us, k, tall, k, false);
  }
  svdU = wide ? vs : tall;
  svdV = wide ? tall : vs;
  return true;
}

function svdMap(id: u32, p: u32): u64 {
  const m = mRows(p), n = mCols(p), k = min(m, n), dt = mDtype(p);
  if (!svdCore(id, p, true)) return fail();
  const U = result(svdU, m, k, k, dt), S = result(svdS, k, 1, 1, dt), V = result(svdV, n, k, k, dt);
  if (U == 0 || S == 0 || V == 0) return fail();
  const map = newMap(3);
  if (map == 0) return fail();
  mapSet(map, obj(S_U), obj(U));
  mapSet(map, obj(S_S), obj(S));
  mapSet(map, obj(S_V), obj(V));
  return obj(map);
}

function epsOf(p: u32): f64 {
  return mDtype(p) == DTYPE_F32 ? EPS32 : EPS64;
}

/** Singular values above this count (numpy's matrix_rank and pinv with rtol=None). */
function cutoff(p: u32): f64 {
  const k = min(mRows(p), mCols(p));
  return k == 0 ? 0 : <f64>max(mRows(p), mCols(p)) * epsOf(p) * load<f64>(svdS);
}

function rank(id: u32, p: u32): u64 {
  if (!svdCore(id, p, false)) return fail();
  const k = min(mRows(p), mCols(p)), tol = cutoff(p);
  let r: u32 = 0;
  for (let i: u32 = 0; i < k; i++) if (load<f64>(svdS + (i << 3)) > tol) r++;
  return num(<f64>r);
}

/**
 * x (n x nrhs, into scratch) = V diag(1/s) U' b over the singular values above the cutoff, from
 * svdCore's factors: pinv(A) b, the minimum-norm least-squares solution. b is m x nrhs.
 */
function pseudoSolve(p: u32, b: u32, nrhs: u32): u32 {
  const m = mRows(p), n = mCols(p), k = min(m, n), tol = cutoff(p);
  const ut = take(k * m), c = takeZero(k * nrhs), x = takeZero(n * nrhs);
  if (ut == 0 || c == 0 || x == 0) return 0;
  transposeInto(svdU, k, m, k, ut, m);
  gemm64(k, nrhs, m, ut, m, b, nrhs, c, nrhs, false);
  for (let i: u32 = 0; i < k; i++) {
    const s = load<f64>(svdS + (i << 3));
    scale(c + ((i * nrhs) << 3), s > tol ? 1 / s : 0, nrhs);
  }
  gemm64(n, nrhs, k, svdV, k, c, nrhs, x, nrhs, false);
  return x;
}

function pinv(id: u32, p: u32): u64 {
  const m = mRows(p), n = mCols(p), k = min(m, n);
  if (!svdCore(id, p, true)) return fail();
  // V diag(1/s) U', the small singular values dropped
  const tol = cutoff(p);
  const c = take(k * m), x = takeZero(n * m);
  if (c == 0 || x == 0) return fail();
  transposeInto(svdU, k, m, k, c, m);
  for (let i: u32 = 0; i < k; i++) {
    const s = load<f64>(svdS + (i << 3));
    scale(c + ((i * m) << 3), s > tol ? 1 / s : 0, m);
  }
  gemm64(n, m, k, svdV, k, c, m, x, m, false);
  const X = result(x, n, m, m, mDtype(p));
  return X == 0 ? fail() : obj(X);
}

function lstsq(id: u32, p: u32, bp: u32): u64 {
  const m = mRows(p), n = mCols(p), nrhs = mCols(bp);
  if (mRows(bp) != m) {
    raise2(E_SHAPE_MISMATCH, shapeList(p), shapeList(bp));
    return fail();
  }
  const dt = mDtype(p) == DTYPE_F32 && mDtype(bp) == DTYPE_F32 ? DTYPE_F32 : DTYPE_F64;
  const b = f64Copy(bp);
  if (b == 0) return fail();
  if (!allFinite(b, m * nrhs)) return invalid(id, M_NONFINITE);
  if (m >= n) {
    const a = f64Copy(p);
    if (a == 0) return fail();
    if (!allFinite(a, m * n)) return invalid(id, M_NONFINITE);
    if (factorQR(a, m, n) == 0) return fail();
    // full column rank: x = R^-1 (Q' b)[0:n]
    let big: f64 = 0, small: f64 = Infinity;
    for (let i: u32 = 0; i < n; i++) {
      const r = Math.abs(load<f64>(a + ((i * n + i) << 3)));
      big = max(big, r);
      small = min(small, r);
    }
    if (n == 0 || small > <f64>m * epsOf(p) * big) {
      const ts = take(RB * RB), tw = take(RB), vcol = take(m * RB), wk = take(RB * max(nrhs, 1));
      if (ts == 0 || tw == 0 || vcol == 0 || wk == 0) return fail();
      for (let k0: u32 = 0; k0 < n; k0 += RB) {
        applyLeft(b, nrhs, 0, nrhs, qrVt, m, m, k0, min(RB, n - k0), 0, qrTs + ((k0 * RB) << 3), vcol, wk);
      }
      for (let i = n; i-- > 0; ) {
        const bi = b + ((i * nrhs) << 3);
        for (let j = i + 1; j < n; j++) axpy(bi, b + ((j * nrhs) << 3), -load<f64>(a + ((i * n + j) << 3)), nrhs);
        scale(bi, 1 / load<f64>(a + ((i * n + i) << 3)), nrhs);
      }
      const X = result(b, n, nrhs, nrhs, dt);
      return X == 0 ? fail() : obj(X);
    }
  }
  // dependent columns, or more columns than rows: the minimum-norm solution through the SVD
  if (!svdCore(id, p, true)) return fail();
  const x = pseudoSolve(p, b, nrhs);
  if (x == 0) return fail();
  const X = result(x, n, nrhs, nrhs, dt);
  return X == 0 ? fail() : obj(X);
}

function pair(k1: u32, v1: u32, k2: u32, v2: u32): u64 {
  const map = newMap(2);
  if (map == 0) return fail();
  mapSet(map, obj(k1), obj(v1));
  mapSet(map, obj(k2), obj(v2));
  return obj(map);
}
