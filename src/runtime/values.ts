// Values across the boundary. The host reads Noodle values straight from WebAssembly memory
// using the core's own layout, and builds values for the core through its constructors.

import { Matrix, retainObject, Tensor } from "../math/arrays.js";
import type { CoreExports } from "./core.js";
import * as L from "./heap-layout.generated.js";
import { HostError } from "./host-calls.js";

const utf8 = new TextDecoder();
/** Longest string (in bytes) read without the decoder when it is ASCII. */
const SHORT_STRING = 16;
const utf8enc = new TextEncoder();

/** A Noodle struct as JavaScript sees it: a plain object of its fields, named by this symbol. */
export const STRUCT_NAME = Symbol.for("noodle.struct");

export type JsValue =
  | null
  | boolean
  | number
  | string
  | JsValue[]
  | Map<JsValue, JsValue>
  | { [k: string]: JsValue }
  | NoodleFunctionRef
  | NoodleErrorValue
  | NoodleFutureRef
  | NoodleActorRef
  | Matrix
  | Tensor;

/** A future as JavaScript sees it: its state, and its value or error once settled. */
export interface NoodleFutureRef {
  kind: "future";
  state: "pending" | "resolved" | "failed";
}

export interface NoodleActorRef {
  kind: "actor";
  name: string;
}

/** On an actor that lives on a pool's worker (not enumerable): the pool's id for it. */
export const ACTOR_ID = Symbol.for("noodle.actor.id");

/** A reference to actor `id` of a pool, as a VM reads it and the wire codec carries it. */
export function actorRef(id: number, name: string): NoodleActorRef {
  const a: NoodleActorRef = { kind: "actor", name };
  Object.defineProperty(a, ACTOR_ID, { value: id });
  return a;
}

/**
 * On a store of std/db read from a VM (not enumerable): its handle with the VM that owns it. The
 * wire codec carries such a struct as a reference, and a VM taking it in makes a store of its
 * own over the same handle (src/runtime/store-values.ts).
 */
export const STORE_HANDLE = Symbol.for("noodle.store.handle");

/** A reference to store `handle` (named `path`), as the wire codec decodes it. */
export function storeRef(handle: number, path: JsValue): { [k: string]: JsValue } {
  const s: { [k: string]: JsValue } = { path };
  Object.defineProperty(s, STRUCT_NAME, { value: "Store", enumerable: false });
  Object.defineProperty(s, STORE_HANDLE, { value: handle });
  return s;
}

export interface NoodleFunctionRef {
  kind: "function";
  name: string;
}

/** On a function read from a VM (not enumerable): its function index there, and how many variables it captures. */
export const FUNCTION_INDEX = Symbol.for("noodle.function.index");
export const FUNCTION_CAPTURES = Symbol.for("noodle.function.captures");

/** A reference to function `index` of a program that captures nothing, to pass to its VM or a replica's. */
export function functionRef(name: string, index: number): NoodleFunctionRef {
  return closureRef(name, index, 0);
}

function closureRef(name: string, index: number, captures: number): NoodleFunctionRef {
  const f: NoodleFunctionRef = { kind: "function", name };
  Object.defineProperty(f, FUNCTION_INDEX, { value: index });
  Object.defineProperty(f, FUNCTION_CAPTURES, { value: captures });
  return f;
}

export interface NoodleErrorValue {
  kind: "error";
  code: number;
  message: string;
}

const TAG_HI = Number(L.TAG_OBJ >> 32n);
const NIL_HI = Number(L.NIL >> 32n);

/** How deep a value the host reads may nest (8007 beyond). */
const MAX_DEPTH = 100;

/** A part of a value left out of a message (too deep, or a cycle); shown as `...`. */
export class Elided {}

/** Reads values out of one core instance's memory. */
export class ValueReader {
  /** When set, deep or cyclic parts are elided instead of failing (for error messages). */
  private brief: { seen: Set<number>; depth: number } | undefined;

  /** The objects being read, by depth (to tell a cycle from a deep value). */
  private readonly path: number[] = [];

  /** A value for an error message: at most a few levels deep, cycles cut. */
  forMessage(addr: number): JsValue {
    this.brief = { seen: new Set(), depth: 3 };
    try {
      return this.at(addr);
    } finally {
      this.brief = undefined;
    }
  }

  constructor(
    private readonly core: CoreExports,
    private readonly functionName: (protoIndex: number) => string,
    private readonly builtinName: (id: number) => string,
    /** The handle of the store struct p is, when it is one (store-values.ts). */
    private readonly storeHandle?: (p: number) => number | undefined,
  ) {}

  // Views of the core's memory, made again only when it grew: a view per value read cost more
  // than the read. Growing detaches the old buffer (the memory is not shared), which empties
  // the views, so an empty view is the sign, without asking the memory for its buffer each time.
  private u32View = new Uint32Array(0);
  private f64View = new Float64Array(0);
  private u8View = new Uint8Array(0);

  private views(): void {
    if (this.u32View.length !== 0) return;
    const buffer = this.core.memory.buffer;
    this.u32View = new Uint32Array(buffer);
    this.f64View = new Float64Array(buffer);
    this.u8View = new Uint8Array(buffer);
  }

  private get u32(): Uint32Array {
    this.views();
    return this.u32View;
  }
  private get f64(): Float64Array {
    this.views();
    return this.f64View;
  }
  private get u8(): Uint8Array {
    this.views();
    return this.u8View;
  }

  /** The value stored at byte address `addr`. */
  at(addr: number, depth = 0): JsValue {
    const u32 = this.u32;
    const lo = u32[addr >>> 2],
      hi = u32[(addr >>> 2) + 1];
    if (hi < 0xfffc0000) return this.f64[addr >>> 3];
    if (hi === NIL_HI) return lo === 0 ? null : lo === 2;
    if (hi === TAG_HI) return this.object(lo, depth);
    return null;
  }

  string(p: number): string {
    const n = this.u32[(p + L.STR_BYTES) >>> 2];
    const u8 = this.u8;
    const at = p + L.STR_DATA;
    // a short ASCII string (a handler's name, a key) is read byte by byte: a view and a
    // decoder's call per string cost more than the string
    if (n <= SHORT_STRING) {
      let s = "";
      for (let i = 0; i < n; i++) {
        const b = u8[at + i];
        if (b >= 0x80) return utf8.decode(u8.subarray(at, at + n));
        s += String.fromCharCode(b);
      }
      return s;
    }
    return utf8.decode(u8.subarray(at, at + n));
  }

  /** A value as text the way `print` shows it, for messages (strings quoted when `quoted`). */
  object(p: number, depth: number): JsValue {
    const brief = this.brief;
    if (brief && (depth > brief.depth || brief.seen.has(p))) return new Elided() as unknown as JsValue;
    if (depth > MAX_DEPTH) {
      // a value that holds itself nests without end: say so rather than only "too deep"
      const cyclic = this.path.lastIndexOf(p, depth - 1) >= 0;
      throw HostError.of("NotStorable", cyclic ? "it contains itself" : `it is nested more than ${MAX_DEPTH} levels deep`);
    }
    this.path[depth] = p;
    brief?.seen.add(p);
    try {
      return this.read(p, depth);
    } finally {
      brief?.seen.delete(p);
    }
  }

  private read(p: number, depth: number): JsValue {
    const u8 = this.u8,
      u32 = this.u32;
    switch (u8[p]) {
      case L.T_STRING:
        return this.string(p);
      case L.T_LIST: {
        const n = u32[(p + L.LIST_LEN) >>> 2];
        const items = u32[(p + L.LIST_DATA) >>> 2] + L.HEADER;
        const out: JsValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.at(items + i * 8, depth + 1));
        return out;
      }
      case L.T_MAP: {
        const used = u32[(p + L.MAP_USED) >>> 2];
        const entries = u32[(p + L.MAP_ENTRIES) >>> 2] + L.HEADER;
        const out = new Map<JsValue, JsValue>();
        for (let e = 0; e < used; e++) {
          const a = entries + e * 16;
          if (u32[(a >>> 2) + 1] === NIL_HI && u32[a >>> 2] === 0xff) continue; // deleted
          out.set(this.at(a, depth + 1), this.at(a + 8, depth + 1));
        }
        return out;
      }
      case L.T_STRUCT: {
        const def = u32[(p + L.STRUCT_DEF) >>> 2];
        const count = u32[(def + L.SDEF_COUNT) >>> 2];
        const out: { [k: string]: JsValue } = {};
        Object.defineProperty(out, STRUCT_NAME, { value: this.string(u32[(def + L.SDEF_NAME) >>> 2]), enumerable: false });
        for (let i = 0; i < count; i++) {
          out[this.string(u32[(def + L.SDEF_FIELDS + i * 4) >>> 2])] = this.at(p + L.STRUCT_FIELDS + i * 8, depth + 1);
        }
        const store = this.storeHandle?.(p);
        if (store !== undefined) Object.defineProperty(out, STORE_HANDLE, { value: store });
        return out;
      }
      case L.T_CLOSURE: {
        const index = u32[(p + L.CLO_PROTO) >>> 2];
        return closureRef(this.functionName(index), index, u32[(p + L.CLO_NCAP) >>> 2]);
      }
      case L.T_NATIVE:
        return { kind: "function", name: this.builtinName(u32[(p + L.NATIVE_ID) >>> 2]) };
      case L.T_MATRIX:
        return new Matrix(this.core, retainObject(this.core, p));
      case L.T_TENSOR:
        return new Tensor(this.core, retainObject(this.core, p));
      case L.T_FUTURE: {
        const st = u32[(p + L.FUT_STATE) >>> 2];
        return { kind: "future", state: st === 0 ? "pending" : st === 1 ? "resolved" : "failed" };
      }
      case L.T_ACTOR: {
        const name = this.string(u32[(p + L.ACT_NAME) >>> 2]);
        const remote = u32[(p + L.ACT_REMOTE) >>> 2];
        return remote !== 0 ? actorRef(remote, name) : { kind: "actor", name };
      }
      case L.T_BOUND:
        return { kind: "function", name: `${this.string(u32[(u32[(p + L.BM_ACTOR) >>> 2] + L.ACT_NAME) >>> 2])}.${this.string(u32[(p + L.BM_NAME) >>> 2])}` };
      case L.T_ERROR:
        return { kind: "error", code: this.f64[(p + L.ERR_CODE) >>> 3], message: this.string(u32[(p + L.ERR_MESSAGE) >>> 2]) };
      default:
        return null;
    }
  }

  /** Raw tag words of the value at addr: [lo, hi]. */
  raw(addr: number): [number, number] {
    const u32 = this.u32;
    return [u32[addr >>> 2], u32[(addr >>> 2) + 1]];
  }
}

/** Encodes a JS string into a new core string; `pinned` strings are never collected. */
export function makeString(core: CoreExports, text: string, pinned: boolean): number {
  const bytes = utf8enc.encode(text);
  const p = core.newString(bytes.length);
  if (p === 0) throw new RangeError("out of memory making a string");
  new Uint8Array(core.memory.buffer).set(bytes, p + L.STR_DATA);
  return core.finishString(p, pinned ? 1 : 0);
}

export function objectValue(p: number): bigint {
  return L.TAG_OBJ | BigInt(p);
}

export function numberValue(x: number): bigint {
  numberScratch[0] = Number.isNaN(x) ? NaN : x;
  return numberBits[0];
}
// one scratch word for every conversion: allocating a buffer per number cost microseconds
const numberScratch = new Float64Array(1);
const numberBits = new BigUint64Array(numberScratch.buffer);

/**
 * Finds or defines the struct type `name` with these fields in a VM; returns its index. `store`,
 * when the VM has std/db, makes a store over another VM's handle (store-values.ts).
 */
export type StructTypes = ((name: string, fields: string[]) => number) & { store?: (handle: number, path: JsValue) => bigint };

/** A matrix or tensor not tied to a VM (as the value codec decodes them). */
interface PlainArray {
  kind: "matrix" | "tensor";
  shape: number[];
  dtype: "f64" | "f32";
  data: Float64Array | Float32Array;
}

function isPlainArray(v: object): v is PlainArray {
  const a = v as Partial<PlainArray>;
  return (a.kind === "matrix" || a.kind === "tensor") && Array.isArray(a.shape) && (a.data instanceof Float64Array || a.data instanceof Float32Array);
}

/**
 * Builds a core value from a JavaScript value: arrays become lists, Maps and plain objects maps,
 * objects named by STRUCT_NAME structs (when `structs` is given), {kind: "error"} errors, and
 * matrices and tensors (views or plain data) arrays in the core.
 */
export function toCore(core: CoreExports, v: unknown, structs?: StructTypes, depth = 0): bigint {
  if (depth > 1000) throw new RangeError("value nested too deeply to convert");
  if (v === null || v === undefined) return L.NIL;
  if (typeof v === "boolean") return v ? L.TRUE : L.FALSE;
  if (typeof v === "number") return numberValue(v);
  if (typeof v === "string") return objectValue(makeString(core, v, false));
  if (v instanceof Matrix || v instanceof Tensor) return arrayToCore(core, v);
  if (Array.isArray(v)) {
    const list = core.newList(v.length);
    for (const item of v) core.listPush(list, toCore(core, item, structs, depth + 1));
    return objectValue(list);
  }
  if (typeof v === "object" && !(v instanceof Map)) {
    const rec = v as Record<string | symbol, unknown>;
    if (isPlainArray(rec)) return arrayToCore(core, rec);
    if (rec.kind === "error" && typeof rec.code === "number" && typeof rec.message === "string" && !(STRUCT_NAME in rec)) {
      return core.newError(rec.code, makeString(core, rec.message, false));
    }
    if (typeof rec[STORE_HANDLE] === "number" && structs?.store) return structs.store(rec[STORE_HANDLE] as number, (rec.path ?? null) as JsValue);
    if (structs && typeof rec[STRUCT_NAME] === "string") return structToCore(core, rec, structs, depth);
    // a function read from this VM, or from a replica of its program (same indices), that captures nothing
    if (rec.kind === "function" && typeof rec[FUNCTION_INDEX] === "number" && rec[FUNCTION_CAPTURES] === 0) {
      const fn = core.closureOf(rec[FUNCTION_INDEX] as number);
      if (BigInt.asUintN(64, fn) === L.NIL) throw new RangeError(`function ${rec.name} is not loaded here`);
      return BigInt.asUintN(64, fn);
    }
    if (rec.kind === "actor" && typeof rec[ACTOR_ID] === "number" && typeof rec.name === "string") {
      const actor = core.remoteActor(rec[ACTOR_ID] as number, makeString(core, rec.name, false));
      if (BigInt.asUintN(64, actor) === L.NIL) throw new RangeError("out of memory making an actor reference");
      return actor;
    }
  }
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  const map = core.newMap(entries.length);
  for (const [k, x] of entries) {
    if (typeof k !== "string" && typeof k !== "number") throw new TypeError("map keys must be strings or numbers");
    core.mapSet(map, toCore(core, k, structs, depth + 1), toCore(core, x, structs, depth + 1));
  }
  return objectValue(map);
}

function structToCore(core: CoreExports, rec: Record<string | symbol, unknown>, structs: StructTypes, depth: number): bigint {
  const fields = Object.keys(rec);
  const def = structs(rec[STRUCT_NAME] as string, fields);
  const values = fields.map((f) => toCore(core, rec[f], structs, depth + 1));
  const src = core.allocTable(Math.max(1, values.length) * 8);
  if (src === 0) throw new RangeError("out of memory making a struct");
  new BigUint64Array(core.memory.buffer, src, values.length).set(values);
  const p = core.newStruct(def, src);
  if (p === 0) throw new RangeError("out of memory making a struct");
  return objectValue(p);
}

const shapeBuffers = new WeakMap<CoreExports, number>();

/** A place in `core` for a tensor shape (at most 32 dimensions), made once per core. */
function shapeScratch(core: CoreExports): number {
  let p = shapeBuffers.get(core);
  if (p === undefined) {
    p = core.allocTable(32 * 4);
    shapeBuffers.set(core, p);
  }
  return p;
}

/** A matrix or tensor as a value of `core`: a view of it is itself, anything else is copied. */
function arrayToCore(core: CoreExports, v: Matrix | Tensor | PlainArray): bigint {
  const own = v instanceof Matrix || v instanceof Tensor ? v.valueIn(core) : undefined;
  if (own !== undefined) return own;
  const dtype = v.dtype === "f32" ? 1 : 0;
  const isMatrix = v.kind === "matrix";
  const length = v.shape.reduce((a, b) => a * b, 1);
  let p: number;
  if (isMatrix) p = core.newMatrix(v.shape[0], v.shape[1], dtype);
  else {
    const shape = shapeScratch(core);
    new Uint32Array(core.memory.buffer, shape, v.shape.length).set(v.shape);
    p = core.newTensor(v.shape.length, shape, dtype);
  }
  if (p === 0) throw new RangeError("out of memory copying an array");
  const u32 = new Uint32Array(core.memory.buffer);
  const elems = u32[(p + (isMatrix ? L.MAT_ELEMS : L.TEN_ELEMS)) >>> 2];
  const target = dtype ? new Float32Array(core.memory.buffer, elems, length) : new Float64Array(core.memory.buffer, elems, length);
  target.set(v.data);
  return objectValue(p);
}

/** The text of a JS-side copy of a value the way Noodle prints it (used for error arguments). */
export function displayValue(v: JsValue, quoted = false): string {
  if (v === null) return "nil";
  if ((v as unknown) instanceof Elided) return "...";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return Object.is(v, -0) ? "0" : String(v);
  if (typeof v === "string") return quoted ? JSON.stringify(v) : v;
  if (Array.isArray(v)) return `[${v.map((x) => displayValue(x, true)).join(", ")}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${displayValue(k, true)}: ${displayValue(x, true)}`).join(", ")}}`;
  if (v instanceof Matrix)
    return `[${v
      .toArrays()
      .map((r) => r.map((x) => displayValue(x)).join(", "))
      .join("; ")}${v.rows === 1 ? ";" : ""}]`;
  if (v instanceof Tensor)
    return `tensor([${v.shape.join(", ")}], [${Array.from(v.data)
      .map((x) => displayValue(x))
      .join(", ")}])`;
  const rec = v as Record<string | symbol, unknown>;
  if (rec.kind === "function" && typeof rec.name === "string" && !(STRUCT_NAME in rec)) return `<func ${rec.name}>`;
  if (rec.kind === "error" && typeof rec.code === "number" && !(STRUCT_NAME in rec)) return `error[${rec.code}]: ${String(rec.message)}`;
  if (rec.kind === "future" && !(STRUCT_NAME in rec)) return "<future>";
  if (rec.kind === "actor" && typeof rec.name === "string" && !(STRUCT_NAME in rec)) return `<actor ${rec.name}>`;
  const name = String(rec[STRUCT_NAME] ?? "?");
  const fields = Object.entries(v as object).map(([k, x]) => `${k}: ${displayValue(x as JsValue, true)}`);
  return fields.length ? `${name} { ${fields.join(", ")} }` : `${name} {}`;
}
