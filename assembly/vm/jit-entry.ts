// Tiering: where the interpreter hands a frame to compiled code. The host compiles a function
// (src/jit/) into a WebAssembly function in the shared table, `(frame, entry) -> kind`, that runs on
// the frame's own registers and frame records, so either tier can continue where the other stopped.
// Entry 0 starts the function (a call); entry w + 1 joins it at the loop header at word w (on-stack
// replacement, from a safe point in the loop). Whatever way compiled code stops, the frames in
// memory are exactly what the interpreter would have at that instruction.
import * as O from "./opcodes";
import { P_JIT, P_ENTRY, P_TICKS, P_DEOPTS, P_CODE, PROTO_SIZE, protos, protoCount, protoAt, setTick, SLICE } from "./state";

export const JIT_OFF: u32 = 0;
export const JIT_ON: u32 = 1;
/** Every function is compiled at its first call (for testing the compiled tier). */
export const JIT_EAGER: u32 = 2;
export let jitMode: u32 = JIT_OFF;

// What compiled code returns.
/** It did not start (no code for that loop header, or a value there is not what it assumes). */
export const K_NOT_ENTERED: u32 = 0;
/** The function returned: its frame is popped and its value is in the caller's register. */
export const K_RETURNED: u32 = 1;
/** It stopped before an instruction it leaves to the interpreter: continue at the top frame's pc. */
export const K_EXIT: u32 = 2;
/** Like K_EXIT, because a guard failed: a value was not what the code assumed. */
export const K_DEOPT: u32 = 3;
/** A safe point ended the slice: the run returns to the host; the top frame resumes at its pc. */
export const K_PAUSED: u32 = 4;
/** An instruction at jitExitPc raised the fault now set; the top frame's pc is past it. */
export const K_FAULT: u32 = 5;

/**
 * What a compiled function's body returns to a compiled caller when it stopped before returning,
 * or'ed with the kind (no value has these bits: its top 16 are ones). A value it returns is the
 * result itself; the module's entry from the interpreter turns either into a kind.
 */
export const STOPPED: u64 = 0xFFFF_0000_0000_0000;

/** The instruction where compiled code stopped on a fault. */
export let jitExitPc: u32 = 0;

/** Steps between samples when compiling: a function is hot after `hotTicks` samples found it running. */
const JIT_TICK: i64 = 1 << 13;
let hotTicks: u32 = 8;
/** A function whose guards failed this often is left to the interpreter. */
const DEOPT_LIMIT: u32 = 64;
const GAVE_UP: u32 = 0xFFFF_FFFF;

let deopts: u32 = 0;
let abandoned: u32 = 0;

// @ts-ignore: decorator
@external("host", "jitCompile")
/** Compiles function `proto`: its table slot, 0 when not now (the compiler is still loading), -1 never. */
declare function hostCompile(proto: u32): i32;

export function setJitMode(mode: u32, threshold: u32): void {
  jitMode = mode;
  hotTicks = max<u32>(threshold, 1);
  setTick(mode == JIT_OFF ? SLICE : JIT_TICK);
  for (let i: u32 = 0; i < protoCount; i++) markNew(protoAt(i));
}

/** A new function's tier: compiled at its first call when eager, else when it gets hot; none when off. */
export function markNew(proto: u32): void {
  if (jitMode != JIT_OFF && load<i32>(proto, P_JIT) > 0) return;
  setSlot(proto, jitMode == JIT_EAGER ? -1 : 0);
}

/** The one instruction a call of a function with compiled code (or to compile) starts at. */
const ENTER = memory.data<u32>([O.OP_JITENTER]);

/**
 * Sets P_JIT, and where a call of `proto` starts: its bytecode, or ENTER while it has (or is to
 * have) compiled code, so that a call of an interpreted function costs no test of P_JIT.
 */
function setSlot(proto: u32, slot: i32): void {
  store<i32>(proto, slot, P_JIT);
  store<u32>(proto, slot != 0 ? ENTER : load<u32>(proto, P_CODE), P_ENTRY);
}

/** Function `proto` runs compiled code from its first call (the process compiled it already). */
export function useCompiled(proto: u32, slot: i32): void {
  if (jitMode != JIT_OFF && slot > 0) setSlot(proto, slot);
}

/** Asks the host for function `proto`'s code; true when it has it now. */
function compile(proto: u32): bool {
  const slot = hostCompile((proto - protos) / PROTO_SIZE);
  if (slot > 0) {
    setSlot(proto, slot);
    return true;
  }
  setSlot(proto, 0);
  // not now: it needs as many samples again; never: it gets none
  store<u32>(proto, slot < 0 ? GAVE_UP : 0, P_TICKS);
  return false;
}

/** A safe point's sample of the running function; true when it has compiled code (now). */
export function sampled(proto: u32): bool {
  const slot = load<i32>(proto, P_JIT);
  if (slot != 0) return slot > 0;
  const ticks = load<u32>(proto, P_TICKS);
  if (ticks == GAVE_UP) return false;
  store<u32>(proto, ticks + 1, P_TICKS);
  return ticks + 1 >= hotTicks && compile(proto);
}

/**
 * Runs function `proto`'s compiled code on frame `fr`: from its start when `loopAt` is 0 (a call
 * just made the frame), else joining the loop whose header is the instruction at address `loopAt`.
 * Returns the kind it stopped with. The caller has stored the frame's pc and the budget's fuel.
 */
export function runCompiled(proto: u32, fr: u32, loopAt: u32): u32 {
  let slot = load<i32>(proto, P_JIT);
  if (slot < 0) {
    if (!compile(proto)) return K_NOT_ENTERED;
    slot = load<i32>(proto, P_JIT);
  }
  if (slot == 0) return K_NOT_ENTERED;
  return call_indirect<u32>(<u32>slot, fr, loopAt == 0 ? 0 : ((loopAt - load<u32>(proto, P_CODE)) >> 2) + 1);
}

/** Compiled code of `proto` handed its frame back on a failed guard; too often, and it is not used again. */
export function deopted(proto: u32): void {
  deopts++;
  const n = load<u32>(proto, P_DEOPTS) + 1;
  store<u32>(proto, n, P_DEOPTS);
  if (n >= DEOPT_LIMIT && load<i32>(proto, P_JIT) != 0) {
    setSlot(proto, 0);
    store<u32>(proto, GAVE_UP, P_TICKS);
    abandoned++;
  }
}

export function deoptCount(): u32 { return deopts; }
export function abandonedCount(): u32 { return abandoned; }

/** The table slot for a call of `proto` from compiled code, compiling it now if it can be; 0: none. */
export function calleeSlot(proto: u32): i32 {
  const slot = load<i32>(proto, P_JIT);
  if (slot > 0) return slot;
  if (jitMode == JIT_OFF || load<u32>(proto, P_TICKS) == GAVE_UP) return 0;
  return compile(proto) ? load<i32>(proto, P_JIT) : 0;
}
