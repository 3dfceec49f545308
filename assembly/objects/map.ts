// Maps: insertion-ordered entries (key, value) with an open-addressing index of entry numbers.
// Keys are strings (by content) or numbers (by value, -0 equal to 0). Deleted entries leave a
// tombstone key until the next rebuild.
import { HEADER, T_MAP, T_STRING, MAP_COUNT, MAP_USED, MAP_CAP, MAP_ENTRIES, MAP_INDEX, MAP_MASK, MAP_SIZE, typeOf } from "../heap/layout";
import { allocBlock, freeBlock } from "../heap/alloc";
import { writeBarrier } from "../heap/gc";
import { isNum, isObj, objOf, numOf } from "../heap/value";
import { strHash, strEquals } from "./string";
import { allocStorage } from "./list";
import { raise } from "../vm/fault";
import { E_MEMORY_LIMIT } from "../vm/contract";

export const TOMBSTONE: u64 = 0xFFFE_0000_0000_00FF;

export function newMap(cap: u32): u32 {
  const p = allocBlock(MAP_SIZE - HEADER, T_MAP);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  store<u32>(p, 0, MAP_COUNT);
  store<u32>(p, 0, MAP_USED);
  store<u32>(p, 0, MAP_CAP);
  store<u32>(p, 0, MAP_ENTRIES);
  store<u32>(p, 0, MAP_INDEX);
  store<u32>(p, 0, MAP_MASK);
  if (cap > 0 && !rebuild(p, cap)) return 0;
  return p;
}

/** Whether v can be a map key. */
export function isKey(v: u64): bool {
  return isNum(v) || (isObj(v) && typeOf(objOf(v)) == T_STRING);
}

function hashKey(k: u64): u32 {
  if (isNum(k)) {
    const x = numOf(k);
    const bits = reinterpret<u64>(x == 0 ? 0.0 : x);
    const h = <u32>(bits ^ (bits >> 32));
    return (h ^ (h >> 15)) * 0x2C1B3C6D;
  }
  return strHash(objOf(k));
}

function keysEqual(a: u64, b: u64): bool {
  if (isNum(a)) return isNum(b) && numOf(a) == numOf(b);
  if (isNum(b) || a == TOMBSTONE || b == TOMBSTONE) return false;
  return strEquals(objOf(a), objOf(b));
}

// @ts-ignore: decorator
@inline export function mapCount(p: u32): u32 { return load<u32>(p, MAP_COUNT); }
// @ts-ignore: decorator
@inline export function mapUsed(p: u32): u32 { return load<u32>(p, MAP_USED); }
// @ts-ignore: decorator
@inline export function entryAddr(p: u32, e: u32): u32 { return load<u32>(p, MAP_ENTRIES) + HEADER + (e << 4); }
// @ts-ignore: decorator
@inline export function entryKey(p: u32, e: u32): u64 { return load<u64>(entryAddr(p, e)); }
// @ts-ignore: decorator
@inline export function entryValue(p: u32, e: u32): u64 { return load<u64>(entryAddr(p, e), 8); }

/** Entry number of key k, or -1. */
export function mapFind(p: u32, k: u64): i32 {
  if (load<u32>(p, MAP_CAP) == 0) return -1;
  const mask = load<u32>(p, MAP_MASK);
  const index = load<u32>(p, MAP_INDEX) + HEADER;
  let slot = hashKey(k) & mask;
  while (true) {
    const e = load<u32>(index + (slot << 2));
    if (e == 0) return -1;
    if (keysEqual(entryKey(p, e - 1), k)) return <i32>(e - 1);
    slot = (slot + 1) & mask;
  }
}

/** Rebuilds entries (dropping tombstones) and index for a capacity of `cap` entries. */
function rebuild(p: u32, cap: u32): bool {
  let slots: u32 = 8;
  while (slots < cap * 2) slots <<= 1;
  const entries = allocStorage(p, cap << 4);
  if (entries == 0) return false;
  const index = allocStorage(p, slots << 2);
  if (index == 0) return false;
  memory.fill(index + HEADER, 0, slots << 2);
  const oldEntries = load<u32>(p, MAP_ENTRIES);
  const used = load<u32>(p, MAP_USED);
  let n: u32 = 0;
  const mask = slots - 1;
  for (let e: u32 = 0; e < used; e++) {
    const k = entryKey(p, e);
    if (k == TOMBSTONE) continue;
    const v = entryValue(p, e);
    store<u64>(entries + HEADER + (n << 4), k);
    store<u64>(entries + HEADER + (n << 4), v, 8);
    let slot = hashKey(k) & mask;
    while (load<u32>(index + HEADER + (slot << 2)) != 0) slot = (slot + 1) & mask;
    store<u32>(index + HEADER + (slot << 2), n + 1);
    n++;
  }
  if (oldEntries != 0) {
    freeBlock(oldEntries);
    freeBlock(load<u32>(p, MAP_INDEX));
  }
  store<u32>(p, entries, MAP_ENTRIES);
  store<u32>(p, index, MAP_INDEX);
  store<u32>(p, mask, MAP_MASK);
  store<u32>(p, cap, MAP_CAP);
  store<u32>(p, n, MAP_USED);
  store<u32>(p, n, MAP_COUNT);
  return true;
}

export function mapSet(p: u32, k: u64, v: u64): void {
  writeBarrier(p, k);
  writeBarrier(p, v);
  const found = mapFind(p, k);
  if (found >= 0) {
    store<u64>(entryAddr(p, found), v, 8);
    return;
  }
  let used = load<u32>(p, MAP_USED);
  const cap = load<u32>(p, MAP_CAP);
  if (used == cap) {
    const count = mapCount(p);
    // mostly deleted entries: compact in place; else double
    if (!rebuild(p, count < cap / 2 ? cap : max<u32>(8, cap * 2))) return;
    used = load<u32>(p, MAP_USED);
  }
  store<u64>(entryAddr(p, used), k);
  store<u64>(entryAddr(p, used), v, 8);
  const mask = load<u32>(p, MAP_MASK);
  const index = load<u32>(p, MAP_INDEX) + HEADER;
  let slot = hashKey(k) & mask;
  while (load<u32>(index + (slot << 2)) != 0) slot = (slot + 1) & mask;
  store<u32>(index + (slot << 2), used + 1);
  store<u32>(p, used + 1, MAP_USED);
  store<u32>(p, mapCount(p) + 1, MAP_COUNT);
}

/** Deletes key k; returns its value, or TOMBSTONE when it was missing. */
export function mapDelete(p: u32, k: u64): u64 {
  const e = mapFind(p, k);
  if (e < 0) return TOMBSTONE;
  const v = entryValue(p, e);
  store<u64>(entryAddr(p, e), TOMBSTONE);
  store<u32>(p, mapCount(p) - 1, MAP_COUNT);
  return v;
}
