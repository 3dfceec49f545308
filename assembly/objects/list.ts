// Lists: a header object pointing at a RAW block of u64 items that grows by doubling.
import { HEADER, T_LIST, T_RAW, F_REGION, LIST_LEN, LIST_CAP, LIST_DATA, LIST_SIZE, flagsOf } from "../heap/layout";
import { allocBlock, freeBlock, regionDepth, setRegionDepth } from "../heap/alloc";
import { writeBarrier } from "../heap/gc";
import { raise } from "../vm/fault";
import { E_MEMORY_LIMIT } from "../vm/contract";

/**
 * Storage for an object's items. Storage of an object that lives outside the open regions is
 * allocated outside them too, so a region exit never frees what an older object owns.
 */
export function allocStorage(owner: u32, bytes: u32): u32 {
  let p: u32;
  if (regionDepth > 0 && !(flagsOf(owner) & F_REGION)) {
    const d = regionDepth;
    setRegionDepth(0);
    p = allocBlock(bytes, T_RAW);
    setRegionDepth(d);
  } else {
    p = allocBlock(bytes, T_RAW);
  }
  if (p == 0) raise(E_MEMORY_LIMIT);
  return p;
}

export function newList(cap: u32): u32 {
  const p = allocBlock(LIST_SIZE - HEADER, T_LIST);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  store<u32>(p, 0, LIST_LEN);
  store<u32>(p, 0, LIST_CAP);
  store<u32>(p, 0, LIST_DATA);
  if (cap > 0) {
    const d = allocStorage(p, cap << 3);
    if (d == 0) return 0;
    store<u32>(p, d, LIST_DATA);
    store<u32>(p, cap, LIST_CAP);
  }
  return p;
}

// @ts-ignore: decorator
@inline export function listLen(p: u32): u32 { return load<u32>(p, LIST_LEN); }
// @ts-ignore: decorator
@inline export function listItems(p: u32): u32 { return load<u32>(p, LIST_DATA) + HEADER; }
// @ts-ignore: decorator
@inline export function listGet(p: u32, i: u32): u64 { return load<u64>(listItems(p) + (i << 3)); }

export function listSet(p: u32, i: u32, v: u64): void {
  writeBarrier(p, v);
  store<u64>(listItems(p) + (i << 3), v);
}

function grow(p: u32, need: u32): bool {
  const cap = load<u32>(p, LIST_CAP);
  if (need <= cap) return true;
  let ncap: u32 = cap < 4 ? 4 : cap * 2;
  if (ncap < need) ncap = need;
  const fresh = allocStorage(p, ncap << 3);
  if (fresh == 0) return false;
  const old = load<u32>(p, LIST_DATA);
  if (old != 0) {
    memory.copy(fresh + HEADER, old + HEADER, listLen(p) << 3);
    freeBlock(old);
  }
  store<u32>(p, fresh, LIST_DATA);
  store<u32>(p, ncap, LIST_CAP);
  return true;
}

export function listPush(p: u32, v: u64): void {
  const n = listLen(p);
  if (!grow(p, n + 1)) return;
  store<u32>(p, n + 1, LIST_LEN);
  listSet(p, n, v);
}

/** Removes and returns the last item; the caller checks the list is not empty. */
export function listPop(p: u32): u64 {
  const n = listLen(p) - 1;
  store<u32>(p, n, LIST_LEN);
  return listGet(p, n);
}

export function listInsert(p: u32, i: u32, v: u64): void {
  const n = listLen(p);
  if (!grow(p, n + 1)) return;
  const items = listItems(p);
  memory.copy(items + ((i + 1) << 3), items + (i << 3), (n - i) << 3);
  store<u32>(p, n + 1, LIST_LEN);
  listSet(p, i, v);
}

export function listRemoveAt(p: u32, i: u32): u64 {
  const n = listLen(p);
  const items = listItems(p);
  const v = load<u64>(items + (i << 3));
  memory.copy(items + (i << 3), items + ((i + 1) << 3), (n - i - 1) << 3);
  store<u32>(p, n - 1, LIST_LEN);
  return v;
}

/** A new list of items [from, to) of p. */
export function listSlice(p: u32, from: u32, to: u32): u32 {
  const n = to > from ? to - from : 0;
  const q = newList(n);
  if (q == 0) return 0;
  if (n > 0) memory.copy(listItems(q), listItems(p) + (from << 3), n << 3);
  store<u32>(q, n, LIST_LEN);
  return q;
}

export function listConcat(a: u32, b: u32): u32 {
  const na = listLen(a), nb = listLen(b);
  const q = newList(na + nb);
  if (q == 0) return 0;
  if (na > 0) memory.copy(listItems(q), listItems(a), na << 3);
  if (nb > 0) memory.copy(listItems(q) + (na << 3), listItems(b), nb << 3);
  store<u32>(q, na + nb, LIST_LEN);
  return q;
}

/** A list made of `n` values stored at `src`. */
export function listFrom(src: u32, n: u32): u32 {
  const q = newList(n);
  if (q == 0) return 0;
  if (n > 0) memory.copy(listItems(q), src, n << 3);
  store<u32>(q, n, LIST_LEN);
  return q;
}
