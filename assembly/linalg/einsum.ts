// einsum(spec, x, y?) with an explicit output ("ij,jk->ik", "bij,bjk->bik", "ii->", "ij->ji").
// Two operands whose indices are each batch (in both and the output), contracted (in both, not
// the output) or free (in one and the output) are lined up as (batch, rows, depth) and (batch,
// depth, columns) and multiplied batch by batch with the matrix product kernel; anything else (a
// repeated index, an index summed within one operand, one operand) is a plain loop over every
// combination of the indices.
import { T_STRING, HEADER, T_RAW, typeOf, DTYPE_F32, DTYPE_F64, MAX_TENSOR_DIMS } from "../heap/layout";
import { allocBlock, freeBlock } from "../heap/alloc";
import { isObj, objOf, num, obj, NIL } from "../heap/value";
import { strData, strBytes } from "../objects/string";
import { raise, faultCode } from "../vm/fault";
import * as B from "../vm/opcodes";
import { E_INVALID_ARGUMENT, E_MEMORY_LIMIT, E_SHAPE_MISMATCH } from "../vm/contract";
import { newMatrix, newTensor, isMatrix, isTensor, arrayElems, arrayDtype, arrayCount, getAt, setAt, MAX_ELEMENTS } from "./matrix";
import { productInto } from "../vm/parallel";
import { dimsOf } from "./broadcast";
import { permuteInto } from "./permute";
import { bad } from "./builtins";
import * as M from "./messages";

const LETTERS: u32 = 52;
const NONE: u32 = 0xFFFFFFFF;
// the indices (letter numbers) of each operand and of the output, and how many
const opIdx = <u32>memory.data(4 * 2 * MAX_TENSOR_DIMS);
const opLen = <u32>memory.data(4 * 2);
const outIdx = <u32>memory.data(4 * MAX_TENSOR_DIMS);
let outLen: u32 = 0;
let operands: u32 = 0;
const size = <u32>memory.data(4 * LETTERS); // each letter's length, NONE until seen
const dims = <u32>memory.data(4 * MAX_TENSOR_DIMS);
// the plain loop's letters, output ones first, with their steps in x, y and the output
const loopLetters = <u32>memory.data(4 * LETTERS);
const stepX = <u32>memory.data(4 * LETTERS);
const stepY = <u32>memory.data(4 * LETTERS);
const stepOut = <u32>memory.data(4 * LETTERS);
const counter = <u32>memory.data(4 * LETTERS);
// the product's line-up: permutations of x, y and of the product into the output
const permX = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const permY = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const permC = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const shapeC = <u32>memory.data(4 * MAX_TENSOR_DIMS);

function letterOf(c: u32): u32 {
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 65 && c <= 90) return c - 65 + 26;
  return NONE;
}

/** 3011 naming the spec and what is wrong with it. */
function badSpec(spec: u64, why: string): bool {
  M.begin();
  M.text("einsum: ");
  M.value(spec);
  M.text(" ");
  M.text(why);
  M.raiseText(E_INVALID_ARGUMENT);
  return false;
}

/** Reads "ab,cd->ef" (spaces ignored) into opIdx, opLen, outIdx, outLen, operands. */
function parse(spec: u64): bool {
  const p = objOf(spec);
  const s = strData(p), n = strBytes(p);
  operands = 1;
  outLen = 0;
  store<u32>(opLen, 0);
  store<u32>(opLen, 0, 4);
  let output = false;
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(s + i);
    if (c == 32) continue;
    if (c == 44 && !output) {
      if (operands == 2) return badSpec(spec, "has more than two operands");
      operands = 2;
      continue;
    }
    if (c == 45 && !output && i + 1 < n && load<u8>(s + i + 1) == 62) {
      output = true;
      i++;
      continue;
    }
    const l = letterOf(c);
    if (l == NONE) return badSpec(spec, "may hold only letters, one comma and \"->\"");
    if (output) {
      for (let k: u32 = 0; k < outLen; k++) if (load<u32>(outIdx + (k << 2)) == l) return badSpec(spec, "repeats an output index");
      if (outLen == MAX_TENSOR_DIMS) return badSpec(spec, "has too many indices");
      store<u32>(outIdx + (outLen++ << 2), l);
    } else {
      const o = operands - 1, len = load<u32>(opLen + (o << 2));
      if (len == MAX_TENSOR_DIMS) return badSpec(spec, "has too many indices");
      store<u32>(opIdx + ((o * MAX_TENSOR_DIMS + len) << 2), l);
      store<u32>(opLen + (o << 2), len + 1);
    }
  }
  if (!output) return badSpec(spec, "needs an explicit output, as in \"ij->ji\"");
  for (let k: u32 = 0; k < outLen; k++) {
    if (countIn(0, load<u32>(outIdx + (k << 2))) + countIn(1, load<u32>(outIdx + (k << 2))) == 0) {
      return badSpec(spec, "has an output index in no operand");
    }
  }
  return true;
}

// @ts-ignore: decorator
@inline function idx(o: u32, k: u32): u32 {
  return load<u32>(opIdx + ((o * MAX_TENSOR_DIMS + k) << 2));
}

/** How many times letter l is an index of operand o. */
function countIn(o: u32, l: u32): u32 {
  if (o >= operands) return 0;
  let c: u32 = 0;
  const n = load<u32>(opLen + (o << 2));
  for (let k: u32 = 0; k < n; k++) if (idx(o, k) == l) c++;
  return c;
}

function inOutput(l: u32): bool {
  for (let k: u32 = 0; k < outLen; k++) if (load<u32>(outIdx + (k << 2)) == l) return true;
  return false;
}

/** 5002: the operands' shapes do not fit the spec's indices. */
function shapeMismatch(spec: u64, x: u32, y: u32): u64 {
  M.begin();
  M.text("einsum ");
  M.value(spec);
  M.text(" of ");
  M.shape(x);
  if (y != 0) {
    M.text(" and ");
    M.shape(y);
  }
  return M.raiseText(E_SHAPE_MISMATCH);
}

/** A scratch block for `count` elements of dt; its aligned data at `aligned(block)`. */
function scratch(count: u64, dt: u32): u32 {
  const bytes = count << (dt == DTYPE_F32 ? 2 : 3);
  const p = count > MAX_ELEMENTS ? 0 : allocBlock(<u32>bytes + 16, T_RAW);
  if (p == 0) raise(E_MEMORY_LIMIT);
  return p;
}

// @ts-ignore: decorator
@inline function aligned(block: u32): u32 {
  return (block + HEADER + 15) & ~15;
}

export function einsum(spec: u64, x: u64, y: u64, n: u32): u64 {
  if (!isObj(spec) || typeOf(objOf(spec)) != T_STRING) return bad(B.BI_EINSUM, spec);
  if (!isMatrix(x) && !isTensor(x)) return bad(B.BI_EINSUM, x);
  if (n > 2 && !isMatrix(y) && !isTensor(y)) return bad(B.BI_EINSUM, y);
  if (!parse(spec)) return NIL;
  if (operands != n - 1) {
    badSpec(spec, operands == 1 ? "names one operand" : "names two operands");
    return NIL;
  }
  const px = objOf(x), py = n > 2 ? objOf(y) : 0;
  memory.fill(size, 0xFF, LETTERS << 2);
  for (let o: u32 = 0; o < operands; o++) {
    const nd = dimsOf(o == 0 ? px : py, dims);
    if (nd != load<u32>(opLen + (o << 2))) return shapeMismatch(spec, px, py);
    for (let k: u32 = 0; k < nd; k++) {
      const l = idx(o, k), d = load<u32>(dims + (k << 2));
      const had = load<u32>(size + (l << 2));
      if (had != NONE && had != d) return shapeMismatch(spec, px, py);
      store<u32>(size + (l << 2), d);
    }
  }
  const dt = arrayDtype(px) == DTYPE_F32 && (py == 0 || arrayDtype(py) == DTYPE_F32) ? DTYPE_F32 : DTYPE_F64;
  // the result: a number without axes, a matrix with two, else a tensor
  let count: u64 = 1;
  for (let k: u32 = 0; k < outLen; k++) {
    const d = load<u32>(size + (load<u32>(outIdx + (k << 2)) << 2));
    store<u32>(dims + (k << 2), d);
    count *= <u64>d;
  }
  if (count > MAX_ELEMENTS) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  let out: u32 = 0;
  if (outLen == 2) out = newMatrix(load<u32>(dims), load<u32>(dims, 4), dt);
  else if (outLen != 0) out = newTensor(outLen, dims, dt);
  if (outLen != 0 && out == 0) return NIL;
  const block = scratch(count, DTYPE_F64);
  if (block == 0) return NIL;
  const acc = aligned(block);
  const done = py != 0 && byProducts(px, py, acc) || sumOfProducts(px, py, acc, <u32>count);
  let result: u64 = NIL;
  if (done && faultCode == 0) {
    if (out == 0) result = num(load<f64>(acc));
    else {
      const eo = arrayElems(out);
      for (let i: u32 = 0; i < <u32>count; i++) setAt(eo, i, dt, load<f64>(acc + (i << 3)));
      result = obj(out);
    }
  }
  freeBlock(block);
  return result;
}

/**
 * The plain loop: for every combination of the letters, acc[output place] += x[...] * y[...].
 * A letter repeated in one operand steps by the sum of its axes' strides (a diagonal).
 */
function sumOfProducts(px: u32, py: u32, acc: u32, count: u32): bool {
  let letters: u32 = 0;
  for (let k: u32 = 0; k < outLen; k++) store<u32>(loopLetters + (letters++ << 2), load<u32>(outIdx + (k << 2)));
  for (let l: u32 = 0; l < LETTERS; l++) {
    if (load<u32>(size + (l << 2)) != NONE && !inOutput(l)) store<u32>(loopLetters + (letters++ << 2), l);
  }
  let total: u64 = 1;
  for (let j: u32 = 0; j < letters; j++) {
    const l = load<u32>(loopLetters + (j << 2));
    total *= <u64>load<u32>(size + (l << 2));
    store<u32>(stepX + (j << 2), strideOf(px, 0, l));
    store<u32>(stepY + (j << 2), py == 0 ? 0 : strideOf(py, 1, l));
    store<u32>(counter + (j << 2), 0);
  }
  // output steps: row-major over the output letters, 0 for summed ones
  let st: u32 = 1;
  for (let j = <i32>letters - 1; j >= 0; j--) {
    if (<u32>j >= outLen) store<u32>(stepOut + (j << 2), 0);
    else {
      store<u32>(stepOut + (j << 2), st);
      st *= load<u32>(size + (load<u32>(loopLetters + (j << 2)) << 2));
    }
  }
  memory.fill(acc, 0, count << 3);
  if (total == 0) return true;
  const ex = arrayElems(px), dx = arrayDtype(px);
  const ey = py == 0 ? 0 : arrayElems(py), dy = py == 0 ? DTYPE_F64 : arrayDtype(py);
  let ox: u32 = 0, oy: u32 = 0, oo: u32 = 0;
  for (let t: u64 = 0; t < total; t++) {
    const v = getAt(ex, ox, dx) * (py == 0 ? 1.0 : getAt(ey, oy, dy));
    store<f64>(acc + (oo << 3), load<f64>(acc + (oo << 3)) + v);
    for (let j = <i32>letters - 1; j >= 0; j--) {
      const c = load<u32>(counter + (j << 2)) + 1;
      const sx = load<u32>(stepX + (j << 2)), sy = load<u32>(stepY + (j << 2)), so = load<u32>(stepOut + (j << 2));
      ox += sx;
      oy += sy;
      oo += so;
      if (c < load<u32>(size + (load<u32>(loopLetters + (j << 2)) << 2))) {
        store<u32>(counter + (j << 2), c);
        break;
      }
      store<u32>(counter + (j << 2), 0);
      ox -= sx * c;
      oy -= sy * c;
      oo -= so * c;
    }
  }
  return true;
}

/** The element step of letter l in operand o (p): the sum of the strides of the axes it names. */
function strideOf(p: u32, o: u32, l: u32): u32 {
  const nd = load<u32>(opLen + (o << 2));
  let stride: u32 = 1, s: u32 = 0;
  for (let k = <i32>nd - 1; k >= 0; k--) {
    if (idx(o, k) == l) s += stride;
    stride *= load<u32>(size + (idx(o, k) << 2));
  }
  return s;
}

/**
 * Two operands as batched matrix products, when every index is batch, contracted or free and
 * none repeats within an operand; false (nothing done) otherwise. The product's axes are
 * (batch..., x's free..., y's free...), then permuted into the output's order in acc.
 */
function byProducts(px: u32, py: u32, acc: u32): bool {
  const nx = load<u32>(opLen), ny = load<u32>(opLen, 4);
  for (let o: u32 = 0; o < 2; o++) {
    const nd = o == 0 ? nx : ny;
    for (let k: u32 = 0; k < nd; k++) {
      const l = idx(o, k);
      if (countIn(o, l) > 1) return false;
      if (countIn(1 - o, l) == 0 && !inOutput(l)) return false;
    }
  }
  // x lined up as (batch, free, contracted), y as (batch, contracted, free)
  let bx: u32 = 0, by: u32 = 0, nc: u32 = 0;
  let batch: u64 = 1, rows: u64 = 1, depth: u64 = 1, cols: u64 = 1;
  for (let k: u32 = 0; k < outLen; k++) {
    const l = load<u32>(outIdx + (k << 2));
    if (countIn(0, l) == 1 && countIn(1, l) == 1) {
      store<u32>(permX + (bx++ << 2), position(0, l));
      store<u32>(permY + (by++ << 2), position(1, l));
      store<u32>(shapeC + (nc++ << 2), load<u32>(size + (l << 2)));
      batch *= <u64>load<u32>(size + (l << 2));
    }
  }
  for (let k: u32 = 0; k < nx; k++) {
    const l = idx(0, k);
    if (countIn(1, l) == 0) {
      store<u32>(permX + (bx++ << 2), k);
      store<u32>(shapeC + (nc++ << 2), load<u32>(size + (l << 2)));
      rows *= <u64>load<u32>(size + (l << 2));
    }
  }
  for (let k: u32 = 0; k < nx; k++) {
    const l = idx(0, k);
    if (countIn(1, l) == 1 && !inOutput(l)) {
      store<u32>(permX + (bx++ << 2), k);
      store<u32>(permY + (by++ << 2), position(1, l));
      depth *= <u64>load<u32>(size + (l << 2));
    }
  }
  for (let k: u32 = 0; k < ny; k++) {
    const l = idx(1, k);
    if (countIn(0, l) == 0) {
      store<u32>(permY + (by++ << 2), k);
      store<u32>(shapeC + (nc++ << 2), load<u32>(size + (l << 2)));
      cols *= <u64>load<u32>(size + (l << 2));
    }
  }
  // the output's letters in the product's axis order
  for (let k: u32 = 0; k < outLen; k++) {
    const l = load<u32>(outIdx + (k << 2));
    let at: u32 = 0;
    for (let j: u32 = 0; j < nc; j++) if (letterAtC(j, nx, ny) == l) at = j;
    store<u32>(permC + (k << 2), at);
  }
  const dt = arrayDtype(px) == DTYPE_F32 && arrayDtype(py) == DTYPE_F32 ? DTYPE_F32 : DTYPE_F64;
  const es: u32 = dt == DTYPE_F32 ? 4 : 8;
  const bxBlock = scratch(batch * rows * depth, dt), byBlock = scratch(batch * depth * cols, dt), bcBlock = scratch(batch * rows * cols, dt);
  if (bxBlock == 0 || byBlock == 0 || bcBlock == 0) {
    if (bxBlock != 0) freeBlock(bxBlock);
    if (byBlock != 0) freeBlock(byBlock);
    if (bcBlock != 0) freeBlock(bcBlock);
    return true;
  }
  const a = aligned(bxBlock), b = aligned(byBlock), c = aligned(bcBlock);
  dimsOf(px, dims);
  permuteInto(arrayElems(px), arrayDtype(px), dims, nx, permX, a, dt);
  dimsOf(py, dims);
  permuteInto(arrayElems(py), arrayDtype(py), dims, ny, permY, b, dt);
  const m = <u32>rows, kk = <u32>depth, nn = <u32>cols;
  for (let i: u32 = 0; i < <u32>batch; i++) productInto(a + i * m * kk * es, b + i * kk * nn * es, c + i * m * nn * es, m, kk, nn, dt);
  permuteInto(c, dt, shapeC, nc, permC, acc, DTYPE_F64);
  freeBlock(bxBlock);
  freeBlock(byBlock);
  freeBlock(bcBlock);
  return true;
}

/** The axis of operand o that letter l names (l appears there once). */
function position(o: u32, l: u32): u32 {
  const n = load<u32>(opLen + (o << 2));
  for (let k: u32 = 0; k < n; k++) if (idx(o, k) == l) return k;
  return 0;
}

/** The letter of the product's axis j: batch letters in output order, then x's free, then y's free. */
function letterAtC(j: u32, nx: u32, ny: u32): u32 {
  let at: u32 = 0;
  for (let k: u32 = 0; k < outLen; k++) {
    const l = load<u32>(outIdx + (k << 2));
    if (countIn(0, l) == 1 && countIn(1, l) == 1) {
      if (at == j) return l;
      at++;
    }
  }
  for (let k: u32 = 0; k < nx; k++) {
    if (countIn(1, idx(0, k)) == 0) {
      if (at == j) return idx(0, k);
      at++;
    }
  }
  for (let k: u32 = 0; k < ny; k++) {
    if (countIn(0, idx(1, k)) == 0) {
      if (at == j) return idx(1, k);
      at++;
    }
  }
  return NONE;
}
