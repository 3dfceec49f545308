// The binary .nbc container. Little-endian throughout:
//
//   "NBC\0"  u16 version (NBC_VERSION)  u16 flags (0)
//   sections, each: u8 id, u32 payload length, payload — all six, in this order:
//     1 files      count, strings
//     2 constants  count, then per constant a u8 tag: 0 number (f64) | 1 string
//     3 structs    structBase, count, then per struct: name, field count, field names,
//                  display template (empty when none)
//     4 globals    globalBase, count, names
//     5 functions  functionBase, count, then per function: name, nparams, nrequired, nregs,
//                  capture count + descriptors, word count + u32 code words,
//                  handler count + (start, end, target, reg, region), file index,
//                  line entry count + (word offset, line, column) triples
//     6 entry      absolute function index
//   32-byte content hash of everything before it
//
// Counts and small numbers are unsigned LEB128 varints (at most 32 bits); a string is a varint
// byte length and UTF-8 bytes. The decoder treats its input as hostile: every length is checked
// against the bytes left before anything is allocated, and any defect is a BytecodeError (1004).

import { BytecodeError } from "./errors.js";
import { type Constant, type FunctionProto, type Handler, NBC_VERSION, type NbcModule, type StructInfo } from "./module.js";

const MAGIC = [0x4e, 0x42, 0x43, 0x00];
const HEADER_SIZE = 8;
const HASH_SIZE = 32;

const SECTIONS = ["files", "constants", "structs", "globals", "functions", "entry"] as const;
type SectionName = (typeof SECTIONS)[number];

const TAG_NUMBER = 0;
const TAG_STRING = 1;

// ---------------------------------------------------------------- content hash

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const LANES = 8;
const STRIPE = LANES * 4;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function avalanche(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, PRIME2);
  h ^= h >>> 13;
  h = Math.imul(h, PRIME3);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 256-bit non-cryptographic digest as eight 32-bit words: eight xxHash32-style lanes each take
 * one word of every 32-byte stripe, then a ring of avalanche steps, run twice, makes every output
 * word depend on every lane and on the length.
 */
function digest(bytes: Uint8Array, end: number): Uint32Array {
  const h = new Uint32Array(LANES);
  for (let i = 0; i < LANES; i++) h[i] = Math.imul(i + 1, PRIME1) ^ PRIME2;
  const word = (p: number): number => bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
  const round = (lane: number, w: number): void => {
    h[lane] = Math.imul(rotl(h[lane] + Math.imul(w, PRIME2), 13), PRIME1);
  };
  let p = 0;
  for (; p + STRIPE <= end; p += STRIPE) for (let i = 0; i < LANES; i++) round(i, word(p + i * 4));
  let lane = 0;
  for (; p + 4 <= end; p += 4) round(lane++, word(p));
  if (p < end) {
    let w = 0;
    for (let s = 0; p < end; p++, s += 8) w |= bytes[p] << s;
    round(lane, w);
  }
  let carry = end >>> 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < LANES; i++) {
      carry = avalanche(h[i] ^ (Math.imul(carry, PRIME3) + i));
      h[i] = carry;
    }
  }
  return h;
}

function hashBytes(bytes: Uint8Array, end: number): Uint8Array {
  const h = digest(bytes, end);
  const out = new Uint8Array(HASH_SIZE);
  for (let i = 0; i < LANES; i++) for (let b = 0; b < 4; b++) out[i * 4 + b] = h[i] >>> (b * 8);
  return out;
}

const HEX_DIGITS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += HEX_DIGITS[b];
  return s;
}

/** The 256-bit content hash of `bytes` as 64 hex digits (the same bytes an .nbc file ends with). */
export function contentHash(bytes: Uint8Array): string {
  return hex(hashBytes(bytes, bytes.length));
}

/** The identity of a module: the content hash stored at the end of its .nbc encoding. */
export function moduleHash(m: NbcModule): string {
  return storedHash(encodeModule(m));
}

/** The content hash an .nbc encoding ends with (decodeModule checks it against the content). */
export function storedHash(bytes: Uint8Array): string {
  return hex(bytes.subarray(Math.max(0, bytes.length - HASH_SIZE)));
}

// ---------------------------------------------------------------- encoding

class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const fresh = new Uint8Array(cap);
    fresh.set(this.buf.subarray(0, this.length));
    this.buf = fresh;
    this.view = new DataView(fresh.buffer);
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  u16(v: number): void {
    this.room(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  varint(v: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new Error(`encodeModule: ${what} is ${v}, not an unsigned 32-bit integer`);
    this.room(5);
    while (v >= 0x80) {
      this.buf[this.length++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.length++] = v;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  string(s: string): void {
    const b = utf8.encode(s);
    this.varint(b.length, "string length");
    this.bytes(b);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** Content hashed so far, for the trailer. */
  hashSoFar(): Uint8Array {
    return hashBytes(this.buf, this.length);
  }
}

const utf8 = new TextEncoder();

function writeFunction(w: Writer, f: FunctionProto): void {
  w.string(f.name);
  w.varint(f.nparams, `${f.name}: nparams`);
  w.varint(f.nrequired, `${f.name}: nrequired`);
  w.varint(f.nregs, `${f.name}: nregs`);
  w.varint(f.captures.length, "capture count");
  for (const c of f.captures) w.varint(c, `${f.name}: capture descriptor`);
  w.varint(f.code.length, "code length");
  for (const word of f.code) w.u32(word);
  w.varint(f.handlers.length, "handler count");
  for (const h of f.handlers) {
    w.varint(h.start, `${f.name}: handler start`);
    w.varint(h.end, `${f.name}: handler end`);
    w.varint(h.target, `${f.name}: handler target`);
    w.varint(h.reg, `${f.name}: handler register`);
    w.varint(h.region, `${f.name}: handler region`);
  }
  w.varint(f.file, `${f.name}: file index`);
  if (f.lines.length % 3 !== 0) throw new Error(`encodeModule: ${f.name}: line table length ${f.lines.length} is not a multiple of 3`);
  w.varint(f.lines.length / 3, "line entry count");
  for (const v of f.lines) w.varint(v, `${f.name}: line table entry`);
}

const WRITERS: Record<SectionName, (w: Writer, m: NbcModule) => void> = {
  files(w, m) {
    w.varint(m.files.length, "file count");
    for (const f of m.files) w.string(f);
  },
  constants(w, m) {
    w.varint(m.constants.length, "constant count");
    for (const k of m.constants) {
      if (k.kind === "number") {
        w.u8(TAG_NUMBER);
        w.f64(k.value);
      } else {
        w.u8(TAG_STRING);
        w.string(k.value);
      }
    }
  },
  structs(w, m) {
    w.varint(m.structBase, "structBase");
    w.varint(m.structs.length, "struct count");
    for (const s of m.structs) {
      w.string(s.name);
      w.varint(s.fields.length, "field count");
      for (const f of s.fields) w.string(f);
      w.string(s.display ?? "");
    }
  },
  globals(w, m) {
    w.varint(m.globalBase, "globalBase");
    w.varint(m.globals.length, "global count");
    for (const g of m.globals) w.string(g);
  },
  functions(w, m) {
    w.varint(m.functionBase, "functionBase");
    w.varint(m.functions.length, "function count");
    for (const f of m.functions) writeFunction(w, f);
  },
  entry(w, m) {
    w.varint(m.entry, "entry");
  },
};

export function encodeModule(m: NbcModule): Uint8Array {
  if (m.version !== NBC_VERSION) throw new Error(`encodeModule: module version ${m.version}, this build writes ${NBC_VERSION}`);
  const w = new Writer();
  for (const b of MAGIC) w.u8(b);
  w.u16(NBC_VERSION);
  w.u16(0);
  SECTIONS.forEach((name, i) => {
    w.u8(i + 1);
    const lengthAt = w.length;
    w.u32(0);
    WRITERS[name](w, m);
    w.patchU32(lengthAt, w.length - lengthAt - 4);
  });
  w.bytes(w.hashSoFar());
  return w.finish();
}

// ---------------------------------------------------------------- decoding

const utf8Strict = new TextDecoder("utf-8", { fatal: true });

class Reader {
  pos = 0;
  /** End of the region being read (a section, or the content before the hash). */
  end: number;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
  }

  fail(detail: string, at = this.pos): never {
    throw new BytecodeError(detail, { file: this.file, byteOffset: at });
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) this.fail(`${what} needs ${n} bytes, only ${this.end - this.pos} left`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  varint(what: string): number {
    const start = this.pos;
    let v = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8(what);
      if (i === 4 && b > 0x0f) this.fail(`${what} does not fit in 32 bits`, start);
      v += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return v;
    }
    return this.fail(`${what} does not fit in 32 bits`, start);
  }

  /** A count of items each at least `minBytes` long, checked against the bytes left. */
  count(what: string, minBytes: number): number {
    const start = this.pos;
    const n = this.varint(what);
    if (n * minBytes > this.end - this.pos) this.fail(`${what} ${n} is more than the ${this.end - this.pos} bytes left allow`, start);
    return n;
  }

  string(what: string): string {
    const start = this.pos;
    const n = this.count(`${what} length`, 1);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    try {
      return utf8Strict.decode(b);
    } catch {
      return this.fail(`${what} is not valid UTF-8`, start);
    }
  }

  list<T>(what: string, minBytes: number, item: (i: number) => T): T[] {
    const n = this.count(`${what} count`, minBytes);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = item(i);
    return out;
  }
}

function readConstant(r: Reader): Constant {
  const at = r.pos;
  const tag = r.u8("constant tag");
  if (tag === TAG_NUMBER) return { kind: "number", value: r.f64("number constant") };
  if (tag === TAG_STRING) return { kind: "string", value: r.string("string constant") };
  return r.fail(`unknown constant tag ${tag}`, at);
}

function readStruct(r: Reader): StructInfo {
  const name = r.string("struct name");
  const fields = r.list("field", 1, () => r.string("field name"));
  const display = r.string("struct display");
  return display === "" ? { name, fields } : { name, fields, display };
}

function readHandler(r: Reader): Handler {
  return {
    start: r.varint("handler start"),
    end: r.varint("handler end"),
    target: r.varint("handler target"),
    reg: r.varint("handler register"),
    region: r.varint("handler region"),
  };
}

/** Smallest encoding of a function: eight one-byte varints (empty name, no code, no tables). */
const MIN_FUNCTION_BYTES = 8;

function readFunction(r: Reader): FunctionProto {
  const name = r.string("function name");
  const nparams = r.varint("nparams");
  const nrequired = r.varint("nrequired");
  const nregs = r.varint("nregs");
  const captures = r.list("capture", 1, () => r.varint("capture descriptor"));
  const words = r.count("code word count", 4);
  const code = new Uint32Array(words);
  for (let i = 0; i < words; i++) code[i] = r.u32("code word");
  const handlers = r.list("handler", 5, () => readHandler(r));
  const file = r.varint("file index");
  const entries = r.count("line entry count", 3);
  const lines = new Uint32Array(entries * 3);
  for (let i = 0; i < lines.length; i++) lines[i] = r.varint("line table entry");
  return { name, nparams, nrequired, nregs, captures, code, handlers, file, lines };
}

export function decodeModule(bytes: Uint8Array, fileName?: string): NbcModule {
  const r = new Reader(bytes, fileName);
  if (bytes.length < HEADER_SIZE + HASH_SIZE) r.fail(`file is ${bytes.length} bytes, too short for an NBC module`, 0);
  MAGIC.forEach((b, i) => {
    if (bytes[i] !== b) r.fail("not an NBC module (bad magic bytes)", i);
  });
  r.pos = MAGIC.length;
  const version = r.u16("version");
  if (version !== NBC_VERSION) r.fail(`unsupported format version ${version} (this build reads ${NBC_VERSION})`, 4);
  const flags = r.u16("flags");
  if (flags !== 0) r.fail(`unknown flags ${flags}`, 6);
  const hashAt = bytes.length - HASH_SIZE;
  const expected = hashBytes(bytes, hashAt);
  for (let i = 0; i < HASH_SIZE; i++) if (bytes[hashAt + i] !== expected[i]) r.fail("content hash mismatch", hashAt);

  r.end = hashAt;
  const m: NbcModule = {
    version,
    files: [],
    constants: [],
    structs: [],
    structBase: 0,
    globals: [],
    globalBase: 0,
    functions: [],
    functionBase: 0,
    entry: 0,
  };
  const readers: Record<SectionName, () => void> = {
    files: () => (m.files = r.list("file", 1, () => r.string("file name"))),
    constants: () => (m.constants = r.list("constant", 2, () => readConstant(r))),
    structs: () => {
      m.structBase = r.varint("structBase");
      m.structs = r.list("struct", 3, () => readStruct(r));
    },
    globals: () => {
      m.globalBase = r.varint("globalBase");
      m.globals = r.list("global", 1, () => r.string("global name"));
    },
    functions: () => {
      m.functionBase = r.varint("functionBase");
      m.functions = r.list("function", MIN_FUNCTION_BYTES, () => readFunction(r));
    },
    entry: () => (m.entry = r.varint("entry")),
  };
  SECTIONS.forEach((name, i) => {
    const at = r.pos;
    const id = r.u8("section id");
    if (id !== i + 1) r.fail(`expected section ${i + 1} (${name}), found section ${id}`, at);
    const length = r.u32(`${name} section length`);
    r.need(length, `${name} section`);
    const end = r.pos + length;
    r.end = end;
    readers[name]();
    if (r.pos !== end) r.fail(`${end - r.pos} unread bytes at the end of the ${name} section`);
    r.end = hashAt;
  });
  if (r.pos !== hashAt) r.fail(`${hashAt - r.pos} bytes of unexpected data after the last section`);
  return m;
}
