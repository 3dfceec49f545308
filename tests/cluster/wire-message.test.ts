// Messages between a program and its workers on other machines travel as bytes: every message
// the pool sends reads back as it was, edge values included, anything outside the format is a
// TypeError naming where it was, and bytes that are not a message are refused with 7007.
import { describe, expect, it } from "vitest";
import { decodeModule } from "../../src/bytecode/codec.js";
import { decodeMessage, encodeMessage, MAX_DEPTH, MAX_ITEMS } from "../../src/cluster/wire-message.js";
import { decodeValue, encodeValue, type StoredValue, WIRE } from "../../src/codec/value-codec.js";
import { compile } from "../../src/compiler/compile.js";
import { type LaneMessage, LaneWriter } from "../../src/concurrency/lane.js";
import { LaneRecordWriter, readLaneRecord } from "../../src/concurrency/lane-records.js";
import { moduleBytes } from "../../src/concurrency/module-bytes.js";
import {
  type FromWorker,
  type HostedJob,
  NameTable,
  PackedValues,
  RESULT_FIELDS,
  ResultsBuilder,
  TASK_FIELDS,
  TaskKind,
  type ToWorker,
} from "../../src/concurrency/protocol.js";
import { NoodleRuntimeError } from "../../src/runtime/runtime-error.js";

const roundTrip = (m: unknown): unknown => decodeMessage(encodeMessage(m));

/** What decoding `bytes` throws: "CODE message", or the value when it decodes. */
function refusal(bytes: ArrayLike<number>): string {
  try {
    decodeMessage(Uint8Array.from(bytes));
  } catch (e) {
    if (e instanceof NoodleRuntimeError) return `${e.code} ${e.message}`;
    throw e;
  }
  return "decoded";
}

/** The message header, then `body`. */
const message = (...body: number[]) => [0x4e, 0x4d, 1, ...body];

const bits = (x: number): number[] => [...new Uint8Array(new Float64Array([x]).buffer)];

/** The messages a lane writer without shared memory posts for `write`. */
/** The value encoded at `data[offset, offset + length)`, as the pool reads it. */
function decodeAt(data: Uint8Array, offset: number, length: number): StoredValue {
  return decodeValue(data.subarray(offset, offset + length), WIRE);
}

function laneMessages(write: (records: LaneRecordWriter, lane: LaneWriter) => void): LaneMessage[] {
  const posted: LaneMessage[] = [];
  const lane = new LaneWriter(undefined, (m) => posted.push(m));
  write(new LaneRecordWriter(lane), lane);
  return posted;
}

describe("wire messages: what the pool sends", () => {
  it("carries a results message as a worker builds it, values and errors alike", () => {
    const results = new ResultsBuilder(5, 4);
    results.resolve([1, "two", new Map<StoredValue, StoredValue>([["k", 3]])]);
    results.reject({ code: 3001, message: "division by zero", trace: [{ name: "f", file: "main.nc", line: 3, col: 5, calls: 12 }], frames: [0, 4, 1] });
    results.resolve({ kind: "matrix", shape: [2, 2], dtype: "f64", data: new Float64Array([1, -0, NaN, 4]) });
    const [sent] = results.finish();
    const got = roundTrip(sent) as Extract<FromWorker, { t: "results" }>;
    expect(got).toStrictEqual(sent);
    // the values inside read back through the pool's own decoder, matrix data aligned
    const r = RESULT_FIELDS;
    expect(decodeAt(got.data, got.head[1], got.head[2])).toEqual([1, "two", new Map([["k", 3]])]);
    const matrix = decodeAt(got.data, got.head[2 * r + 1], got.head[2 * r + 2]) as { data: Float64Array };
    expect([...matrix.data]).toEqual([1, 0, NaN, 4]);
    expect(got.errors[0].trace[0].calls).toBe(12);
  });

  it("carries a batch of tasks with the bytes of a compiled module", () => {
    const compiled = compile("func add(a, b) { return a + b }\nprint(add(1, 2))");
    const module = moduleBytes(compiled.module!);
    const names = new NameTable();
    const packed = new PackedValues();
    const head = new Float64Array(3 * TASK_FIELDS);
    for (let i = 0; i < 2; i++) {
      const encoded = encodeValue([i, i * 10], WIRE);
      const [offset, length] = [packed.add(encoded, 0, encoded.length), encoded.length];
      head.set([TaskKind.Call, names.of(module.hash), names.of("add"), offset, length], i * TASK_FIELDS);
    }
    const batch: ToWorker = { t: "batch", id: 100, modules: [module], names: names.names, head: head.subarray(0, 2 * TASK_FIELDS), data: packed.finish() };
    const got = roundTrip(batch) as Extract<ToWorker, { t: "batch" }>;
    expect(got).toStrictEqual(batch);
    expect(got.head.length).toBe(2 * TASK_FIELDS); // the view, not the buffer behind it
    expect(decodeModule(got.modules[0].bytes).functions.length).toBe(compiled.module!.functions.length);
    expect(decodeAt(got.data, got.head[TASK_FIELDS + 3], got.head[TASK_FIELDS + 4])).toEqual([1, 10]);
  });

  it("carries lane records as bytes, and structured messages on a lane", () => {
    const posted = laneMessages((records, lane) => {
      records.message(41, 3, "deposit", encodeValue([25, "eur"], WIRE));
      records.output(2, 1, "héllo\n");
      lane.message({ t: "probe", id: 5, client: 2 });
    });
    // without a ring, the records of one turn travel as one batch, each after its length
    expect(posted.map((m) => m.t === "lane" && m.seq)).toEqual([0, 1]);
    const [batch, probe] = posted.map(roundTrip) as Extract<LaneMessage, { t: "lane" }>[];
    const b = batch.batch!;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const records = [];
    for (let at = 0; at < b.length; at += 4 + view.getUint32(at, true)) records.push(readLaneRecord(b, view, at + 4, view.getUint32(at, true)));
    expect(records).toEqual([
      { kind: "message", id: 41, actor: 3, name: "deposit", args: [25, "eur"] },
      { kind: "output", client: 2, fd: 1, text: "héllo\n" },
    ]);
    expect(probe).toStrictEqual({ t: "lane", seq: 1, message: { t: "probe", id: 5, client: 2 } });
  });

  it("carries a program hosted on a worker, and the other messages of both directions", () => {
    const module = moduleBytes(compile("let x = 1").module!);
    const hosted: HostedJob = {
      t: "hosted",
      client: 3,
      modules: [module],
      limits: { maxSteps: 1e6, maxDepth: 1000, run: 2 },
      hashes: [module.hash],
      globals: encodeValue([1, "a"], WIRE),
      globalsHash: "0f".repeat(32),
      capabilities: { permissions: { read: ["/data"], env: false }, args: ["--fast", "ünï"] },
      incomplete: true,
    };
    const gemm: ToWorker = {
      t: "gemm",
      id: 9,
      a: new Float32Array([1, 2, 3, 4]),
      b: new Float32Array([5, 6, 7, 8]),
      m: 2,
      k: 2,
      n: 2,
      variant: "relaxed",
      sync: false,
    };
    const pmap: ToWorker = {
      t: "pmap",
      id: 12,
      client: 3,
      modules: [],
      proto: 4,
      via: 5,
      items: encodeValue([1, 2, 3], WIRE),
      limits: { maxMemory: 64 << 20, jit: "eager", jitThreshold: 4 },
      hashes: [module.hash],
      globals: new Uint8Array(0),
      globalsHash: "ab".repeat(32),
      capabilities: { permissions: { all: true }, args: [] },
    };
    const replies: FromWorker[] = [
      { t: "ready" },
      { t: "gemm-done", id: 9, c: new Float64Array([19, 22, 43, 50]) },
      { t: "pmap-done", id: 4, error: { code: 4002, message: "instruction budget exhausted", trace: [], frames: undefined } },
      {
        t: "stats",
        id: 1,
        stats: {
          modulesLoaded: 1,
          tasksRun: 512,
          actors: 0,
          messages: 3,
          jitCompiled: 2,
          instructions: 1e9,
          heapInUse: 65536,
          heapCommitted: 1 << 20,
          collections: 4,
        },
      },
      { t: "out", client: 1, fd: 2, text: "warning\n" },
      { t: "lane-ring" },
    ];
    for (const m of [hosted, gemm, pmap, ...replies]) expect(roundTrip(m)).toStrictEqual(m);
  });

  it("refuses what only shared memory can carry, naming where it is", () => {
    const lanes = { t: "lanes", actorIds: { first: 1, count: 2 }, toWorker: new SharedArrayBuffer(64) };
    expect(() => encodeMessage(lanes)).toThrow(new TypeError("cannot encode the message.toWorker: a SharedArrayBuffer: shared memory stays on its machine"));
    const limits = { t: "hosted", limits: { share: { buffer: new SharedArrayBuffer(8), maxSteps: 1, maxMemory: 0 } } };
    expect(() => encodeMessage(limits)).toThrow("cannot encode the message.limits.share.buffer: a SharedArrayBuffer");
    const c = new Float64Array(new SharedArrayBuffer(32));
    expect(() => encodeMessage({ t: "gemm", c })).toThrow("cannot encode the message.c: a Float64Array over shared memory");
  });
});

describe("wire messages: values", () => {
  it("keeps every number as it is: -0, infinities, the smallest and largest, NaN with its bits", () => {
    const numbers = [0, -0, 1, -1, 0.1, 2 ** 32 - 1, 2 ** 32, -(2 ** 31), 2 ** 53, Infinity, -Infinity, Number.MAX_VALUE, 5e-324, NaN];
    const got = roundTrip(numbers) as number[];
    got.forEach((x, i) => expect(Object.is(x, numbers[i])).toBe(true));
    // a NaN with a payload, alone and in a typed array
    const payload = new Float64Array(new Uint8Array([0x45, 0x23, 0x01, 0, 1, 0, 0xf8, 0xff]).buffer);
    const back = roundTrip({ x: payload[0], xs: payload }) as { x: number; xs: Float64Array };
    expect(bits(back.x)).toEqual([...new Uint8Array(payload.buffer)]);
    expect([...new Uint8Array(back.xs.buffer)]).toEqual([...new Uint8Array(payload.buffer)]);
  });

  it("writes whole numbers below 2^32 in as few bytes as they need", () => {
    expect(encodeMessage(5).length).toBe(3 + 2);
    expect(encodeMessage(300).length).toBe(3 + 3);
    expect(encodeMessage(2 ** 32 - 1).length).toBe(3 + 6);
    expect(encodeMessage(2 ** 32).length).toBe(3 + 9);
    expect(encodeMessage(-0).length).toBe(3 + 9);
  });

  it("keeps strings of any length and script, property names included", () => {
    const strings = [
      "",
      "a",
      "lane",
      "x".repeat(16),
      "y".repeat(17),
      "z".repeat(64),
      "w".repeat(65),
      "é",
      "日本語",
      "🍜 noodles",
      "\u0000nul",
      "a".repeat(100_000) + "é",
    ];
    expect(roundTrip(strings)).toStrictEqual(strings);
    const keys = Object.fromEntries(strings.slice(0, 11).map((s, i) => [s, i]));
    expect(roundTrip(keys)).toStrictEqual(keys);
  });

  it("sends a lone surrogate, which Noodle strings cannot hold, as U+FFFD", () => {
    expect(roundTrip("a\uD800b")).toBe("a\uFFFDb");
    expect(roundTrip("\uDC00".repeat(70))).toBe("\uFFFD".repeat(70));
  });

  it("keeps objects' properties in order, undefined values included, __proto__ as a property", () => {
    const o = { b: 1, a: { c: [true, false, null, undefined] }, 2: "two", 1: "one", gone: undefined };
    const got = roundTrip(o) as Record<string, unknown>;
    expect(got).toStrictEqual(o);
    expect(Object.keys(got)).toEqual(Object.keys(o));
    expect("gone" in got).toBe(true);
    expect(roundTrip({})).toStrictEqual({});
    const proto = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}');
    const back = roundTrip(proto) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(["__proto__", "x"]);
    expect((back as { polluted?: boolean }).polluted).toBeUndefined();
    // an object without a prototype comes back as a plain one
    const bare = Object.assign(Object.create(null), { a: 1 });
    expect(roundTrip(bare)).toStrictEqual({ a: 1 });
  });

  it("sends a hole of an array as undefined", () => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is the case
    const holes = [1, , 3];
    const got = roundTrip(holes) as unknown[];
    expect(got).toHaveLength(3);
    expect(1 in got).toBe(true);
    expect(got[1]).toBeUndefined();
  });

  it("copies typed arrays and buffers into fresh buffers of their own, aligned whatever the input's offset", () => {
    const backing = new ArrayBuffer(64);
    const arrays = [
      new Uint8Array(backing, 3, 5).fill(200),
      new Int32Array([-1, 2, -(2 ** 31)]),
      new Uint32Array([2 ** 32 - 1, 0]),
      new Float32Array([1.5, -0, Infinity]),
      new Float64Array(backing, 8, 3).fill(Math.PI),
      new Uint8Array(0),
      new Float64Array(0),
    ];
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const bytes = encodeMessage([...arrays, buffer]);
    for (const shift of [0, 1, 3, 5]) {
      const input = new Uint8Array(bytes.length + shift);
      input.set(bytes, shift);
      const got = decodeMessage(input.subarray(shift)) as unknown[];
      expect(got).toStrictEqual([...arrays, buffer]);
      for (const a of got.slice(0, arrays.length) as Uint8Array[]) {
        expect(a.byteOffset).toBe(0);
        expect(a.buffer.byteLength).toBe(a.byteLength); // just the elements, not the input
      }
      // usable directly, and not the input's memory
      expect((got[4] as Float64Array)[2]).toBe(Math.PI);
      (got[0] as Uint8Array)[0] = 1;
      expect(input[shift + 3 + 2 + 2]).not.toBe(1);
    }
  });

  it("reads from a Node Buffer as from any bytes, giving plain typed arrays back", () => {
    const m = { t: "lane", seq: 3, bytes: new Uint8Array([9, 8, 7]) };
    const got = decodeMessage(Buffer.from(encodeMessage(m))) as typeof m;
    expect(got).toStrictEqual(m);
    expect(Object.getPrototypeOf(got.bytes)).toBe(Uint8Array.prototype);
  });

  it("returns bytes of its own for every message, small or large", () => {
    const large = { t: "big", data: new Uint8Array(200_000).fill(5) };
    const a = encodeMessage({ t: "small", n: 1 });
    const b = encodeMessage(large);
    const c = encodeMessage({ t: "small", n: 2 });
    expect(roundTrip(large)).toStrictEqual(large);
    expect(decodeMessage(a)).toStrictEqual({ t: "small", n: 1 });
    expect(decodeMessage(b)).toStrictEqual(large);
    expect(decodeMessage(c)).toStrictEqual({ t: "small", n: 2 });
  });

  it("keeps every kind of value whole where it makes the buffer grow", () => {
    const large = { data: new Uint8Array(100_000) }; // after it, encoding starts again in a small buffer
    for (let pad = 1000; pad < 1040; pad++) {
      encodeMessage(large);
      const m = {
        pad: new Uint8Array(pad),
        x: 0.5,
        n: 300,
        s: "é".repeat(20),
        t: "x".repeat(60),
        b: new Uint8Array([1, 2, 3]).buffer,
        f: new Float64Array([1.5]),
      };
      expect(roundTrip(m)).toStrictEqual(m);
    }
  });

  it("encodes a message a getter sends while another is being encoded", () => {
    let inner: Uint8Array | undefined;
    const outer = {
      t: "outer",
      get nested() {
        inner = encodeMessage({ t: "inner", list: [1, 2, 3] });
        return "after";
      },
    };
    expect(roundTrip(outer)).toStrictEqual({ t: "outer", nested: "after" });
    expect(decodeMessage(inner!)).toStrictEqual({ t: "inner", list: [1, 2, 3] });
  });
});

describe("wire messages: what cannot be encoded", () => {
  class Job {
    id = 1;
  }
  const cases: [string, unknown, string][] = [
    ["a function", { t: "x", run: () => 1 }, "the message.run: a function"],
    ["a symbol", [Symbol("s")], "the message[0]: a symbol"],
    ["a bigint", { n: 1n }, "the message.n: a bigint"],
    ["a Map", { m: new Map() }, "the message.m: a Map"],
    ["a Set", { "odd key": [new Set()] }, 'the message["odd key"][0]: a Set'],
    ["a Date", new Date(0), "the message: a Date"],
    ["a class instance", { jobs: [new Job()] }, "the message.jobs[0]: a Job"],
    ["an Error", { e: new Error("x") }, "the message.e: an Error"],
    ["a DataView", new DataView(new ArrayBuffer(4)), "the message: a DataView"],
    ["another typed array", { a: new Int16Array(2) }, "the message.a: an Int16Array"],
    ["a SharedArrayBuffer", new SharedArrayBuffer(4), "the message: a SharedArrayBuffer"],
  ];
  for (const [what, value, path] of cases) {
    it(`refuses ${what}, naming where it is`, () => {
      expect(() => encodeMessage(value)).toThrow(TypeError);
      expect(() => encodeMessage(value)).toThrow(`cannot encode ${path}`);
    });
  }

  it("refuses a cycle, and nesting deeper than the limit", () => {
    const cycle: Record<string, unknown> = { t: "loop" };
    cycle.self = cycle;
    expect(() => encodeMessage(cycle)).toThrow(/cannot encode the message(\.self)+: nesting deeper than 64 \(or a cycle\)/);
    const nest = (n: number): unknown => (n === 0 ? 1 : [nest(n - 1)]);
    expect(roundTrip(nest(MAX_DEPTH))).toStrictEqual(nest(MAX_DEPTH));
    expect(() => encodeMessage(nest(MAX_DEPTH + 1))).toThrow("nesting deeper than 64");
  });

  it("refuses more values than a message may hold", () => {
    expect(() => encodeMessage(new Array(MAX_ITEMS).fill(0))).toThrow(`more than ${MAX_ITEMS} values`);
    expect(decodeMessage(encodeMessage(new Array(MAX_ITEMS - 1).fill(0)))).toHaveLength(MAX_ITEMS - 1);
  });
});

describe("wire messages: bytes that are not a message", () => {
  it("refuses a wrong header, an unknown tag, a missing or trailing byte", () => {
    expect(refusal([])).toMatch(/^7007 malformed message: not a message \(bad magic\) at byte 0/);
    expect(refusal([0x4e, 0x56, 1, 1])).toMatch(/bad magic/);
    expect(refusal([0x4e, 0x4d, 2, 1])).toMatch(/unsupported message version 2 at byte 2/);
    expect(refusal(message())).toMatch(/ends early at byte 3/);
    expect(refusal(message(15))).toMatch(/unknown tag 15 at byte 3/);
    expect(refusal(message(1, 1))).toMatch(/1 trailing bytes at byte 4/);
    expect(refusal(message(4, 0, 0, 0))).toMatch(/ends early/);
    expect(refusal(message(7, 2, 1, 4, 0))).toMatch(/ends early at byte 7/);
    expect(refusal(message(1))).toBe("decoded");
  });

  it("refuses lengths that are not minimal, too long or over 32 bits", () => {
    expect(refusal(message(5, 0x85, 0))).toMatch(/non-minimal integer at byte 4/);
    expect(refusal(message(5, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).toMatch(/integer too long/);
    expect(refusal(message(5, 0xff, 0xff, 0xff, 0xff, 0x1f))).toMatch(/integer too large/);
    expect(refusal(message(5, 0xff, 0xff, 0xff, 0xff, 0x0f))).toBe("decoded");
  });

  it("refuses at once a short message claiming a huge string, array or buffer, allocating nothing of that size", () => {
    const before = process.memoryUsage().arrayBuffers;
    const huge = [0xff, 0xff, 0xff, 0xff, 0x0f]; // 2^32 - 1
    const claims = [
      [6, ...huge], // a 4 GiB string
      [7, ...huge], // an array of 4 billion items
      [8, ...huge], // an object of 4 billion properties
      [14, ...huge], // a 4 GiB buffer
      [13, ...huge], // a Float64Array of 32 GiB
      [9, 0x80, 0x80, 0x80, 0x80, 0x01], // 256 MiB of bytes
    ];
    for (const claim of claims) {
      const input = [...message(...claim), ...new Array(32 - 3 - claim.length).fill(0)];
      expect(input).toHaveLength(32);
      expect(refusal(input)).toMatch(/^7007 malformed message: .* exceeds the \d+ bytes left at byte 4/);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
  });

  it("counts an element by its size: a Float64Array of 3 needs 24 bytes", () => {
    expect(refusal(message(13, 3, ...new Array(23).fill(0)))).toMatch(/typed array length of 3 exceeds the 23 bytes left/);
    expect(refusal(message(13, 3, ...new Array(24).fill(0)))).toBe("decoded");
    expect(refusal(message(10, 1, 0, 0, 0))).toMatch(/exceeds the 3 bytes left/);
  });

  it("refuses invalid UTF-8, short or long, in values and keys", () => {
    expect(refusal(message(6, 2, 0xc3, 0x28))).toMatch(/invalid UTF-8 at byte 5/);
    expect(refusal(message(6, 1, 0x80))).toMatch(/invalid UTF-8/);
    expect(refusal(message(6, 20, ...new Array(19).fill(0x61), 0xff))).toMatch(/invalid UTF-8/);
    expect(refusal(message(8, 1, 2, 0xed, 0xa0, 1))).toMatch(/invalid UTF-8/); // a surrogate, as a key
    expect(refusal(message(6, 3, 0xef, 0xbb, 0xbf))).toBe("decoded"); // a byte order mark is content
    expect(decodeMessage(Uint8Array.from(message(6, 3, 0xef, 0xbb, 0xbf)))).toBe("\uFEFF");
  });

  it("refuses nesting deeper than the limit and more values than a message may hold", () => {
    const deep = (n: number) => message(...new Array(n).fill([7, 1]).flat(), 1);
    expect(refusal(deep(MAX_DEPTH))).toBe("decoded");
    expect(refusal(deep(MAX_DEPTH + 1))).toMatch(new RegExp(`nesting deeper than ${MAX_DEPTH} at byte ${3 + 2 * MAX_DEPTH}`));
    const nulls = (count: number[], n: number) => {
      const bytes = new Uint8Array(3 + 1 + count.length + n).fill(1);
      bytes.set([...message(7), ...count]);
      return bytes;
    };
    expect(refusal(nulls([0x80, 0x80, 0x40], MAX_ITEMS))).toMatch(`more than ${MAX_ITEMS} values`); // 2^20 = MAX_ITEMS
    expect(refusal(nulls([0xff, 0xff, 0x3f], MAX_ITEMS - 1))).toBe("decoded");
  });

  it("lets the last of a repeated property win, as JSON does", () => {
    expect(decodeMessage(Uint8Array.from(message(8, 2, 1, 0x61, 5, 1, 1, 0x61, 5, 2)))).toStrictEqual({ a: 2 });
  });
});
