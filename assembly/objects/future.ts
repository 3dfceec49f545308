// Futures: the outcome of a task, an actor message, a combinator (`all`, `timeout`) or a host
// operation. A pending future lists its waiters as pairs of values: a blocked fiber
// (its record address as a number, nil) or a dependent future (the future, the input's index).
// Most futures have one waiting fiber; it is kept in a field, so awaiting allocates nothing.
// Settling one is the scheduler's work (assembly/vm/scheduler.ts): it wakes the waiters.
import { HEADER, T_FUTURE, FUT_STATE, FUT_TASK, FUT_VALUE, FUT_WAITERS, FUT_KIND, FUT_COUNT, FUT_SOURCE, FUT_DEADLINE, FUT_FIBER, FUT_SIZE, typeOf } from "../heap/layout";
import { allocBlock } from "../heap/alloc";
import { writeBarrier } from "../heap/gc";
import { isObj, isNum, objOf, numOf, obj, NIL } from "../heap/value";
import { newList, listPush, listPop, listLen, listGet, listSet } from "./list";
import { raise } from "../vm/fault";
import { E_MEMORY_LIMIT } from "../vm/contract";

export const PENDING: u32 = 0;
export const RESOLVED: u32 = 1;
export const FAILED: u32 = 2;

// what settles a future
export const FK_FIBER: u32 = 0; // a task or message fiber (FUT_TASK)
export const FK_ALL: u32 = 1;
export const FK_TIMEOUT: u32 = 2;
export const FK_HOST: u32 = 3;
export const FK_SLEEP: u32 = 4; // sleep(ms): resolves to nil at FUT_DEADLINE

/** A pending future; 0 (with 4001 raised) when out of memory. */
export function newFuture(kind: u32): u32 {
  const p = allocBlock(FUT_SIZE - HEADER, T_FUTURE);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  store<u32>(p, PENDING, FUT_STATE);
  store<u32>(p, 0, FUT_TASK);
  store<u64>(p, NIL, FUT_VALUE);
  store<u32>(p, 0, FUT_WAITERS);
  store<u32>(p, kind, FUT_KIND);
  store<u32>(p, 0, FUT_COUNT);
  store<u32>(p, 0, FUT_SOURCE);
  store<f64>(p, 0, FUT_DEADLINE);
  store<u32>(p, 0, FUT_FIBER);
  return p;
}

// @ts-ignore: decorator
@inline export function isFuture(v: u64): bool { return isObj(v) && typeOf(objOf(v)) == T_FUTURE; }
// @ts-ignore: decorator
@inline export function futureState(p: u32): u32 { return load<u32>(p, FUT_STATE); }
// @ts-ignore: decorator
@inline export function futureValue(p: u32): u64 { return load<u64>(p, FUT_VALUE); }
// @ts-ignore: decorator
@inline export function futureKind(p: u32): u32 { return load<u32>(p, FUT_KIND); }

export function setFutureValue(p: u32, v: u64): void {
  writeBarrier(p, v);
  store<u64>(p, v, FUT_VALUE);
}

/** Adds a waiter pair; false (with 4001 raised) when out of memory. */
export function addWaiter(p: u32, who: u64, detail: u64): bool {
  if (isNum(who) && load<u32>(p, FUT_FIBER) == 0) {
    store<u32>(p, <u32>numOf(who), FUT_FIBER);
    return true;
  }
  let list = load<u32>(p, FUT_WAITERS);
  if (list == 0) {
    list = newList(2);
    if (list == 0) {
      raise(E_MEMORY_LIMIT);
      return false;
    }
    writeBarrier(p, obj(list));
    store<u32>(p, list, FUT_WAITERS);
  }
  listPush(list, who);
  listPush(list, detail);
  return true;
}

/** Forgets a waiter (a fiber woken another way, or cancelled); the others keep their order. */
export function removeWaiter(p: u32, who: u64): void {
  if (isNum(who) && load<u32>(p, FUT_FIBER) == <u32>numOf(who)) {
    store<u32>(p, 0, FUT_FIBER);
    return;
  }
  const list = load<u32>(p, FUT_WAITERS);
  if (list == 0) return;
  const n = listLen(list);
  let w: u32 = 0;
  for (let i: u32 = 0; i + 1 < n; i += 2) {
    if (listGet(list, i) == who) continue;
    listSet(list, w, listGet(list, i));
    listSet(list, w + 1, listGet(list, i + 1));
    w += 2;
  }
  while (listLen(list) > w) listPop(list);
}

/** Whether a fiber or a combinator waits for future p. */
export function hasWaiters(p: u32): bool {
  const list = load<u32>(p, FUT_WAITERS);
  return load<u32>(p, FUT_FIBER) != 0 || (list != 0 && listLen(list) > 0);
}

/** Takes the fiber waiting in the field away (the caller wakes it); 0 when there is none. */
export function takeFiberWaiter(p: u32): u32 {
  const f = load<u32>(p, FUT_FIBER);
  store<u32>(p, 0, FUT_FIBER);
  return f;
}

/** Takes the waiters list away (the caller wakes them); 0 when there is none. */
export function takeWaiters(p: u32): u32 {
  const list = load<u32>(p, FUT_WAITERS);
  store<u32>(p, 0, FUT_WAITERS);
  return list;
}
