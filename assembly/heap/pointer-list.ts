// The one growable array of the core: u32 pointers kept in a pinned block that doubles when full.
// A list is 12 bytes of static memory (the block, its capacity, its length). The collector's mark
// stack and remembered set, the region log, the scheduler's timers and host futures, and the
// handles' free slots are such lists.
import { allocPinned, freeBlock } from "./alloc";
import { HEADER } from "./layout";

// @ts-ignore: decorator
@inline export function listLength(list: u32): u32 { return load<u32>(list, 8); }
// @ts-ignore: decorator
@inline export function pointerAt(list: u32, i: u32): u32 { return load<u32>(load<u32>(list) + HEADER + (i << 2)); }

export function setPointer(list: u32, i: u32, p: u32): void {
  store<u32>(load<u32>(list) + HEADER + (i << 2), p);
}

export function setListLength(list: u32, n: u32): void {
  store<u32>(list, n, 8);
}

/** Appends p; false when memory is exhausted. `first`: the capacity of its first block. */
// @ts-ignore: decorator
@inline export function pushPointer(list: u32, p: u32, first: u32 = 16): bool {
  // the common case, room left, stays inline: the collector pushes every object it marks
  const n = listLength(list);
  if (n == load<u32>(list, 4)) return pushGrowing(list, p, first);
  store<u32>(load<u32>(list) + HEADER + (n << 2), p);
  store<u32>(list, n + 1, 8);
  return true;
}

/** pushPointer when the block is full: doubles it first. */
function pushGrowing(list: u32, p: u32, first: u32): bool {
  const n = listLength(list),
    cap = load<u32>(list, 4);
  const fresh = allocPinned((cap == 0 ? first : cap * 2) << 2);
  if (fresh == 0) return false;
  const old = load<u32>(list);
  if (old != 0) {
    memory.copy(fresh + HEADER, old + HEADER, n << 2);
    freeBlock(old);
  }
  store<u32>(list, fresh);
  store<u32>(list, cap == 0 ? first : cap * 2, 4);
  setPointer(list, n, p);
  setListLength(list, n + 1);
  return true;
}

/** Removes and returns the last pointer; the caller checks the list is not empty. */
// @ts-ignore: decorator
@inline export function popPointer(list: u32): u32 {
  const n = listLength(list) - 1;
  setListLength(list, n);
  return pointerAt(list, n);
}
