// A growable list of u32 pointers kept in a pinned block (pending timeouts, host futures). A list
// is 12 bytes of static memory: the block, its capacity and the length.
import { HEADER } from "../heap/layout";
import { allocPinned, freeBlock } from "../heap/alloc";

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

/** Appends p; false when memory is exhausted. */
export function pushPointer(list: u32, p: u32): bool {
  const n = listLength(list), cap = load<u32>(list, 4);
  if (n == cap) {
    const fresh = allocPinned((cap == 0 ? 16 : cap * 2) << 2);
    if (fresh == 0) return false;
    const old = load<u32>(list);
    if (old != 0) {
      memory.copy(fresh + HEADER, old + HEADER, n << 2);
      freeBlock(old);
    }
    store<u32>(list, fresh);
    store<u32>(list, cap == 0 ? 16 : cap * 2, 4);
  }
  setPointer(list, n, p);
  setListLength(list, n + 1);
  return true;
}
