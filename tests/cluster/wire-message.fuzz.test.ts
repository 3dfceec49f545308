// Bytes from the network are hostile: every message the encoder makes reads back as it was, and
// any bytes (random, or a valid message damaged) decode to something no larger than the bytes or
// are refused with 7007, never anything else. Frames likewise: whatever a stream of frames holds
// (lost, repeated, swapped, a stranger's, damaged), the assembler never throws, holds no more than
// its cap, and gives back only messages that were sent, in order.
//
// NOODLE_FUZZ_RUNS sets the cases per property (2 000 by default), NOODLE_FUZZ_SEED other inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FRAME_HEADER, FrameAssembler, frameMessage } from "../../src/cluster/wire-frames.js";
import { decodeMessage, encodeMessage } from "../../src/cluster/wire-message.js";
import { NoodleRuntimeError } from "../../src/runtime/runtime-error.js";
import { FUZZ_TIMEOUT, fuzzParameters, mutated, sameBytes } from "../fuzz/fuzz.js";

const number = fc.oneof(fc.double(), fc.integer(), fc.nat(), fc.constantFrom(-0, NaN, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 5e-324));
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: "grapheme", maxLength: 12 }), fc.string({ unit: "grapheme-composite", maxLength: 80 }));
// not "constructor": toStrictEqual would compare two objects' own "constructor" properties as their classes
const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("t", "seq", "bytes", "__proto__", "0", "12", "toString", "valueOf"));

/** A typed array as it may be sent: alone or a view into a larger buffer. */
function view<T extends { buffer: ArrayBufferLike; byteOffset: number; length: number; BYTES_PER_ELEMENT: number }>(
  make: new (buffer: ArrayBuffer, offset: number, length: number) => T,
  values: fc.Arbitrary<T>,
): fc.Arbitrary<T> {
  return fc.tuple(values, fc.nat(3)).map(([a, before]) => {
    if (before === 0) return a;
    const size = a.BYTES_PER_ELEMENT;
    const out = new make(new ArrayBuffer((a.length + before + 1) * size), before * size, a.length);
    new Uint8Array(out.buffer, out.byteOffset, a.length * size).set(new Uint8Array(a.buffer, a.byteOffset, a.length * size));
    return out;
  });
}

const binary = fc.oneof(
  view(Uint8Array, fc.uint8Array({ maxLength: 40 })),
  view(Int32Array, fc.int32Array({ maxLength: 10 })),
  view(Uint32Array, fc.uint32Array({ maxLength: 10 })),
  view(Float32Array, fc.float32Array({ maxLength: 10 })),
  view(Float64Array, fc.float64Array({ maxLength: 10 })),
  fc.uint8Array({ maxLength: 20 }).map((a) => a.slice().buffer),
);

const leaf = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), number, text, binary);

/** Any message the format carries, nested a few levels. */
const { message } = fc.letrec<{ message: unknown }>((tie) => ({
  message: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("message"), { maxLength: 6 }),
    fc.array(fc.tuple(key, tie("message")), { maxLength: 6 }).map((entries) => Object.fromEntries(entries)),
  ),
}));

/** What decoding does with bytes: the value, or "7007"; anything else thrown fails the test. */
function outcome(bytes: Uint8Array): unknown {
  try {
    const v = decodeMessage(bytes);
    // what comes out is no larger than what came in: a value per byte at most, a byte per byte
    expect(size(v)).toBeLessThanOrEqual(bytes.length);
    return v;
  } catch (e) {
    if (e instanceof NoodleRuntimeError && e.code === 7007) return "7007";
    throw e;
  }
}

/** Values and bytes in a decoded message (a string counts its UTF-16 units, never more than its bytes). */
function size(v: unknown): number {
  if (v instanceof ArrayBuffer) return 1 + v.byteLength;
  if (ArrayBuffer.isView(v)) return 1 + v.byteLength;
  if (typeof v === "string") return 1 + v.length;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + size(x), 1);
  if (v !== null && typeof v === "object") return Object.entries(v).reduce((n, [k, x]) => n + 1 + k.length + size(x), 1);
  return 1;
}

const HEADER = [0x4e, 0x4d, 1];

describe("wire messages: fuzzed", () => {
  it(
    "reads back every message it encodes, and encodes it again to the same bytes",
    () => {
      fc.assert(
        fc.property(message, (m) => {
          const bytes = encodeMessage(m);
          const back = decodeMessage(bytes);
          expect(back).toStrictEqual(m);
          expect(encodeMessage(back)).toEqual(bytes);
        }),
        fuzzParameters(0),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "decodes a damaged message, or refuses it with 7007",
    () => {
      fc.assert(
        fc.property(mutated(message.map((m) => encodeMessage(m))), (bytes) => void outcome(bytes)),
        fuzzParameters(1),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "decodes random bytes, with or without a valid header, or refuses them with 7007",
    () => {
      fc.assert(
        fc.property(fc.boolean(), fc.uint8Array({ maxLength: 64 }), (header, body) => {
          const bytes = header ? Uint8Array.from([...HEADER, ...body]) : body;
          outcome(bytes);
        }),
        fuzzParameters(2),
      );
    },
    FUZZ_TIMEOUT,
  );
});

const token = Uint8Array.from({ length: 16 }, (_, i) => 200 - i);

type StreamChange =
  | { op: "drop" | "repeat" | "swap"; at: number }
  | { op: "stranger"; at: number; bytes: Uint8Array; other: Uint8Array }
  | { op: "junk"; at: number; bytes: Uint8Array };

/** Changes to a stream of frames that NATS would not make, or that another sender makes. */
const streamChange: fc.Arbitrary<StreamChange> = fc.oneof(
  fc.record({ op: fc.constantFrom("drop" as const, "repeat" as const, "swap" as const), at: fc.nat() }),
  fc.record({
    op: fc.constant("stranger" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 200 }),
    other: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  }),
  fc.record({ op: fc.constant("junk" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 80 }) }),
);

function change(frames: Uint8Array[], c: StreamChange): Uint8Array[] {
  const out = frames.slice();
  const at = out.length === 0 ? 0 : c.at % out.length;
  switch (c.op) {
    case "drop":
      out.splice(at, 1);
      break;
    case "repeat":
      if (out.length) out.splice(at, 0, out[at]);
      break;
    case "swap":
      if (at + 1 < out.length) [out[at], out[at + 1]] = [out[at + 1], out[at]];
      break;
    case "stranger":
      out.splice(at, 0, ...frameMessage(c.bytes, c.other.every((b, i) => b === token[i]) ? c.other.map((b) => b ^ 1) : c.other, 0, 64));
      break;
    case "junk":
      out.splice(at, 0, c.bytes);
      break;
  }
  return out;
}

/** A sender's messages, each framed (its id its index) with parts of at most `max` bytes. */
const sent = fc.record({
  messages: fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
  max: fc.integer({ min: FRAME_HEADER + 1, max: 160 }),
  cap: fc.integer({ min: 1, max: 400 }),
});

function framesOf(messages: Uint8Array[], max: number): Uint8Array[] {
  return messages.flatMap((m, id) => frameMessage(m, token, id, max));
}

/** Pushes every frame, checking what must hold after each; returns the messages that came out. */
function assemble(a: FrameAssembler, frames: Uint8Array[], cap: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let rejected = 0;
  for (const f of frames) {
    const m = a.push(f);
    expect(a.rejected).toBeGreaterThanOrEqual(rejected);
    rejected = a.rejected;
    expect(a.buffered).toBeLessThanOrEqual(cap);
    if (m === undefined) continue;
    expect(m.length).toBeLessThanOrEqual(cap);
    out.push(m);
  }
  return out;
}

describe("wire frames: fuzzed", () => {
  it(
    "gives back every message of an undamaged stream, in order, when none is over the cap",
    () => {
      fc.assert(
        fc.property(sent, ({ messages, max }) => {
          const a = new FrameAssembler(token, 300);
          expect(assemble(a, framesOf(messages, max), 300)).toEqual(messages);
          expect(a.rejected).toBe(0);
        }),
        fuzzParameters(3),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "gives back only messages that were sent, in order, whatever was lost, repeated, swapped or slipped in",
    () => {
      fc.assert(
        fc.property(sent, fc.array(streamChange, { minLength: 1, maxLength: 5 }), ({ messages, max, cap }, changes) => {
          const a = new FrameAssembler(token, cap);
          const frames = changes.reduce(change, framesOf(messages, max));
          // a last message after them all ends whatever is in progress
          const end = frameMessage(new Uint8Array([7]), token, messages.length, max)[0];
          const out = assemble(a, [...frames, end], cap);
          expect(out.pop()).toEqual(new Uint8Array([7]));
          // each message out is one sent after the one before it (a lost frame drops a message)
          let from = 0;
          for (const m of out) {
            while (from < messages.length && !sameBytes(messages[from], m)) from++;
            expect(from).toBeLessThan(messages.length);
            from++;
          }
          // every frame is in a message that came out or counted as dropped
          const parts = (m: Uint8Array) => Math.max(1, Math.ceil(m.length / (max - FRAME_HEADER)));
          expect(a.rejected + out.reduce((n, m) => n + parts(m), 0) + 1).toBe(frames.length + 1);
        }),
        fuzzParameters(4),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "never throws on frames damaged anywhere, and holds no more than its cap",
    () => {
      const damagedStream = sent.chain(({ messages, max, cap }) =>
        fc.tuple(fc.constant(cap), fc.tuple(...framesOf(messages, max).map((f) => fc.oneof(fc.constant(f), mutated(fc.constant(f)))))),
      );
      fc.assert(
        fc.property(damagedStream, ([cap, frames]) => void assemble(new FrameAssembler(token, cap), frames, cap)),
        fuzzParameters(5),
      );
    },
    FUZZ_TIMEOUT,
  );
});
