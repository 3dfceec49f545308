// The WebAssembly core's exports: loading programs, running them, limits, statistics, and the
// few constructors and accessors the host needs to exchange values.
import { HEADER, F_PINNED, setFlags, flagsOf } from "./heap/layout";
import { initHeap, allocPinned, bytesInUse, setMemoryLimit, memoryBytes, heapTop, heapStart } from "./heap/alloc";
import { collections } from "./heap/gc";
import { allocString as allocStr, finishString as finishStr } from "./objects/string";
import { newList as mkList, listPush as pushList } from "./objects/list";
import { newMap as mkMap, mapSet as setMap } from "./objects/map";
import { newStruct as mkStruct, newStructDef } from "./objects/struct";
import { newError as mkError, nativeValue } from "./vm/builtins";
import { newMatrix as mkMatrix, newTensor as mkTensor } from "./linalg/matrix";
import { initNames } from "./vm/names";
import { current as runningFiber } from "./vm/fiber";
import { faultCode, raise, clearFault } from "./vm/fault";
import {
  initState, addProto, protoAt, ensureGlobals as growGlobals, addStruct, structAt, globals, setMaxDepth, setBudget, setStepsLeft, stepsLeft as remainingSteps,
  P_CODE, P_LEN, P_NPARAMS, P_NREQUIRED, P_NREGS, P_NCAPS, P_CAPS, P_KBASE, P_HANDLERS, P_NHANDLERS, P_NAME, P_JIT, P_ENTRY, P_TICKS, P_DEOPTS,
} from "./vm/state";
import { markNew, setJitMode, deoptCount, abandonedCount, useCompiled } from "./vm/jit-entry";
import { runFunction as run, callValue as call, runQueued, resume as resumeRun, resultValue, thrownValue, collectGarbage } from "./vm/interp";
import { spawnTask, cancelTaskOf, newHostFuture as mkHostFuture, settleHostFuture, nextDeadline as deadline, abandonRun as abandon, hostPending, liveFibers, blockedFibers as blocked, breakDeadlock } from "./vm/scheduler";
import { setSupervision as supervise, newActor, remoteActorValue, boundMethod, send } from "./vm/actor";
import { futureState, futureValue } from "./objects/future";
import { closureOf } from "./vm/parallel";
import { TAG_OBJ, isObj, objOf, NIL } from "./heap/value";

import { initCounters, pauseBuckets, pauseTableAddress, countFibers, actorsStarted, actorRestarts, actorsStopped } from "./vm/counters";
import { stepsSpent } from "./vm/state";
import { retain as retainValue, release as releaseHandle, handleAddress as slotOf } from "./vm/handles";

/** Keeps the value at `addr` alive for the host; returns a handle (0 when out of memory). */
export function retain(addr: u32): u32 {
  return retainValue(load<u64>(addr));
}

/** Keeps the object at address p alive for the host; returns a handle. */
export function retainPointer(p: u32): u32 {
  return retainValue(TAG_OBJ | <u64>p);
}

export function release(handle: u32): void {
  releaseHandle(handle);
}

/** Address of the value a handle holds. */
export function handleAddress(handle: u32): u32 {
  return slotOf(handle);
}

const valueSlot = <u32>memory.data(16);

export function init(): void {
  initHeap();
  initState();
  initNames();
  initCounters();
}

/** Payload address of a new pinned block of `bytes`. */
export function allocTable(bytes: u32): u32 {
  const p = allocPinned(bytes);
  return p == 0 ? 0 : p + HEADER;
}

/** A string of `n` UTF-8 bytes for the host to fill at stringData(p); call finishString after. */
export function newString(n: u32): u32 {
  const p = allocStr(n);
  clearFault();
  return p;
}

export function finishString(p: u32, pinned: bool): u32 {
  if (pinned) setFlags(p, flagsOf(p) | F_PINNED);
  return finishStr(p);
}

export function defineProto(code: u32, len: u32, nparams: u32, nrequired: u32, nregs: u32, ncaps: u32, caps: u32, kbase: u32, handlers: u32, nhandlers: u32, name: u32): u32 {
  const i = addProto();
  const p = protoAt(i);
  store<u32>(p, code, P_CODE);
  store<u32>(p, len, P_LEN);
  store<u32>(p, nparams, P_NPARAMS);
  store<u32>(p, nrequired, P_NREQUIRED);
  store<u32>(p, nregs, P_NREGS);
  store<u32>(p, ncaps, P_NCAPS);
  store<u32>(p, caps, P_CAPS);
  store<u32>(p, kbase, P_KBASE);
  store<u32>(p, handlers, P_HANDLERS);
  store<u32>(p, nhandlers, P_NHANDLERS);
  store<u32>(p, name, P_NAME);
  store<u32>(p, 0, P_TICKS);
  store<u32>(p, 0, P_DEOPTS);
  // not compiled (markNew sets both when it is to be)
  store<i32>(p, 0, P_JIT);
  store<u32>(p, code, P_ENTRY);
  markNew(p);
  return i;
}

export function defineStruct(name: u32, count: u32, fields: u32, display: u32): u32 {
  const index = addStruct(0);
  const def = newStructDef(name, count, fields, index, display);
  store<u32>(structTableSlot(index), def);
  return index;
}

import { structs } from "./vm/state";
function structTableSlot(i: u32): u32 {
  return structs + (i << 2);
}

export function structDef(i: u32): u32 {
  return structAt(i);
}

export function ensureGlobals(n: u32): void {
  growGlobals(n);
}

export function globalsAddress(): u32 {
  return globals;
}

export function runFunction(proto: u32): u32 {
  return run(proto);
}

/** Continues a run that returned status 2 (paused at a safe point). */
export function resume(): u32 {
  return resumeRun();
}

/** Calls the function value at `fnAddr` with `n` argument values at `args`. */
export function callFunction(fnAddr: u32, args: u32, n: u32): u32 {
  return call(load<u64>(fnAddr), args, n);
}

/** Applies builtin `id` to `n` argument values at `args`, as a call of it would (status as a run). */
export function applyBuiltin(id: u32, args: u32, n: u32): u32 {
  const f = nativeValue(id);
  if (faultCode != 0) return 1;
  return call(f, args, n);
}

/** Address of a 16-byte slot: the run's result at +0 and its error at +8 after a run. */
export function resultSlot(): u32 {
  store<u64>(valueSlot, resultValue);
  store<u64>(valueSlot, thrownValue, 8);
  return valueSlot;
}

export function setLimits(depth: u32, stepBudget: f64, memoryBytesLimit: f64): void {
  setMaxDepth(depth);
  const s: i64 = stepBudget <= 0 || stepBudget >= 9e18 ? 0x7FFF_FFFF_FFFF_FFFF : <i64>stepBudget;
  setBudget(s);
  setMemoryLimit(memoryBytesLimit <= 0 ? 0 : <u64>memoryBytesLimit);
}

/** Restart limit of actors: at most `restarts` restarts within `windowMs` milliseconds. */
export function setSupervision(restarts: u32, windowMs: f64): void {
  supervise(restarts, windowMs);
}

/** A pending future the host settles later (a host operation in flight); 0 when out of memory. */
export function newHostFuture(): u32 {
  return mkHostFuture();
}

/** Settles host future p with the value at `addr` (an error value when `failed`). */
export function settleFuture(p: u32, addr: u32, failed: bool): void {
  settleHostFuture(p, !failed, load<u64>(addr));
}

/** Host futures not settled yet. */
export function pendingHostFutures(): u32 {
  return hostPending;
}

/** When the earliest pending timeout fails (host clock, ms), or Infinity. */
export function nextDeadline(): f64 {
  return deadline();
}

/** Cancels every fiber of a run the host gives up on. */
export function abandonRun(): void {
  abandon();
}

export function fiberCount(): u32 {
  return liveFibers();
}

/** Fibers blocked on a future. */
export function blockedFibers(): u32 {
  return blocked();
}

/**
 * The program's fibers are blocked here and in the host's other VMs (`elsewhere` of them) and
 * nothing can wake them: one await here fails with 7004 counting them all. 0 when none is blocked here.
 */
export function breakDeadlockAcross(elsewhere: u32): u32 {
  return breakDeadlock(elsewhere) ? 1 : 0;
}

export function stepsLeft(): f64 {
  return <f64>remainingSteps();
}

/** The run may spend `steps` more steps before 4002, pausing after `slice` of them (a budget other VMs spend too). */
export function grantSteps(steps: f64, slice: f64): void {
  setStepsLeft(steps >= 9e18 ? 0x7FFF_FFFF_FFFF_FFFF : <i64>steps, slice >= 9e18 ? 0x7FFF_FFFF_FFFF_FFFF : <i64>slice);
}

/** The heap bytes this VM may hold from now (0: no limit); the limit 4001's message names is the host's. */
export function setHeapLimit(bytes: f64): void {
  setMemoryLimit(bytes <= 0 ? 0 : <u64>bytes);
}

export function collect(): void {
  collectGarbage();
}

export function heapInUse(): f64 {
  return <f64>bytesInUse;
}

export function heapCommitted(): f64 {
  return <f64>memoryBytes();
}

export function collectionCount(): u32 {
  return collections;
}

// ---- what metrics read when scraped (see vm/counters.ts) ----

/** Steps spent since the VM began: instructions of loop bodies and calls, as the budget counts them. */
export function stepsExecuted(): f64 {
  return <f64>stepsSpent();
}

/** How many pause buckets the table at gcPauseTable has. */
export function gcPauseBuckets(): u32 {
  return pauseBuckets();
}

/** f64s: the buckets' upper bounds (ms), their counts and one more past them all, then the sum of pauses (ms). */
export function gcPauseTable(): u32 {
  return pauseTableAddress();
}

/** Writes 21 u32 at `out`: fibers of each kind (main, task, init, message) in each state (new, ready, running, blocked, mailbox), then the deepest mailbox. */
export function fiberStates(out: u32): void {
  countFibers(out);
}

/** Actors started here, restarts after a failed handler, and actors stopped by their supervisor. */
export function actorCount(which: u32): f64 {
  return which == 0 ? actorsStarted : which == 1 ? actorRestarts : actorsStopped;
}

// ---- values made by the host (arguments from JavaScript, messages) ----

export function newList(cap: u32): u32 {
  return mkList(cap);
}

export function listPush(p: u32, v: u64): void {
  pushList(p, v);
}

export function newMap(cap: u32): u32 {
  return mkMap(cap);
}

export function mapSet(p: u32, k: u64, v: u64): void {
  setMap(p, k, v);
}

/** A struct of definition index `def` with field values at `src`. */
export function newStruct(def: u32, src: u32): u32 {
  return mkStruct(structAt(def), src);
}

/** A matrix of rows x cols (dtype 0 f64, 1 f32) whose elements the host fills; 0 when out of memory. */
export function newMatrix(rows: u32, cols: u32, dtype: u32): u32 {
  const p = mkMatrix(rows, cols, dtype);
  clearFault();
  return p;
}

/** A tensor of `ndim` dimensions listed (u32 each) at `shape`. */
export function newTensor(ndim: u32, shape: u32, dtype: u32): u32 {
  const p = mkTensor(ndim, shape, dtype);
  clearFault();
  return p;
}

export function newError(code: f64, message: u32): u64 {
  return mkError(code, message);
}

export function lastFault(): u32 {
  const c = faultCode;
  clearFault();
  return c;
}

/** Raises error `code` for a failed host call; the host supplies its message when asked. */
export function raiseFromHost(code: u32): void {
  raise(code);
}

export { setParallelThreshold, setSpawnOffers, gemmInto, freeTable, closureOf } from "./vm/parallel";
export { closureOver } from "./vm/parallel";
export { setArrayOffers } from "./vm/array-offers";
export { arrayOpInto } from "./vm/array-kernels";

// ---- actors served for another VM (a worker hosting a program's actors) ----

/** A new actor of constructor function `protoIndex`; its constructor runs at the next delivery. NIL with a fault. */
export function spawnActorOf(protoIndex: u32): u64 {
  const ctor = closureOf(protoIndex);
  return ctor == NIL ? NIL : newActor(ctor, true);
}

/** An actor the host placed elsewhere (its id there), named `name`: messages to it go to the host. */
export function remoteActor(id: u32, name: u32): u64 {
  return remoteActorValue(id, name);
}

/** Starts function `protoIndex` (capturing nothing) on the n arguments at `args` as a task; its future, 0 with a fault. */
export function spawnTaskOf(protoIndex: u32, args: u32, n: u32): u32 {
  const fn = closureOf(protoIndex);
  return fn == NIL ? 0 : spawnTask(fn, args, n);
}

/** Queues message `name(args..)` (a string) to actor p; returns its reply's future, 0 with a fault. */
export function postMessage(p: u32, name: u32, args: u32, n: u32): u32 {
  const bound = boundMethod(p, name);
  if (!isObj(bound)) return 0;
  const fut = send(objOf(bound), args, n);
  return isObj(fut) ? objOf(fut) : 0;
}

/** Cancels hosted work whose future is p (a task, or a message not started); 0 when it cannot be. */
export function cancelHosted(p: u32): u32 {
  return cancelTaskOf(p) ? 1 : 0;
}

/** Runs the queued messages, and all they start, until every fiber ended or waits for the host (status as a run). */
export function deliver(): u32 {
  return runQueued();
}

/** Future p's state (0 pending, 1 resolved, 2 failed), with its value stored at `out`. */
export function futureOutcome(p: u32, out: u32): u32 {
  store<u64>(out, futureValue(p));
  return futureState(p);
}

/** The running fiber (its record's address: unique while it lives), or 0 between runs. */
export function currentFiber(): u32 {
  return runningFiber;
}

// ---------------------------------------------------------------- compiled code

/** The compiled tier: mode 0 off, 1 on (functions compiled once `threshold` samples find them hot), 2 eager. */
export function setJit(mode: u32, threshold: u32): void {
  setJitMode(mode, threshold);
}

/** Function `index` has compiled code in table slot `slot` already: its calls use it from the first. */
export function jitUseCompiled(index: u32, slot: i32): void {
  useCompiled(protoAt(index), slot);
}

export function jitDeopts(): u32 { return deoptCount(); }
export function jitAbandoned(): u32 { return abandonedCount(); }

// What compiled code imports from the core: its slow paths, and the running state it shares with
// the interpreter (see src/jit/).
export {
  jitArith, jitLess, jitEqual, jitGetIndex, jitSetIndex, jitGetField, jitSetField, jitBuiltin, jitConcat, jitNewList,
  jitIterPrep, jitIterNext, jitSafePoint, jitCallee,
} from "./vm/jit-helpers";
export { fuel, frameCount, frameEnd, frames, regsEnd, globals as globalsBase, protos } from "./vm/state";
export { regionDepth, collectRequested } from "./heap/alloc";
export { jitExitPc } from "./vm/jit-entry";

// ---------------------------------------------------------------- upgrades

export { liveActors, trySwitch, markSwitch, actorCounters, takeSwitchPauses } from "./vm/upgrade";
