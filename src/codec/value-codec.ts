// The value codec: every storable Noodle value (all but functions, actors and futures) to bytes
// and back, in the JavaScript representation of src/runtime/values.ts. Storage uses it for the
// values it keeps; the same bytes, plus references to a pool's actors, carry values between
// workers.
//
// Layout (all integers little-endian; "uleb" is unsigned LEB128, minimal, at most 32 bits):
//
//   header   "N" "V" u8 version (1), then exactly one value and nothing after it
//   value    u8 tag, then
//     0 nil | 1 false | 2 true
//     3 number   f64
//     4 string   uleb byte length, UTF-8
//     5 list     uleb count, values
//     6 map      uleb count, (key value)* with keys (strings or numbers) sorted by their encoded
//                bytes, no duplicates
//     7 struct   string name (uleb length, UTF-8), uleb field count, (field name, value)* in
//                declaration order, no duplicate names; field names are identifiers (a name such
//                as "1" would change places in a JavaScript object, losing the order)
//     8 matrix   u8 dtype (0 f64, 1 f32), uleb rows, uleb cols, zero padding to a multiple of 8
//                bytes from the start of the encoding, rows*cols elements row-major
//     9 tensor   u8 dtype, uleb ndim (<= 32), uleb dims, zero padding as for matrices, elements
//    10 error    f64 code, string message (uleb length, UTF-8)
//    11 actor    uleb id, string name: a reference to an actor of a worker pool. Only the wire
//                flavour (WIRE, between workers) writes or reads it; storage refuses actors.
//    12 store    uleb handle, value path: a reference to a store of std/db held by the VM that
//                opened it (runtime/store-values.ts). Only the wire flavour writes or reads it;
//                storage refuses stores (their functions cannot be stored).
//
// The encoding is canonical: equal values give equal bytes, so a hash of the bytes identifies the
// value. Noodle's `==` treats -0 as 0 and maps as equal regardless of insertion order, so -0 is
// written as +0 (in numbers and in matrix/tensor elements), every NaN as the one quiet NaN, and map
// entries in key-byte order (a decoded map iterates in that order, not in its original insertion
// order). The decoder accepts only canonical bytes, so decode followed by encode gives back the
// input exactly.
//
// The decoder treats its input as hostile: anything malformed is a CodecError (8004), every count
// is checked against the bytes left before anything is allocated (so the decoded size is bounded
// by the input size), nesting is limited to MAX_DEPTH and the input is read strictly forward.
// Matrix and tensor elements come back as a typed array over the input's own buffer when the
// input's alignment allows it (no copy), so such a value shares memory with the input bytes.

import { contentHash } from "../bytecode/codec.js";
import type { DType } from "../math/arrays.js";
import type { JsValue, NoodleErrorValue } from "../runtime/values.js";
import { ACTOR_ID, actorRef, STORE_HANDLE, STRUCT_NAME, storeRef } from "../runtime/values.js";
import { CORRUPT_DATA, CodecError } from "./codec-error.js";

export { CORRUPT_DATA, CodecError };

export const FORMAT_VERSION = 1;

/** Deepest nesting of lists, maps, structs (values inside values) the codec accepts. */
export const MAX_DEPTH = 1000;

/** Most dimensions a tensor may have (the VM's limit). */
export const MAX_TENSOR_DIMS = 32;

/** Error code of corrupt stored data. */

const MAGIC0 = 0x4e; // "N"
const MAGIC1 = 0x56; // "V"
const HEADER_SIZE = 3;
const ALIGN = 8;
const MAX_UINT32 = 0xffffffff;

const enum Tag {
  Nil = 0,
  False = 1,
  True = 2,
  Number = 3,
  String = 4,
  List = 5,
  Map = 6,
  Struct = 7,
  Matrix = 8,
  Tensor = 9,
  Error = 10,
  Actor = 11,
  Store = 12,
}

export interface CodecOptions {
  /** References to a pool's actors may be written and read (between workers, never in storage). */
  actors?: boolean;
  /** References to a program's stores may be written and read (between workers, never in storage). */
  stores?: boolean;
  /** Decoding: matrix and tensor data are copies, not views of the input (which will be reused). */
  copyArrays?: boolean;
}

/** The flavour that carries values between workers. */
export const WIRE: CodecOptions = { actors: true, stores: true };
const NONE: CodecOptions = {};

const DTYPE_F64 = 0;
const DTYPE_F32 = 1;

/** A matrix or tensor as the decoder returns it: plain data, not tied to a VM. */
export interface ArrayValue {
  kind: "matrix" | "tensor";
  shape: number[];
  dtype: DType;
  data: Float64Array | Float32Array;
}

/** What the codec stores: the VM's JavaScript values, plus decoded (VM-free) matrices and tensors. */
export type StoredValue =
  | null
  | boolean
  | number
  | string
  | StoredValue[]
  | Map<StoredValue, StoredValue>
  | { [k: string]: StoredValue }
  | NoodleErrorValue
  | ArrayValue
  | JsValue;

// Typed arrays use the host's byte order; the format is little-endian, so views straight over
// the bytes are only correct on little-endian hosts (all current ones). Others go through DataView.
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const utf8enc = new TextEncoder();
// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is content, not a mark.
const utf8dec = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// What the language allows as a struct field's name.
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// A lone surrogate cannot be written as UTF-8; TextEncoder would silently replace it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ---------------------------------------------------------------- encoding

/** The canonical bytes of a value. Throws TypeError for values that cannot be stored. */
export function encodeValue(v: StoredValue, options: CodecOptions = NONE): Uint8Array {
  return new Writer(options).encode(v).finish();
}

/**
 * Encodes values one after another into one buffer that it keeps: each result is a view that is
 * valid until the next call. For writers that copy the bytes out at once (a store appending to
 * its log), this saves allocating and clearing a buffer per value.
 */
export class ValueEncoder {
  private readonly writer: Writer;

  constructor(options: CodecOptions = NONE) {
    this.writer = new Writer(options);
  }

  encode(v: StoredValue): Uint8Array {
    this.writer.truncate(0);
    return this.writer.encode(v).written();
  }
}

/** A stable hex hash of a value's canonical bytes: equal values have equal hashes. */
export function valueHash(v: StoredValue): string {
  return contentHash(encodeValue(v));
}

/**
 * Encodes values one after another into one growing buffer, each encoding (header and value)
 * starting at a multiple of 8 bytes, so matrix elements stay aligned: the values of a batch of
 * messages with one allocation rather than one per value.
 */
export class ValueSequence {
  private readonly w: Writer;

  constructor(options: CodecOptions = NONE) {
    this.w = new Writer(options);
  }

  /**
   * Appends the encoding of `v`; returns its offset (it ends at `byteLength`). Nothing is
   * appended on a TypeError.
   */
  add(v: StoredValue): number {
    const at = this.w.align();
    try {
      this.w.encode(v);
    } catch (e) {
      this.w.truncate(at);
      throw e;
    }
    return at;
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.w.length;
  }

  /** The buffer written so far; earlier views stay valid when it grows (into a new buffer). */
  get bytes(): Uint8Array {
    return this.w.written();
  }

  /**
   * The whole buffer being written, at its offset 0: encodings so far are at their offsets in
   * it (bytes past `byteLength` are not written yet). When it grows, a new buffer takes its
   * place and this one keeps what it held.
   */
  get buffer(): Uint8Array {
    return this.w.buffer;
  }
}

/**
 * Decodes values encoded one after another in one buffer (by ValueSequence): `at(offset, length)`
 * is `decodeValue` of those bytes, with one reader for all of them rather than a view and a
 * reader per value. Error offsets count from the start of the value, as decodeValue's do.
 */
export class ValueSequenceReader {
  private readonly r: Reader;

  constructor(bytes: Uint8Array, options: CodecOptions = NONE) {
    this.r = new Reader(bytes, options);
  }

  at(offset: number, length: number): StoredValue {
    return this.r.decode(offset, offset + length);
  }
}

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  constructor(private readonly options: CodecOptions) {}

  header(): void {
    this.u8(MAGIC0);
    this.u8(MAGIC1);
    this.u8(FORMAT_VERSION);
  }

  /** Pads with zeros to a multiple of 8 bytes; returns the new length. */
  align(): number {
    const at = this.reserve(padding(this.length));
    this.buf.fill(0, at, this.length);
    return this.length;
  }

  truncate(length: number): void {
    this.length = length;
  }

  written(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  get buffer(): Uint8Array {
    return this.buf;
  }

  /** Writes the header and the value. */
  encode(v: StoredValue): this {
    this.header();
    this.value(v, 0);
    return this;
  }

  finish(): Uint8Array {
    // Starting at offset 0 of its buffer keeps the padding's alignment meaningful. A buffer
    // mostly used is kept rather than copied (large arrays are written at exactly their size).
    return this.length * 2 >= this.buf.length ? this.buf.subarray(0, this.length) : this.buf.slice(0, this.length);
  }

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const size = Math.max(this.buf.length * 2, at + n);
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  u8(x: number): void {
    const at = this.reserve(1); // may replace this.buf
    this.buf[at] = x;
  }

  uleb(x: number): void {
    if (!Number.isInteger(x) || x < 0 || x > MAX_UINT32) throw new TypeError(`count ${x} is too large to store`);
    do {
      const low = x % 128;
      x = Math.floor(x / 128);
      this.u8(x > 0 ? low | 0x80 : low);
    } while (x > 0);
  }

  f64(x: number): void {
    const at = this.reserve(8);
    if (Number.isNaN(x)) {
      this.view.setUint32(at, 0, true);
      this.view.setUint32(at + 4, 0x7ff80000, true);
    } else {
      this.view.setFloat64(at, x === 0 ? 0 : x, true);
    }
  }

  bytes(b: Uint8Array): void {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
  }

  string(s: string): void {
    if (LONE_SURROGATE.test(s)) throw new TypeError("strings with unpaired surrogates cannot be stored");
    const b = utf8enc.encode(s);
    this.uleb(b.length);
    this.bytes(b);
  }

  value(v: StoredValue, depth: number): void {
    if (v === null) return this.u8(Tag.Nil);
    switch (typeof v) {
      case "boolean":
        return this.u8(v ? Tag.True : Tag.False);
      case "number":
        this.u8(Tag.Number);
        return this.f64(v);
      case "string":
        this.u8(Tag.String);
        return this.string(v);
      case "function":
        throw new TypeError("functions cannot be stored");
      case "object":
        break;
      default:
        throw new TypeError(`a JavaScript ${typeof v} is not a Noodle value and cannot be stored`);
    }
    if (depth >= MAX_DEPTH) throw new TypeError(`values nested more than ${MAX_DEPTH} deep (or cyclic) cannot be stored`);
    if (Array.isArray(v)) {
      this.u8(Tag.List);
      this.uleb(v.length);
      for (const item of v) this.value(item, depth + 1);
      return;
    }
    if (v instanceof Map) return this.map([...v.entries()], depth);
    const o = v as Record<string | symbol, unknown>;
    if (typeof o[STORE_HANDLE] === "number") {
      // a store's functions cannot be stored, wherever the store came from
      if (!this.options.stores) throw new TypeError("functions cannot be stored");
      this.u8(Tag.Store);
      this.uleb(o[STORE_HANDLE] as number);
      return this.value((o.path ?? null) as StoredValue, depth + 1);
    }
    if (STRUCT_NAME in o) return this.struct(o, depth);
    switch (o.kind) {
      case "function":
        throw new TypeError("functions cannot be stored");
      case "actor":
        if (this.options.actors && typeof o[ACTOR_ID] === "number") {
          this.u8(Tag.Actor);
          this.uleb(o[ACTOR_ID] as number);
          return this.string(o.name as string);
        }
        // an actor that lives in one VM cannot leave it
        throw new TypeError("actors cannot be stored: they live in one VM");
      case "future":
        throw new TypeError("futures cannot be stored: they live in one VM");
      case "error":
        if (typeof o.code !== "number" || typeof o.message !== "string") throw new TypeError("an error value needs a numeric code and a string message");
        this.u8(Tag.Error);
        this.f64(o.code);
        return this.string(o.message);
      case "matrix":
      case "tensor":
        return this.array(o);
    }
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) throw new TypeError("this object is not a Noodle value and cannot be stored");
    // a plain object is a map with string keys, as when JavaScript passes one into the VM
    this.map(Object.entries(o) as [StoredValue, StoredValue][], depth);
  }

  private map(entries: [StoredValue, StoredValue][], depth: number): void {
    const keyed = entries.map(([k, x]) => {
      if (typeof k !== "string" && typeof k !== "number") throw new TypeError("map keys must be strings or numbers");
      const kw = new Writer(NONE);
      kw.value(k, depth + 1);
      return { key: kw.finish(), value: x };
    });
    keyed.sort((a, b) => compareBytes(a.key, b.key));
    this.u8(Tag.Map);
    this.uleb(keyed.length);
    // keys of a Map or an object are distinct, and distinct strings or numbers encode differently
    // (a Map already holds -0 and 0 as one key)
    for (const { key, value } of keyed) {
      this.bytes(key);
      this.value(value, depth + 1);
    }
  }

  private struct(o: Record<string | symbol, unknown>, depth: number): void {
    const name = o[STRUCT_NAME];
    if (typeof name !== "string") throw new TypeError("a struct's name must be a string");
    const fields = Object.keys(o);
    this.u8(Tag.Struct);
    this.string(name);
    this.uleb(fields.length);
    for (const f of fields) {
      if (!FIELD_NAME.test(f)) throw new TypeError(`a struct field must be named by an identifier, not ${JSON.stringify(f)}`);
      this.string(f);
      this.value(o[f] as StoredValue, depth + 1);
    }
  }

  private array(o: Record<string | symbol, unknown>): void {
    const { kind, shape, dtype, data } = o as unknown as ArrayValue;
    const elemSize = dtype === "f64" ? 8 : dtype === "f32" ? 4 : 0;
    if (elemSize === 0) throw new TypeError(`a ${kind} needs dtype "f64" or "f32"`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_UINT32)) {
      throw new TypeError(`a ${kind}'s shape must be a list of sizes`);
    }
    if (kind === "matrix" ? shape.length !== 2 : shape.length > MAX_TENSOR_DIMS) {
      throw new TypeError(kind === "matrix" ? "a matrix has two dimensions" : `a tensor has at most ${MAX_TENSOR_DIMS} dimensions`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(data instanceof (dtype === "f64" ? Float64Array : Float32Array)) || data.length !== count) {
      throw new TypeError(`a ${kind}'s data must be a ${dtype === "f64" ? "Float64Array" : "Float32Array"} of ${count} elements`);
    }
    this.u8(kind === "matrix" ? Tag.Matrix : Tag.Tensor);
    this.u8(dtype === "f64" ? DTYPE_F64 : DTYPE_F32);
    if (kind === "tensor") this.uleb(shape.length);
    for (const d of shape) this.uleb(d);
    this.align(); // zeros written, not assumed: a reused buffer holds old bytes
    const at = this.reserve(count * elemSize);
    writeElements(this.buf, this.view, at, data);
  }
}

/** Copies elements to buf[at..] little-endian, with -0 as +0 and every NaN as the quiet NaN. */
function writeElements(buf: Uint8Array, view: DataView, at: number, data: Float64Array | Float32Array): void {
  const f64 = data instanceof Float64Array;
  if (HOST_LE) {
    // `at` is a multiple of 8 and the buffer starts at offset 0, so a direct view is aligned
    if (f64) {
      const out = new Float64Array(buf.buffer, at, data.length);
      out.set(data);
      canonicalize64(out, view, at);
    } else {
      const out = new Float32Array(buf.buffer, at, data.length);
      out.set(data);
      canonicalize32(out, view, at);
    }
    return;
  }
  for (let i = 0; i < data.length; i++) {
    const x = data[i],
      p = at + i * (f64 ? 8 : 4);
    if (x !== x) setCanonicalNaN(view, p, f64);
    else if (f64) view.setFloat64(p, x === 0 ? 0 : x, true);
    else view.setFloat32(p, x === 0 ? 0 : x, true);
  }
}

// Rewrite -0 as +0 and every NaN as the quiet NaN, in place: one loop per array type, so that
// each stays monomorphic and fast.
function canonicalize64(out: Float64Array, view: DataView, at: number): void {
  for (let i = 0; i < out.length; i++) {
    const x = out[i];
    if (x === 0) out[i] = 0;
    else if (x !== x) setCanonicalNaN(view, at + i * 8, true);
  }
}

function canonicalize32(out: Float32Array, view: DataView, at: number): void {
  for (let i = 0; i < out.length; i++) {
    const x = out[i];
    if (x === 0) out[i] = 0;
    else if (x !== x) setCanonicalNaN(view, at + i * 4, false);
  }
}

function setCanonicalNaN(view: DataView, at: number, f64: boolean): void {
  if (f64) {
    view.setUint32(at, 0, true);
    view.setUint32(at + 4, 0x7ff80000, true);
  } else {
    view.setUint32(at, 0x7fc00000, true);
  }
}

/** Bytes TextDecoder accepts: browsers refuse views of shared memory, so those are copied. */
export function unshared(bytes: Uint8Array): Uint8Array {
  return typeof SharedArrayBuffer !== "undefined" && bytes.buffer instanceof SharedArrayBuffer ? bytes.slice() : bytes;
}

function padding(offset: number): number {
  return (ALIGN - (offset % ALIGN)) % ALIGN;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

// ---------------------------------------------------------------- decoding

/**
 * The value encoded in `bytes`; CodecError (8004) for anything that is not a canonical encoding.
 * Matrix and tensor data may be views over `bytes`' buffer (see the top of this file), unless
 * the options ask for copies (bytes in a buffer that will be reused).
 */
export function decodeValue(bytes: Uint8Array, options: CodecOptions = NONE): StoredValue {
  return new Reader(bytes, options).decode(0, bytes.length);
}

/** What storage indexes about a value: its type name (as `type` gives it) and array shape. */
export interface ValueSummary {
  type: string;
  dtype?: DType;
  shape?: number[];
}

const TYPE_OF_TAG = ["nil", "bool", "bool", "number", "string", "list", "map", "struct", "matrix", "tensor", "error"];

/** Bytes of an encoding's head that always suffice for `summarizeEncoded`. */
export const SUMMARY_PREFIX = HEADER_SIZE + 2 + 5 * (MAX_TENSOR_DIMS + 1);

/** The summary of an encoded value, read from its first bytes only (SUMMARY_PREFIX suffice). */
export function summarizeEncoded(head: Uint8Array): ValueSummary {
  if (head.length < HEADER_SIZE + 1 || head[0] !== MAGIC0 || head[1] !== MAGIC1 || head[2] !== FORMAT_VERSION) {
    throw new CodecError("not an encoded value (bad header)", 0);
  }
  const tag = head[HEADER_SIZE];
  const type = TYPE_OF_TAG[tag];
  if (type === undefined) throw new CodecError(`unknown tag ${tag}`, HEADER_SIZE);
  if (tag !== Tag.Matrix && tag !== Tag.Tensor) return { type };
  const r = new Reader(head);
  r.pos = HEADER_SIZE + 1;
  return r.arrayShape(tag === Tag.Matrix);
}

class Reader {
  pos = 0;
  /** Where the value being read starts and ends in `bytes`. */
  private start = 0;
  private end: number;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: CodecOptions = NONE,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
  }

  /** The value encoded (header and value) in bytes [start, end), which it must fill exactly. */
  decode(start: number, end: number): StoredValue {
    const bytes = this.bytes;
    if (start < 0 || end > bytes.length || start > end) throw new CodecError("value outside the data", 0);
    this.start = start;
    this.end = end;
    if (end - start < HEADER_SIZE || bytes[start] !== MAGIC0 || bytes[start + 1] !== MAGIC1) this.fail("not an encoded value (bad magic)", start);
    if (bytes[start + 2] !== FORMAT_VERSION) this.fail(`unsupported format version ${bytes[start + 2]}`, start + 2);
    this.pos = start + HEADER_SIZE;
    const v = this.value(0);
    if (this.pos !== end) this.fail(`${end - this.pos} trailing bytes`);
    return v;
  }

  private fail(detail: string, at = this.pos): never {
    throw new CodecError(detail, at - this.start);
  }

  private get left(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.left) this.fail(`${what} runs past the end of the data`);
  }

  private u8(): number {
    this.need(1, "a byte");
    return this.bytes[this.pos++];
  }

  private uleb(): number {
    const start = this.pos;
    let x = 0,
      scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      x += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) this.fail("non-minimal integer", start);
        if (x > MAX_UINT32) this.fail("integer too large", start);
        return x;
      }
    }
    return this.fail("integer too long", start);
  }

  /** A count of items each taking at least `minSize` bytes, checked against the bytes left. */
  private count(minSize: number, what: string): number {
    const at = this.pos;
    const n = this.uleb();
    if (n * minSize > this.left) this.fail(`${what} count ${n} exceeds the data`, at);
    return n;
  }

  private f64(): number {
    this.need(8, "a number");
    const at = this.pos;
    const x = this.view.getFloat64(at, true);
    if (x === 0 ? 1 / x < 0 : x !== x && !isCanonicalNaN(this.view, at, true)) this.fail("non-canonical number", at);
    this.pos += 8;
    return x;
  }

  private string(): string {
    const n = this.count(1, "string byte");
    const at = this.pos;
    this.pos += n;
    try {
      return utf8dec.decode(unshared(this.bytes.subarray(at, at + n)));
    } catch {
      return this.fail("invalid UTF-8", at);
    }
  }

  value(depth: number): StoredValue {
    const at = this.pos;
    const tag = this.u8();
    switch (tag) {
      case Tag.Nil:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Number:
        return this.f64();
      case Tag.String:
        return this.string();
      case Tag.Error: {
        const code = this.f64();
        return { kind: "error", code, message: this.string() };
      }
      case Tag.Matrix:
      case Tag.Tensor:
        return this.array(tag === Tag.Matrix);
      case Tag.Actor:
        if (!this.options.actors) break;
        return actorRef(this.uleb(), this.string());
      case Tag.Store: {
        if (!this.options.stores) break;
        if (depth >= MAX_DEPTH) this.fail(`values nested more than ${MAX_DEPTH} deep`, at);
        const handle = this.uleb();
        return storeRef(handle, this.value(depth + 1) as JsValue);
      }
    }
    if (tag !== Tag.List && tag !== Tag.Map && tag !== Tag.Struct) this.fail(`unknown tag ${tag}`, at);
    if (depth >= MAX_DEPTH) this.fail(`values nested more than ${MAX_DEPTH} deep`, at);
    if (tag === Tag.List) {
      const n = this.count(1, "list item");
      const out: StoredValue[] = [];
      for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
      return out;
    }
    if (tag === Tag.Map) return this.map(depth);
    return this.struct(depth);
  }

  private map(depth: number): Map<StoredValue, StoredValue> {
    const n = this.count(2, "map entry");
    const out = new Map<StoredValue, StoredValue>();
    let prev: Uint8Array | undefined;
    for (let i = 0; i < n; i++) {
      const at = this.pos;
      const tag = at < this.end ? this.bytes[at] : -1;
      if (tag !== Tag.String && tag !== Tag.Number) this.fail("map keys must be strings or numbers", at);
      const key = this.value(depth + 1);
      const keyBytes = this.bytes.subarray(at, this.pos);
      if (prev !== undefined && compareBytes(prev, keyBytes) >= 0) this.fail("map keys out of order or repeated", at);
      prev = keyBytes;
      out.set(key, this.value(depth + 1));
    }
    return out;
  }

  private struct(depth: number): { [k: string]: StoredValue } {
    const name = this.string();
    const n = this.count(2, "struct field");
    const out: { [k: string]: StoredValue } = {};
    Object.defineProperty(out, STRUCT_NAME, { value: name, enumerable: false });
    for (let i = 0; i < n; i++) {
      const at = this.pos;
      const field = this.string();
      if (!FIELD_NAME.test(field)) this.fail(`struct field name ${JSON.stringify(field)} is not an identifier`, at);
      if (Object.hasOwn(out, field)) this.fail(`struct field '${field}' repeated`, at);
      // defineProperty, because assigning a field named "__proto__" would set the prototype
      Object.defineProperty(out, field, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** An array's dtype and shape: what follows its tag up to the padding. */
  arrayShape(isMatrix: boolean): { type: "matrix" | "tensor"; dtype: DType; shape: number[] } {
    const dtypeAt = this.pos;
    const dt = this.u8();
    if (dt !== DTYPE_F64 && dt !== DTYPE_F32) this.fail(`unknown dtype ${dt}`, dtypeAt);
    let ndim = 2;
    if (!isMatrix) {
      const at = this.pos;
      ndim = this.count(1, "tensor dimension");
      if (ndim > MAX_TENSOR_DIMS) this.fail(`tensor has ${ndim} dimensions (at most ${MAX_TENSOR_DIMS})`, at);
    }
    const shape: number[] = [];
    for (let i = 0; i < ndim; i++) shape.push(this.uleb());
    return { type: isMatrix ? "matrix" : "tensor", dtype: dt === DTYPE_F64 ? "f64" : "f32", shape };
  }

  private array(isMatrix: boolean): ArrayValue {
    const kind = isMatrix ? "matrix" : "tensor";
    const { dtype, shape } = this.arrayShape(isMatrix);
    const f64 = dtype === "f64";
    const elemSize = f64 ? 8 : 4;
    // computed with an early stop so huge dimensions cannot overflow (0 * Infinity is NaN)
    let count = shape.includes(0) ? 0 : 1;
    for (const d of shape) {
      if (count === 0 || count * elemSize > this.left) break;
      count *= d;
    }
    // padding counts from the start of the encoding, wherever it lies in the data
    const pad = padding(this.pos - this.start);
    this.need(pad, "padding");
    for (let i = 0; i < pad; i++) if (this.bytes[this.pos + i] !== 0) this.fail("non-zero padding", this.pos + i);
    this.pos += pad;
    if (count * elemSize > this.left) this.fail(`${kind} elements run past the end of the data`);
    const at = this.pos;
    this.pos += count * elemSize;
    const data = this.elements(at, count, f64);
    return { kind, shape, dtype: f64 ? "f64" : "f32", data };
  }

  /** The elements at `at`: a view over the input when aligned on a little-endian host, else a copy. */
  private elements(at: number, count: number, f64: boolean): Float64Array | Float32Array {
    const elemSize = f64 ? 8 : 4;
    const abs = this.bytes.byteOffset + at;
    let data: Float64Array | Float32Array;
    if (HOST_LE && abs % elemSize === 0) {
      data = f64 ? new Float64Array(this.bytes.buffer, abs, count) : new Float32Array(this.bytes.buffer, abs, count);
      if (this.options.copyArrays) data = data.slice();
    } else {
      data = f64 ? new Float64Array(count) : new Float32Array(count);
      for (let i = 0; i < count; i++) {
        data[i] = f64 ? this.view.getFloat64(at + i * 8, true) : this.view.getFloat32(at + i * 4, true);
      }
    }
    for (let i = 0; i < count; i++) {
      const x = data[i];
      if (x === 0 ? 1 / x < 0 : x !== x && !isCanonicalNaN(this.view, at + i * elemSize, f64)) {
        this.fail("non-canonical element", at + i * elemSize);
      }
    }
    return data;
  }
}

function isCanonicalNaN(view: DataView, at: number, f64: boolean): boolean {
  return f64 ? view.getUint32(at, true) === 0 && view.getUint32(at + 4, true) === 0x7ff80000 : view.getUint32(at, true) === 0x7fc00000;
}
