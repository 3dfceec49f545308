// The VM's tables and the running fiber. Function prototypes, constants and struct definitions
// are loaded by the host into pinned memory; a fiber is a register stack plus a stack of frames,
// each frame linked to its caller by position, so a fiber can be suspended and resumed by saving
// nothing but these numbers.
import { HEADER } from "../heap/layout";
import { allocPinned, freeBlock } from "../heap/alloc";
import { NIL } from "../heap/value";

// ---- function prototypes: a table of fixed-size records ----
export const P_CODE: u32 = 0; // address of the first instruction word
export const P_LEN: u32 = 4; // words
export const P_NPARAMS: u32 = 8;
export const P_NREGS: u32 = 12;
export const P_NCAPS: u32 = 16;
export const P_CAPS: u32 = 20; // address of u32 capture descriptors: bit 31 set = parent's capture, else register
export const P_KBASE: u32 = 24; // address of this module's constants (u64 values)
export const P_HANDLERS: u32 = 28; // address of handler records
export const P_NHANDLERS: u32 = 32;
export const P_NAME: u32 = 36; // string pointer
export const P_NREQUIRED: u32 = 40; // arguments a call must pass (the rest have defaults)
export const P_JIT: u32 = 44; // i32: > 0 the table slot of its compiled code, < 0 compile at the next call, 0 interpret
export const P_TICKS: u32 = 48; // safe points that found it running (see jit-entry.ts)
export const P_DEOPTS: u32 = 52; // times its compiled code handed a frame back on a failed guard
export const P_ENTRY: u32 = 56; // where a call starts: P_CODE, or a JITENTER while P_JIT is not 0 (see jit-entry.ts)
export const PROTO_SIZE: u32 = 60;

// handler records: [start, end) word offsets guarded, target word offset, register, region level
export const H_START: u32 = 0;
export const H_END: u32 = 4;
export const H_TARGET: u32 = 8;
export const H_REG: u32 = 12;
export const H_REGION: u32 = 16;
export const HANDLER_SIZE: u32 = 20;

// ---- frames ----
export const FR_CLOSURE: u32 = 0;
export const FR_PROTO: u32 = 4; // address of the proto record
export const FR_PC: u32 = 8; // address of the next instruction
export const FR_BASE: u32 = 12; // address of R[0] (frames are moved with the registers)
export const FR_REGION: u32 = 16; // region depth when the frame was entered
export const FRAME_SIZE: u32 = 20;

export let protos: u32 = 0; // payload address of the proto table
let protoCap: u32 = 0;
export let protoCount: u32 = 0;
let protoBlock: u32 = 0;

export let globals: u32 = 0; // payload address of u64 globals
let globalsBlock: u32 = 0;
export let globalCount: u32 = 0;

let structBlock: u32 = 0;
export let structs: u32 = 0; // payload address of u32 structdef pointers
let structCap: u32 = 0;
export let structCount: u32 = 0;

// the running fiber
export let regs: u32 = 0; // address of register 0
let regsBlock: u32 = 0;
export let regCap: u32 = 0; // registers
export let regsEnd: u32 = 0; // address just past the last register
export let frames: u32 = 0;
let framesBlock: u32 = 0;
export let frameCap: u32 = 0;
export let frameCount: u32 = 0;
/** min(maxDepth, frameCap): a call at or past it takes the slow path. */
export let frameLimit: u32 = 0;
/**
 * The address of the frame record at depth frameLimit: compiled code, which does not count its
 * frames as it goes (see compiledSafePoint), pushes a frame only below it.
 */
export let frameEnd: u32 = 0;

function limitFrames(): void {
  frameLimit = min(maxDepth, frameCap);
  frameEnd = frames + frameLimit * FRAME_SIZE;
}

// limits
export let maxDepth: u32 = 10000;

// Instruction budget. The loop counts down `fuel`, a slice of the budget. When a slice is spent the
// loop reaches a safe point; after `pauseEvery` steps that returns to the host (which resumes it at
// once), so engines that optimise a function only when it is next called get to run the optimised
// loop, and a host can interleave work. With compiled code on, slices are shorter than pauses
// (`tick`): each safe point in between samples which function runs (see jit-entry.ts).
export const SLICE: i64 = 1 << 22;
export let budget: i64 = 0x7FFF_FFFF_FFFF_FFFF; // steps left before this slice
export let stepLimit: i64 = 0;
export let fuel: i64 = SLICE;
export let sliceSize: i64 = SLICE;
export let tick: i64 = SLICE;
let pauseEvery: i64 = SLICE;
let untilPause: i64 = SLICE;
/** Steps of the slices spent so far, whatever budget they came from (the host's count of instructions run). */
let stepsBefore: i64 = 0;

export function setMaxDepth(n: u32): void {
  maxDepth = n;
  limitFrames();
}
export function setBudget(n: i64): void {
  budget = n;
  stepLimit = n;
  pauseEvery = SLICE;
  startSlice();
}
export function setFuel(n: i64): void { fuel = n; }

/** Steps between safe points that sample the running function (SLICE when nothing samples). */
export function setTick(steps: i64): void {
  tick = steps;
  startSlice();
}

/**
 * Lets the run spend `n` more steps before 4002, returning to the host after `slice` of them (a
 * budget other VMs spend too: the host looks at what they spent); the limit its message names stays.
 */
export function setStepsLeft(n: i64, slice: i64): void {
  budget = n;
  pauseEvery = min(slice, SLICE);
  startSlice();
}

function startSlice(): void {
  stepsBefore += sliceSize - fuel;
  untilPause = pauseEvery;
  fuel = min(budget, min(pauseEvery, tick));
  sliceSize = fuel;
}

/** Charges the spent slice to the budget; false when the budget is gone. Starts a new slice. */
export function nextSlice(): bool {
  const spent = sliceSize - fuel;
  stepsBefore += spent;
  budget -= spent;
  untilPause -= spent;
  if (budget <= 0) return false;
  fuel = min(budget, min(untilPause > 0 ? untilPause : pauseEvery, tick));
  sliceSize = fuel;
  return true;
}

/** After nextSlice: whether the run has spent its time until the next return to the host. */
export function pauseDue(): bool {
  if (untilPause > 0) return false;
  untilPause = pauseEvery;
  return true;
}

export function stepsLeft(): i64 {
  return budget - (sliceSize - fuel);
}

/** Every step spent since the VM began: the slices charged, and the one going on. */
export function stepsSpent(): i64 {
  return stepsBefore + (sliceSize - fuel);
}
export function setFrameCount(n: u32): void { frameCount = n; }

function grown(block: u32, used: u32, bytes: u32): u32 {
  const fresh = allocPinned(bytes);
  if (fresh == 0) return 0;
  if (block != 0) {
    memory.copy(fresh + HEADER, block + HEADER, used);
    freeBlock(block);
  }
  return fresh;
}

export function initState(): void {}

// ---- switching fibers: a fiber record starts with its stacks (see fiber.ts) ----
export const FB_REGS: u32 = 0; // register block (0 until the fiber starts)
export const FB_REGCAP: u32 = 4;
export const FB_FRAMES: u32 = 8; // frame block
export const FB_FRAMECAP: u32 = 12;
export const FB_DEPTH: u32 = 16; // frames in use

/** Stores the running stacks' numbers into fiber record `f`. */
export function saveStacks(f: u32): void {
  store<u32>(f, regsBlock, FB_REGS);
  store<u32>(f, regCap, FB_REGCAP);
  store<u32>(f, framesBlock, FB_FRAMES);
  store<u32>(f, frameCap, FB_FRAMECAP);
  store<u32>(f, frameCount, FB_DEPTH);
}

/** Makes fiber record `f`'s stacks the running ones. */
export function loadStacks(f: u32): void {
  regsBlock = load<u32>(f, FB_REGS);
  regCap = load<u32>(f, FB_REGCAP);
  regs = regsBlock + HEADER;
  regsEnd = regs + (regCap << 3);
  framesBlock = load<u32>(f, FB_FRAMES);
  frameCap = load<u32>(f, FB_FRAMECAP);
  frames = framesBlock + HEADER;
  frameCount = load<u32>(f, FB_DEPTH);
  limitFrames();
}

/** No fiber runs: empty stacks, so nothing reads a stale one. */
export function clearStacks(): void {
  regsBlock = 0;
  regCap = 0;
  regs = 0;
  regsEnd = 0;
  framesBlock = 0;
  frameCap = 0;
  frames = 0;
  frameCount = 0;
  frameLimit = 0;
  frameEnd = 0;
}

export function addProto(): u32 {
  if (protoCount == protoCap) {
    const cap = protoCap == 0 ? 64 : protoCap * 2;
    protoBlock = grown(protoBlock, protoCount * PROTO_SIZE, cap * PROTO_SIZE);
    protos = protoBlock + HEADER;
    protoCap = cap;
  }
  return protoCount++;
}

// @ts-ignore: decorator
@inline export function protoAt(i: u32): u32 { return protos + i * PROTO_SIZE; }

export function ensureGlobals(n: u32): void {
  if (n <= globalCount) return;
  globalsBlock = grown(globalsBlock, globalCount << 3, n << 3);
  globals = globalsBlock + HEADER;
  for (let i = globalCount; i < n; i++) store<u64>(globals + (i << 3), NIL);
  globalCount = n;
}

export function addStruct(def: u32): u32 {
  if (structCount == structCap) {
    const cap = structCap == 0 ? 16 : structCap * 2;
    structBlock = grown(structBlock, structCount << 2, cap << 2);
    structs = structBlock + HEADER;
    structCap = cap;
  }
  store<u32>(structs + (structCount << 2), def);
  return structCount++;
}

// @ts-ignore: decorator
@inline export function structAt(i: u32): u32 { return load<u32>(structs + (i << 2)); }

/** Makes room for `n` registers; register contents keep their indices. False when out of memory. */
export function ensureRegisters(n: u32): bool {
  if (n <= regCap) return true;
  let cap = regCap == 0 ? n : regCap * 2;
  if (cap < n) cap = n;
  const fresh = grown(regsBlock, regCap << 3, cap << 3);
  if (fresh == 0) return false;
  const moved = fresh + HEADER - regs;
  regsBlock = fresh;
  regs = regsBlock + HEADER;
  for (let i = regCap; i < cap; i++) store<u64>(regs + (i << 3), NIL);
  regCap = cap;
  regsEnd = regs + (cap << 3);
  // frames hold register addresses: move them with the registers
  for (let f: u32 = 0; f < frameCount; f++) {
    const fr = frames + f * FRAME_SIZE;
    store<u32>(fr, load<u32>(fr, FR_BASE) + moved, FR_BASE);
  }
  return true;
}

export function ensureFrames(n: u32): bool {
  if (n <= frameCap) return true;
  let cap = frameCap == 0 ? n : frameCap * 2;
  if (cap < n) cap = n;
  const fresh = grown(framesBlock, frameCap * FRAME_SIZE, cap * FRAME_SIZE);
  if (fresh == 0) return false;
  framesBlock = fresh;
  frames = framesBlock + HEADER;
  frameCap = cap;
  limitFrames();
  return true;
}

// @ts-ignore: decorator
@inline export function frameAt(i: u32): u32 { return frames + i * FRAME_SIZE; }
