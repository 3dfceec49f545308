// numpy's broadcasting for the elementwise operators when a tensor meets an array of another
// shape: shapes are aligned from the last axis, an axis of length 1 stretches to the other's
// length, and any other difference is 5002. The axes are merged into as few runs as the strides
// allow, so the inner loop is long and, for f64, two lanes at a time (four for f32 runs of both
// operands).
import { T_MATRIX, typeOf, DTYPE_F32, DTYPE_F64, TEN_NDIM, TEN_SHAPE, MAX_TENSOR_DIMS } from "../heap/layout";
import { obj, NIL } from "../heap/value";
import { newTensor, mRows, mCols, arrayElems, arrayDtype, arrayCount, getAt, setAt } from "./matrix";
import { apply, zipF64, zipF32, shapeError, EW_ADD, EW_SUB, EW_MUL, EW_DIV } from "./ops";

const shapeA = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const shapeB = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const shapeOut = <u32>memory.data(4 * MAX_TENSOR_DIMS);
// runs of merged axes, innermost first: length and the element stride in each operand
const runLen = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const runA = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const runB = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const counter = <u32>memory.data(4 * MAX_TENSOR_DIMS);

/** Writes the axes of matrix or tensor p at `out`; returns how many. */
export function dimsOf(p: u32, out: u32): u32 {
  if (typeOf(p) == T_MATRIX) {
    store<u32>(out, mRows(p));
    store<u32>(out, mCols(p), 4);
    return 2;
  }
  const n = load<u32>(p, TEN_NDIM);
  memory.copy(out, p + TEN_SHAPE, n << 2);
  return n;
}

// @ts-ignore: decorator
@inline function at(buf: u32, i: u32): u32 {
  return load<u32>(buf + (i << 2));
}

/** a op b (ADD, SUB, MUL, DIV, POW) for arrays whose shapes broadcast; a tensor of the common shape. */
export function broadcast(op: u32, pa: u32, pb: u32): u64 {
  const na = dimsOf(pa, shapeA), nb = dimsOf(pb, shapeB);
  const nd = max(na, nb);
  for (let k: u32 = 0; k < nd; k++) {
    const da = k < nd - na ? 1 : at(shapeA, k - (nd - na));
    const db = k < nd - nb ? 1 : at(shapeB, k - (nd - nb));
    if (da != db && da != 1 && db != 1) {
      shapeError(pa, pb);
      return NIL;
    }
    store<u32>(shapeOut + (k << 2), da == 1 ? db : da);
  }
  const dt = arrayDtype(pa) == DTYPE_F32 && arrayDtype(pb) == DTYPE_F32 ? DTYPE_F32 : DTYPE_F64;
  const out = newTensor(nd, shapeOut, dt);
  if (out == 0) return NIL;
  if (arrayCount(out) == 0) return obj(out);
  // merge axes from the innermost: an axis joins the run inside it when both operands step over
  // it as over one longer axis (contiguous, or stretched in both); axes of length 1 drop out
  let runs: u32 = 0;
  let strideA: u32 = 1, strideB: u32 = 1;
  for (let k = <i32>nd - 1; k >= 0; k--) {
    const len = at(shapeOut, k);
    const da = <u32>k < nd - na ? 1 : at(shapeA, k - (nd - na));
    const db = <u32>k < nd - nb ? 1 : at(shapeB, k - (nd - nb));
    const sa = da == 1 ? 0 : strideA, sb = db == 1 ? 0 : strideB;
    strideA *= da;
    strideB *= db;
    if (len == 1) continue;
    if (runs > 0) {
      const r = (runs - 1) << 2;
      const inner = load<u32>(runLen + r);
      if (sa == load<u32>(runA + r) * inner && sb == load<u32>(runB + r) * inner) {
        store<u32>(runLen + r, inner * len);
        continue;
      }
    }
    store<u32>(runLen + (runs << 2), len);
    store<u32>(runA + (runs << 2), sa);
    store<u32>(runB + (runs << 2), sb);
    runs++;
  }
  if (runs == 0) {
    store<u32>(runLen, 1);
    store<u32>(runA, 0);
    store<u32>(runB, 0);
    runs = 1;
  }
  const ea = arrayElems(pa), eb = arrayElems(pb), eo = arrayElems(out);
  const da = arrayDtype(pa), db = arrayDtype(pb);
  const n = at(runLen, 0), sa = at(runA, 0), sb = at(runB, 0);
  const rows = arrayCount(out) / n;
  memory.fill(counter, 0, runs << 2);
  let ia: u32 = 0, ib: u32 = 0, io: u32 = 0;
  for (let row: u32 = 0; row < rows; row++) {
    if (dt == DTYPE_F64 && da == DTYPE_F64 && db == DTYPE_F64) runF64(op, ea, ia, sa, eb, ib, sb, eo + (io << 3), n);
    else if (dt == DTYPE_F32) runF32(op, ea, ia, sa, eb, ib, sb, eo + (io << 2), n);
    else for (let i: u32 = 0; i < n; i++) setAt(eo, io + i, dt, apply(op, getAt(ea, ia + i * sa, da), getAt(eb, ib + i * sb, db)));
    io += n;
    // the next row: step the outer runs like an odometer
    for (let r: u32 = 1; r < runs; r++) {
      const c = at(counter, r) + 1;
      ia += at(runA, r);
      ib += at(runB, r);
      if (c < at(runLen, r)) {
        store<u32>(counter + (r << 2), c);
        break;
      }
      store<u32>(counter + (r << 2), 0);
      ia -= at(runA, r) * c;
      ib -= at(runB, r) * c;
    }
  }
  return obj(out);
}

/** One run of f64 elements, each operand either contiguous (stride 1) or one repeated element (0); powers go element by element. */
function runF64(op: u32, ea: u32, ia: u32, sa: u32, eb: u32, ib: u32, sb: u32, out: u32, n: u32): void {
  const a = ea + (ia << 3), b = eb + (ib << 3);
  if (sa == 1 && sb == 1) {
    zipF64(op, a, b, out, n);
    return;
  }
  if (sa == 0 && sb == 0) {
    const x = apply(op, load<f64>(a), load<f64>(b));
    for (let i: u32 = 0; i < n; i++) store<f64>(out + (i << 3), x);
    return;
  }
  // one side is a single element repeated along the run
  const s = f64x2.splat(load<f64>(sa == 0 ? a : b));
  const v = sa == 0 ? b : a;
  const end = n & ~1;
  let i: u32 = 0;
  if (sa == 0) {
    switch (op) {
      case EW_ADD: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.add(s, v128.load(v + (i << 3)))); break;
      case EW_SUB: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.sub(s, v128.load(v + (i << 3)))); break;
      case EW_MUL: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.mul(s, v128.load(v + (i << 3)))); break;
      case EW_DIV: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.div(s, v128.load(v + (i << 3)))); break;
    }
    for (; i < n; i++) store<f64>(out + (i << 3), apply(op, load<f64>(a), load<f64>(v + (i << 3))));
  } else {
    switch (op) {
      case EW_ADD: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.add(v128.load(v + (i << 3)), s)); break;
      case EW_SUB: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.sub(v128.load(v + (i << 3)), s)); break;
      case EW_MUL: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.mul(v128.load(v + (i << 3)), s)); break;
      case EW_DIV: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.div(v128.load(v + (i << 3)), s)); break;
    }
    for (; i < n; i++) store<f64>(out + (i << 3), apply(op, load<f64>(v + (i << 3)), load<f64>(b)));
  }
}

/** f32 lanes of op (ADD ... DIV): what f64 arithmetic rounded to f32 gives, as for every f32 pair. */
// @ts-ignore: decorator
@inline function lanes32(op: u32, x: v128, y: v128): v128 {
  return op == EW_ADD ? f32x4.add(x, y) : op == EW_SUB ? f32x4.sub(x, y) : op == EW_MUL ? f32x4.mul(x, y) : f32x4.div(x, y);
}

/** One run of f32 elements (both operands f32), each operand contiguous (stride 1) or one repeated element (0). */
function runF32(op: u32, ea: u32, ia: u32, sa: u32, eb: u32, ib: u32, sb: u32, out: u32, n: u32): void {
  const a = ea + (ia << 2), b = eb + (ib << 2);
  if (sa == 1 && sb == 1) {
    zipF32(op, a, b, out, n);
    return;
  }
  let i: u32 = 0;
  if (op <= EW_DIV && (sa == 1 || sb == 1)) {
    // one side is a single element repeated along the run
    const s = v128.load32_splat(sa == 0 ? a : b);
    const v = sa == 0 ? b : a;
    const end = n & ~3;
    if (sa == 0) for (; i < end; i += 4) v128.store(out + (i << 2), lanes32(op, s, v128.load(v + (i << 2))));
    else for (; i < end; i += 4) v128.store(out + (i << 2), lanes32(op, v128.load(v + (i << 2)), s));
  }
  for (; i < n; i++) store<f32>(out + (i << 2), <f32>apply(op, <f64>load<f32>(a + i * sa * 4), <f64>load<f32>(b + i * sb * 4)));
}
