// The collector: mark from roots, then sweep. Roots are supplied by the VM (its stacks and
// globals) between beginMark() and finishMark(). A full collection sweeps the whole heap and
// rebuilds the free lists, joining neighbouring dead blocks. A region collection (when a
// `region { }` block exits) marks only region blocks — every pointer from older memory into a
// region was recorded by the write barrier — and frees the region's dead blocks.
import {
  HEADER, T_FREE, T_RAW, T_LIST, T_MAP, T_STRUCT, T_CLOSURE, T_BOX, T_ERROR, T_MATRIX, T_TENSOR,
  F_MARK, F_PINNED, F_REGION, typeOf, flagsOf, setFlags, sizeOf,
  LIST_LEN, LIST_DATA, MAP_USED, MAP_ENTRIES, MAP_INDEX, STRUCT_DEF, STRUCT_FIELDS, SDEF_COUNT,
  CLO_NCAP, CLO_CAPS, BOX_VALUE, ERR_MESSAGE, ERR_TRACE, MAT_BLOCK, TEN_BLOCK,
  T_FUTURE, T_ACTOR, T_BOUND, FUT_VALUE, FUT_WAITERS, FUT_SOURCE, ACT_CTOR, ACT_METHODS, ACT_RESTARTS, ACT_NAME, ACT_CAUSE, ACT_UPGRADE, ACT_KEEP, ACT_FORMER, BM_ACTOR, BM_NAME,
} from "./layout";
import { isObj, objOf } from "./value";
import {
  freeBlock, heapStart, heapTop, bytesInUse, clearFreeLists, reclaimRun, subtractInUse,
  regionDepth, setRegionDepth, regionLog, setOutOfMemory,
  releaseRegionBlock, setNextCollect, clearCollectRequest,
} from "./alloc";
import { listLength, pointerAt, popPointer, pushPointer, setListLength, setPointer } from "./pointer-list";

/** Objects marked whose references are still to be traced (a pointer list). */
const markStack = <u32>memory.data(12);
let regionOnly: bool = false;

/** The write barrier's record: region values stored into memory older than the region (a pointer list). */
const remembered = <u32>memory.data(12);

const regionStarts = <u32>memory.data(4 * 256);
export const MAX_REGION_DEPTH: u32 = 256;

export let collections: u32 = 0;
export let lastPauseBytes: u64 = 0;

/**
 * Set when the mark stack could not grow: an object was marked but not pushed, so drain() walks
 * the heap for marked objects and traces them again. (Tracing it at once instead would take the
 * host's stack, and keep trace() from being inlined into drain(), its one caller.)
 */
let markOverflowed: bool = false;

function push(p: u32): void {
  if (!pushPointer(markStack, p, 4096)) markOverflowed = true;
}

/** Marks one object (and, later, what it references). */
export function markPtr(p: u32): void {
  if (p == 0) return;
  const f = flagsOf(p);
  if (f & (F_MARK | F_PINNED)) return;
  if (regionOnly && !(f & F_REGION)) return;
  setFlags(p, f | F_MARK);
  push(p);
}

// @ts-ignore: decorator
@inline export function markValue(v: u64): void {
  if (isObj(v)) markPtr(objOf(v));
}

export function markValues(from: u32, count: u32): void {
  for (let i: u32 = 0; i < count; i++) markValue(load<u64>(from + (i << 3)));
}

function trace(p: u32): void {
  switch (typeOf(p)) {
    case T_LIST: {
      const data = load<u32>(p, LIST_DATA);
      if (data != 0) {
        markPtr(data);
        markValues(data + HEADER, load<u32>(p, LIST_LEN));
      }
      break;
    }
    case T_MAP: {
      const entries = load<u32>(p, MAP_ENTRIES);
      if (entries != 0) {
        markPtr(entries);
        markPtr(load<u32>(p, MAP_INDEX));
        markValues(entries + HEADER, load<u32>(p, MAP_USED) * 2);
      }
      break;
    }
    case T_STRUCT:
      markValues(p + STRUCT_FIELDS, load<u32>(load<u32>(p, STRUCT_DEF), SDEF_COUNT));
      break;
    case T_CLOSURE: {
      const n = load<u32>(p, CLO_NCAP);
      for (let i: u32 = 0; i < n; i++) markPtr(load<u32>(p + CLO_CAPS + (i << 2)));
      break;
    }
    case T_BOX:
      markValue(load<u64>(p, BOX_VALUE));
      break;
    case T_ERROR:
      markPtr(load<u32>(p, ERR_MESSAGE));
      markPtr(load<u32>(p, ERR_TRACE));
      break;
    case T_MATRIX:
    case T_TENSOR:
      markPtr(load<u32>(p + (typeOf(p) == T_MATRIX ? MAT_BLOCK : TEN_BLOCK)));
      break;
    // the fibers a future or an actor names are roots of their own
    case T_FUTURE:
      markValue(load<u64>(p, FUT_VALUE));
      markPtr(load<u32>(p, FUT_WAITERS));
      markPtr(load<u32>(p, FUT_SOURCE));
      break;
    case T_ACTOR:
      markPtr(load<u32>(p, ACT_CTOR));
      markPtr(load<u32>(p, ACT_METHODS));
      markPtr(load<u32>(p, ACT_RESTARTS));
      markPtr(load<u32>(p, ACT_NAME));
      markPtr(load<u32>(p, ACT_CAUSE));
      markPtr(load<u32>(p, ACT_UPGRADE));
      markPtr(load<u32>(p, ACT_KEEP));
      markPtr(load<u32>(p, ACT_FORMER));
      break;
    case T_BOUND:
      markPtr(load<u32>(p, BM_ACTOR));
      markPtr(load<u32>(p, BM_NAME));
      break;
    default:
      break;
  }
}

/** Traces what is marked until nothing marked is left untraced. */
function drain(): void {
  // after an overflow, `walk` is where the heap walk for marked objects goes on (0: no walk)
  let walk: u32 = 0;
  while (true) {
    let p: u32;
    if (listLength(markStack) > 0) p = popPointer(markStack);
    else {
      if (walk == 0) {
        if (!markOverflowed) return;
        markOverflowed = false;
        walk = heapStart;
      }
      // tracing an object again is harmless: what it references is marked already, or now
      while (walk < heapTop && (typeOf(walk) == T_FREE || !(flagsOf(walk) & F_MARK))) walk += sizeOf(walk);
      if (walk >= heapTop) {
        walk = 0;
        continue;
      }
      p = walk;
      walk += sizeOf(walk);
    }
    trace(p);
  }
}

// ---------- write barrier ----------

/** Called when `value` is stored into object `container`: remembers region values stored into older objects. */
// @ts-ignore: decorator
@inline export function writeBarrier(container: u32, value: u64): void {
  if (regionDepth > 0 && isObj(value)) rememberSlow(container, objOf(value));
}

function rememberSlow(container: u32, target: u32): void {
  if (!(flagsOf(target) & F_REGION) || (flagsOf(container) & F_REGION)) return;
  // a store the barrier cannot record could let the region free a live value: the run ends with 4001
  if (!pushPointer(remembered, target, 256)) setOutOfMemory();
}

// ---------- collections ----------

/** Starts a collection; the VM then marks its roots and calls finishFull() or finishRegion(). */
export function beginMark(regionCollection: bool): void {
  regionOnly = regionCollection;
  setListLength(markStack, 0);
  if (regionCollection) {
    for (let i: u32 = 0; i < listLength(remembered); i++) markPtr(pointerAt(remembered, i));
  }
}

export function finishFull(): void {
  drain();
  // keep the region log and remembered set true: drop what this collection will free, and move
  // each region's start down by the entries dropped before it
  let w: u32 = 0;
  let d: u32 = 0;
  const logged = listLength(regionLog);
  for (let i: u32 = 0; i < logged; i++) {
    while (d < regionDepth && load<u32>(regionStarts + (d << 2)) == i) store<u32>(regionStarts + (d++ << 2), w);
    const p = pointerAt(regionLog, i);
    const f = flagsOf(p);
    if (typeOf(p) == T_FREE) setFlags(p, f & ~F_REGION);
    else if (f & F_MARK) setPointer(regionLog, w++, p);
  }
  while (d < regionDepth) store<u32>(regionStarts + (d++ << 2), w);
  setListLength(regionLog, w);
  w = 0;
  for (let i: u32 = 0; i < listLength(remembered); i++) {
    const p = pointerAt(remembered, i);
    if (flagsOf(p) & F_MARK) setPointer(remembered, w++, p);
  }
  setListLength(remembered, w);
  sweep();
  collections++;
}

function sweep(): void {
  clearFreeLists();
  let p = heapStart;
  const top = heapTop;
  let runStart: u32 = 0;
  let runSize: u32 = 0;
  let freed: u64 = 0;
  while (p < top) {
    const size = sizeOf(p);
    const f = flagsOf(p);
    const t = typeOf(p);
    let dead = false;
    if (t == T_FREE) dead = !(f & F_REGION);
    else if (f & F_PINNED) dead = false;
    else if (f & F_MARK) {
      setFlags(p, f & ~F_MARK);
    } else {
      dead = true;
      freed += size;
    }
    if (dead) {
      if (runSize == 0) runStart = p;
      runSize += size;
    } else if (runSize != 0) {
      reclaimRun(runStart, runSize);
      runSize = 0;
    }
    p += size;
  }
  if (runSize != 0) reclaimRun(runStart, runSize);
  subtractInUse(freed);
  lastPauseBytes = freed;
  const floor: u64 = 8 << 20;
  setNextCollect(max<u64>(bytesInUse * 2, floor));
  clearCollectRequest();
}

// ---------- regions ----------

export function enterRegion(): bool {
  if (regionDepth >= MAX_REGION_DEPTH) return false;
  store<u32>(regionStarts + (regionDepth << 2), listLength(regionLog));
  setRegionDepth(regionDepth + 1);
  return true;
}

/** Frees the innermost region's blocks that the marked roots do not reach. */
export function finishRegion(): void {
  drain();
  const depth = regionDepth;
  const start = load<u32>(regionStarts + ((depth - 1) << 2));
  let w = start;
  const logged = listLength(regionLog);
  for (let i = start; i < logged; i++) {
    const p = pointerAt(regionLog, i);
    const f = flagsOf(p);
    if (typeOf(p) == T_FREE) {
      setFlags(p, 0);
      releaseRegionBlock(p);
    } else if (f & F_MARK) {
      if (depth == 1) setFlags(p, f & ~(F_MARK | F_REGION));
      else {
        setFlags(p, f & ~F_MARK);
        setPointer(regionLog, w++, p);
      }
    } else {
      setFlags(p, 0);
      freeBlock(p);
    }
  }
  // objects of outer regions reached by this mark keep no mark
  for (let i: u32 = 0; i < start; i++) {
    const p = pointerAt(regionLog, i);
    setFlags(p, flagsOf(p) & ~F_MARK);
  }
  setListLength(regionLog, w);
  setRegionDepth(depth - 1);
  if (depth == 1) setListLength(remembered, 0);
  regionOnly = false;
}

/** Leaves regions down to `depth` without freeing (used when unwinding in bulk is not possible). */
export function currentRegionDepth(): u32 {
  return regionDepth;
}
