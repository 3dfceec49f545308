// Strings: immutable UTF-8 with a cached code point count and hash. An all-ASCII string
// (flagged in the header) indexes by byte; others walk code points.
import { HEADER, T_STRING, F_PINNED, STR_BYTES, STR_CPS, STR_HASH, STR_DATA, STR_ASCII, auxOf, setAux, setFlags, flagsOf } from "../heap/layout";
import { allocBlock } from "../heap/alloc";
import { raise } from "../vm/fault";
import { E_MEMORY_LIMIT } from "../vm/contract";

/** A string of `n` bytes whose contents the caller writes, then calls finishString. 0 on OOM. */
export function allocString(n: u32): u32 {
  const p = allocBlock(STR_DATA - HEADER + n, T_STRING);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  store<u32>(p, n, STR_BYTES);
  store<u32>(p, 0, STR_HASH);
  return p;
}

/** Counts code points and sets the ASCII flag. */
export function finishString(p: u32): u32 {
  const n = load<u32>(p, STR_BYTES);
  const d = p + STR_DATA;
  let cps: u32 = 0;
  let ascii = true;
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(d + i);
    if (c >= 0x80) ascii = false;
    if ((c & 0xC0) != 0x80) cps++;
  }
  store<u32>(p, cps, STR_CPS);
  setAux(p, ascii ? STR_ASCII : 0);
  return p;
}

export function stringFromBytes(src: u32, n: u32): u32 {
  const p = allocString(n);
  if (p == 0) return 0;
  memory.copy(p + STR_DATA, src, n);
  return finishString(p);
}

/** A pinned string from an ASCII literal of this source (type names, operator symbols). */
export function pinnedLiteral(s: string): u32 {
  const n = <u32>s.length;
  const p = allocString(n);
  for (let i: u32 = 0; i < n; i++) store<u8>(p + STR_DATA + i, <u8>s.charCodeAt(i));
  setFlags(p, flagsOf(p) | F_PINNED);
  return finishString(p);
}

// @ts-ignore: decorator
@inline export function strBytes(p: u32): u32 { return load<u32>(p, STR_BYTES); }
// @ts-ignore: decorator
@inline export function strData(p: u32): u32 { return p + STR_DATA; }
// @ts-ignore: decorator
@inline export function strLength(p: u32): u32 { return load<u32>(p, STR_CPS); }
// @ts-ignore: decorator
@inline export function isAscii(p: u32): bool { return (auxOf(p) & STR_ASCII) != 0; }

export function strHash(p: u32): u32 {
  let h = load<u32>(p, STR_HASH);
  if (h != 0) return h;
  h = 2166136261;
  const n = strBytes(p);
  const d = strData(p);
  for (let i: u32 = 0; i < n; i++) h = (h ^ load<u8>(d + i)) * 16777619;
  if (h == 0) h = 1;
  store<u32>(p, h, STR_HASH);
  return h;
}

export function strEquals(a: u32, b: u32): bool {
  if (a == b) return true;
  const n = strBytes(a);
  if (n != strBytes(b)) return false;
  return memory.compare(strData(a), strData(b), n) == 0;
}

/** Orders by code point (UTF-8 byte order is code point order). */
export function strCompare(a: u32, b: u32): i32 {
  const na = strBytes(a), nb = strBytes(b);
  const n = na < nb ? na : nb;
  const c = memory.compare(strData(a), strData(b), n);
  if (c != 0) return c;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function strConcat(a: u32, b: u32): u32 {
  const na = strBytes(a), nb = strBytes(b);
  const p = allocString(na + nb);
  if (p == 0) return 0;
  memory.copy(p + STR_DATA, strData(a), na);
  memory.copy(p + STR_DATA + na, strData(b), nb);
  store<u32>(p, strLength(a) + strLength(b), STR_CPS);
  setAux(p, isAscii(a) && isAscii(b) ? STR_ASCII : 0);
  return p;
}

/** Length in bytes of the UTF-8 sequence starting with byte c. */
// @ts-ignore: decorator
@inline export function utf8Len(c: u32): u32 {
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/** Byte offset of code point `i` (0 <= i <= length). */
export function byteOffset(p: u32, i: u32): u32 {
  if (isAscii(p)) return i;
  const d = strData(p);
  let off: u32 = 0;
  for (let k: u32 = 0; k < i; k++) off += utf8Len(load<u8>(d + off));
  return off;
}

/** Code points [from, to) as a new string. */
export function strSlice(p: u32, from: u32, to: u32): u32 {
  if (to <= from) return stringFromBytes(0, 0);
  const a = byteOffset(p, from);
  const b = isAscii(p) ? to : a + byteOffset0(strData(p) + a, to - from);
  return stringFromBytes(strData(p) + a, b - a);
}

function byteOffset0(d: u32, count: u32): u32 {
  let off: u32 = 0;
  for (let k: u32 = 0; k < count; k++) off += utf8Len(load<u8>(d + off));
  return off;
}
