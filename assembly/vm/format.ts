// Text of values as `print` and `str` show them (spec section 7), built in a reusable byte buffer.
import { HEADER, T_STRING, T_LIST, T_MAP, T_STRUCT, T_CLOSURE, T_NATIVE, T_ERROR, T_BOX, T_FUTURE, T_ACTOR, T_BOUND, ACT_NAME, BM_ACTOR, BM_NAME, typeOf, STRUCT_DEF, STRUCT_FIELDS, SDEF_NAME, SDEF_COUNT, SDEF_DISPLAY, SDEF_FIELDS, CLO_PROTO, NATIVE_ID, ERR_CODE, ERR_MESSAGE } from "../heap/layout";
import { allocPinned, freeBlock } from "../heap/alloc";
import { isNum, isObj, objOf, numOf, NIL, TRUE, FALSE } from "../heap/value";
import { strBytes, strData, strLength } from "../objects/string";
import { listLen, listGet } from "../objects/list";
import { mapUsed, mapCount, entryKey, entryValue, TOMBSTONE } from "../objects/map";
import { hostFormatNumber } from "./host";
import { faultCode, raise1 } from "./fault";
import { num } from "../heap/value";
import { protoAt, P_NAME } from "./state";
import { builtinName } from "./builtin-names";
import { T_MATRIX, T_TENSOR, TEN_NDIM, TEN_SHAPE, DTYPE_F32 } from "../heap/layout";
import { mRows, mCols, mDtype, mElems, getAt, arrayDtype, arrayElems, arrayCount } from "../linalg/matrix";
import { E_MEMORY_LIMIT } from "./contract";

let buf: u32 = 0; // pinned block
let cap: u32 = 0;
export let outLen: u32 = 0;

const MAX_DEPTH: u32 = 64;
/** Most bytes one print or str may produce (shared structure can make text grow exponentially). */
const MAX_TEXT: u32 = 256 << 20;
// containers being printed, outermost first: a container met again inside itself is a cycle
const path = <u32>memory.data(4 * 66);

// @ts-ignore: decorator
@inline export function outData(): u32 { return buf + HEADER; }

export function outReset(): void {
  if (cap == 0) reserve(256);
  outLen = 0;
}

/** Makes room for n more bytes; false (with 4001 raised, the text dropped) when there is none. */
function reserve(n: u32): bool {
  if (<u64>outLen + n <= <u64>cap) return true;
  if (<u64>outLen + n > <u64>MAX_TEXT) {
    if (faultCode == 0) raise1(E_MEMORY_LIMIT, num(<f64>MAX_TEXT));
    outLen = 0;
    return false;
  }
  let ncap: u32 = cap == 0 ? 256 : cap * 2;
  while (ncap < outLen + n) ncap *= 2;
  const fresh = allocPinned(ncap);
  if (fresh == 0) {
    // the memory limit: the text is dropped, and the writes that follow go nowhere
    if (faultCode == 0) raise1(E_MEMORY_LIMIT, num(<f64>ncap));
    outLen = 0;
    return false;
  }
  if (buf != 0) {
    memory.copy(fresh + HEADER, buf + HEADER, outLen);
    freeBlock(buf);
  }
  buf = fresh;
  cap = ncap;
  return true;
}

export function outByte(c: u32): void {
  if (!reserve(1)) return;
  store<u8>(buf + HEADER + outLen++, <u8>c);
}

export function outBytes(src: u32, n: u32): void {
  if (!reserve(n)) return;
  memory.copy(buf + HEADER + outLen, src, n);
  outLen += n;
}

export function outLiteral(s: string): void {
  for (let i = 0; i < s.length; i++) outByte(<u32>s.charCodeAt(i));
}

export function outStr(p: u32): void {
  outBytes(strData(p), strBytes(p));
}

function outDigits(n: u64): void {
  if (n >= 10) outDigits(n / 10);
  outByte(48 + <u32>(n % 10));
}

export function outNumber(x: f64): void {
  if (x == 0) {
    outByte(48); // -0 prints as 0
    return;
  }
  if (x == Math.floor(x) && Math.abs(x) < 1e18) {
    if (x < 0) outByte(45);
    outDigits(<u64>Math.abs(x));
    return;
  }
  if (!reserve(32)) return;
  outLen += hostFormatNumber(x, buf + HEADER + outLen);
}

function outQuoted(p: u32): void {
  outByte(34);
  const n = strBytes(p);
  const d = strData(p);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(d + i);
    if (c == 34 || c == 92) {
      outByte(92);
      outByte(c);
    } else if (c == 10) outLiteral("\\n");
    else if (c == 9) outLiteral("\\t");
    else if (c == 13) outLiteral("\\r");
    else outByte(c);
  }
  outByte(34);
}

/** Appends the text of v; strings are quoted when `quoted` (inside containers). */
export function outValue(v: u64, quoted: bool, depth: u32): void {
  if (faultCode != 0) return;
  if (isNum(v)) {
    outNumber(numOf(v));
    return;
  }
  if (v == NIL) { outLiteral("nil"); return; }
  if (v == TRUE) { outLiteral("true"); return; }
  if (v == FALSE) { outLiteral("false"); return; }
  if (!isObj(v)) { outLiteral("<?>"); return; }
  const p = objOf(v);
  if (depth > MAX_DEPTH) { outLiteral("..."); return; }
  for (let i: u32 = 0; i < depth; i++) {
    if (load<u32>(path + (i << 2)) == p) {
      outLiteral(typeOf(p) == T_LIST ? "[...]" : typeOf(p) == T_MAP ? "{...}" : "...");
      return;
    }
  }
  store<u32>(path + (depth << 2), p);
  switch (typeOf(p)) {
    case T_STRING:
      if (quoted) outQuoted(p);
      else outStr(p);
      break;
    case T_LIST: {
      outByte(91);
      const n = listLen(p);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) outLiteral(", ");
        outValue(listGet(p, i), true, depth + 1);
      }
      outByte(93);
      break;
    }
    case T_MAP: {
      outByte(123);
      const n = mapUsed(p);
      let first = true;
      for (let e: u32 = 0; e < n; e++) {
        const k = entryKey(p, e);
        if (k == TOMBSTONE) continue;
        if (!first) outLiteral(", ");
        first = false;
        outValue(k, true, depth + 1);
        outLiteral(": ");
        outValue(entryValue(p, e), true, depth + 1);
      }
      outByte(125);
      break;
    }
    case T_STRUCT: {
      const def = load<u32>(p, STRUCT_DEF);
      const display = load<u32>(def, SDEF_DISPLAY);
      if (display != 0) {
        outDisplay(p, display, depth);
        break;
      }
      outStr(load<u32>(def, SDEF_NAME));
      const n = load<u32>(def, SDEF_COUNT);
      outLiteral(" {");
      for (let i: u32 = 0; i < n; i++) {
        outLiteral(i > 0 ? ", " : " ");
        outStr(load<u32>(def + SDEF_FIELDS + (i << 2)));
        outLiteral(": ");
        outValue(load<u64>(p + STRUCT_FIELDS + (i << 3)), true, depth + 1);
      }
      outLiteral(n > 0 ? " }" : "}");
      break;
    }
    case T_CLOSURE:
      outLiteral("<func ");
      outStr(load<u32>(protoAt(load<u32>(p, CLO_PROTO)), P_NAME));
      outByte(62);
      break;
    case T_NATIVE:
      outLiteral("<func ");
      outStr(builtinName(load<u32>(p, NATIVE_ID)));
      outByte(62);
      break;
    case T_FUTURE:
      outLiteral("<future>");
      break;
    case T_ACTOR:
      outLiteral("<actor ");
      outStr(load<u32>(p, ACT_NAME));
      outByte(62);
      break;
    case T_BOUND:
      outLiteral("<func ");
      outStr(load<u32>(load<u32>(p, BM_ACTOR), ACT_NAME));
      outByte(46);
      outStr(load<u32>(p, BM_NAME));
      outByte(62);
      break;
    case T_ERROR:
      outLiteral("error[");
      outNumber(numOf(load<u64>(p, ERR_CODE)));
      outLiteral("]: ");
      outStr(load<u32>(p, ERR_MESSAGE));
      break;
    case T_MATRIX: {
      const rows = mRows(p), cols = mCols(p), dt = mDtype(p), e = mElems(p);
      if (dt == DTYPE_F32) outLiteral("f32");
      outByte(91);
      if (rows == 0 || cols == 0) outByte(59);
      for (let i: u32 = 0; i < rows; i++) {
        for (let j: u32 = 0; j < cols; j++) {
          if (j > 0) outLiteral(", ");
          outNumber(getAt(e, i * cols + j, dt));
        }
        if (rows == 1 && cols > 0) outByte(59);
        else if (i + 1 < rows) outLiteral("; ");
      }
      outByte(93);
      break;
    }
    case T_TENSOR: {
      const nd = load<u32>(p, TEN_NDIM), dt = arrayDtype(p), e = arrayElems(p), n = arrayCount(p);
      outLiteral(dt == DTYPE_F32 ? "f32tensor([" : "tensor([");
      for (let i: u32 = 0; i < nd; i++) {
        if (i > 0) outLiteral(", ");
        outNumber(<f64>load<u32>(p + TEN_SHAPE + (i << 2)));
      }
      outLiteral("], [");
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) outLiteral(", ");
        outNumber(getAt(e, i, dt));
      }
      outLiteral("])");
      break;
    }
    case T_BOX:
      outLiteral("<box>");
      break;
    default:
      outLiteral("<object>");
  }
}

// ---------------------------------------------------------------- display templates

// set by fieldAt: whether the path led to a value
let found = false;

/**
 * The value at a dotted path of field names (bytes [d, d+n)) starting from struct p; `found`
 * says whether every step named a field of a struct.
 */
function fieldAt(p: u32, d: u32, n: u32): u64 {
  let v: u64 = NIL;
  let s: u32 = 0;
  found = false;
  while (true) {
    let e = s;
    while (e < n && load<u8>(d + e) != 46) e++; // '.'
    if (typeOf(p) != T_STRUCT) return NIL;
    const def = load<u32>(p, STRUCT_DEF);
    const count = load<u32>(def, SDEF_COUNT);
    let i: u32 = 0;
    for (; i < count; i++) {
      const name = load<u32>(def + SDEF_FIELDS + (i << 2));
      if (strBytes(name) == e - s && memory.compare(strData(name), d + s, e - s) == 0) break;
    }
    if (i == count) return NIL;
    v = load<u64>(p + STRUCT_FIELDS + (i << 3));
    if (e >= n) break;
    if (!isObj(v)) return NIL;
    p = objOf(v);
    s = e + 1;
  }
  found = true;
  return v;
}

/**
 * Appends struct p as its type's display template says: text is copied, "{path}" appends the
 * value at a dotted path of fields as print shows it at top level, "{#path}" the length of the
 * list, map or string there. A path that leads nowhere, or a length of something else, is "?".
 */
function outDisplay(p: u32, template: u32, depth: u32): void {
  const d = strData(template), n = strBytes(template);
  let i: u32 = 0;
  while (i < n) {
    const c = <u32>load<u8>(d + i);
    if (c != 123) { // '{'
      outByte(c);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && load<u8>(d + j) != 125) j++; // '}'
    const count = j > i + 1 && load<u8>(d + i + 1) == 35; // '#'
    const start = count ? i + 2 : i + 1;
    const v = fieldAt(p, d + start, j - start);
    if (!found) outByte(63);
    else if (!count) outValue(v, false, depth + 1);
    else {
      const q = isObj(v) ? objOf(v) : 0;
      const t = q != 0 ? typeOf(q) : 0;
      if (t == T_LIST) outNumber(<f64>listLen(q));
      else if (t == T_MAP) outNumber(<f64>mapCount(q));
      else if (t == T_STRING) outNumber(<f64>strLength(q));
      else outByte(63);
    }
    i = j + 1;
  }
}
