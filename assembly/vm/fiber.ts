// Fibers. The main program, every task and every actor message runs on its own fiber: a register
// stack and a frame stack in VM memory (state.ts runs the current one). A fiber record is a
// pinned block; it gets its stacks when it first runs and gives them back to a small pool when it
// ends, so spawning many short tasks does not allocate stacks for each. Every fiber that exists
// is on one list, which the collector walks to mark all their registers and frames.
import { HEADER } from "../heap/layout";
import { allocPinned, freeBlock } from "../heap/alloc";
import { NIL } from "../heap/value";
import { listFrom, listLen, listGet } from "../objects/list";
import {
  FB_REGS, FB_REGCAP, FB_FRAMES, FB_FRAMECAP, FB_DEPTH, saveStacks, loadStacks, clearStacks, ensureRegisters, ensureFrames,
} from "./state";

// record fields after the stacks (FB_REGS .. FB_DEPTH, offsets 0-16)
export const FB_STATE: u32 = 20;
export const FB_KIND: u32 = 24;
export const FB_FLAGS: u32 = 28;
export const FB_FN: u32 = 32; // u64: the closure to run; a message's method name until it starts
export const FB_ARGS: u32 = 40; // list of arguments, or 0
export const FB_FUTURE: u32 = 44; // future it settles, or 0 (main)
export const FB_ACTOR: u32 = 48; // actor it works for, or 0
export const FB_WAIT: u32 = 52; // future it is blocked on
export const FB_NEXT: u32 = 56; // run queue or mailbox links
export const FB_PREV: u32 = 60;
export const FB_LNEXT: u32 = 64; // list of all fibers
export const FB_LPREV: u32 = 68;
export const FB_NARGS: u32 = 72; // arguments kept in the record (when FB_ARGS is 0)
export const FB_INLINE: u32 = 80; // up to INLINE_ARGS u64 arguments
const INLINE_ARGS: u32 = 3;
const FIBER_SIZE: u32 = 104;

// states
export const FS_NEW: u32 = 0; // not started, waiting in the run queue
export const FS_READY: u32 = 1; // in the run queue
export const FS_RUNNING: u32 = 2;
export const FS_BLOCKED: u32 = 3; // waiting on FB_WAIT
export const FS_MAILBOX: u32 = 4; // a message not started, in its actor's mailbox

// kinds
export const FK_MAIN: u32 = 0;
export const FK_TASK: u32 = 1;
export const FK_INIT: u32 = 2; // runs an actor's constructor (at spawn and after a restart)
export const FK_MESSAGE: u32 = 3;
export const FK_UPGRADE: u32 = 4; // runs the constructor of an actor's next version on its current incarnation

// flags
export const FF_DEADLOCK: u32 = 1; // woken without its future: the await fails with 7004

const INITIAL_REGS: u32 = 64;
const INITIAL_FRAMES: u32 = 8;

/** The running fiber, or 0 between fibers. */
export let current: u32 = 0;
/** Fibers that exist (any state), and the first of their list. */
export let fiberCount: u32 = 0;
export let firstFiber: u32 = 0;
let lastFiber: u32 = 0;
let freeRecords: u32 = 0; // records of ended fibers, linked through FB_NEXT
let freeRecordCount: u32 = 0;
/** Records kept for reuse; beyond this an ended fiber's record is freed. */
const FREE_RECORDS_MAX: u32 = 1024;

// stacks given back by ended fibers: [regs block, reg cap, frames block, frame cap] each; a stack
// that grew past POOLED_REGS_MAX registers (deep recursion) is freed instead
const POOL_MAX: u32 = 64;
const POOLED_REGS_MAX: u32 = 1024;
const pool = <u32>memory.data(POOL_MAX * 16);
let pooled: u32 = 0;

// @ts-ignore: decorator
@inline export function fiberState(f: u32): u32 { return load<u32>(f, FB_STATE); }
// @ts-ignore: decorator
@inline export function setFiberState(f: u32, s: u32): void { store<u32>(f, s, FB_STATE); }

/** A new fiber record (no stacks, no arguments yet), on the list of fibers; 0 when out of memory. */
export function newFiber(kind: u32, fn: u64, future: u32, actor: u32): u32 {
  let f = freeRecords;
  if (f != 0) {
    freeRecords = load<u32>(f, FB_NEXT);
    freeRecordCount--;
  } else {
    const block = allocPinned(FIBER_SIZE);
    if (block == 0) return 0;
    f = block + HEADER;
  }
  memory.fill(f, 0, FIBER_SIZE);
  store<u32>(f, kind, FB_KIND);
  store<u64>(f, fn, FB_FN);
  store<u32>(f, future, FB_FUTURE);
  store<u32>(f, actor, FB_ACTOR);
  store<u32>(f, lastFiber, FB_LPREV);
  if (lastFiber != 0) store<u32>(lastFiber, f, FB_LNEXT);
  else firstFiber = f;
  lastFiber = f;
  fiberCount++;
  return f;
}

/**
 * The arguments the fiber starts with: the n values at src, kept in the record when they are
 * few (most tasks and messages), else in a new list. False when memory is exhausted.
 */
export function setArgs(f: u32, src: u32, n: u32): bool {
  if (n <= INLINE_ARGS) {
    memory.copy(f + FB_INLINE, src, n << 3);
    store<u32>(f, n, FB_NARGS);
    return true;
  }
  const list = listFrom(src, n);
  store<u32>(f, list, FB_ARGS);
  return list != 0;
}

// @ts-ignore: decorator
@inline export function argCount(f: u32): u32 {
  const list = load<u32>(f, FB_ARGS);
  return list != 0 ? listLen(list) : load<u32>(f, FB_NARGS);
}

// @ts-ignore: decorator
@inline export function argAt(f: u32, i: u32): u64 {
  const list = load<u32>(f, FB_ARGS);
  return list != 0 ? listGet(list, i) : load<u64>(f + FB_INLINE + (i << 3));
}

/** Ends a fiber that is not running: its stacks go to the pool, its record to the free list. */
export function freeFiber(f: u32): void {
  const prev = load<u32>(f, FB_LPREV), next = load<u32>(f, FB_LNEXT);
  if (prev != 0) store<u32>(prev, next, FB_LNEXT);
  else firstFiber = next;
  if (next != 0) store<u32>(next, prev, FB_LPREV);
  else lastFiber = prev;
  fiberCount--;
  const regsBlock = load<u32>(f, FB_REGS);
  if (regsBlock != 0) {
    if (pooled < POOL_MAX && load<u32>(f, FB_REGCAP) <= POOLED_REGS_MAX) {
      const slot = pool + (pooled++ << 4);
      store<u32>(slot, regsBlock);
      store<u32>(slot, load<u32>(f, FB_REGCAP), 4);
      store<u32>(slot, load<u32>(f, FB_FRAMES), 8);
      store<u32>(slot, load<u32>(f, FB_FRAMECAP), 12);
    } else {
      freeBlock(regsBlock);
      freeBlock(load<u32>(f, FB_FRAMES));
    }
  }
  if (freeRecordCount >= FREE_RECORDS_MAX) {
    freeBlock(f - HEADER);
    return;
  }
  store<u64>(f, NIL, FB_FN);
  store<u32>(f, freeRecords, FB_NEXT);
  freeRecords = f;
  freeRecordCount++;
}

/** Makes `f` the running fiber, giving it stacks if it has none; false when out of memory. */
export function switchTo(f: u32): bool {
  if (current != 0) saveStacks(current);
  current = f;
  if (load<u32>(f, FB_REGS) == 0) {
    if (pooled > 0) {
      const slot = pool + (--pooled << 4);
      store<u32>(f, load<u32>(slot), FB_REGS);
      store<u32>(f, load<u32>(slot, 4), FB_REGCAP);
      store<u32>(f, load<u32>(slot, 8), FB_FRAMES);
      store<u32>(f, load<u32>(slot, 12), FB_FRAMECAP);
      store<u32>(f, 0, FB_DEPTH);
    } else {
      clearStacks();
      if (!ensureRegisters(INITIAL_REGS) || !ensureFrames(INITIAL_FRAMES)) return false;
      saveStacks(f);
      return true;
    }
  }
  loadStacks(f);
  return true;
}

/** The running fiber stops running (it blocked, yielded or ended); its stacks are saved. */
export function detach(): void {
  if (current != 0) saveStacks(current);
  current = 0;
  clearStacks();
}

/** Saves the running fiber's stacks into its record, so its record can be read (by the collector). */
export function syncCurrent(): void {
  if (current != 0) saveStacks(current);
}

/** Pooled stacks hold only dead registers: they are cleared at each collection. */
export function clearPooledStacks(): void {
  for (let i: u32 = 0; i < pooled; i++) {
    const slot = pool + (i << 4);
    const r = load<u32>(slot) + HEADER;
    const end = r + (load<u32>(slot, 4) << 3);
    for (let a = r; a < end; a += 8) store<u64>(a, NIL);
  }
}
