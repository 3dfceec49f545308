// Arbitrary Noodle values as the value codec takes them: scalars (-0 and NaN included), strings
// of any Unicode, nested lists, maps and structs, errors, f64 and f32 matrices and tensors, and
// (for the wire flavour) references to a pool's actors; and a comparable form of a value.
import fc from "fast-check";
import { ACTOR_ID, actorRef, STORE_HANDLE, STRUCT_NAME, storeRef } from "../../src/runtime/values.js";
import type { ArrayValue, StoredValue } from "../../src/store/index.js";

function struct(name: string, fields: [string, StoredValue][]): StoredValue {
  const o: Record<string, StoredValue> = {};
  Object.defineProperty(o, STRUCT_NAME, { value: name, enumerable: false });
  for (const [k, v] of fields) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const number = fc.oneof(fc.double(), fc.constantFrom(-0, NaN, Infinity, -Infinity, 5e-324), fc.integer());
const text = fc.oneof(fc.string({ unit: "grapheme", maxLength: 12 }), fc.string({ maxLength: 12 }));
const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);

function arrayOf(shape: number[], f32: boolean, values: number[]): ArrayValue {
  const data = f32 ? Float32Array.from(values) : Float64Array.from(values);
  return { kind: shape.length === 2 ? "matrix" : "tensor", shape, dtype: f32 ? "f32" : "f64", data };
}

const elements = (n: number) => fc.array(number, { minLength: n, maxLength: n });

const array: fc.Arbitrary<StoredValue> = fc.oneof(
  fc.tuple(fc.nat(5), fc.nat(5), fc.boolean()).chain(([r, c, f32]) => elements(r * c).map((xs) => arrayOf([r, c], f32, xs))),
  fc
    .tuple(
      fc.array(fc.nat(3), { maxLength: 5 }).filter((s) => s.length !== 2),
      fc.boolean(),
    )
    .chain(([shape, f32]) => elements(shape.reduce((a, b) => a * b, 1)).map((xs) => ({ ...arrayOf(shape, f32, xs), kind: "tensor" as const }))),
);

/** Any storable value; with `actors`, references to a pool's actors and a program's stores too (the wire flavour). */
export function values(actors: boolean): fc.Arbitrary<StoredValue> {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    number,
    text,
    array,
    fc.record({ kind: fc.constant("error" as const), code: fc.integer({ min: 1000, max: 9999 }), message: text }),
    ...(actors
      ? [
          fc.tuple(fc.nat(), identifier).map(([id, name]) => actorRef(id, name) as StoredValue),
          fc.tuple(fc.nat(), fc.option(text, { nil: null })).map(([handle, path]) => storeRef(handle, path) as StoredValue),
        ]
      : []),
  );
  const { value } = fc.letrec<{ value: StoredValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("value"), { maxLength: 5 }),
      fc.array(fc.tuple(fc.oneof(text, number), tie("value")), { maxLength: 5 }).map((es) => new Map<StoredValue, StoredValue>(es)),
      fc.tuple(identifier, fc.uniqueArray(fc.tuple(identifier, tie("value")), { selector: (e) => e[0], maxLength: 4 })).map(([n, fs]) => struct(n, fs)),
    ),
  }));
  return value;
}

/** A comparable form of a value: -0 as 0, struct names and actor ids visible, typed arrays as arrays, maps in any order. */
export function plain(v: StoredValue): unknown {
  if (typeof v === "number") return v === 0 ? 0 : v;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) {
    const entries = [...v.entries()].map(([k, x]) => [plain(k), plain(x)] as const);
    const order = ([k]: readonly [unknown, unknown]) => `${typeof k}:${String(k)}`;
    return { map: entries.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)) };
  }
  const o = v as Record<string | symbol, unknown>;
  if (STORE_HANDLE in o) return { store: o[STORE_HANDLE], path: o.path };
  if (STRUCT_NAME in o) return { struct: o[STRUCT_NAME], fields: Object.entries(o).map(([k, x]) => [k, plain(x as StoredValue)]) };
  if (o.kind === "matrix" || o.kind === "tensor") {
    const a = v as ArrayValue;
    return { kind: a.kind, shape: a.shape, dtype: a.dtype, data: Array.from(a.data, (x) => (x === 0 ? 0 : x)) };
  }
  if (o.kind === "actor") return { actor: o[ACTOR_ID], name: o.name };
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x as StoredValue)]));
}

/**
 * How much a decoded value holds: one per value, plus string and array bytes. A decoder that
 * checks counts against the input keeps this within a small multiple of the input's length.
 */
export function decodedSize(v: StoredValue): number {
  if (v === null || typeof v !== "object") return 1 + (typeof v === "string" ? v.length : 0);
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + decodedSize(x), 1);
  if (v instanceof Map) return [...v.entries()].reduce((s: number, [k, x]) => s + decodedSize(k) + decodedSize(x), 1);
  const o = v as Record<string, StoredValue>;
  if (o.kind === "matrix" || o.kind === "tensor") return 1 + (v as ArrayValue).data.byteLength;
  if (o.kind === "error") return 1 + (o.message as string).length;
  if (o.kind === "actor" && ACTOR_ID in o) return 1 + (o.name as string).length;
  return Object.entries(o).reduce((s: number, [k, x]) => s + k.length + decodedSize(x), 1);
}
