import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ArrayValue,
  CodecError,
  decodeValue,
  encodeValue,
  MAX_DEPTH,
  type StoredValue,
  ValueSequence,
  ValueSequenceReader,
  valueHash,
} from "../../src/codec/index.js";
import { STRUCT_NAME } from "../../src/runtime/values.js";
import { plain } from "../fuzz/values.js";

function struct(name: string, fields: Record<string, StoredValue>): StoredValue {
  const o: Record<string, StoredValue> = {};
  Object.defineProperty(o, STRUCT_NAME, { value: name, enumerable: false });
  for (const [k, v] of Object.entries(fields)) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

function matrix(rows: number, cols: number, values: number[], dtype: "f64" | "f32" = "f64"): ArrayValue {
  const data = dtype === "f64" ? Float64Array.from(values) : Float32Array.from(values);
  return { kind: "matrix", shape: [rows, cols], dtype, data };
}

function tensor(shape: number[], values: number[], dtype: "f64" | "f32" = "f64"): ArrayValue {
  const data = dtype === "f64" ? Float64Array.from(values) : Float32Array.from(values);
  return { kind: "tensor", shape, dtype, data };
}

function roundTrip(v: StoredValue): StoredValue {
  const bytes = encodeValue(v);
  const back = decodeValue(bytes);
  expect(plain(back)).toEqual(plain(v));
  expect(encodeValue(back)).toEqual(bytes);
  return back;
}

function corrupt(bytes: Uint8Array): CodecError {
  try {
    decodeValue(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(CodecError);
    expect((e as CodecError).code).toBe(8004);
    return e as CodecError;
  }
  throw new Error("decodeValue accepted the input");
}

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/\s+/g, "")
      .match(/../g)!
      .map((b) => parseInt(b, 16)),
  );

describe("value codec: round trips", () => {
  it("keeps scalars", () => {
    for (const v of [null, true, false, 0, 1, -1, 2.5, 1e308, -1e-308, 5e-324, Number.MAX_SAFE_INTEGER, Infinity, -Infinity]) roundTrip(v);
    expect(Number.isNaN(decodeValue(encodeValue(NaN)))).toBe(true);
  });

  it("stores -0 as +0, the same bytes as 0", () => {
    expect(encodeValue(-0)).toEqual(encodeValue(0));
    expect(Object.is(decodeValue(encodeValue(-0)), 0)).toBe(true);
  });

  it("keeps strings, unicode included", () => {
    for (const s of ["", "a", "héllo wörld", "日本語", "🍜 noodles 🍝", "\uFEFFbom first", "\u0000nul", "x".repeat(300), "ü".repeat(70_000)]) {
      expect(decodeValue(encodeValue(s))).toBe(s);
    }
  });

  it("keeps lists, maps and structs, nested and empty", () => {
    roundTrip([]);
    roundTrip(new Map());
    roundTrip(struct("Unit", {}));
    roundTrip([1, "two", [3, [4, [], new Map()]], null, true]);
    roundTrip(
      new Map<StoredValue, StoredValue>([
        ["a", 1],
        [2, "b"],
        ["nested", new Map([["x", [1, 2]]])],
        [-3.5, null],
      ]),
    );
    const p = roundTrip(struct("Point", { x: 1, y: struct("Inner", { z: [1, 2], ["__proto__"]: "field, not prototype" }) })) as Record<string, StoredValue>;
    expect((p as Record<symbol, unknown>)[STRUCT_NAME]).toBe("Point");
    expect(Object.keys(p)).toEqual(["x", "y"]);
    expect(Object.getPrototypeOf(p.y)).toBe(Object.prototype);
    expect(Object.keys(p.y as object)).toEqual(["z", "__proto__"]);
  });

  it("keeps struct fields in declaration order", () => {
    const bytes = encodeValue(struct("S", { b: 1, a: 2 }));
    expect(Object.keys(decodeValue(bytes) as object)).toEqual(["b", "a"]);
    expect(bytes).not.toEqual(encodeValue(struct("S", { a: 2, b: 1 })));
  });

  it("takes only identifiers as struct field names, whose order a JavaScript object keeps", () => {
    // fields "b" then "1": an object would list "1" first, so the bytes would not come back
    expect(corrupt(hex("4e56 01 07 0150 02 0162 00 0131 00")).detail).toMatch(/struct field name "1" is not an identifier/);
    expect(corrupt(hex("4e56 01 07 0150 01 00 00")).detail).toMatch(/not an identifier/);
    expect(() => encodeValue(struct("S", { b: 1, "1": 2 }))).toThrow(/identifier/);
    expect(() => encodeValue(struct("S", { "a b": 1 }))).toThrow(TypeError);
  });

  it("keeps error values", () => {
    roundTrip({ kind: "error", code: 3006, message: "boom ✗" });
    roundTrip([{ kind: "error", code: 8001, message: "" }]);
  });

  it("stores plain objects as maps with string keys", () => {
    expect(encodeValue({ b: 1, a: "x" })).toEqual(
      encodeValue(
        new Map<StoredValue, StoredValue>([
          ["a", "x"],
          ["b", 1],
        ]),
      ),
    );
  });

  it("keeps large lists", () => {
    const big = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? i : i % 3 === 1 ? `s${i}` : [i]));
    const back = decodeValue(encodeValue(big)) as StoredValue[];
    expect(back.length).toBe(100_000);
    expect(back[99_999]).toBe(99_999);
    expect(back[50_000]).toEqual([50_000]);
  });

  it("keeps f64 and f32 matrices and tensors, zero-size ones included", () => {
    roundTrip(matrix(2, 3, [1, 2, 3, 4, 5, 6]));
    roundTrip(matrix(2, 2, [1.5, -2, Infinity, 1e-300], "f32"));
    roundTrip(matrix(0, 0, []));
    roundTrip(matrix(0, 7, [], "f32"));
    roundTrip(
      tensor(
        [2, 3, 4],
        Array.from({ length: 24 }, (_, i) => i / 7),
      ),
    );
    roundTrip(tensor([2, 0, 5], [], "f32"));
    roundTrip(tensor([], [42]));
    roundTrip([matrix(1, 1, [1]), "between", tensor([3], [1, 2, 3], "f32"), struct("M", { m: matrix(1, 2, [7, 8], "f32") })]);
    const m = decodeValue(encodeValue(matrix(1, 3, [0.1, 0.2, 0.3], "f32"))) as ArrayValue;
    expect(m.data).toBeInstanceOf(Float32Array);
    expect(m.dtype).toBe("f32");
  });

  it("canonicalises -0 and NaN inside matrices", () => {
    const a = new Float64Array([-0, NaN, 1]);
    new DataView(a.buffer).setUint32(12, 0x7ff80001, true); // a NaN with a different payload
    const b = new Float64Array([0, NaN, 1]);
    const ea = encodeValue({ kind: "matrix", shape: [1, 3], dtype: "f64", data: a });
    expect(ea).toEqual(encodeValue({ kind: "matrix", shape: [1, 3], dtype: "f64", data: b }));
    const f = new Float32Array([-0, NaN]);
    new DataView(f.buffer).setUint32(4, 0xffc00001, true);
    expect(encodeValue({ kind: "tensor", shape: [2], dtype: "f32", data: f })).toEqual(
      encodeValue({ kind: "tensor", shape: [2], dtype: "f32", data: new Float32Array([0, NaN]) }),
    );
    expect(a[0]).toBe(-0); // the caller's data is not touched
  });

  it("has the documented layout", () => {
    expect(encodeValue(null)).toEqual(hex("4e5601 00"));
    expect(encodeValue(1)).toEqual(hex("4e5601 03 000000000000f03f"));
    expect(encodeValue("é")).toEqual(hex("4e5601 04 02 c3a9"));
    expect(encodeValue([true, false])).toEqual(hex("4e5601 05 02 02 01"));
    // header 3 + tag + dtype + rows + cols = 7 bytes, one byte of padding, then the data
    expect(encodeValue(matrix(1, 1, [2], "f32"))).toEqual(hex("4e5601 08 01 01 01 00 00000040"));
    expect(encodeValue(tensor([130], new Array(130).fill(0))).subarray(0, 8)).toEqual(hex("4e5601 09 00 01 8201"));
  });
});

describe("value codec: canonical bytes", () => {
  const key = fc.oneof(fc.string({ unit: "grapheme", maxLength: 6 }), fc.double(), fc.integer({ min: -5, max: 5 }));
  const floats = (n: number) => fc.array(fc.double(), { minLength: n, maxLength: n });
  const arrayValue = fc.oneof(
    fc.tuple(fc.nat(4), fc.nat(4), fc.boolean()).chain(([r, c, f32]) => floats(r * c).map((xs) => matrix(r, c, xs, f32 ? "f32" : "f64"))),
    fc
      .tuple(fc.array(fc.nat(3), { maxLength: 4 }), fc.boolean())
      .chain(([shape, f32]) => floats(shape.reduce((a, b) => a * b, 1)).map((xs) => tensor(shape, xs, f32 ? "f32" : "f64"))),
  );
  // field names are identifiers (JavaScript would reorder integer-like object keys)
  const { value } = fc.letrec<{ value: StoredValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.string({ unit: "binary", maxLength: 10 }),
      fc.record({ kind: fc.constant("error" as const), code: fc.integer({ min: 1000, max: 9999 }), message: fc.string() }),
      arrayValue,
      fc.array(tie("value"), { maxLength: 5 }),
      fc.array(fc.tuple(key, tie("value")), { maxLength: 5 }).map((es) => new Map<StoredValue, StoredValue>(es)),
      fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 8 }),
          fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/), tie("value")), { selector: (e) => e[0], maxLength: 4 }),
        )
        .map(([name, fields]) => struct(name, Object.fromEntries(fields))),
    ),
  }));

  it("encode(decode(encode(v))) is encode(v), and decoding gives the value back", () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeValue(v);
        const back = decodeValue(bytes);
        expect(encodeValue(back)).toEqual(bytes);
        expect(plain(back)).toEqual(plain(v));
      }),
      { numRuns: 500 },
    );
  });

  it("encodes maps the same whatever their insertion order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: (e) => (Object.is(e[0], -0) ? 0 : e[0]), maxLength: 8 }), (entries) => {
        const reversed = new Map<StoredValue, StoredValue>([...entries].reverse());
        expect(encodeValue(reversed)).toEqual(encodeValue(new Map<StoredValue, StoredValue>(entries)));
      }),
      { numRuns: 200 },
    );
    const a = new Map<StoredValue, StoredValue>([
      ["x", 1],
      [2, "y"],
      ["a", [1]],
    ]);
    const b = new Map<StoredValue, StoredValue>([
      ["a", [1]],
      ["x", 1],
      [2, "y"],
    ]);
    expect(encodeValue(a)).toEqual(encodeValue(b));
    expect(valueHash(a)).toBe(valueHash(b));
  });

  it("hashes equal values equally and different values differently", () => {
    expect(valueHash([1, "a", struct("P", { x: 1 })])).toBe(valueHash([1, "a", struct("P", { x: 1 })]));
    expect(valueHash([1, "a"])).not.toBe(valueHash([1, "b"]));
    expect(valueHash(0)).toBe(valueHash(-0));
    expect(valueHash(1)).toMatch(/^[0-9a-f]+$/);
  });
});

describe("value codec: matrices without copying", () => {
  it("returns a view over the input's buffer", () => {
    const n = 256;
    const m = matrix(
      n,
      n,
      Array.from({ length: n * n }, (_, i) => i),
    );
    const bytes = encodeValue(m);
    const back = decodeValue(bytes) as ArrayValue;
    expect(back.data.buffer).toBe(bytes.buffer);
    expect(back.data[n * n - 1]).toBe(n * n - 1);
    const t = decodeValue(encodeValue(tensor([4, 4], new Array(16).fill(1.5), "f32"))) as ArrayValue;
    expect(t.data[15]).toBe(1.5);
  });

  it("still views an input at an aligned offset into a larger buffer", () => {
    const bytes = encodeValue(matrix(2, 2, [1, 2, 3, 4]));
    const host = new Uint8Array(bytes.length + 16);
    host.set(bytes, 8);
    const back = decodeValue(host.subarray(8, 8 + bytes.length)) as ArrayValue;
    expect(back.data.buffer).toBe(host.buffer);
    expect(Array.from(back.data)).toEqual([1, 2, 3, 4]);
  });

  it("copies when the input is misaligned", () => {
    const bytes = encodeValue(matrix(2, 2, [1, 2, 3, 4]));
    const host = new Uint8Array(bytes.length + 1);
    host.set(bytes, 1);
    const back = decodeValue(host.subarray(1)) as ArrayValue;
    expect(back.data.buffer).not.toBe(host.buffer);
    expect(Array.from(back.data)).toEqual([1, 2, 3, 4]);
  });
});

describe("value codec: what cannot be stored", () => {
  it("rejects functions and non-Noodle values with a TypeError", () => {
    expect(() => encodeValue({ kind: "function", name: "f" })).toThrow(new TypeError("functions cannot be stored"));
    expect(() => encodeValue([1, (() => 1) as unknown as StoredValue])).toThrow(TypeError);
    for (const bad of [undefined, 1n, Symbol("s"), new Date(0), new Uint8Array(2)]) {
      expect(() => encodeValue(bad as unknown as StoredValue)).toThrow(TypeError);
    }
    expect(() => encodeValue(new Map<StoredValue, StoredValue>([[[1], 1]]))).toThrow(/map keys/);
    expect(() => encodeValue("\uD800 lone")).toThrow(/surrogate/);
    expect(() => encodeValue({ kind: "matrix", shape: [2, 2], dtype: "f64", data: new Float64Array(3) })).toThrow(TypeError);
    expect(() => encodeValue({ kind: "matrix", shape: [1, 1], dtype: "f64", data: new Float32Array(1) })).toThrow(TypeError);
    expect(() => encodeValue({ kind: "error", code: "x", message: "m" } as unknown as StoredValue)).toThrow(TypeError);
  });

  it("limits nesting to MAX_DEPTH, which also catches cycles", () => {
    const nest = (n: number) => {
      let v: StoredValue = 1;
      for (let i = 0; i < n; i++) v = [v];
      return v;
    };
    expect(plain(decodeValue(encodeValue(nest(MAX_DEPTH))))).toEqual(plain(nest(MAX_DEPTH)));
    expect(() => encodeValue(nest(MAX_DEPTH + 1))).toThrow(TypeError);
    const cyclic: StoredValue[] = [];
    cyclic.push(cyclic);
    expect(() => encodeValue(cyclic)).toThrow(TypeError);
    // the same limit when decoding hand-made bytes
    const deep = new Uint8Array(3 + 2 * (MAX_DEPTH + 1) + 1);
    deep.set([0x4e, 0x56, 1]);
    for (let i = 0; i <= MAX_DEPTH; i++) deep.set([5, 1], 3 + 2 * i);
    expect(corrupt(deep).detail).toMatch(/nested/);
  });
});

describe("value codec: malformed input", () => {
  it("rejects each kind of damage with 8004", () => {
    const cases: [string, string][] = [
      ["", "magic"],
      ["4e57 01 00", "magic"],
      ["4e56 02 00", "version"],
      ["4e56 01", "past the end"],
      ["4e56 01 00 00", "trailing"],
      ["4e56 01 0b", "unknown tag"],
      ["4e56 01 03 00000000", "past the end"],
      ["4e56 01 03 0000000000000080", "non-canonical number"], // -0
      ["4e56 01 03 010000000000f87f", "non-canonical number"], // NaN payload
      ["4e56 01 04 8100", "non-minimal"],
      ["4e56 01 04 ffffffff7f", "too large"],
      ["4e56 01 04 808080808001", "too long"],
      ["4e56 01 04 02 c328", "UTF-8"],
      ["4e56 01 04 02 c0af", "UTF-8"], // overlong
      ["4e56 01 04 03 eda080", "UTF-8"], // surrogate
      ["4e56 01 05 ffffffff0f", "exceeds"],
      ["4e56 01 06 02 0401 62 00 0401 61 00", "out of order"],
      ["4e56 01 06 02 0401 61 00 0401 61 00", "repeated"],
      ["4e56 01 06 01 0500 00", "map keys"],
      ["4e56 01 07 0150 02 0178 00 0178 00", "repeated"],
      ["4e56 01 08 02 01 01", "dtype"],
      ["4e56 01 08 00 01 01 01", "padding"],
      ["4e56 01 08 00 ffffffff0f ffffffff0f 00", "past the end"],
      ["4e56 01 09 00 21" + "01".repeat(33), "dimensions"],
      ["4e56 01 09 00 20" + "ffffffff0f".repeat(32), "past the end"],
      ["4e56 01 08 01 01 01 00 00000080", "non-canonical element"],
    ];
    for (const [bytes, message] of cases) {
      const e = corrupt(hex(bytes.length ? bytes : "00"));
      expect(e.message, bytes).toContain(message);
    }
    corrupt(new Uint8Array(0));
  });

  it("checks huge counts before allocating anything", () => {
    const start = performance.now();
    for (const tag of [5, 6, 7]) corrupt(hex(`4e5601 ${tag.toString(16).padStart(2, "0")} ${tag === 7 ? "00" : ""} feffffff0f 00 00 00`));
    expect(performance.now() - start).toBeLessThan(100);
  });

  it("accepts a zero-size tensor whose other dimensions are huge without allocating", () => {
    // 12 bytes up to the data, then 4 bytes of padding to 16
    const t = decodeValue(hex("4e5601 09 00 02 00 ffffffff0f 00000000")) as ArrayValue;
    expect(t.shape).toEqual([0, 0xffffffff]);
    expect(t.data.length).toBe(0);
  });
});

describe("value codec: fuzz", () => {
  const samples: Uint8Array[] = [
    null,
    3.25,
    "strings — ünïcödé 🍜",
    [1, [2, [3, []]], "x", true, false, null],
    new Map<StoredValue, StoredValue>([
      ["a", 1],
      [2, [3]],
      ["c", new Map([["d", "e"]])],
    ]),
    struct("Point", { x: 1, y: -2, tags: ["a", "b"] }),
    { kind: "error", code: 3006, message: "boom" },
    matrix(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    matrix(2, 2, [1, 2, 3, 4], "f32"),
    tensor([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]),
    [matrix(1, 2, [1, 2]), struct("T", { t: tensor([2], [5, 6], "f32"), m: new Map([[1, "one"]]) }), { kind: "error", code: 1, message: "e" }],
  ].map((v) => encodeValue(v as StoredValue));

  // deterministic, so a failure can be reproduced
  let seed = 0x2545f491;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };

  /** Either a value whose canonical bytes are the input, or CodecError 8004 — nothing else. */
  function check(bytes: Uint8Array): "ok" | "rejected" {
    let v: StoredValue;
    try {
      v = decodeValue(bytes);
    } catch (e) {
      if (!(e instanceof CodecError) || e.code !== 8004) throw new Error(`unexpected ${String(e)} for ${Array.from(bytes).join(",")}`);
      return "rejected";
    }
    expect(encodeValue(v)).toEqual(bytes);
    return "ok";
  }

  it("decodes or rejects truncated, bit-flipped, spliced and random inputs", () => {
    const outcomes = { ok: 0, rejected: 0 };
    let cases = 0;
    const run = (b: Uint8Array) => {
      outcomes[check(b)]++;
      cases++;
    };
    for (const s of samples) for (let n = 0; n < s.length; n++) run(s.subarray(0, n));
    for (let i = 0; i < 2000; i++) {
      const b = samples[rand(samples.length)].slice();
      for (let f = 1 + rand(3); f > 0; f--) b[rand(b.length)] ^= 1 << rand(8);
      run(b);
    }
    for (let i = 0; i < 1000; i++) {
      const a = samples[rand(samples.length)],
        b = samples[rand(samples.length)];
      const cut = rand(a.length + 1),
        from = 3 + rand(b.length - 2);
      const spliced = new Uint8Array(cut + b.length - from);
      spliced.set(a.subarray(0, cut));
      spliced.set(b.subarray(from), cut);
      run(spliced);
    }
    for (let i = 0; i < 1000; i++) {
      const b = Uint8Array.from({ length: rand(40) }, () => (rand(4) === 0 ? rand(12) : rand(256)));
      if (i % 2 === 0 && b.length >= 3) b.set([0x4e, 0x56, 1]);
      run(b);
    }
    expect(cases).toBeGreaterThanOrEqual(3000);
    expect(outcomes.rejected).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
  });

  it("decodes or rejects arbitrary bytes after a valid header", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (body) => {
        const b = new Uint8Array(body.length + 3);
        b.set([0x4e, 0x56, 1]);
        b.set(body, 3);
        check(b);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("value codec: sequences of values in one buffer", () => {
  const values: StoredValue[] = [
    [1],
    "a string",
    matrix(2, 2, [1, 2, 3, 4]),
    new Map<StoredValue, StoredValue>([["k", [true, null]]]),
    tensor([2, 1], [5, 6], "f32"),
    struct("P", { x: 1 }),
  ];

  it("reads each value at its offset, as decodeValue reads its bytes alone", () => {
    const seq = new ValueSequence();
    const at: [number, number][] = [];
    for (const v of values) {
      const offset = seq.add(v);
      at.push([offset, seq.byteLength - offset]);
    }
    const bytes = seq.bytes;
    const reader = new ValueSequenceReader(bytes);
    values.forEach((v, i) => {
      const [offset, length] = at[i];
      expect(offset % 8).toBe(0);
      expect(plain(reader.at(offset, length))).toEqual(plain(v));
      expect(encodeValue(v)).toEqual(bytes.subarray(offset, offset + length));
    });
    // matrices come back as views of the sequence's buffer, aligned
    const m = reader.at(...at[2]) as ArrayValue;
    expect(m.data.buffer).toBe(bytes.buffer);
    // `buffer` is the whole buffer written, the encodings at their offsets in it
    expect(seq.buffer.subarray(0, seq.byteLength)).toEqual(bytes);
  });

  it("adds nothing when a value cannot be encoded", () => {
    const seq = new ValueSequence();
    seq.add(1);
    const end = seq.byteLength;
    expect(() => seq.add([1, () => 2] as unknown as StoredValue)).toThrow(TypeError);
    // only the padding to the next multiple of 8 stays
    expect(seq.byteLength).toBe((end + 7) & ~7);
    const next = seq.add("after");
    expect(new ValueSequenceReader(seq.bytes).at(next, seq.byteLength - next)).toBe("after");
  });

  it("keeps each read within its value's bytes, with offsets counted from the value's start", () => {
    const seq = new ValueSequence();
    seq.add("first");
    const second = seq.add([1, 2, 3]);
    const length = seq.byteLength - second;
    seq.add("third");
    const reader = new ValueSequenceReader(seq.bytes);
    // one byte short: the list's last number runs past its end, though the buffer goes on
    const e = (() => {
      try {
        reader.at(second, length - 1);
      } catch (x) {
        return x as CodecError;
      }
      throw new Error("accepted a cut value");
    })();
    expect(e).toBeInstanceOf(CodecError);
    expect(e.message).toContain("past the end");
    expect(e.offset).toBe(corrupt(seq.bytes.slice(second, second + length - 1)).offset);
    expect(() => reader.at(second, length + 8)).toThrow(/trailing/);
    expect(() => reader.at(second, seq.bytes.length)).toThrow(CodecError);
    // the reader goes on reading other values after a failure
    expect(reader.at(second, length)).toEqual([1, 2, 3]);
  });

  it("reads a value at any offset, its padding counted from its own start", () => {
    const m = matrix(2, 3, [1, 2, 3, 4, 5, 6], "f32");
    const bytes = encodeValue(m);
    for (const offset of [1, 5, 13]) {
      const data = new Uint8Array(offset + bytes.length + 4);
      data.set(bytes, offset);
      expect(plain(new ValueSequenceReader(data).at(offset, bytes.length))).toEqual(plain(m));
    }
  });

  it("gives what decodeValue gives for any bytes at any aligned offset", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(9), fc.nat(80), (body, slot, len) => {
        const bytes = new Uint8Array(body.length + 3);
        bytes.set([0x4e, 0x56, 1]);
        bytes.set(body, 3);
        const offset = Math.min(slot * 8, bytes.length & ~7);
        const length = Math.min(len, bytes.length - offset);
        const alone = (() => {
          try {
            return { value: plain(decodeValue(bytes.slice(offset, offset + length))) };
          } catch (e) {
            return { error: (e as Error).message };
          }
        })();
        const inSequence = (() => {
          try {
            return { value: plain(new ValueSequenceReader(bytes).at(offset, length)) };
          } catch (e) {
            return { error: (e as Error).message };
          }
        })();
        expect(inSequence).toEqual(alone);
      }),
      { numRuns: 1000 },
    );
  });
});
