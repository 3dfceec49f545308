// The dispatch loop. Registers of the running frame are u64 slots at `base`; instructions are
// 32-bit words at `pc`. Operations that can fail raise a fault and `break` out of the switch to the
// error path below it; every other path `continue`s. Calls push a frame record and keep going in
// the same loop (no host recursion), so a fiber can be suspended at any instruction boundary.
import * as O from "./opcodes";
import {
  HEADER, T_CLOSURE, T_NATIVE, T_BOX, T_STRUCT, T_ERROR, T_LIST, T_MAP, T_STRING, T_ACTOR, T_BOUND, typeOf,
  CLO_PROTO, CLO_NCAP, CLO_CAPS, BOX_VALUE, BOX_SIZE, NATIVE_ID, STRUCT_DEF, STRUCT_FIELDS, SDEF_COUNT, SDEF_NAME,
  ERR_CODE, ERR_MESSAGE, ERR_TRACE,
} from "../heap/layout";
import { allocBlock, collectRequested, bytesInUse, memoryLimit, outOfMemory, clearOutOfMemory, regionDepth, setMemoryLimit } from "../heap/alloc";
import { beginMark, finishFull, finishRegion, enterRegion, markValue, markValues, markPtr, writeBarrier } from "../heap/gc";
import { isNum, isObj, objOf, numOf, num, obj, NIL, TRUE, FALSE, MISSING, bool_, isTruthy, TAG_BASE } from "../heap/value";
import { strBytes, strData, strLength, utf8Len, stringFromBytes, isAscii } from "../objects/string";
import { newList, listLen, listGet, listSet, listPush, listFrom } from "../objects/list";
import { newMap, mapSet, mapUsed, entryKey, entryValue, TOMBSTONE, isKey } from "../objects/map";
import { newStruct } from "../objects/struct";
import { faultCode, faultArgc, faultArgs, raise, raise1, raise2, raise3, clearFault } from "./fault";
import { arith, lessThan, lessEqual, valuesEqual, getIndex, setIndex, slice, typeName, typeValue, fieldIndex, operandError, fmod, charAt } from "./ops";
import { callBuiltin, runBuiltin, newError, nativeValue, toStr } from "./builtins";
import { outReset, outValue, outData, outLen, outNumber, outLiteral } from "./format";
import { hostErrorMessage, hostHeapShare, hostMath, hostRenderTrace, MATH_POW } from "./host";
import {
  protoAt, structAt, P_CODE, P_NPARAMS, P_NREQUIRED, P_NREGS, P_NCAPS, P_CAPS, P_KBASE, P_HANDLERS, P_NHANDLERS, P_NAME,
  H_START, H_END, H_TARGET, H_REG, H_REGION, HANDLER_SIZE,
  FR_CLOSURE, FR_PROTO, FR_PC, FR_BASE, FR_REGION, FRAME_SIZE,
  regs, frames, frameCount, setFrameCount, ensureRegisters, ensureFrames, frameAt, maxDepth, fuel, setFuel, nextSlice, regsEnd, frameLimit,
  globals, globalCount, protos, PROTO_SIZE, stepLimit, pauseDue, P_ENTRY,
} from "./state";
import { jitMode, JIT_OFF, sampled, runCompiled, deopted, jitExitPc, K_NOT_ENTERED, K_DEOPT, K_PAUSED, K_FAULT } from "./jit-entry";
import { outOfMemoryError, S_OUT_OF_MEMORY, opSymbol, typeCodeName, S_CODE, S_MESSAGE, S_TRACE, S_INT, OPS_INDEX, OPS_ADD, OPS_SUB, OPS_MUL, OPS_DIV, OPS_MOD, OPS_POW, OPS_EMUL, OPS_EDIV, OPS_LDIV, OPS_NEG, OPS_LT, OPS_LE, OPS_TRANSPOSE, OPS_ITERATE, OPS_RANGE } from "./names";
import { strEquals } from "../objects/string";
import { handleSlots, handleCount } from "./handles";
import { newMatrix, isMatrix, isTensor, mElems } from "../linalg/matrix";
import { elementwise, negate, transpose, solveWith, getIndexN, setIndexN, EW_MUL, EW_DIV } from "../linalg/ops";
import { elementPower } from "../linalg/elementwise";
import { DTYPE_F64 } from "../heap/layout";
import { isFuture, futureState, futureValue, RESOLVED, FAILED as SETTLED_FAILED } from "../objects/future";
import { current, firstFiber, syncCurrent, clearPooledStacks, argCount, argAt, FB_NARGS, FB_INLINE, FB_FN, FB_ARGS, FB_FUTURE, FB_ACTOR, FB_WAIT, FB_KIND, FB_LNEXT, FK_MESSAGE } from "./fiber";
import { FB_REGS, FB_REGCAP, FB_FRAMES, FB_DEPTH } from "./state";
import { startMain, startDetached, runLoop, spawnTask, settledFuture, block, takeDeadlockMark, deadlockWaiting, markScheduler, faultError } from "./scheduler";
import { newActor, boundMethod, send, handlerOf, actorName } from "./actor";
import { remoteSpawn } from "./parallel";
import { pauseBegins, pauseEnds } from "./counters";
import { E_ANNOTATION_FAILED, E_DEADLOCK, E_EXIT, E_INVALID_ARGUMENT, E_MALFORMED_BYTECODE, E_MEMORY_LIMIT, E_NOT_CALLABLE, E_NO_FIELD, E_OPERAND_TYPES, E_STACK_OVERFLOW, E_STEP_LIMIT, E_THROWN, E_WRONG_ARG_COUNT, STATUS_BLOCKED, STATUS_DONE, STATUS_ERROR, STATUS_PAUSED, TRACE_GAP, TRACE_INCLUDES_AWAITER } from "./contract";

const GO_ON: u32 = 0;
const PAUSE: u32 = 1;
const FAILED: u32 = 2;
/** The safe point ran compiled code, which stopped with `compiledKind`: continue from the top frame. */
const COMPILED: u32 = 3;

/** How compiled code entered from the loop below stopped (K_NOT_ENTERED: none ran). */
let compiledKind: u32 = K_NOT_ENTERED;

/** The value of a finished run, or the error of a failed one. Both are GC roots. */
export let resultValue: u64 = NIL;
export let thrownValue: u64 = NIL;

/**
 * An error the current instruction throws (THROW, an await of a failed future) for the error
 * path below the dispatch switch. A global rather than a local of the loop, so that it does not
 * live across every instruction.
 */
let throwing: u64 = NIL;

export function setOutcome(value: u64, error: u64): void {
  resultValue = value;
  thrownValue = error;
}

// ---------------------------------------------------------------- collection

/**
 * Marks the roots. Registers above the innermost frame are dead: they are cleared, so every
 * register holds nil or a value that was alive at the last collection or written since. That is
 * what lets a call leave its new registers as they are instead of clearing them.
 */
function markRoots(): void {
  syncCurrent();
  for (let f = firstFiber; f != 0; f = load<u32>(f, FB_LNEXT)) markFiber(f);
  clearPooledStacks();
  markValues(globals, globalCount);
  markValues(handleSlots(), handleCount());
  markValue(resultValue);
  markValue(thrownValue);
  markScheduler();
}

/** A fiber's roots: what it will run, and each frame's closure and registers. */
function markFiber(f: u32): void {
  markValue(load<u64>(f, FB_FN));
  markPtr(load<u32>(f, FB_ARGS));
  markValues(f + FB_INLINE, load<u32>(f, FB_NARGS));
  markPtr(load<u32>(f, FB_FUTURE));
  markPtr(load<u32>(f, FB_ACTOR));
  markPtr(load<u32>(f, FB_WAIT));
  const block = load<u32>(f, FB_REGS);
  if (block == 0) return;
  const first = block + HEADER;
  const end = first + (load<u32>(f, FB_REGCAP) << 3);
  const frameBase = load<u32>(f, FB_FRAMES) + HEADER;
  const depth = load<u32>(f, FB_DEPTH);
  let top = first;
  for (let i: u32 = 0; i < depth; i++) {
    const fr = frameBase + i * FRAME_SIZE;
    markPtr(load<u32>(fr, FR_CLOSURE));
    const n = load<u32>(load<u32>(fr, FR_PROTO), P_NREGS);
    markValues(load<u32>(fr, FR_BASE), n);
    top = max(top, load<u32>(fr, FR_BASE) + (n << 3));
  }
  for (let r = top; r < end; r += 8) store<u64>(r, NIL);
}

export function collectGarbage(): void {
  pauseBegins();
  beginMark(false);
  markRoots();
  finishFull();
  pauseEnds();
}

function exitRegion(): void {
  beginMark(true);
  markRoots();
  finishRegion();
}

function exitRegionsTo(depth: u32): void {
  while (regionDepth > depth) exitRegion();
}

// ---------------------------------------------------------------- errors

/**
 * Frames a trace keeps at each end: past TRACE_ENDS * 2 records, the middle ones are left out
 * and counted, so a deep stack never makes a huge trace.
 */
const TRACE_ENDS: u32 = 16;

/** The function and word offset of frame i, for a trace. */
function traceSite(i: u32, topPc: u32): u64 {
  const fr = frameAt(i);
  const proto = load<u32>(fr, FR_PROTO);
  const pc = i == frameCount - 1 ? topPc : load<u32>(fr, FR_PC) - 4;
  return (<u64>((proto - protos) / PROTO_SIZE) << 32) | <u64>((pc - load<u32>(proto, P_CODE)) >> 2);
}

/**
 * A list of numbers [function, word offset, count, ...] for the frames from the innermost out: a
 * record stands for `count` identical consecutive frames (deep recursion makes one record), and
 * beyond TRACE_ENDS records at each end the rest become one record [TRACE_GAP, 0, frames].
 */
function captureTrace(topPc: u32): u32 {
  // first count the records, to know which ones are left out
  let records: u32 = 0;
  let last: u64 = U64.MAX_VALUE;
  for (let f = <i32>frameCount - 1; f >= 0; f--) {
    const site = traceSite(<u32>f, topPc);
    if (site != last) records++;
    last = site;
  }
  const kept = min(records, TRACE_ENDS * 2 + 1);
  const list = newList(kept * 3);
  if (list == 0) return 0;
  let record: u32 = 0;
  let skipped: u32 = 0;
  last = U64.MAX_VALUE;
  for (let f = <i32>frameCount - 1; f >= 0; f--) {
    const site = traceSite(<u32>f, topPc);
    if (site != last) record++;
    last = site;
    if (records > kept && record > TRACE_ENDS && record <= records - TRACE_ENDS) {
      if (skipped++ == 0) {
        listPush(list, num(TRACE_GAP));
        listPush(list, num(0));
        listPush(list, num(0));
      }
      continue;
    }
    const n = listLen(list);
    if (n > 0 && skipped == 0 && listGet(list, n - 3) == num(<f64>(site >> 32)) && listGet(list, n - 2) == num(<f64>(site & 0xFFFFFFFF))) {
      listSet(list, n - 1, num(numOf(listGet(list, n - 1)) + 1));
      continue;
    }
    if (skipped > 0) {
      listSet(list, n - 1, num(<f64>skipped));
      skipped = 0;
    }
    listPush(list, num(<f64>(site >> 32)));
    listPush(list, num(<f64>(site & 0xFFFFFFFF)));
    listPush(list, num(1));
  }
  return list;
}

/** Turns the pending fault into an error value (with its message from the host). */
function faultToError(pc: u32): u64 {
  const code = faultCode;
  let message = hostErrorMessage(code, faultArgc, faultArgs);
  clearFault();
  // with memory exhausted, the error made at start-up stands in
  if (message == 0) message = S_OUT_OF_MEMORY;
  const e = newError(<f64>code, message);
  clearFault();
  if (!isObj(e)) return obj(outOfMemoryError);
  store<u32>(objOf(e), captureTrace(pc), ERR_TRACE);
  clearFault();
  return e;
}

/** Whether error e ends the whole run, past every handler: a limit, or the program's exit (std/sys). */
export function endsRun(e: u64): bool {
  if (!isObj(e) || typeOf(objOf(e)) != T_ERROR) return false;
  const c = numOf(load<u64>(objOf(e), ERR_CODE));
  return c == <f64>E_MEMORY_LIMIT || c == <f64>E_STEP_LIMIT || c == <f64>E_EXIT;
}

/**
 * Finds the innermost handler for `err` thrown at `pc` in the top frame, popping frames above
 * `stopDepth` as needed. Returns the address to continue at, or 0 when the error leaves the run.
 */
function unwind(err: u64, pc: u32, stopDepth: u32): u32 {
  thrownValue = err;
  const catchable = !endsRun(err);
  let at = pc;
  while (frameCount > stopDepth) {
    const fr = frameAt(frameCount - 1);
    const proto = load<u32>(fr, FR_PROTO);
    if (catchable) {
      const off = (at - load<u32>(proto, P_CODE)) >> 2;
      const hs = load<u32>(proto, P_HANDLERS);
      const nh = load<u32>(proto, P_NHANDLERS);
      for (let i: u32 = 0; i < nh; i++) {
        const h = hs + i * HANDLER_SIZE;
        if (off >= load<u32>(h, H_START) && off < load<u32>(h, H_END)) {
          exitRegionsTo(load<u32>(fr, FR_REGION) + load<u32>(h, H_REGION));
          store<u64>(load<u32>(fr, FR_BASE) + (load<u32>(h, H_REG) << 3), thrownValue);
          thrownValue = NIL;
          return load<u32>(proto, P_CODE) + (load<u32>(h, H_TARGET) << 2);
        }
      }
    }
    exitRegionsTo(load<u32>(fr, FR_REGION));
    setFrameCount(frameCount - 1);
    if (frameCount > stopDepth) at = load<u32>(frameAt(frameCount - 1), FR_PC) - 4;
  }
  return 0;
}

/**
 * A safe point (a loop's back edge or a call): collects garbage when due, enforces the memory
 * limit, and charges the instruction budget when a slice is spent. The frame's pc is saved so a
 * pause can resume here.
 */
function safePoint(fr: u32, pc: u32, mayEnter: bool = true): u32 {
  store<u32>(fr, pc, FR_PC);
  if (collectRequested) {
    collectGarbage();
    // where other VMs share the limit, this one may hold what they leave of it
    const share = hostHeapShare(<f64>bytesInUse);
    if (share >= 0) setMemoryLimit(<u64>share);
    if (memoryLimit != 0 && bytesInUse > memoryLimit) {
      raise1(E_MEMORY_LIMIT, num(<f64>memoryLimit));
      return FAILED;
    }
  }
  if (fuel < 0) {
    if (!nextSlice()) {
      raise1(E_STEP_LIMIT, num(<f64>stepLimit));
      return FAILED;
    }
    if (pauseDue()) return PAUSE;
    // a sample: the function running here may be hot enough to compile, and join its code here
    const proto = load<u32>(fr, FR_PROTO);
    if (jitMode != JIT_OFF && mayEnter && sampled(proto)) {
      compiledKind = runCompiled(proto, fr, pc);
      if (compiledKind != K_NOT_ENTERED) return COMPILED;
    }
  }
  return GO_ON;
}

/**
 * A safe point of compiled code (a loop's back edge, or a call it makes) in frame `fr`, the top
 * one: GO_ON, PAUSE or FAILED. Compiled code pushes and pops frames without counting them, so
 * the count is made right here, where the collector or the interpreter may look at it.
 */
export function compiledSafePoint(fr: u32, pc: u32): u32 {
  setFrameCount((fr - frames) / FRAME_SIZE + 1);
  return safePoint(fr, pc, false);
}

/**
 * What a caught error costs of the budget, besides one step per frame on the stack where it was
 * raised: making it (its message is written by the host) takes the time of thousands of
 * instructions, so a loop through a handler would otherwise spend far more time than its budget.
 */
const ERROR_STEPS: i64 = 64;

/** Ends the run with the limit a safe point raised (4001 or 4002, which no handler catches). */
function failAtLimit(pc: u32, stopDepth: u32): u32 {
  unwind(faultToError(pc), pc, stopDepth);
  return STATUS_ERROR;
}

/** Continues a run that paused at the end of a slice or waited for the host. */
export function resume(): u32 {
  return runLoop();
}

/**
 * The error a failed future re-throws at an await: its code and message, with the task's trace
 * followed by the awaiting fiber's (see TRACE_INCLUDES_AWAITER).
 */
function rethrown(e: u64, pc: u32): u64 {
  if (!isType(e, T_ERROR)) return e;
  const src = objOf(e);
  const copy = newError(numOf(load<u64>(src, ERR_CODE)), load<u32>(src, ERR_MESSAGE));
  if (faultCode != 0) return NIL;
  const here = captureTrace(pc);
  if (here == 0) return copy;
  const inner = load<u32>(src, ERR_TRACE);
  let innerLen: u32 = inner == 0 ? 0 : listLen(inner);
  let from: u32 = 0;
  // a trace from elsewhere that ends with this fiber's frame stands in for that frame's record
  if (innerLen >= 3 && listGet(inner, innerLen - 3) == num(TRACE_INCLUDES_AWAITER)) {
    innerLen -= 3;
    if (listLen(here) >= 3) {
      const count = numOf(listGet(here, 2));
      if (count > 1) listSet(here, 2, num(count - 1));
      else from = 3;
    }
  }
  const trace = newList(innerLen + listLen(here) - from);
  if (trace == 0) return copy;
  for (let i: u32 = 0; i < innerLen; i++) listPush(trace, listGet(inner, i));
  for (let i: u32 = from; i < listLen(here); i++) listPush(trace, listGet(here, i));
  store<u32>(objOf(copy), trace, ERR_TRACE);
  return copy;
}

/**
 * A call of CALLV with more arguments than CALL's count holds: of a builtin or a handler as CALL
 * would make it; no function has that many parameters.
 */
function callWithMany(fv: u64, args: u32, n: u32): u64 {
  if (isType(fv, T_NATIVE)) return callBuiltin(load<u32>(objOf(fv), NATIVE_ID), args, n);
  if (isType(fv, T_BOUND)) return send(objOf(fv), args, n);
  if (isType(fv, T_CLOSURE)) {
    const np = protoAt(load<u32>(objOf(fv), CLO_PROTO));
    raise3(E_WRONG_ARG_COUNT, obj(load<u32>(np, P_NAME)), arityText(np), num(<f64>n));
  } else raise1(E_NOT_CALLABLE, typeValue(fv));
  return NIL;
}

/** spawn f(args..): a future of f's call as a task (of a builtin: run at once; of a handler: a message). */
function spawnCall(fv: u64, args: u32, n: u32): u64 {
  if (isType(fv, T_CLOSURE)) {
    const np = protoAt(load<u32>(objOf(fv), CLO_PROTO));
    const nparams = load<u32>(np, P_NPARAMS);
    if (n > nparams || n < load<u32>(np, P_NREQUIRED)) {
      raise3(E_WRONG_ARG_COUNT, obj(load<u32>(np, P_NAME)), arityText(np), num(<f64>n));
      return NIL;
    }
    const remote = remoteSpawn(objOf(fv), args, n);
    if (remote != 0) return remote;
    const fut = spawnTask(fv, args, n);
    return fut == 0 ? NIL : obj(fut);
  }
  if (isType(fv, T_BOUND)) return send(objOf(fv), args, n);
  if (isType(fv, T_NATIVE)) {
    const v = callBuiltin(load<u32>(objOf(fv), NATIVE_ID), args, n);
    const fut = faultCode == 0 ? settledFuture(true, v) : settledFuture(false, faultError());
    return fut == 0 ? NIL : obj(fut);
  }
  raise1(E_NOT_CALLABLE, typeValue(fv));
  return NIL;
}

/**
 * Sets up the first frame of fiber f (the running one) from its function and arguments. False
 * when it cannot start (no such handler, wrong argument count): thrownValue holds the error.
 */
export function beginFiber(f: u32): bool {
  thrownValue = NIL;
  clearFault();
  let fv = load<u64>(f, FB_FN);
  if (load<u32>(f, FB_KIND) == FK_MESSAGE) {
    const handler = handlerOf(load<u32>(f, FB_ACTOR), fv);
    if (handler == NIL) {
      raise2(E_NO_FIELD, obj(actorName(load<u32>(f, FB_ACTOR))), fv);
      thrownValue = faultToError(0);
      return false;
    }
    fv = handler;
    store<u64>(f, fv, FB_FN);
  }
  if (!isType(fv, T_CLOSURE)) {
    raise1(E_NOT_CALLABLE, typeValue(fv));
    thrownValue = faultToError(0);
    return false;
  }
  const n = argCount(f);
  const clo = objOf(fv);
  const proto = protoAt(load<u32>(clo, CLO_PROTO));
  const nparams = load<u32>(proto, P_NPARAMS);
  if (n > nparams || n < load<u32>(proto, P_NREQUIRED)) {
    raise3(E_WRONG_ARG_COUNT, obj(load<u32>(proto, P_NAME)), arityText(proto), num(<f64>n));
    thrownValue = faultToError(0);
    return false;
  }
  const nregs = load<u32>(proto, P_NREGS);
  if (!ensureRegisters(nregs + 1) || !ensureFrames(1)) {
    raise1(E_MEMORY_LIMIT, NIL);
    thrownValue = faultToError(0);
    return false;
  }
  for (let i: u32 = 0; i < nregs; i++) store<u64>(regs + (i << 3), i < n ? argAt(f, i) : i < nparams ? MISSING : NIL);
  store<u32>(f, 0, FB_ARGS);
  store<u32>(f, 0, FB_NARGS);
  const fr = frameAt(0);
  store<u32>(fr, clo, FR_CLOSURE);
  store<u32>(fr, proto, FR_PROTO);
  store<u32>(fr, load<u32>(proto, P_CODE), FR_PC);
  store<u32>(fr, regs, FR_BASE);
  store<u32>(fr, regionDepth, FR_REGION);
  setFrameCount(1);
  return true;
}

// ---------------------------------------------------------------- helpers

/** What a function takes, for messages: "2", or "1 to 3" with defaults. */
function arityText(proto: u32): u64 {
  const n = load<u32>(proto, P_NPARAMS), r = load<u32>(proto, P_NREQUIRED);
  if (r == n) return num(<f64>n);
  outReset();
  outNumber(<f64>r);
  outLiteral(" to ");
  outNumber(<f64>n);
  return obj(stringFromBytes(outData(), outLen));
}

// @ts-ignore: decorator
@inline function R(base: u32, i: u32): u64 { return load<u64>(base + (i << 3)); }
// @ts-ignore: decorator
@inline function setR(base: u32, i: u32, v: u64): void { store<u64>(base + (i << 3), v); }
/**
 * A register read as a double. Every tagged value is a NaN, and so is any sum, difference or
 * product with one: an arithmetic result that is not a NaN came from two numbers, one test for both.
 */
// @ts-ignore: decorator
@inline function F(base: u32, i: u32): f64 { return load<f64>(base + (i << 3)); }
// @ts-ignore: decorator
@inline function setF(base: u32, i: u32, v: f64): void { store<f64>(base + (i << 3), v); }

function isType(v: u64, t: u8): bool {
  return isObj(v) && typeOf(objOf(v)) == t;
}

function checkType(v: u64, code: u32, sdef: u32): bool {
  switch (code) {
    case O.TY_ANY: return true;
    case O.TY_NUMBER: return isNum(v);
    case O.TY_INT: return isNum(v) && numOf(v) == Math.floor(numOf(v)) && isFinite(numOf(v));
    case O.TY_BOOL: return v == TRUE || v == FALSE;
    case O.TY_NIL: return v == NIL;
    case O.TY_STRING: return isType(v, T_STRING);
    case O.TY_LIST: return isType(v, T_LIST);
    case O.TY_MAP: return isType(v, T_MAP);
    case O.TY_FUNC: return isType(v, T_CLOSURE) || isType(v, T_NATIVE) || isType(v, T_BOUND);
    case O.TY_ERROR: return isType(v, T_ERROR);
    case O.TY_MATRIX: return isMatrix(v);
    case O.TY_TENSOR: return isTensor(v);
    case O.TY_STRUCT: return isType(v, T_STRUCT) && load<u32>(objOf(v), STRUCT_DEF) == sdef;
    default: return false;
  }
}

export function getField(v: u64, name: u32): u64 {
  if (isObj(v)) {
    const p = objOf(v);
    const t = typeOf(p);
    if (t == T_STRUCT) {
      const i = fieldIndex(load<u32>(p, STRUCT_DEF), name);
      if (i >= 0) return load<u64>(p + STRUCT_FIELDS + (<u32>i << 3));
    } else if (t == T_ERROR) {
      if (strEquals(name, S_CODE)) return load<u64>(p, ERR_CODE);
      if (strEquals(name, S_MESSAGE)) return obj(load<u32>(p, ERR_MESSAGE));
      if (strEquals(name, S_TRACE)) {
        const tr = load<u32>(p, ERR_TRACE);
        return tr == 0 ? obj(S_CODE) : obj(hostRenderTrace(tr));
      }
    } else if (t == T_ACTOR) {
      return boundMethod(p, name);
    }
  }
  raise2(E_NO_FIELD, typeValue(v), obj(name));
  return NIL;
}

export function setField(v: u64, name: u32, x: u64): void {
  if (isType(v, T_STRUCT)) {
    const p = objOf(v);
    const i = fieldIndex(load<u32>(p, STRUCT_DEF), name);
    if (i >= 0) {
      writeBarrier(p, x);
      store<u64>(p + STRUCT_FIELDS + (<u32>i << 3), x);
      return;
    }
  }
  raise2(E_NO_FIELD, typeValue(v), obj(name));
}

export function concat(base: u32, from: u32, n: u32): u64 {
  outReset();
  for (let i: u32 = 0; i < n; i++) outValue(R(base, from + i), false, 0);
  return obj(stringFromBytes(outData(), outLen));
}

function newBox(v: u64): u64 {
  const p = allocBlock(BOX_SIZE - HEADER, T_BOX);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  store<u64>(p, v, BOX_VALUE);
  return obj(p);
}

function newClosure(protoIndex: u32, current: u32, base: u32): u64 {
  const proto = protoAt(protoIndex);
  const n = load<u32>(proto, P_NCAPS);
  const p = allocBlock(CLO_CAPS - HEADER + (n << 2), T_CLOSURE);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  store<u32>(p, protoIndex, CLO_PROTO);
  store<u32>(p, n, CLO_NCAP);
  const descs = load<u32>(proto, P_CAPS);
  for (let i: u32 = 0; i < n; i++) {
    const d = load<u32>(descs + (i << 2));
    let box: u32 = 0;
    if (d & 0x8000_0000) {
      const k = d & 0x7FFF_FFFF;
      if (current != 0 && k < load<u32>(current, CLO_NCAP)) box = load<u32>(current + CLO_CAPS + (k << 2));
    } else {
      const v = R(base, d);
      if (isType(v, T_BOX)) box = objOf(v);
    }
    if (box == 0) {
      raise1(E_MALFORMED_BYTECODE, num(<f64>protoIndex));
      return NIL;
    }
    store<u32>(p + CLO_CAPS + (i << 2), box);
  }
  return obj(p);
}

/** Whether a numeric for loop with this index, limit and step runs another iteration. */
// @ts-ignore: decorator
@inline function forContinues(i: f64, limit: f64, step: f64, inclusive: bool): bool {
  return step > 0 ? (inclusive ? i <= limit : i < limit) : (inclusive ? i >= limit : i > limit);
}

/** The next item of an iteration (list, string or map) at cursor R[a+1]; false when done. */
export function iterNext(base: u32, a: u32, pair: bool): bool {
  const it = R(base, a);
  const cursor = <u32>numOf(R(base, a + 1));
  const p = objOf(it);
  switch (typeOf(p)) {
    case T_LIST: {
      if (cursor >= listLen(p)) return false;
      if (pair) {
        setR(base, a + 2, num(<f64>cursor));
        setR(base, a + 3, listGet(p, cursor));
      } else setR(base, a + 2, listGet(p, cursor));
      setR(base, a + 1, num(<f64>(cursor + 1)));
      return true;
    }
    case T_STRING: {
      // the cursor counts bytes
      if (cursor >= strBytes(p)) return false;
      const n = utf8Len(load<u8>(strData(p) + cursor));
      const ch = obj(stringFromBytes(strData(p) + cursor, n));
      if (pair) {
        // the pair's index counts code points, kept apart from the byte cursor
        const index = numOf(R(base, a + 4));
        setR(base, a + 2, num(index));
        setR(base, a + 3, ch);
        setR(base, a + 4, num(index + 1));
      } else setR(base, a + 2, ch);
      setR(base, a + 1, num(<f64>(cursor + n)));
      return true;
    }
    case T_MAP: {
      let e = cursor;
      const used = mapUsed(p);
      while (e < used && entryKey(p, e) == TOMBSTONE) e++;
      if (e >= used) return false;
      setR(base, a + 2, entryKey(p, e));
      if (pair) setR(base, a + 3, entryValue(p, e));
      setR(base, a + 1, num(<f64>(e + 1)));
      return true;
    }
  }
  return false;
}

/** `==`: nil, true and false (and a missing argument) equal only themselves, so a test against one needs no call. */
// @ts-ignore: decorator
@inline export function equal(x: u64, y: u64): bool {
  return x >= NIL || y >= NIL ? x == y : valuesEqual(x, y);
}

/**
 * CALLV and SPAWNV: the arguments come as a list in R[A+1], spread here over R[A+1] .. as CALL
 * and SPAWN have them. Returns their number, or -1 with a fault raised. The registers may move:
 * the caller reloads its frame's base.
 */
function spreadArguments(base: u32, a: u32, codeOffset: u32): i32 {
  const list = R(base, a + 1);
  if (!isType(list, T_LIST)) { raise1(E_MALFORMED_BYTECODE, num(<f64>(codeOffset >> 2))); return -1; }
  const lp = objOf(list);
  const n = listLen(lp);
  if (base + ((a + 1 + n) << 3) > regsEnd) {
    if (!ensureRegisters(((base - regs) >> 3) + a + 1 + n)) { raise1(E_MEMORY_LIMIT, NIL); return -1; }
    base = load<u32>(frameAt(frameCount - 1), FR_BASE);
  }
  for (let i: u32 = 0; i < n; i++) setR(base, a + 1 + i, listGet(lp, i));
  return <i32>n;
}

// ---------------------------------------------------------------- entry

/** Runs function `protoIndex` (no parameters, no captures) to completion on the current fiber. */
export function runFunction(protoIndex: u32): u32 {
  resultValue = NIL;
  thrownValue = NIL;
  clearFault();
  const clo = newClosure(protoIndex, 0, 0);
  if (faultCode != 0) {
    thrownValue = faultToError(load<u32>(protoAt(protoIndex), P_CODE));
    return STATUS_ERROR;
  }
  return startRun(clo, 0);
}

/** Runs `fv` on a new main fiber with the arguments in list `args`, with every fiber it starts. */
function startRun(fv: u64, args: u32): u32 {
  if (!startMain(fv, args)) {
    raise1(E_MEMORY_LIMIT, NIL);
    thrownValue = faultToError(0);
    return STATUS_ERROR;
  }
  return runLoop();
}

/** Runs the fibers queued from outside a program (actor messages the host delivered) to their end. */
export function runQueued(): u32 {
  resultValue = NIL;
  thrownValue = NIL;
  clearFault();
  startDetached();
  return runLoop();
}

/** Calls function value `fv` with `n` arguments stored at `args`, to completion. */
export function callValue(fv: u64, args: u32, n: u32): u32 {
  resultValue = NIL;
  thrownValue = NIL;
  clearFault();
  if (!isType(fv, T_CLOSURE)) {
    if (isType(fv, T_NATIVE)) {
      resultValue = callBuiltin(load<u32>(objOf(fv), NATIVE_ID), args, n);
      if (faultCode == 0) return STATUS_DONE;
      thrownValue = faultToError(0);
      return STATUS_ERROR;
    }
    raise1(E_NOT_CALLABLE, typeValue(fv));
    thrownValue = faultToError(0);
    return STATUS_ERROR;
  }
  const list = listFrom(args, n);
  if (faultCode != 0) {
    thrownValue = faultToError(0);
    return STATUS_ERROR;
  }
  return startRun(fv, list);
}

// ---------------------------------------------------------------- the loop

export function execute(stopDepth: u32): u32 {
  let fr = frameAt(frameCount - 1);
  let proto = load<u32>(fr, FR_PROTO);
  let closure = load<u32>(fr, FR_CLOSURE);
  let pc = load<u32>(fr, FR_PC);
  let base = load<u32>(fr, FR_BASE);
  let kbase = load<u32>(proto, P_KBASE);
  let ipc: u32 = pc;
  // the budget counter lives in a local here; safe points and exits write it back
  let left: i64 = fuel;

  while (true) {
    ipc = pc;
    let ins = load<u32>(pc);
    pc += 4;
    const a = (ins >> 8) & 0xFF;
    switch (ins & 0xFF) {
      case O.OP_NOP: continue;
      case O.OP_MOVE: setR(base, a, R(base, (ins >> 16) & 0xFF)); continue;
      case O.OP_LOADK: setR(base, a, load<u64>(kbase + ((ins >> 16) << 3))); continue;
      case O.OP_LOADI: setR(base, a, num(<f64>(<i32>ins >> 16))); continue;
      case O.OP_LOADNIL: setR(base, a, NIL); continue;
      case O.OP_LOADTRUE: setR(base, a, TRUE); continue;
      case O.OP_LOADFALSE: setR(base, a, FALSE); continue;
      case O.OP_GETGLOBAL: setR(base, a, load<u64>(globals + ((ins >> 16) << 3))); continue;
      case O.OP_GETGLOBALX: setR(base, a, load<u64>(globals + (load<u32>(pc) << 3))); pc += 4; continue;
      case O.OP_GETR: setR(base, a, R(base, ins >> 16)); continue;
      case O.OP_SETR: setR(base, ins >> 16, R(base, a)); continue;
      case O.OP_SETGLOBAL: store<u64>(globals + ((ins >> 16) << 3), R(base, a)); continue;
      case O.OP_SETGLOBALX: store<u64>(globals + (load<u32>(pc) << 3), R(base, a)); pc += 4; continue;
      case O.OP_NEWBOX: {
        const v = newBox(R(base, (ins >> 16) & 0xFF));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_GETBOX: {
        const b = R(base, (ins >> 16) & 0xFF);
        if (!isType(b, T_BOX)) { raise1(E_MALFORMED_BYTECODE, num(<f64>((ipc - load<u32>(proto, P_CODE)) >> 2))); break; }
        setR(base, a, load<u64>(objOf(b), BOX_VALUE));
        continue;
      }
      case O.OP_SETBOX: {
        const b = R(base, a);
        if (!isType(b, T_BOX)) { raise1(E_MALFORMED_BYTECODE, num(<f64>((ipc - load<u32>(proto, P_CODE)) >> 2))); break; }
        const v = R(base, (ins >> 16) & 0xFF);
        writeBarrier(objOf(b), v);
        store<u64>(objOf(b), v, BOX_VALUE);
        continue;
      }
      case O.OP_GETCAP: {
        const box = load<u32>(closure + CLO_CAPS + (((ins >> 16) & 0xFF) << 2));
        setR(base, a, load<u64>(box, BOX_VALUE));
        continue;
      }
      case O.OP_SETCAP: {
        const box = load<u32>(closure + CLO_CAPS + (a << 2));
        const v = R(base, (ins >> 16) & 0xFF);
        writeBarrier(box, v);
        store<u64>(box, v, BOX_VALUE);
        continue;
      }
      case O.OP_CLOSURE: {
        const v = newClosure(ins >> 16, closure, base);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_LOADBUILTIN: {
        const v = nativeValue(ins >> 16);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }

      case O.OP_ADD: {
        const r = F(base, (ins >> 16) & 0xFF) + F(base, ins >> 24);
        if (r == r) { setF(base, a, r); continue; }
        const v = arith(OPS_ADD, R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_SUB: {
        const r = F(base, (ins >> 16) & 0xFF) - F(base, ins >> 24);
        if (r == r) { setF(base, a, r); continue; }
        const v = arith(OPS_SUB, R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_MUL: {
        const r = F(base, (ins >> 16) & 0xFF) * F(base, ins >> 24);
        if (r == r) { setF(base, a, r); continue; }
        const v = arith(OPS_MUL, R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_MULADD: {
        // a MUL whose next word is an ADD: both in this step when both results are numbers, else
        // the product as MUL makes it, and the ADD runs as the next instruction
        const r = F(base, (ins >> 16) & 0xFF) * F(base, ins >> 24);
        if (r == r) {
          setF(base, a, r);
          const add = load<u32>(pc);
          const sum = F(base, (add >> 16) & 0xFF) + F(base, add >> 24);
          if (sum == sum) {
            setF(base, (add >> 8) & 0xFF, sum);
            pc += 4;
          }
          continue;
        }
        const v = arith(OPS_MUL, R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_DIV: {
        const fy = F(base, ins >> 24);
        const r = F(base, (ins >> 16) & 0xFF) / fy;
        if (r == r && fy != 0) { setF(base, a, r); continue; }
        const v = arith(OPS_DIV, R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_MOD: {
        const v = arith(OPS_MOD, R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_POW: {
        const v = arith(OPS_POW, R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_EMUL:
      case O.OP_EDIV: {
        const x = R(base, (ins >> 16) & 0xFF), y = R(base, ins >> 24);
        const mul = (ins & 0xFF) == O.OP_EMUL;
        let v: u64 = NIL;
        if (isNum(x) && isNum(y)) v = num(mul ? numOf(x) * numOf(y) : numOf(x) / numOf(y));
        else v = elementwise(mul ? EW_MUL : EW_DIV, x, y);
        if (v == NIL && faultCode == 0) operandError(mul ? OPS_EMUL : OPS_EDIV, x, y);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_LDIV: {
        const x = R(base, (ins >> 16) & 0xFF), y = R(base, ins >> 24);
        if (!isMatrix(x) || !isMatrix(y)) { operandError(OPS_LDIV, x, y); break; }
        const v = solveWith(objOf(x), objOf(y), obj(opSymbol(OPS_LDIV)));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_ADDI: {
        const imm = <f64>(<i32>ins >> 24);
        const r = F(base, (ins >> 16) & 0xFF) + imm;
        if (r == r) { setF(base, a, r); continue; }
        const v = arith(OPS_ADD, R(base, (ins >> 16) & 0xFF), num(imm));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_NEG: {
        const x = R(base, (ins >> 16) & 0xFF);
        if (isNum(x)) { setR(base, a, num(-numOf(x))); continue; }
        if (isMatrix(x) || isTensor(x)) {
          const v = negate(x);
          if (faultCode != 0) break;
          setR(base, a, v);
          continue;
        }
        operandError(OPS_NEG, x, x);
        break;
      }
      case O.OP_NOT: setR(base, a, bool_(!isTruthy(R(base, (ins >> 16) & 0xFF)))); continue;
      case O.OP_TRANSPOSE: {
        const x = R(base, (ins >> 16) & 0xFF);
        if (!isMatrix(x)) { operandError(OPS_TRANSPOSE, x, x); break; }
        const v = transpose(objOf(x));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_EQ: setR(base, a, bool_(equal(R(base, (ins >> 16) & 0xFF), R(base, ins >> 24)))); continue;
      case O.OP_NE: setR(base, a, bool_(!equal(R(base, (ins >> 16) & 0xFF), R(base, ins >> 24)))); continue;
      case O.OP_LT: {
        const fx = F(base, (ins >> 16) & 0xFF), fy = F(base, ins >> 24);
        // a comparison with a NaN, or a tagged value, is false both ways: only then look closer
        if (fx < fy) { setR(base, a, TRUE); continue; }
        if (fx >= fy) { setR(base, a, FALSE); continue; }
        const r = lessThan(R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, bool_(r));
        continue;
      }
      case O.OP_LE: {
        const fx = F(base, (ins >> 16) & 0xFF), fy = F(base, ins >> 24);
        // a comparison with a NaN, or a tagged value, is false both ways: only then look closer
        if (fx <= fy) { setR(base, a, TRUE); continue; }
        if (fx > fy) { setR(base, a, FALSE); continue; }
        const r = lessEqual(R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, bool_(r));
        continue;
      }

      case O.OP_JMP: {
        const off = <i32>ins >> 8;
        pc += off << 2;
        if (off < 0) {
          left += off;
          if (left < 0 || collectRequested) {
            setFuel(left);
            const s = safePoint(fr, pc);
            left = fuel;
            if (s == PAUSE) return STATUS_PAUSED;
            if (s == FAILED || s == COMPILED) break;
          }
        }
        continue;
      }
      case O.OP_JMPIF: {
        const off = load<i32>(pc);
        pc += 4;
        if (isTruthy(R(base, a))) pc += off << 2;
        continue;
      }
      case O.OP_JMPIFNOT: {
        const off = load<i32>(pc);
        pc += 4;
        if (!isTruthy(R(base, a))) pc += off << 2;
        continue;
      }
      case O.OP_JNLT: {
        const off = load<i32>(pc);
        pc += 4;
        const fx = F(base, a), fy = F(base, (ins >> 16) & 0xFF);
        let r: bool;
        if (fx < fy) r = true;
        else if (fx >= fy) r = false;
        else {
          r = lessThan(R(base, a), R(base, (ins >> 16) & 0xFF));
          if (faultCode != 0) break;
        }
        if (!r) pc += off << 2;
        continue;
      }
      case O.OP_JNLE: {
        const off = load<i32>(pc);
        pc += 4;
        const fx = F(base, a), fy = F(base, (ins >> 16) & 0xFF);
        let r: bool;
        if (fx <= fy) r = true;
        else if (fx > fy) r = false;
        else {
          r = lessEqual(R(base, a), R(base, (ins >> 16) & 0xFF));
          if (faultCode != 0) break;
        }
        if (!r) pc += off << 2;
        continue;
      }
      case O.OP_JGIVEN: {
        const off = load<i32>(pc);
        pc += 4;
        if (R(base, a) != MISSING) pc += off << 2;
        continue;
      }
      case O.OP_LOADNILJ: {
        // a LOADNIL whose next instruction is a JEQ or JNE: both in this step
        setR(base, a, NIL);
        const j = load<u32>(pc);
        const off = load<i32>(pc, 4);
        pc += 8;
        if (equal(R(base, (j >> 8) & 0xFF), R(base, (j >> 16) & 0xFF)) == ((j & 0xFF) == O.OP_JEQ)) pc += off << 2;
        continue;
      }
      case O.OP_JEQ: {
        const off = load<i32>(pc);
        pc += 4;
        if (equal(R(base, a), R(base, (ins >> 16) & 0xFF))) pc += off << 2;
        continue;
      }
      case O.OP_JNE: {
        const off = load<i32>(pc);
        pc += 4;
        if (!equal(R(base, a), R(base, (ins >> 16) & 0xFF))) pc += off << 2;
        continue;
      }
      case O.OP_JNLTI:
      case O.OP_JNLEI:
      case O.OP_JNGTI:
      case O.OP_JNGEI: {
        const off = load<i32>(pc);
        pc += 4;
        const v = F(base, a);
        const imm = <f64>(<i32>ins >> 16);
        const op = ins & 0xFF;
        let r = false;
        // a register that is not a NaN holds a number; a NaN compares false, a tagged value is an error
        if (v == v) r = op == O.OP_JNLTI ? v < imm : op == O.OP_JNLEI ? v <= imm : op == O.OP_JNGTI ? v > imm : v >= imm;
        else if (!isNum(R(base, a))) {
          const x = R(base, a);
          operandError(op == O.OP_JNLEI || op == O.OP_JNGEI ? OPS_LE : OPS_LT, x, num(imm));
          break;
        }
        if (!r) pc += off << 2;
        continue;
      }

      case O.OP_CALLV: {
        // spread the list over the argument registers, then call as CALL does with that many
        const n = spreadArguments(base, a, ipc - load<u32>(proto, P_CODE));
        if (n < 0) break;
        fr = frameAt(frameCount - 1);
        base = load<u32>(fr, FR_BASE);
        if (n > 0xFFFF) {
          const v = callWithMany(R(base, a), base + ((a + 1) << 3), <u32>n);
          if (faultCode != 0) break;
          setR(base, a, v);
          continue;
        }
        ins = O.OP_CALL | (a << 8) | (<u32>n << 16);
      }
      case O.OP_CALLG:
      case O.OP_CALL: {
        // B and C together: C is 0 in a CALL or CALLG (the verifier sees to it), and CALLV's count may pass 255
        const nargs = ins >> 16;
        let fv: u64;
        if ((ins & 0xFF) == O.OP_CALLG) {
          fv = load<u64>(globals + (load<u32>(pc) << 3));
          pc += 4;
        } else fv = R(base, a);
        if (!isObj(fv)) { raise1(E_NOT_CALLABLE, typeValue(fv)); break; }
        const fp = objOf(fv);
        const t = typeOf(fp);
        if (t == T_CLOSURE) {
          const np = protoAt(load<u32>(fp, CLO_PROTO));
          const nparams = load<u32>(np, P_NPARAMS);
          if (nparams != nargs && (nargs > nparams || nargs < load<u32>(np, P_NREQUIRED))) {
            raise3(E_WRONG_ARG_COUNT, obj(load<u32>(np, P_NAME)), arityText(np), num(<f64>nargs));
            break;
          }
          store<u32>(fr, pc, FR_PC);
          const nregs = load<u32>(np, P_NREGS);
          let newBase = base + ((a + 1) << 3);
          if (frameCount >= frameLimit || newBase + (nregs << 3) > regsEnd) {
            if (frameCount >= maxDepth) { raise1(E_STACK_OVERFLOW, num(<f64>maxDepth)); break; }
            if (!ensureRegisters(((newBase - regs) >> 3) + nregs) || !ensureFrames(frameCount + 1)) { raise1(E_MEMORY_LIMIT, NIL); break; }
            // the registers may have moved, and the frames with them
            fr = frameAt(frameCount - 1);
            newBase = load<u32>(fr, FR_BASE) + ((a + 1) << 3);
          }
          fr = frames + frameCount * FRAME_SIZE;
          setFrameCount(frameCount + 1);
          store<u32>(fr, fp, FR_CLOSURE);
          store<u32>(fr, np, FR_PROTO);
          store<u32>(fr, newBase, FR_BASE);
          store<u32>(fr, regionDepth, FR_REGION);
          base = newBase;
          for (let i = nargs; i < nparams; i++) setR(base, i, MISSING);
          proto = np;
          closure = fp;
          kbase = load<u32>(np, P_KBASE);
          // its first instruction, or a JITENTER when it has compiled code
          pc = load<u32>(np, P_ENTRY);
          left -= 1;
          if (left < 0 || collectRequested) {
            // the safe point is at the first instruction (this call then stays in the interpreter)
            pc = load<u32>(np, P_CODE);
            setFuel(left);
            const s = safePoint(fr, pc);
            left = fuel;
            if (s == PAUSE) return STATUS_PAUSED;
            if (s == FAILED) { ipc = pc; break; }
            if (s == COMPILED) break;
          }
          continue;
        }
        if (t == T_NATIVE) {
          const v = callBuiltin(load<u32>(fp, NATIVE_ID), base + ((a + 1) << 3), nargs);
          if (faultCode != 0) break;
          setR(base, a, v);
          continue;
        }
        if (t == T_BOUND) {
          const v = send(fp, base + ((a + 1) << 3), nargs);
          if (faultCode != 0) break;
          setR(base, a, v);
          continue;
        }
        raise1(E_NOT_CALLABLE, typeValue(fv));
        break;
      }
      case O.OP_JITENTER: {
        // a call of a function with compiled code led here (P_ENTRY): run it, else its bytecode
        pc = load<u32>(proto, P_CODE);
        store<u32>(fr, pc, FR_PC);
        setFuel(left);
        compiledKind = runCompiled(proto, fr, 0);
        if (compiledKind != K_NOT_ENTERED) break;
        continue;
      }
      case O.OP_SPAWNV:
      case O.OP_SPAWN: {
        let nargs = (ins >> 16) & 0xFF;
        if ((ins & 0xFF) == O.OP_SPAWNV) {
          const n = spreadArguments(base, a, ipc - load<u32>(proto, P_CODE));
          if (n < 0) break;
          nargs = <u32>n;
          fr = frameAt(frameCount - 1);
          base = load<u32>(fr, FR_BASE);
        }
        const v = spawnCall(R(base, a), base + ((a + 1) << 3), nargs);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_NEWACTOR: {
        const v = newActor(R(base, a));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_AWAIT: {
        const v = R(base, (ins >> 16) & 0xFF);
        if (!isFuture(v)) { setR(base, a, v); continue; }
        const p = objOf(v);
        const st = futureState(p);
        if (st == RESOLVED) { setR(base, a, futureValue(p)); continue; }
        if (st == SETTLED_FAILED) {
          throwing = rethrown(futureValue(p), ipc);
          break;
        }
        if (takeDeadlockMark(current)) { raise1(E_DEADLOCK, num(<f64>deadlockWaiting)); break; }
        if (!block(current, p)) break;
        // the await runs again when the fiber is woken, and then finds the future settled
        store<u32>(fr, ipc, FR_PC);
        setFuel(left);
        return STATUS_BLOCKED;
      }
      case O.OP_CALLB: {
        // the verifier checked the argument count against the builtin's arity
        const v = runBuiltin(ins >> 24, base + (a << 3), (ins >> 16) & 0xFF);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_ASYNC: {
        // an async function's body runs as a task: on the fiber it started, it simply runs
        if (frameCount == 1) continue;
        const fut = spawnTask(obj(closure), base, load<u32>(proto, P_NPARAMS));
        if (fut == 0) break;
        setR(base, a, obj(fut));
        // and the caller gets the future: fall through to RETURN
      }
      case O.OP_RETURN:
      case O.OP_RETURNNIL: {
        const v = (ins & 0xFF) == O.OP_RETURNNIL ? NIL : R(base, a);
        if (regionDepth != 0 && regionDepth > load<u32>(fr, FR_REGION)) {
          resultValue = v;
          exitRegionsTo(load<u32>(fr, FR_REGION));
        }
        setFrameCount(frameCount - 1);
        if (frameCount == stopDepth) {
          resultValue = v;
          setFuel(left);
          return STATUS_DONE;
        }
        // the callee's registers start just after the caller's function register
        store<u64>(base - 8, v);
        fr -= FRAME_SIZE;
        proto = load<u32>(fr, FR_PROTO);
        closure = load<u32>(fr, FR_CLOSURE);
        pc = load<u32>(fr, FR_PC);
        base = load<u32>(fr, FR_BASE);
        kbase = load<u32>(proto, P_KBASE);
        continue;
      }
      case O.OP_THROW: {
        const v = R(base, a);
        if (isType(v, T_ERROR)) {
          throwing = v;
          if (load<u32>(objOf(v), ERR_TRACE) == 0) {
            store<u32>(fr, pc, FR_PC);
            const trace = captureTrace(ipc);
            // the error may be older than an open region the trace is made in
            writeBarrier(objOf(v), obj(trace));
            store<u32>(objOf(v), trace, ERR_TRACE);
          }
        } else {
          const msg = toStr(v);
          if (faultCode != 0) break;
          const e = newError(<f64>E_THROWN, objOf(msg));
          if (faultCode != 0) break;
          store<u32>(fr, pc, FR_PC);
          store<u32>(objOf(e), captureTrace(ipc), ERR_TRACE);
          throwing = e;
        }
        // the error path below throws it
        break;
      }

      case O.OP_FAIL: {
        const code = ins >> 16;
        raise1(code == 0 ? E_MALFORMED_BYTECODE : code, R(base, a));
        break;
      }

      case O.OP_NEWLIST: {
        const v = listFrom(base + (((ins >> 16) & 0xFF) << 3), ins >> 24);
        if (faultCode != 0) break;
        setR(base, a, obj(v));
        continue;
      }
      case O.OP_NEWMAP: {
        const from = (ins >> 16) & 0xFF;
        const n = ins >> 24;
        const m = newMap(n);
        if (faultCode != 0) break;
        for (let i: u32 = 0; i < n; i++) {
          const k = R(base, from + 2 * i);
          if (!isKey(k)) { raise2(E_OPERAND_TYPES, obj(opSymbol(OPS_INDEX)), typeValue(k)); break; }
          mapSet(m, k, R(base, from + 2 * i + 1));
        }
        if (faultCode != 0) break;
        setR(base, a, obj(m));
        continue;
      }
      case O.OP_NEWSTRUCT: {
        const def = structAt(load<u32>(pc));
        pc += 4;
        const p = newStruct(def, base + (((ins >> 16) & 0xFF) << 3));
        if (faultCode != 0) break;
        setR(base, a, obj(p));
        continue;
      }
      case O.OP_NEWMATRIX: {
        const rows = load<u32>(pc);
        pc += 4;
        const from = (ins >> 16) & 0xFF, count = ins >> 24;
        const cols = rows == 0 ? 0 : count / rows;
        if (rows * cols != count) { raise1(E_MALFORMED_BYTECODE, num(<f64>count)); break; }
        const m = newMatrix(rows, cols, DTYPE_F64);
        if (faultCode != 0) break;
        for (let i: u32 = 0; i < count; i++) {
          const x = R(base, from + i);
          if (!isNum(x)) { operandError(OPS_INDEX, x, x); break; }
          store<f64>(mElems(m) + (i << 3), numOf(x));
        }
        if (faultCode != 0) break;
        setR(base, a, obj(m));
        continue;
      }
      case O.OP_GETINDEXN: {
        const mask = load<u32>(pc);
        pc += 4;
        const b = (ins >> 16) & 0xFF;
        const v = getIndexN(R(base, b), base + ((b + 1) << 3), ins >> 24, mask);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_SETINDEXN: {
        setIndexN(R(base, a), base + ((a + 1) << 3), (ins >> 16) & 0xFF, R(base, ins >> 24));
        if (faultCode != 0) break;
        continue;
      }
      case O.OP_GETINDEX: {
        const t = R(base, (ins >> 16) & 0xFF), i = R(base, ins >> 24);
        if (isObj(t) && isNum(i) && typeOf(objOf(t)) == T_LIST) {
          const p = objOf(t);
          const x = numOf(i);
          const k = <u32>x;
          if (<f64>k == x && k < listLen(p)) { setR(base, a, listGet(p, k)); continue; }
        }
        const v = getIndex(t, i);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_SETINDEX: {
        const t = R(base, a), i = R(base, (ins >> 16) & 0xFF);
        if (isObj(t) && isNum(i) && typeOf(objOf(t)) == T_LIST) {
          const x = numOf(i);
          const k = <u32>x;
          if (<f64>k == x && k < listLen(objOf(t))) {
            listSet(objOf(t), k, R(base, ins >> 24));
            continue;
          }
        }
        setIndex(t, i, R(base, ins >> 24));
        if (faultCode != 0) break;
        continue;
      }
      case O.OP_GETINDEXI: {
        const t = R(base, (ins >> 16) & 0xFF);
        const k = ins >> 24;
        if (isObj(t) && typeOf(objOf(t)) == T_LIST && k < listLen(objOf(t))) { setR(base, a, listGet(objOf(t), k)); continue; }
        const v = getIndex(t, num(<f64>k));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_SLICE: {
        const c = ins >> 24;
        const v = slice(R(base, (ins >> 16) & 0xFF), R(base, c), R(base, c + 1));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_GETFIELD: {
        const name = objOf(load<u64>(kbase + (load<u32>(pc) << 3)));
        pc += 4;
        const v = getField(R(base, (ins >> 16) & 0xFF), name);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_SETFIELD: {
        const name = objOf(load<u64>(kbase + (load<u32>(pc) << 3)));
        pc += 4;
        setField(R(base, a), name, R(base, (ins >> 16) & 0xFF));
        if (faultCode != 0) break;
        continue;
      }
      case O.OP_CONCAT: {
        const v = concat(base, (ins >> 16) & 0xFF, ins >> 24);
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      case O.OP_CHECKTYPE: {
        const code = (ins >> 16) & 0xFF;
        const ext = load<u32>(pc);
        pc += 4;
        const sdef = code == O.TY_STRUCT ? structAt(ext) : 0;
        const v = R(base, a);
        if (checkType(v, code, sdef)) continue;
        raise2(E_ANNOTATION_FAILED, obj(sdef != 0 ? load<u32>(sdef, SDEF_NAME) : typeCodeName(code)), typeValue(v));
        break;
      }
      case O.OP_ISSTRUCT: {
        const def = structAt(load<u32>(pc));
        pc += 4;
        const v = R(base, (ins >> 16) & 0xFF);
        setR(base, a, bool_(isType(v, T_STRUCT) && load<u32>(objOf(v), STRUCT_DEF) == def));
        continue;
      }
      case O.OP_ISLIST: {
        const v = R(base, (ins >> 16) & 0xFF);
        setR(base, a, bool_(isType(v, T_LIST) && listLen(objOf(v)) == ins >> 24));
        continue;
      }

      case O.OP_FORPREP: {
        const off = load<i32>(pc);
        pc += 4;
        const ra = base + (a << 3);
        const s = load<u64>(ra), l = load<u64>(ra, 8), st = load<u64>(ra, 16);
        if (!isNum(s) || !isNum(l) || !isNum(st)) {
          operandError(OPS_RANGE, !isNum(s) ? s : !isNum(l) ? l : st, !isNum(s) ? s : !isNum(l) ? l : st);
          break;
        }
        if (numOf(st) == 0 || numOf(st) != numOf(st)) { raise1(E_INVALID_ARGUMENT, obj(opSymbol(OPS_RANGE))); break; }
        if (!forContinues(numOf(s), numOf(l), numOf(st), ((ins >> 16) & 1) != 0)) pc += off << 2;
        continue;
      }
      case O.OP_FORLOOP: {
        const off = load<i32>(pc);
        pc += 4;
        const ra = base + (a << 3);
        const step = load<f64>(ra, 16);
        const i = load<f64>(ra) + step;
        store<f64>(ra, i);
        if (forContinues(i, load<f64>(ra, 8), step, ((ins >> 16) & 1) != 0)) {
          pc += off << 2;
          left += off;
          if (left < 0 || collectRequested) {
            setFuel(left);
            const s = safePoint(fr, pc);
            left = fuel;
            if (s == PAUSE) return STATUS_PAUSED;
            if (s == FAILED || s == COMPILED) break;
          }
        }
        continue;
      }
      case O.OP_FORLOOP1: {
        const off = load<i32>(pc);
        pc += 4;
        const ra = base + (a << 3);
        const i = load<f64>(ra) + 1;
        store<f64>(ra, i);
        if (i < load<f64>(ra, 8)) {
          pc += off << 2;
          left += off;
          if (left < 0 || collectRequested) {
            setFuel(left);
            const s = safePoint(fr, pc);
            left = fuel;
            if (s == PAUSE) return STATUS_PAUSED;
            if (s == FAILED || s == COMPILED) break;
          }
        }
        continue;
      }
      case O.OP_ITERPREP: {
        const v = R(base, a);
        if (!isType(v, T_LIST) && !isType(v, T_MAP) && !isType(v, T_STRING)) { operandError(OPS_ITERATE, v, v); break; }
        setR(base, a + 1, num(0));
        setR(base, a + 4, num(0));
        continue;
      }
      case O.OP_ITERNEXT: {
        const off = load<i32>(pc);
        pc += 4;
        const v = R(base, a);
        if (!isType(v, T_LIST) && !isType(v, T_MAP) && !isType(v, T_STRING) || !isNum(R(base, a + 1)) || !isNum(R(base, a + 4))) {
          raise1(E_MALFORMED_BYTECODE, num(<f64>((ipc - load<u32>(proto, P_CODE)) >> 2)));
          break;
        }
        if (!iterNext(base, a, ((ins >> 16) & 1) != 0)) pc += off << 2;
        if (faultCode != 0) break;
        continue;
      }
      case O.OP_REGIONENTER: {
        if (!enterRegion()) { raise1(E_MEMORY_LIMIT, NIL); break; }
        continue;
      }
      case O.OP_REGIONEXIT: {
        if (regionDepth > load<u32>(fr, FR_REGION)) {
          store<u32>(fr, pc, FR_PC);
          // the block's registers are dead now: clear them so they do not keep its temporaries
          const nregs = load<u32>(proto, P_NREGS);
          for (let i = a; i < nregs; i++) setR(base, i, NIL);
          exitRegion();
        }
        continue;
      }
      case O.OP_EPOW: {
        const v = elementPower(R(base, (ins >> 16) & 0xFF), R(base, ins >> 24));
        if (faultCode != 0) break;
        setR(base, a, v);
        continue;
      }
      default:
        raise1(E_MALFORMED_BYTECODE, num(<f64>(ins & 0xFF)));
        break;
    }

    if (compiledKind != K_NOT_ENTERED) {
      // compiled code ran and stopped: continue with the frame on top, as it left it
      const kind = compiledKind;
      compiledKind = K_NOT_ENTERED;
      left = fuel;
      fr = frameAt(frameCount - 1);
      proto = load<u32>(fr, FR_PROTO);
      closure = load<u32>(fr, FR_CLOSURE);
      base = load<u32>(fr, FR_BASE);
      kbase = load<u32>(proto, P_KBASE);
      pc = load<u32>(fr, FR_PC);
      if (kind == K_DEOPT) deopted(proto);
      if (kind == K_PAUSED) return STATUS_PAUSED;
      if (kind != K_FAULT) continue;
      ipc = jitExitPc;
    }

    // ---- error path: the instruction at ipc raised a fault, or throws err
    store<u32>(fr, pc, FR_PC);
    let err = throwing;
    throwing = NIL;
    if (faultCode != 0 || err == NIL) {
      if (outOfMemory) {
        clearOutOfMemory();
        clearFault();
        raise1(E_MEMORY_LIMIT, num(<f64>memoryLimit));
      }
      err = faultToError(ipc);
    }
    // the trace walked every frame, and unwinding pops up to as many
    left -= ERROR_STEPS + <i64>frameCount;
    setFuel(left);
    const target = unwind(err, ipc, stopDepth);
    if (target == 0) return STATUS_ERROR;
    fr = frameAt(frameCount - 1);
    proto = load<u32>(fr, FR_PROTO);
    closure = load<u32>(fr, FR_CLOSURE);
    base = load<u32>(fr, FR_BASE);
    kbase = load<u32>(proto, P_KBASE);
    pc = target;
    // a handler can close a loop with no back edge in it: catching is a safe point too
    if (left < 0 || collectRequested) {
      const s = safePoint(fr, pc, false);
      left = fuel;
      if (s == PAUSE) return STATUS_PAUSED;
      if (s == FAILED) return failAtLimit(pc, stopDepth);
    }
  }
  return STATUS_ERROR;
}
