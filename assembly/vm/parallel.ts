// What a pool of workers needs from the core: large matrix products offered to the host (which
// may split their rows across workers), the product kernel on raw memory for a worker's share,
// scratch tables it can free, closures of top-level functions for a replica of a program, and
// tasks and actors offered to the host to run elsewhere.
import { HEADER, T_CLOSURE, T_BOX, BOX_SIZE, BOX_VALUE, DTYPE_F32, CLO_PROTO, CLO_NCAP, CLO_CAPS } from "../heap/layout";
import { allocBlock, freeBlock } from "../heap/alloc";
import { obj, NIL } from "../heap/value";
import { newMatrix, mRows, mCols, mDtype, mElems } from "../linalg/matrix";
import { matrixProduct } from "../linalg/ops";
import { matmul } from "../linalg/matmul";
import { protoAt, protoCount, P_NCAPS } from "./state";

/**
 * Computes C = A * B (m x k times k x n, row-major, dtype 0 f64 or 1 f32) into C's elements.
 * Returns 1 when done, 0 when the host declines (the core then computes it itself).
 */
// @ts-ignore: decorator
@external("host", "matmul")
declare function hostMatmul(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32, dtype: u32): u32;

/** Products with at least this many multiply-adds go to the host; 0: none (no pool attached). */
let shareAbove: f64 = 0;

export function setParallelThreshold(work: f64): void {
  shareAbove = work;
}

/** The matrix product a * b, offered to the host first when it is large enough. */
export function product(a: u32, b: u32): u64 {
  const m = mRows(a), k = mCols(a), n = mCols(b);
  const dt = mDtype(a);
  if (shareAbove > 0 && k == mRows(b) && dt == mDtype(b) && m > 1 && <f64>m * <f64>k * <f64>n >= shareAbove) {
    const c = newMatrix(m, n, dt);
    if (c == 0) return NIL;
    if (hostMatmul(mElems(a), mElems(b), mElems(c), m, k, n, dt) != 0) return obj(c);
  }
  return matrixProduct(a, b);
}

/**
 * C = A * B on raw row-major element blocks (einsum's batched products, one at a time), offered
 * to the host first when large enough, as `product` does.
 */
export function productInto(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32, dtype: u32): void {
  if (shareAbove > 0 && m > 1 && <f64>m * <f64>k * <f64>n >= shareAbove && hostMatmul(a, b, c, m, k, n, dtype) != 0) return;
  matmul(a, b, c, m, k, n, dtype);
}

/** C = A * B on raw row-major element blocks (the same kernel as the `*` operator). */
export function gemmInto(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32, dtype: u32): void {
  matmul(a, b, c, m, k, n, dtype == DTYPE_F32 ? DTYPE_F32 : 0);
}

/** Frees a table made by allocTable. */
export function freeTable(addr: u32): void {
  freeBlock(addr - HEADER);
}

/** A closure of function `protoIndex`, which must capture nothing; NIL when it does or memory is out. */
export function closureOf(protoIndex: u32): u64 {
  if (protoIndex >= protoCount || load<u32>(protoAt(protoIndex), P_NCAPS) != 0) return NIL;
  const p = allocBlock(CLO_CAPS - HEADER, T_CLOSURE);
  if (p == 0) return NIL;
  store<u32>(p, protoIndex, CLO_PROTO);
  store<u32>(p, 0, CLO_NCAP);
  return obj(p);
}

/**
 * A closure of function `protoIndex`, which captures exactly n variables, each a new variable
 * holding one of the n values at `values`: how a VM rebuilds a value made of closures over
 * constants (a store of std/db) that crossed from another VM. NIL when the function captures
 * another number of variables or memory is out. Nothing is collected here (no safe point).
 */
export function closureOver(protoIndex: u32, values: u32, n: u32): u64 {
  if (protoIndex >= protoCount || load<u32>(protoAt(protoIndex), P_NCAPS) != n) return NIL;
  const p = allocBlock(CLO_CAPS - HEADER + (n << 2), T_CLOSURE);
  if (p == 0) return NIL;
  store<u32>(p, protoIndex, CLO_PROTO);
  store<u32>(p, 0, CLO_NCAP);
  for (let i: u32 = 0; i < n; i++) {
    const box = allocBlock(BOX_SIZE - HEADER, T_BOX);
    if (box == 0) return NIL;
    store<u64>(box, load<u64>(values + (i << 3)), BOX_VALUE);
    store<u32>(p + CLO_CAPS + (i << 2), box);
    store<u32>(p, i + 1, CLO_NCAP);
  }
  return obj(p);
}

/**
 * Offers the task `spawn f(args)` of a top-level function (prototype `protoIndex`) to the host,
 * which may run it on a worker: returns 1 with the task's future stored at `out`, or 0 when the
 * host declines (the task then runs here).
 */
// @ts-ignore: decorator
@external("host", "spawn")
declare function hostSpawn(protoIndex: u32, args: u32, n: u32, out: u32): u32;

/** Whether spawns are offered to the host (a pool with tasks attached). */
let offerSpawns = false;

export function setSpawnOffers(on: bool): void {
  offerSpawns = on;
}

const spawnOut = <u32>memory.data(8);

/** The future of a task the host took for closure `clo` (capturing nothing), or 0. */
export function remoteSpawn(clo: u32, args: u32, n: u32): u64 {
  if (!offerSpawns || load<u32>(clo, CLO_NCAP) != 0) return 0;
  store<u64>(spawnOut, NIL);
  return hostSpawn(load<u32>(clo, CLO_PROTO), args, n, spawnOut) != 0 ? load<u64>(spawnOut) : 0;
}

/**
 * Offers a new actor of constructor `protoIndex` to the host, which may place it on a worker:
 * returns the host's id for it, or 0 when the host declines (the actor then lives here).
 */
// @ts-ignore: decorator
@external("host", "spawnActor")
declare function hostSpawnActor(protoIndex: u32): u32;

/**
 * Sends message `name(args)` (name a string) to the host's actor `id`: returns 1 with the reply's
 * future stored at `out`, or 0 with a fault raised.
 */
// @ts-ignore: decorator
@external("host", "sendActor")
declare function hostSendActor(id: u32, name: u32, args: u32, n: u32, out: u32): u32;

/** Tells the host that nobody waits for host future p any more (a timeout cancelled its work). */
// @ts-ignore: decorator
@external("host", "cancel")
declare function hostCancel(p: u32): void;

export function cancelRemote(p: u32): void {
  hostCancel(p);
}

/** The host's id for a new actor of constructor closure `ctor` placed elsewhere, or 0 to keep it here. */
export function remoteActorId(ctor: u32): u32 {
  if (!offerSpawns || load<u32>(ctor, CLO_NCAP) != 0) return 0;
  return hostSpawnActor(load<u32>(ctor, CLO_PROTO));
}

/** The future of message `name(args)` to the host's actor `id`; NIL with a fault. */
export function remoteSend(id: u32, name: u32, args: u32, n: u32): u64 {
  store<u64>(spawnOut, NIL);
  return hostSendActor(id, name, args, n, spawnOut) != 0 ? load<u64>(spawnOut) : NIL;
}
