// The scheduler: one run queue of fibers, served in order. A fiber runs until it ends, blocks on
// a future, or spends its slice of the instruction budget (then it goes to the back of the queue
// and the run returns to the host, which resumes it). Settling a future wakes the fibers and
// combinators waiting on it. When nothing is ready the run waits for the host or for a sleep that
// someone awaits (status IDLE), fires the earliest timeout (nothing else could happen first), or
// breaks a deadlock by failing one await.
import { T_LIST, T_FUTURE, FUT_TASK, FUT_COUNT, FUT_SOURCE, FUT_DEADLINE, FUT_STATE, HEADER, ACT_BUSY, typeOf } from "../heap/layout";
import { markPtr, markValue } from "../heap/gc";
import { isNum, isObj, objOf, numOf, num, obj, NIL } from "../heap/value";
import { newList, listLen, listGet, listSet, listPush } from "../objects/list";
import {
  newFuture, isFuture, futureState, futureValue, futureKind, setFutureValue, addWaiter, removeWaiter, takeWaiters, takeFiberWaiter,
  hasWaiters, PENDING, RESOLVED, FAILED, FK_FIBER, FK_ALL, FK_TIMEOUT, FK_HOST, FK_SLEEP,
} from "../objects/future";
import {
  newFiber, freeFiber, switchTo, detach, fiberState, setFiberState, fiberCount, firstFiber,
  FB_KIND, FB_FLAGS, FB_FUTURE, FB_ACTOR, FB_WAIT, FB_NEXT, FB_PREV, FB_LNEXT, FB_ARGS, setArgs,
  FS_NEW, FS_READY, FS_RUNNING, FS_BLOCKED, FS_MAILBOX, FK_MAIN, FK_TASK, FK_INIT, FK_MESSAGE, FK_UPGRADE, FF_DEADLOCK,
} from "./fiber";
import { raise, raise1, raise2, raise4, faultCode, faultArgc, faultArgs, clearFault } from "./fault";
import { hostClock, hostErrorMessage } from "./host";
import { newError } from "./builtins";
import { typeValue } from "./ops";
import { builtinName } from "./builtin-names";
import { outOfMemoryError, S_OUT_OF_MEMORY, S_MILLISECONDS, S_NUMBER_FROM_0 } from "./names";
import * as B from "./opcodes";
import { execute, beginFiber, endsRun, resultValue, thrownValue, setOutcome } from "./interp";
import { actorFiberEnded, removeFromMailbox, switchStarts } from "./actor";
import { fuel, setFuel } from "./state";
import { listLength, pointerAt, setPointer, setListLength, pushPointer } from "../heap/pointer-list";
import { cancelRemote } from "./parallel";
import { E_ARGUMENT_RANGE, E_CANCELLED, E_MEMORY_LIMIT, E_OPERAND_TYPES, E_TIMEOUT, STATUS_BLOCKED, STATUS_DONE, STATUS_ERROR, STATUS_IDLE, STATUS_PAUSED } from "./contract";

/**
 * Instruction steps a broken deadlock or a fired timeout costs: each makes an error through the
 * host, so a program that catches them in a loop must spend its budget at a fair rate.
 */
const WAKE_COST: i64 = 64;

let runHead: u32 = 0;
let runTail: u32 = 0;

/** Host futures not settled yet. */
export let hostPending: u32 = 0;
/** Fibers blocked when the last deadlock was broken (for its message). */
export let deadlockWaiting: u32 = 0;

let mainFiber: u32 = 0;
let mainDone = false;
let mainOk = false;
let mainOutcome: u64 = NIL;

// pending `timeout` and `sleep` futures, and host futures of this run
const timers = <u32>memory.data(12);
const hostFutures = <u32>memory.data(12);

// ---------------------------------------------------------------- run queue

export function pushReady(f: u32): void {
  store<u32>(f, 0, FB_NEXT);
  store<u32>(f, runTail, FB_PREV);
  if (runTail != 0) store<u32>(runTail, f, FB_NEXT);
  else runHead = f;
  runTail = f;
}

/** Queues f to run next, before every other ready fiber (an actor's switch: its pause stays short). */
export function pushReadyFirst(f: u32): void {
  store<u32>(f, runHead, FB_NEXT);
  store<u32>(f, 0, FB_PREV);
  if (runHead != 0) store<u32>(runHead, f, FB_PREV);
  else runTail = f;
  runHead = f;
}

function unlinkReady(f: u32): void {
  const prev = load<u32>(f, FB_PREV), next = load<u32>(f, FB_NEXT);
  if (prev != 0) store<u32>(prev, next, FB_NEXT);
  else runHead = next;
  if (next != 0) store<u32>(next, prev, FB_PREV);
  else runTail = prev;
}

function popReady(): u32 {
  const f = runHead;
  if (f != 0) unlinkReady(f);
  return f;
}

// ---------------------------------------------------------------- futures

/** The pending fault as an error value without a trace (an await adds the awaiting one). */
export function faultError(): u64 {
  const code = faultCode;
  let message = hostErrorMessage(code, faultArgc, faultArgs);
  clearFault();
  if (message == 0) message = S_OUT_OF_MEMORY;
  const e = newError(<f64>code, message);
  clearFault();
  return isObj(e) ? e : obj(outOfMemoryError);
}

/** Settles future p (once; later calls are ignored) and wakes what waits on it. */
export function settle(p: u32, ok: bool, v: u64): void {
  if (futureState(p) != PENDING) return;
  store<u32>(p, ok ? RESOLVED : FAILED, FUT_STATE);
  setFutureValue(p, v);
  store<u32>(p, 0, FUT_TASK);
  if (futureKind(p) == FK_HOST && hostPending > 0) hostPending--;
  const first = takeFiberWaiter(p);
  if (first != 0) wake(first);
  const list = takeWaiters(p);
  if (list == 0) return;
  const n = listLen(list);
  for (let i: u32 = 0; i + 1 < n; i += 2) {
    const who = listGet(list, i);
    if (who == NIL) continue;
    if (isNum(who)) wake(<u32>numOf(who));
    else notify(objOf(who), listGet(list, i + 1), p);
  }
}

function wake(f: u32): void {
  store<u32>(f, 0, FB_WAIT);
  setFiberState(f, FS_READY);
  pushReady(f);
}

/** Input `detail` of combinator future `dep` settled as `src`. */
function notify(dep: u32, detail: u64, src: u32): void {
  if (futureState(dep) != PENDING) return;
  const failed = futureState(src) == FAILED;
  if (futureKind(dep) == FK_ALL && !failed) {
    const results = objOf(futureValue(dep));
    listSet(results, <u32>numOf(detail), futureValue(src));
    const left = load<u32>(dep, FUT_COUNT) - 1;
    store<u32>(dep, left, FUT_COUNT);
    if (left == 0) settle(dep, true, obj(results));
    return;
  }
  settle(dep, !failed, futureValue(src));
}

/** Blocks the running fiber `f` on pending future p; false (with a fault) when out of memory. */
export function block(f: u32, p: u32): bool {
  if (!addWaiter(p, num(<f64>f), NIL)) return false;
  store<u32>(f, p, FB_WAIT);
  setFiberState(f, FS_BLOCKED);
  return true;
}

/** A fiber woken by the deadlock breaker: clears the mark and says whether it was set. */
export function takeDeadlockMark(f: u32): bool {
  const flags = load<u32>(f, FB_FLAGS);
  if (!(flags & FF_DEADLOCK)) return false;
  store<u32>(f, flags & ~FF_DEADLOCK, FB_FLAGS);
  return true;
}

// ---------------------------------------------------------------- tasks

/** A future of `fn` run with the n arguments at `args` as a new task; 0 with a fault. */
export function spawnTask(fn: u64, args: u32, n: u32): u32 {
  const fut = newFuture(FK_FIBER);
  if (fut == 0) return 0;
  const f = newFiber(FK_TASK, fn, fut, 0);
  if (f == 0 || !setArgs(f, args, n)) {
    if (f != 0) freeFiber(f);
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  store<u32>(fut, f, FUT_TASK);
  setFiberState(f, FS_NEW);
  pushReady(f);
  return fut;
}

/** A future already settled (spawning a builtin runs it at once). */
export function settledFuture(ok: bool, v: u64): u32 {
  const fut = newFuture(FK_FIBER);
  if (fut != 0) settle(fut, ok, v);
  return fut;
}

/** Cancels fiber f (not running): it leaves every queue and its future fails with `err`. */
export function cancelFiber(f: u32, err: u64): void {
  const st = fiberState(f);
  if (st == FS_NEW || st == FS_READY) unlinkReady(f);
  else if (st == FS_BLOCKED) removeWaiter(load<u32>(f, FB_WAIT), num(<f64>f));
  else if (st == FS_MAILBOX) removeFromMailbox(load<u32>(f, FB_ACTOR), f);
  const actor = load<u32>(f, FB_ACTOR);
  if (actor != 0 && load<u32>(actor, ACT_BUSY) == f) store<u32>(actor, 0, ACT_BUSY);
  const fut = load<u32>(f, FB_FUTURE);
  if (fut != 0) settle(fut, false, err);
  if (f == mainFiber) mainFiber = 0;
  freeFiber(f);
}

/**
 * Cancels the task (or message not started) whose future is p, failing it with 7006; false when
 * there is none or it cannot be cancelled any more (the host cancelling work it hosts).
 */
export function cancelTaskOf(p: u32): bool {
  const task = futureState(p) == PENDING ? load<u32>(p, FUT_TASK) : 0;
  if (task == 0 || !cancellable(task)) return false;
  raise1(E_CANCELLED, num(0));
  cancelFiber(task, faultError());
  return true;
}

/** Tasks, and messages not started, can be cancelled; a handler that started runs to its end. */
function cancellable(f: u32): bool {
  const kind = load<u32>(f, FB_KIND);
  return kind == FK_TASK || (kind == FK_MESSAGE && fiberState(f) == FS_MAILBOX);
}

// ---------------------------------------------------------------- combinators

/** all(xs): a future of the list of the values of xs, failing with the first failure. */
export function allOf(xs: u64): u64 {
  if (!isObj(xs) || typeOf(objOf(xs)) != T_LIST) {
    raise2(E_OPERAND_TYPES, obj(builtinName(B.BI_ALL)), typeValue(xs));
    return NIL;
  }
  const items = objOf(xs);
  const n = listLen(items);
  const results = newList(n);
  if (results == 0) return NIL;
  for (let i: u32 = 0; i < n; i++) listPush(results, NIL);
  const fut = newFuture(FK_ALL);
  if (fut == 0) return NIL;
  setFutureValue(fut, obj(results));
  let waiting: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const v = listGet(items, i);
    if (!isFuture(v)) {
      listSet(results, i, v);
      continue;
    }
    const p = objOf(v);
    const st = futureState(p);
    if (st == RESOLVED) listSet(results, i, futureValue(p));
    else if (st == FAILED) {
      settle(fut, false, futureValue(p));
      return obj(fut);
    } else {
      if (!addWaiter(p, obj(fut), num(<f64>i))) return NIL;
      waiting++;
    }
  }
  store<u32>(fut, waiting, FUT_COUNT);
  if (waiting == 0) settle(fut, true, obj(results));
  return obj(fut);
}

/** timeout(f, ms): settles as f does, or fails with 7002 after ms and cancels f's task. */
export function timeoutOf(v: u64, ms: u64): u64 {
  if (!milliseconds(ms, B.BI_TIMEOUT)) return NIL;
  const fut = newFuture(FK_TIMEOUT);
  if (fut == 0) return NIL;
  if (!isFuture(v)) {
    settle(fut, true, v);
    return obj(fut);
  }
  const src = objOf(v);
  if (futureState(src) != PENDING) {
    settle(fut, futureState(src) == RESOLVED, futureValue(src));
    return obj(fut);
  }
  store<u32>(fut, src, FUT_SOURCE);
  store<u32>(fut, <u32>Math.min(numOf(ms), 4e9), FUT_COUNT);
  store<f64>(fut, hostClock() + numOf(ms), FUT_DEADLINE);
  if (!addWaiter(src, obj(fut), NIL)) return NIL;
  if (!pushPointer(timers, fut)) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  return obj(fut);
}

/** A number of milliseconds for builtin `id`: 5001 when not a number, 3017 when negative or NaN. */
function milliseconds(ms: u64, id: u32): bool {
  if (!isNum(ms)) {
    raise2(E_OPERAND_TYPES, obj(builtinName(id)), typeValue(ms));
    return false;
  }
  if (!(numOf(ms) >= 0)) {
    raise4(E_ARGUMENT_RANGE, obj(builtinName(id)), obj(S_MILLISECONDS), obj(S_NUMBER_FROM_0), ms);
    return false;
  }
  return true;
}

/**
 * sleep(ms): a future that resolves to nil once ms milliseconds have passed. Only the fibers
 * awaiting it wait; when nothing else is ready the run returns IDLE so that the host waits for
 * the deadline (see runLoop).
 */
export function sleepFor(ms: u64): u64 {
  if (!milliseconds(ms, B.BI_SLEEP)) return NIL;
  const fut = newFuture(FK_SLEEP);
  if (fut == 0) return NIL;
  store<f64>(fut, hostClock() + numOf(ms), FUT_DEADLINE);
  // a sleep without end never settles: awaiting only it is a deadlock, not a wait
  if (numOf(ms) == Infinity) return obj(fut);
  if (!pushPointer(timers, fut)) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  return obj(fut);
}

/** Resolves the sleeps and fails the timeouts due by `now` (and drops settled ones); returns how many fired. */
function fireTimers(now: f64): u32 {
  let fired: u32 = 0;
  let w: u32 = 0;
  const n = listLength(timers);
  for (let i: u32 = 0; i < n; i++) {
    const p = pointerAt(timers, i);
    if (futureState(p) != PENDING) continue;
    if (load<f64>(p, FUT_DEADLINE) > now) {
      setPointer(timers, w++, p);
      continue;
    }
    fired++;
    if (futureKind(p) == FK_SLEEP) {
      settle(p, true, NIL);
      continue;
    }
    setFuel(fuel - WAKE_COST);
    raise1(E_TIMEOUT, num(<f64>load<u32>(p, FUT_COUNT)));
    const err = faultError();
    settle(p, false, err);
    const src = load<u32>(p, FUT_SOURCE);
    const task = futureState(src) == PENDING ? load<u32>(src, FUT_TASK) : 0;
    if (task != 0 && cancellable(task)) cancelFiber(task, err);
    else if (futureState(src) == PENDING && futureKind(src) == FK_HOST) {
      // work the host runs elsewhere (a task on a worker): it fails here and is cancelled there
      settle(src, false, err);
      cancelRemote(src);
    }
  }
  // settling can add no timers, so the list was not touched while it was walked
  setListLength(timers, w);
  return fired;
}

function earliestDeadline(): f64 {
  let t = Infinity;
  for (let i: u32 = 0; i < listLength(timers); i++) {
    const p = pointerAt(timers, i);
    if (futureState(p) == PENDING) t = Math.min(t, load<f64>(p, FUT_DEADLINE));
  }
  return t;
}

/** Whether a fiber (or a combinator) waits for a sleep: then the run must wait for real time. */
function awaitedSleep(): bool {
  for (let i: u32 = 0; i < listLength(timers); i++) {
    const p = pointerAt(timers, i);
    if (futureKind(p) == FK_SLEEP && futureState(p) == PENDING && hasWaiters(p)) return true;
  }
  return false;
}

/** When the earliest pending timer fires (host clock), or Infinity; for a host waiting in IDLE. */
export function nextDeadline(): f64 {
  return earliestDeadline();
}

// ---------------------------------------------------------------- host futures

export function newHostFuture(): u32 {
  const p = newFuture(FK_HOST);
  clearFault();
  if (p == 0) return 0;
  if (!pushPointer(hostFutures, p)) return 0;
  hostPending++;
  return p;
}

/**
 * A host future belongs to the run it was made for: when that run ends, one not settled yet
 * fails with 7006, so no later run waits for it.
 */
function cancelHostFutures(): void {
  const n = listLength(hostFutures);
  if (n == 0) return;
  raise1(E_CANCELLED, num(0));
  const err = faultError();
  for (let i: u32 = 0; i < n; i++) settle(pointerAt(hostFutures, i), false, err);
  setListLength(hostFutures, 0);
  hostPending = 0;
}

export function settleHostFuture(p: u32, ok: bool, v: u64): void {
  if (typeOf(p) == T_FUTURE && futureKind(p) == FK_HOST) settle(p, ok, v);
}

// ---------------------------------------------------------------- the run

/** Starts a run: the main fiber runs `fn` with the arguments in list `args` (or 0). */
export function startMain(fn: u64, args: u32): bool {
  mainDone = false;
  mainOk = false;
  mainOutcome = NIL;
  const f = newFiber(FK_MAIN, fn, 0, 0);
  if (f == 0) return false;
  store<u32>(f, args, FB_ARGS);
  mainFiber = f;
  setFiberState(f, FS_NEW);
  pushReady(f);
  return true;
}

/** Starts a run without a main fiber: it runs the fibers queued already (messages the host delivered). */
export function startDetached(): void {
  mainFiber = 0;
  mainDone = true;
  mainOk = true;
  mainOutcome = NIL;
}

/** Runs fibers until the main fiber and every other has ended, or the run must return to the host. */
export function runLoop(): u32 {
  while (true) {
    if (listLength(timers) > 0) fireTimers(hostClock());
    const f = popReady();
    if (f == 0) {
      if (mainDone && fiberCount == 0) return finishRun();
      // a sleep nobody awaits keeps no run alive; one that is awaited is waited for in real time
      if (hostPending > 0 || awaitedSleep()) return STATUS_IDLE;
      if (listLength(timers) > 0 && fireTimers(earliestDeadline()) > 0) continue;
      if (breakDeadlock()) continue;
      return finishRun();
    }
    const s = runFiber(f);
    if (s == STATUS_PAUSED) return STATUS_PAUSED;
    if (s == STATUS_ERROR && mainDone && !mainOk) return finishRun();
  }
  return STATUS_ERROR;
}

/** Runs fiber f until it yields, blocks or ends. */
function runFiber(f: u32): u32 {
  // off the queue: from here on it is the running fiber, whatever happens to the others
  const fresh = fiberState(f) == FS_NEW;
  setFiberState(f, FS_RUNNING);
  if (!switchTo(f)) {
    detach();
    raise(E_MEMORY_LIMIT);
    abort(faultError());
    return STATUS_ERROR;
  }
  if (fresh && load<u32>(f, FB_KIND) == FK_UPGRADE) switchStarts(f);
  if (fresh && !beginFiber(f)) {
    detach();
    return ended(f, false, thrownValue, true);
  }
  const s = execute(0);
  if (s == STATUS_PAUSED) {
    detach();
    setFiberState(f, FS_READY);
    pushReady(f);
    return s;
  }
  detach();
  if (s == STATUS_BLOCKED) return s;
  return s == STATUS_DONE ? ended(f, true, resultValue, false) : ended(f, false, thrownValue, false);
}

/** Fiber f ended with value or error v (`early`: before its function started). */
function ended(f: u32, ok: bool, v: u64, early: bool): u32 {
  if (!ok && endsRun(v)) {
    // the budget, the memory limit and an exit belong to the whole run
    if (f != mainFiber) cancelFiber(f, v);
    abort(v);
    return STATUS_ERROR;
  }
  const kind = load<u32>(f, FB_KIND);
  if (kind == FK_MAIN) {
    mainDone = true;
    mainOk = ok;
    mainOutcome = v;
    mainFiber = 0;
    freeFiber(f);
    if (!ok) {
      discardAll();
      return STATUS_ERROR;
    }
    return STATUS_DONE;
  }
  if (kind == FK_INIT || kind == FK_MESSAGE || kind == FK_UPGRADE) actorFiberEnded(f, ok, v, early);
  else {
    settle(load<u32>(f, FB_FUTURE), ok, v);
    freeFiber(f);
  }
  return ok ? STATUS_DONE : STATUS_ERROR;
}

/** Ends the run with error e: every fiber is cancelled. */
function abort(e: u64): void {
  mainDone = true;
  mainOk = false;
  mainOutcome = e;
  if (mainFiber != 0) cancelFiber(mainFiber, e);
  discardAll();
}

/** Cancels every fiber (the run ended with an error, or the host gave up on it). */
export function discardAll(): void {
  if (firstFiber != 0) {
    raise1(E_CANCELLED, num(0));
    const err = faultError();
    while (firstFiber != 0) cancelFiber(firstFiber, err);
  }
  runHead = 0;
  runTail = 0;
  cancelHostFutures();
}

/** The host abandons a run that waits for it (a synchronous run cannot wait). */
export function abandonRun(): void {
  mainFiber = 0;
  discardAll();
  mainDone = false;
}

function finishRun(): u32 {
  cancelHostFutures();
  setOutcome(mainOk ? mainOutcome : NIL, mainOk ? NIL : mainOutcome);
  const ok = mainOk;
  mainOutcome = NIL;
  mainDone = false;
  return ok ? STATUS_DONE : STATUS_ERROR;
}

/**
 * Every fiber is blocked and nothing can settle their futures: the main fiber's await (or the
 * oldest blocked fiber's) fails with 7004. Returns false when no fiber is blocked. A host that
 * found the program's fibers blocked everywhere breaks the deadlock here with the count of those
 * blocked in its other VMs.
 */
export function breakDeadlock(elsewhere: u32 = 0): bool {
  let victim: u32 = 0;
  let blocked: u32 = 0;
  for (let f = firstFiber; f != 0; f = load<u32>(f, FB_LNEXT)) {
    if (fiberState(f) != FS_BLOCKED) continue;
    blocked++;
    if (victim == 0 || f == mainFiber) victim = f;
  }
  if (victim == 0) return false;
  // `elsewhere`: fibers of the same program blocked in other VMs (a pool's workers)
  deadlockWaiting = blocked + elsewhere;
  setFuel(fuel - WAKE_COST);
  removeWaiter(load<u32>(victim, FB_WAIT), num(<f64>victim));
  store<u32>(victim, load<u32>(victim, FB_FLAGS) | FF_DEADLOCK, FB_FLAGS);
  wake(victim);
  return true;
}

/** The scheduler's roots: the main outcome and the pending timeouts. */
export function markScheduler(): void {
  markValue(mainOutcome);
  for (let i: u32 = 0; i < listLength(timers); i++) markPtr(pointerAt(timers, i));
  for (let i: u32 = 0; i < listLength(hostFutures); i++) markPtr(pointerAt(hostFutures, i));
}

/** Fibers blocked on a future. */
export function blockedFibers(): u32 {
  let n: u32 = 0;
  for (let f = firstFiber; f != 0; f = load<u32>(f, FB_LNEXT)) if (fiberState(f) == FS_BLOCKED) n++;
  return n;
}

/** Fibers not ended, for statistics. */
export function liveFibers(): u32 {
  return fiberCount;
}
