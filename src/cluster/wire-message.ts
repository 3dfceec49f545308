// A message between a program and its workers on other machines, as bytes. On one machine the
// pool and its workers exchange structured clones (postMessage: protocol.ts, lane.ts); across
// machines the same messages travel as these bytes, for the subset of structured clone they use.
// Noodle values inside them are already bytes of the value codec (src/codec/value-codec.ts).
//
// Layout (integers little-endian; "uleb" is unsigned LEB128, minimal, at most 32 bits):
//
//   header   "N" "M" u8 version (1), then exactly one value and nothing after it
//   value    u8 tag, then
//     0 undefined | 1 null | 2 false | 3 true
//     4 number       f64, its bits as they are (-0 and NaNs included)
//     5 integer      uleb: a number that is a whole number in [0, 2^32), not -0 (most numbers
//                    the pool sends: ids, sequence numbers, counts), in 1 to 5 bytes
//     6 string       uleb byte length, UTF-8
//     7 array        uleb count, values (a hole is sent as undefined)
//     8 object       uleb count, (key: uleb byte length, UTF-8; value)*: the own enumerable
//                    string-keyed properties in their order (a property whose value is
//                    undefined is sent, so {a: undefined} stays distinct from {}); of a
//                    key repeated in the bytes, the last value wins, as in JSON
//     9 Uint8Array | 10 Int32Array | 11 Uint32Array | 12 Float32Array | 13 Float64Array
//                    uleb element count, the elements
//    14 ArrayBuffer  uleb byte length, the bytes
//
// Objects come back as plain objects, arrays as arrays, typed arrays and ArrayBuffers in fresh
// buffers of their own (aligned for their elements, whatever the offset of the input). A value
// reached twice is sent twice (structured clone would keep one); the pool's messages share none.
// Strings are UTF-8: a lone surrogate, which Noodle's strings cannot hold, is sent as U+FFFD.
//
// The decoder treats its input as hostile (it comes from the network): anything that is not an
// encoding is a NoodleRuntimeError 7007 naming the byte where it went wrong, and nothing else is
// ever thrown. Every length is checked against the bytes left before anything is allocated,
// nesting is limited to MAX_DEPTH, the values of a message to MAX_ITEMS (so however large a
// message, decoding it makes a bounded number of objects), invalid UTF-8 and trailing bytes are
// refused.
//
// Encoding anything outside the subset (a function, a Map, a class instance, shared memory, a
// symbol, a bigint, a cycle) is a mistake of the sender: a TypeError naming where in the message
// the value was.

import { unshared } from "../codec/value-codec.js";
import { ERRORS, formatError } from "../errors/table.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";

export const MESSAGE_VERSION = 1;

/** Deepest nesting of arrays and objects in a message. */
export const MAX_DEPTH = 64;

/** Most values (at every depth, each element of a typed array counting as none) in a message. */
export const MAX_ITEMS = 1 << 20;

/** Error code of bytes that are not a message. */
export const MALFORMED_MESSAGE = ERRORS.MalformedMessage.code;

const MAGIC0 = 0x4e; // "N"
const MAGIC1 = 0x4d; // "M"
const HEADER_SIZE = 3;
const MAX_UINT32 = 0xffffffff;

const enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  Number = 4,
  Integer = 5,
  String = 6,
  Array = 7,
  Object = 8,
  Uint8Array = 9,
  Int32Array = 10,
  Uint32Array = 11,
  Float32Array = 12,
  Float64Array = 13,
  ArrayBuffer = 14,
}

type Typed = Uint8Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type TypedConstructor = Uint8ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

/** Typed arrays by tag, from Tag.Uint8Array on. */
const TYPED: TypedConstructor[] = [Uint8Array, Int32Array, Uint32Array, Float32Array, Float64Array];

/** The tag of each typed array the format carries, by prototype. */
const TYPED_TAG = new Map<object, Tag>(TYPED.map((c, i) => [c.prototype, Tag.Uint8Array + i]));

// Typed arrays use the host's byte order; the format is little-endian, so elements are copied
// as bytes only on little-endian hosts (all current ones). Others go element by element.
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const utf8enc = new TextEncoder();
// fatal: invalid UTF-8 is malformed, not U+FFFD; ignoreBOM: a leading U+FEFF is content, not a mark.
const utf8dec = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Strings up to this long are written as ASCII by hand when they are, quicker than with TextEncoder. */
const SHORT_STRING = 64;
/** Strings of up to this many bytes are read as ASCII by hand when they are, quicker than with TextDecoder. */
const SHORT_READ = 16;

// a number's bytes, to read an f64 at any offset without a DataView over each input
const f64Bits = new Float64Array(1);
const f64Bytes = new Uint8Array(f64Bits.buffer);

// ---------------------------------------------------------------- encoding

/** A value outside the format; the path to it is gathered as the error passes its containers. */
class Unencodable extends TypeError {
  readonly path: (string | number)[] = [];

  constructor(readonly what: string) {
    super(what);
  }
}

/** The bytes of `message`. Throws a TypeError naming the first value the format cannot carry. */
export function encodeMessage(message: unknown): Uint8Array {
  // one scratch buffer serves every message; a getter that sends a message while one is being
  // encoded gets a writer of its own
  const w = scratch.busy ? new Writer() : scratch;
  w.busy = true;
  try {
    w.u8(MAGIC0);
    w.u8(MAGIC1);
    w.u8(MESSAGE_VERSION);
    w.value(message, 0);
    return w.take();
  } catch (e) {
    throw e instanceof Unencodable ? new TypeError(`cannot encode ${pathText(e.path)}: ${e.what}`) : e;
  } finally {
    w.reset();
  }
}

function pathText(path: (string | number)[]): string {
  let text = "the message";
  for (const p of path) text += typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return text;
}

/** Adds `key` to the path of an Unencodable on its way out of a container. */
function through(e: unknown, key: string | number): unknown {
  if (e instanceof Unencodable) e.path.unshift(key);
  return e;
}

/** What `v` is, to say that it cannot be encoded. */
function describe(v: object): string {
  const proto = Object.getPrototypeOf(v);
  const name: unknown = proto?.constructor?.name;
  const kind = typeof name === "string" && name !== "" ? name : "object";
  if (typeof SharedArrayBuffer !== "undefined") {
    if (v instanceof SharedArrayBuffer) return "a SharedArrayBuffer: shared memory stays on its machine";
    if (ArrayBuffer.isView(v) && v.buffer instanceof SharedArrayBuffer) return `a ${kind} over shared memory, which stays on its machine`;
  }
  return `${/^[AEIOU]/.test(kind) ? "an" : "a"} ${kind} (messages hold plain objects, arrays, strings, numbers, booleans, null, undefined, byte buffers and typed arrays)`;
}

/** Buffers larger than this are handed to the message rather than kept for the next one. */
const KEEP_SCRATCH = 1 << 16;

class Writer {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  length = 0;
  items = 0;
  busy = false;

  reset(): void {
    this.length = 0;
    this.items = 0;
    this.busy = false;
  }

  /** The bytes written, as a message of their own. */
  take(): Uint8Array {
    if (this.length <= KEEP_SCRATCH) return this.buf.slice(0, this.length);
    // a large message keeps the buffer it was written in (copied down when mostly unused)
    const out = this.length * 2 >= this.buf.length ? this.buf.subarray(0, this.length) : this.buf.slice(0, this.length);
    this.buf = new Uint8Array(1024);
    this.view = new DataView(this.buf.buffer);
    return out;
  }

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  u8(x: number): void {
    const at = this.reserve(1);
    this.buf[at] = x;
  }

  uleb(x: number): void {
    if (x > MAX_UINT32) throw new Unencodable(`a length of ${x} (at most ${MAX_UINT32})`);
    while (x >= 0x80) {
      this.u8((x & 0x7f) | 0x80);
      x >>>= 7;
    }
    this.u8(x);
  }

  f64(x: number): void {
    const at = this.reserve(8); // may replace this.view
    this.view.setFloat64(at, x, true);
  }

  string(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      const at = this.reserve(n + 1);
      const buf = this.buf;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + 1 + i] = c;
      }
      if (i === n) {
        buf[at] = n; // n < 0x80: a one-byte length
        return;
      }
      this.length = at;
    }
    const bytes = utf8enc.encode(s);
    this.uleb(bytes.length);
    const at = this.reserve(bytes.length); // may replace this.buf
    this.buf.set(bytes, at);
  }

  value(v: unknown, depth: number): void {
    if (++this.items > MAX_ITEMS) throw new Unencodable(`more than ${MAX_ITEMS} values`);
    switch (typeof v) {
      case "number":
        if (v >>> 0 === v && (v !== 0 || 1 / v > 0)) {
          this.u8(Tag.Integer);
          return this.uleb(v);
        }
        this.u8(Tag.Number);
        return this.f64(v);
      case "string":
        this.u8(Tag.String);
        return this.string(v);
      case "boolean":
        return this.u8(v ? Tag.True : Tag.False);
      case "undefined":
        return this.u8(Tag.Undefined);
      case "object":
        if (v === null) return this.u8(Tag.Null);
        return this.object(v, depth);
      default:
        throw new Unencodable(`a ${typeof v}`);
    }
  }

  private object(v: object, depth: number): void {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null || Array.isArray(v)) {
      if (depth >= MAX_DEPTH) throw new Unencodable(`nesting deeper than ${MAX_DEPTH} (or a cycle)`);
      return Array.isArray(v) ? this.array(v, depth) : this.fields(v as Record<string, unknown>, depth);
    }
    if (proto === ArrayBuffer.prototype) {
      const bytes = new Uint8Array(v as ArrayBuffer);
      this.u8(Tag.ArrayBuffer);
      this.uleb(bytes.length);
      const at = this.reserve(bytes.length); // may replace this.buf
      return this.buf.set(bytes, at);
    }
    const tag = TYPED_TAG.get(proto);
    if (tag === undefined || !ArrayBuffer.isView(v) || isShared(v.buffer)) throw new Unencodable(describe(v));
    this.typed(tag, v as Typed);
  }

  private array(v: unknown[], depth: number): void {
    this.u8(Tag.Array);
    this.uleb(v.length);
    let i = 0;
    try {
      for (; i < v.length; i++) this.value(v[i], depth + 1);
    } catch (e) {
      throw through(e, i);
    }
  }

  private fields(v: Record<string, unknown>, depth: number): void {
    const keys = Object.keys(v);
    this.u8(Tag.Object);
    this.uleb(keys.length);
    let key = "";
    try {
      for (key of keys) {
        this.string(key);
        this.value(v[key], depth + 1);
      }
    } catch (e) {
      throw through(e, key);
    }
  }

  private typed(tag: Tag, v: Typed): void {
    this.u8(tag);
    this.uleb(v.length);
    const at = this.reserve(v.byteLength);
    if (tag === Tag.Uint8Array) return this.buf.set(v, at);
    if (HOST_LE) return this.buf.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    const size = v.BYTES_PER_ELEMENT;
    for (let i = 0; i < v.length; i++) setElement(this.view, at + i * size, tag, v[i]);
  }
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
}

function setElement(view: DataView, at: number, tag: Tag, x: number): void {
  if (tag === Tag.Int32Array) view.setInt32(at, x, true);
  else if (tag === Tag.Uint32Array) view.setUint32(at, x, true);
  else if (tag === Tag.Float32Array) view.setFloat32(at, x, true);
  else view.setFloat64(at, x, true);
}

function getElement(view: DataView, at: number, tag: Tag): number {
  if (tag === Tag.Int32Array) return view.getInt32(at, true);
  if (tag === Tag.Uint32Array) return view.getUint32(at, true);
  if (tag === Tag.Float32Array) return view.getFloat32(at, true);
  return view.getFloat64(at, true);
}

const scratch = new Writer();

// ---------------------------------------------------------------- decoding

/** The message encoded in `bytes`; NoodleRuntimeError 7007 for anything that is not an encoding. */
export function decodeMessage(bytes: Uint8Array): unknown {
  if (bytes.length < HEADER_SIZE || bytes[0] !== MAGIC0 || bytes[1] !== MAGIC1) throw malformed("not a message (bad magic)", 0);
  if (bytes[2] !== MESSAGE_VERSION) throw malformed(`unsupported message version ${bytes[2]}`, 2);
  // a subclass (Node's Buffer) would make copies of its own kind, or views for `slice`
  const r = new Reader(bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  const v = r.value(0);
  if (r.pos !== bytes.length) throw malformed(`${bytes.length - r.pos} trailing bytes`, r.pos);
  return v;
}

/** Error 7007: `detail`, found at byte `offset` of the bytes. */
export function malformed(detail: string, offset: number): NoodleRuntimeError {
  return new NoodleRuntimeError(MALFORMED_MESSAGE, formatError("MalformedMessage", { detail: `${detail} at byte ${offset}` }), []);
}

/**
 * Short ASCII strings read lately, by a hash of their bytes. Property names and the pool's small
 * strings ("lane", "results", handler names) repeat from message to message: the same string
 * again is quicker to make, and as a property name it is already known to the engine.
 */
const recentStrings: string[] = new Array(256).fill("");

function shortString(bytes: Uint8Array, at: number, n: number, hash: number): string {
  const slot = (hash ^ (hash >>> 8)) & 255;
  const known = recentStrings[slot];
  if (known.length === n) {
    let i = 0;
    while (i < n && known.charCodeAt(i) === bytes[at + i]) i++;
    if (i === n) return known;
  }
  let s = "";
  for (let i = at; i < at + n; i++) s += String.fromCharCode(bytes[i]);
  recentStrings[slot] = s;
  return s;
}

class Reader {
  pos = HEADER_SIZE;
  private items = 0;

  constructor(private readonly bytes: Uint8Array) {}

  private fail(detail: string, at = this.pos): never {
    throw malformed(detail, at);
  }

  private u8(): number {
    if (this.pos >= this.bytes.length) this.fail("the message ends early");
    return this.bytes[this.pos++];
  }

  private uleb(): number {
    const start = this.pos;
    let x = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      x += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) this.fail("non-minimal integer", start);
        if (x > MAX_UINT32) this.fail("integer too large", start);
        return x;
      }
      scale *= 128;
    }
    return this.fail("integer too long", start);
  }

  /** A count of things of at least `size` bytes each, checked against the bytes left. */
  private count(size: number, what: string): number {
    const at = this.pos;
    const n = this.uleb();
    const left = this.bytes.length - this.pos;
    if (n * size > left) this.fail(`${what} of ${n} exceeds the ${left} bytes left`, at);
    return n;
  }

  private string(what: string): string {
    const n = this.count(1, what);
    const bytes = this.bytes;
    const at = this.pos;
    const end = at + n;
    this.pos = end;
    if (n > SHORT_READ) return this.utf8(at, end);
    let hash = n;
    for (let i = at; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return this.utf8(at, end);
      hash = (hash * 31 + c) | 0;
    }
    return shortString(bytes, at, n, hash);
  }

  private utf8(at: number, end: number): string {
    try {
      return utf8dec.decode(unshared(this.bytes.subarray(at, end)));
    } catch {
      return this.fail("invalid UTF-8", at);
    }
  }

  value(depth: number): unknown {
    const at = this.pos;
    if (++this.items > MAX_ITEMS) this.fail(`more than ${MAX_ITEMS} values`, at);
    const tag = this.u8();
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Integer:
        return this.uleb();
      case Tag.Number:
        return this.f64();
      case Tag.String:
        return this.string("string length");
      case Tag.Array:
      case Tag.Object:
        if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`, at);
        return tag === Tag.Array ? this.array(depth) : this.fields(depth);
      case Tag.ArrayBuffer:
        return this.copy(this.count(1, "byte length"), 1).buffer;
      case Tag.Uint8Array:
      case Tag.Int32Array:
      case Tag.Uint32Array:
      case Tag.Float32Array:
      case Tag.Float64Array:
        return this.typed(tag);
    }
    return this.fail(`unknown tag ${tag}`, at);
  }

  private f64(): number {
    const bytes = this.bytes;
    const at = this.pos;
    if (at + 8 > bytes.length) this.fail("the message ends early");
    this.pos = at + 8;
    if (HOST_LE) for (let i = 0; i < 8; i++) f64Bytes[i] = bytes[at + i];
    else for (let i = 0; i < 8; i++) f64Bytes[7 - i] = bytes[at + i];
    return f64Bits[0];
  }

  private array(depth: number): unknown[] {
    const n = this.count(1, "array length");
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
    return out;
  }

  private fields(depth: number): Record<string, unknown> {
    const n = this.count(2, "property count");
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      // a repeated key is not looked for (it costs a quarter of the time of decoding objects):
      // the last value wins, as in JSON
      const key = this.string("key length");
      const v = this.value(depth + 1);
      // assigning a property named "__proto__" would set the prototype instead
      if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
    }
    return out;
  }

  /** The next `n` elements of `size` bytes, copied into a fresh buffer. */
  private copy(n: number, size: number): Uint8Array<ArrayBuffer> {
    const at = this.pos;
    this.pos += n * size;
    return this.bytes.slice(at, this.pos) as Uint8Array<ArrayBuffer>;
  }

  private typed(tag: Tag): Typed {
    const make = TYPED[tag - Tag.Uint8Array];
    const size = make.BYTES_PER_ELEMENT;
    const n = this.count(size, "typed array length");
    if (HOST_LE || size === 1) {
      const bytes = this.copy(n, size);
      return size === 1 ? bytes : new make(bytes.buffer);
    }
    const out = new make(n);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, n * size);
    for (let i = 0; i < n; i++) out[i] = getElement(view, i * size, tag);
    this.pos += n * size;
    return out;
  }
}
