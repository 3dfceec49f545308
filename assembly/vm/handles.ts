// Values the host holds on to (a matrix view in JavaScript, say): each is kept in a slot of
// this table, which the collector treats as roots, until the host releases it.
import { HEADER } from "../heap/layout";
import { allocPinned, freeBlock } from "../heap/alloc";
import { listLength, popPointer, pushPointer } from "../heap/pointer-list";
import { NIL } from "../heap/value";

let table: u32 = 0; // pinned block of u64 slots
let capacity: u32 = 0;
let used: u32 = 0; // slots ever handed out; free ones hold NIL and are listed below
/** The numbers of free slots (a pointer list). */
const freeSlots = <u32>memory.data(12);

// @ts-ignore: decorator
@inline export function handleSlots(): u32 { return table + HEADER; }
// @ts-ignore: decorator
@inline export function handleCount(): u32 { return used; }

function grow(): bool {
  const cap = capacity == 0 ? 64 : capacity * 2;
  const fresh = allocPinned(cap << 3);
  if (fresh == 0) return false;
  if (table != 0) {
    memory.copy(fresh + HEADER, table + HEADER, used << 3);
    freeBlock(table);
  }
  table = fresh;
  capacity = cap;
  return true;
}

/** Keeps v alive; returns its handle (a slot number + 1), or 0 when out of memory. */
export function retain(v: u64): u32 {
  let slot: u32;
  if (listLength(freeSlots) > 0) slot = popPointer(freeSlots);
  else {
    if (used == capacity && !grow()) return 0;
    slot = used++;
  }
  store<u64>(table + HEADER + (slot << 3), v);
  return slot + 1;
}

export function release(handle: u32): void {
  if (handle == 0 || handle > used) return;
  const slot = handle - 1;
  store<u64>(table + HEADER + (slot << 3), NIL);
  // a slot that cannot be listed as free (memory exhausted) is never handed out again
  pushPointer(freeSlots, slot, 64);
}

export function handleAddress(handle: u32): u32 {
  return table + HEADER + ((handle - 1) << 3);
}
