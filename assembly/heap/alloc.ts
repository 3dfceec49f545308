// The block allocator under every heap object. Small blocks (up to 256 bytes) come from
// segregated free lists, one per 8-byte size class; larger blocks from power-of-two bins with
// first fit and splitting; new space is bumped from the top of memory, which grows on demand.
// Blocks allocated while a region is open are logged so that region exit can free them.
import { HEADER, T_FREE, F_PINNED, F_REGION, sizeOf, flagsOf } from "./layout";
import { pushPointer } from "./pointer-list";

const SMALL_MAX: u32 = 256;
const SMALL_CLASSES: u32 = SMALL_MAX / 8 + 1;
const LARGE_BINS: u32 = 32;
const FREE_NEXT: u32 = 8; // a free block keeps the next free block here

const smallHeads = <u32>memory.data(SMALL_CLASSES * 4);
const largeHeads = <u32>memory.data(LARGE_BINS * 4);

export let heapStart: u32 = 0;
export let heapTop: u32 = 0;
let heapEnd: u32 = 0;

/** Bytes in blocks that are allocated (live or not yet found dead). */
export let bytesInUse: u64 = 0;
/** Collection is due when bytesInUse passes this. */
export let nextCollectAt: u64 = 8 << 20;
export let collectRequested: bool = false;
/** Most bytes the program may hold; 0 means no limit. */
export let memoryLimit: u64 = 0;
/** Set when memory could not grow; the VM reports 4001 at its next check. */
export let outOfMemory: bool = false;

export function setMemoryLimit(bytes: u64): void {
  memoryLimit = bytes;
}

export function setNextCollect(bytes: u64): void {
  nextCollectAt = bytes;
  collectRequested = bytesInUse >= nextCollectAt;
}

/** `start`: where the heap begins; 0 is just above the static data (unit specs start it above their runtime's memory). */
export function initHeap(start: u32 = 0): void {
  heapStart = ((start != 0 ? start : <u32>__heap_base) + 15) & ~15;
  heapTop = heapStart;
  heapEnd = <u32>memory.size() << 16;
  memory.fill(smallHeads, 0, SMALL_CLASSES * 4);
  memory.fill(largeHeads, 0, LARGE_BINS * 4);
}

// ---------- region log: every block allocated while a region is open ----------

export let regionDepth: u32 = 0;
/** A pointer list of the blocks allocated while a region is open, oldest first. */
export const regionLog = <u32>memory.data(12);

export function setRegionDepth(d: u32): void {
  regionDepth = d;
}

function logRegionBlock(p: u32): void {
  // a block the log cannot hold could not be freed with its region: the run ends with 4001
  if (!pushPointer(regionLog, p, 1024)) outOfMemory = true;
}

// ---------- allocation ----------

function largeBin(size: u32): u32 {
  const b: u32 = 31 - clz<u32>(size);
  return b < LARGE_BINS ? b : LARGE_BINS - 1;
}

function pushFree(p: u32, size: u32): void {
  store<u8>(p, T_FREE);
  store<u8>(p, 0, 1);
  store<u32>(p, size, 4);
  if (size <= SMALL_MAX) {
    const head = smallHeads + ((size >> 3) << 2);
    store<u32>(p, load<u32>(head), FREE_NEXT);
    store<u32>(head, p);
  } else {
    const head = largeHeads + (largeBin(size) << 2);
    store<u32>(p, load<u32>(head), FREE_NEXT);
    store<u32>(head, p);
  }
}

function takeLarge(size: u32): u32 {
  // small sizes start at the smallest large bin (blocks there are above SMALL_MAX)
  for (let bin = largeBin(max<u32>(size, SMALL_MAX + 8)); bin < LARGE_BINS; bin++) {
    let prev: u32 = largeHeads + (bin << 2);
    let p = load<u32>(prev);
    while (p != 0) {
      const have = sizeOf(p);
      if (have >= size) {
        store<u32>(prev, load<u32>(p, FREE_NEXT));
        if (have - size >= 16) {
          pushFree(p + size, have - size);
          store<u32>(p, size, 4);
        }
        return p;
      }
      prev = p + FREE_NEXT;
      p = load<u32>(p, FREE_NEXT);
    }
  }
  return 0;
}

function bump(size: u32): u32 {
  const p = heapTop;
  const need = <u64>p + size;
  if (need > <u64>heapEnd) {
    // grow by what is needed, and at least a quarter of what we have, to amortise
    const want = max<u64>(need - heapEnd, <u64>heapEnd >> 2);
    let pages = <i32>((want + 0xFFFF) >> 16);
    if (<u64>heapEnd + (<u64>pages << 16) > 0xFFFF_0000) pages = <i32>((need - heapEnd + 0xFFFF) >> 16);
    // the heap must stay one run: memory grown by anyone else (none in the VM) ends it
    if (<u64>heapEnd + (<u64>pages << 16) > 0xFFFF_0000 || <u32>memory.grow(pages) << 16 != heapEnd) {
      outOfMemory = true;
      return 0;
    }
    heapEnd = <u32>memory.size() << 16;
  }
  heapTop = p + size;
  store<u32>(p, size, 4);
  return p;
}

function rawAlloc(bytes: u32): u32 {
  if (bytes > 0xF000_0000) {
    outOfMemory = true;
    return 0;
  }
  let size = (bytes + HEADER + 7) & ~7;
  if (size < 16) size = 16;
  // a single block larger than the whole limit can never fit
  if (memoryLimit != 0 && <u64>size > memoryLimit) {
    outOfMemory = true;
    return 0;
  }
  let p: u32 = 0;
  if (size <= SMALL_MAX) {
    const head = smallHeads + ((size >> 3) << 2);
    p = load<u32>(head);
    if (p != 0) store<u32>(head, load<u32>(p, FREE_NEXT));
  }
  // a small block with no free one of its size is cut from a larger free run (the sweep joins
  // dead neighbours into runs), so freed memory is reused before memory grows
  if (p == 0) p = takeLarge(size);
  if (p == 0) p = bump(size);
  if (p == 0) return 0;
  bytesInUse += sizeOf(p);
  // past the limit, the next safe point collects, and reports 4001 if it stays past
  if (bytesInUse >= nextCollectAt || (memoryLimit != 0 && bytesInUse > memoryLimit)) collectRequested = true;
  return p;
}

/** Allocates a block of `bytes` payload bytes for an object of `type`; 0 when memory is exhausted. */
export function allocBlock(bytes: u32, type: u8): u32 {
  const p = rawAlloc(bytes);
  if (p == 0) return 0;
  store<u8>(p, type);
  store<u16>(p, 0, 2);
  if (regionDepth > 0) {
    store<u8>(p, F_REGION, 1);
    logRegionBlock(p);
  } else {
    store<u8>(p, 0, 1);
  }
  return p;
}

/** A block that is never collected nor freed by a region (VM tables, constants). */
export function allocPinned(bytes: u32): u32 {
  const p = rawAlloc(bytes);
  if (p == 0) return 0;
  store<u8>(p, 1); // T_RAW
  store<u8>(p, F_PINNED, 1);
  store<u16>(p, 0, 2);
  return p;
}

/**
 * Frees a block now. A block of an open region stays in the region's log as a dead block
 * (type FREE, still flagged REGION) and reaches a free list when the region exits, so the log
 * never names a block that was handed out again.
 */
export function freeBlock(p: u32): void {
  const size = sizeOf(p);
  bytesInUse -= size;
  if (flagsOf(p) & F_REGION) {
    store<u8>(p, T_FREE);
    return;
  }
  pushFree(p, size);
}

/** Returns a dead block of a closed region to the free lists. */
export function releaseRegionBlock(p: u32): void {
  pushFree(p, sizeOf(p));
}

/** Forgets all free lists; the sweep rebuilds them. */
export function clearFreeLists(): void {
  memory.fill(smallHeads, 0, SMALL_CLASSES * 4);
  memory.fill(largeHeads, 0, LARGE_BINS * 4);
}

/** Gives a run of dead memory found by the sweep back; a run at the top lowers the top instead. */
export function reclaimRun(p: u32, size: u32): void {
  if (p + size == heapTop) {
    heapTop = p;
    return;
  }
  pushFree(p, size);
}

export function subtractInUse(bytes: u64): void {
  bytesInUse -= bytes;
}

export function clearCollectRequest(): void {
  collectRequested = false;
}

export function setOutOfMemory(): void {
  outOfMemory = true;
}

export function clearOutOfMemory(): void {
  outOfMemory = false;
}

export function memoryBytes(): u64 {
  return <u64>heapEnd;
}
