// Lane records come from other threads, so the reader treats them as hostile: every record a
// writer makes reads back as it was written, and any bytes -- random, or a valid record damaged --
// read as a record or are refused with 8004, never anything else, never by looking at the bytes
// around the record.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecError } from "../../src/codec/value-codec.js";
import type { LaneWriter } from "../../src/concurrency/lane.js";
import { type LaneRecord, LaneRecordWriter, readLaneRecord } from "../../src/concurrency/lane-records.js";
import type { ErrorInfo } from "../../src/concurrency/protocol.js";
import { PLOT_SHOW_OP } from "../../src/plot/plot-host.js";
import { FUZZ_TIMEOUT, fuzzParameters, mutated } from "./fuzz.js";
import { plain, values } from "./values.js";

/** The bytes `write` makes with a LaneRecordWriter. */
function recordBytes(write: (w: LaneRecordWriter) => void): Uint8Array {
  let out: Uint8Array | undefined;
  const lane = {
    bytes(length: number, fill: (bytes: Uint8Array, view: DataView, at: number) => void) {
      const bytes = new Uint8Array(length);
      fill(bytes, new DataView(bytes.buffer), 0);
      out = bytes;
    },
  } as unknown as LaneWriter;
  write(new LaneRecordWriter(lane));
  return out!;
}

/** Reads `record` placed at an odd offset among bytes of `fill`, as in a ring. */
function read(record: Uint8Array, fill: number): LaneRecord {
  const bytes = new Uint8Array(record.length + 16).fill(fill);
  bytes.set(record, 5);
  return readLaneRecord(bytes, new DataView(bytes.buffer), 5, record.length);
}

/** A record's content in comparable form. */
function plainRecord(r: LaneRecord): unknown {
  switch (r.kind) {
    case "message":
    case "task":
    case "store":
      return { ...r, args: plain(r.args) };
    case "value":
      return { ...r, value: plain(r.value) };
    default:
      return r;
  }
}

/** What reading does with a record: its comparable content, or "8004". */
function outcome(record: Uint8Array): unknown {
  const results = [0x00, 0xff].map((fill) => {
    try {
      return plainRecord(read(record, fill));
    } catch (e) {
      if (e instanceof CodecError && e.code === 8004) return "8004";
      throw e;
    }
  });
  // the bytes around a record are another record's, or free: they never change the result
  expect(results[1]).toEqual(results[0]);
  return results[0];
}

const id = fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 53 - 1));
const u32 = fc.nat({ max: 2 ** 32 - 1 });
const name = fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/), fc.string({ unit: "grapheme", maxLength: 8 }));
const args = fc.array(values(true), { maxLength: 4 });
const frame = fc.record({ name, file: fc.string({ maxLength: 12 }), line: fc.nat(10_000), col: fc.nat(500) });
const errorInfo: fc.Arbitrary<ErrorInfo> = fc
  .record({
    code: fc.integer({ min: 1000, max: 9999 }),
    message: fc.string({ maxLength: 30 }),
    trace: fc.array(frame, { maxLength: 3 }),
    frames: fc.option(fc.array(fc.nat(), { maxLength: 6 }), { nil: undefined }),
  })
  .map((e) => (e.frames === undefined ? { code: e.code, message: e.message, trace: e.trace } : e));

/** A record as a writer would make it, with the record it stands for. */
const written: fc.Arbitrary<[LaneRecord, Uint8Array]> = fc.oneof(
  fc
    .tuple(id, u32, name, args)
    .map(([i, actor, n, a]): [LaneRecord, Uint8Array] => [
      { kind: "message", id: i, actor, name: n, args: a },
      recordBytes((w) => w.message(i, actor, n, w.encoder.encode(a).slice())),
    ]),
  fc
    .tuple(id, u32, u32, args)
    .map(([i, client, proto, a]): [LaneRecord, Uint8Array] => [
      { kind: "task", id: i, client, proto, args: a },
      recordBytes((w) => w.task(i, client, proto, w.encoder.encode(a).slice())),
    ]),
  fc
    .tuple(id, u32, u32)
    .map(([i, client, proto]): [LaneRecord, Uint8Array] => [{ kind: "spawn", id: i, client, proto }, recordBytes((w) => w.spawn(i, client, proto))]),
  fc
    .tuple(id, u32, u32, fc.nat(), fc.oneof(fc.nat(), fc.double({ min: 0, noNaN: true })))
    .map(([i, client, proto, maxRestarts, withinMs]): [LaneRecord, Uint8Array] => [
      { kind: "actor", id: i, client, proto, supervision: { maxRestarts, withinMs } },
      recordBytes((w) => w.actor(i, client, proto, { maxRestarts, withinMs })),
    ]),
  id.map((i): [LaneRecord, Uint8Array] => [{ kind: "cancel", id: i }, recordBytes((w) => w.cancel(i))]),
  fc
    .tuple(id, u32, u32, fc.nat(PLOT_SHOW_OP), args)
    .map(([i, client, fiber, op, a]): [LaneRecord, Uint8Array] => [
      { kind: "store", id: i, client, fiber, op, args: a },
      recordBytes((w) => w.store(i, client, fiber, op, w.encoder.encode(a).slice())),
    ]),
  fc.tuple(id, values(true)).map(([i, v]): [LaneRecord, Uint8Array] => [
    { kind: "value", id: i, value: v },
    recordBytes((w) =>
      w.value(i, v, () => {
        throw new Error("not sendable");
      }),
    ),
  ]),
  fc.tuple(id, errorInfo).map(([i, e]): [LaneRecord, Uint8Array] => [{ kind: "error", id: i, error: e }, recordBytes((w) => w.error(i, e))]),
  fc
    .tuple(u32, fc.constantFrom(1, 2), fc.string({ unit: "grapheme", maxLength: 40 }))
    .map(([client, fd, text]): [LaneRecord, Uint8Array] => [{ kind: "output", client, fd, text }, recordBytes((w) => w.output(client, fd, text))]),
);

describe("lane records", () => {
  it(
    "read back as they were written",
    () => {
      fc.assert(
        fc.property(written, ([record, bytes]) => {
          expect(outcome(bytes)).toEqual(plainRecord(record));
        }),
        fuzzParameters(21),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "read damaged records as records or refuse them with 8004",
    () => {
      const seen = { record: 0, refused: 0 };
      fc.assert(
        fc.property(mutated(written.map(([, bytes]) => bytes)), (bytes) => {
          if (outcome(bytes) === "8004") seen.refused++;
          else seen.record++;
        }),
        fuzzParameters(22),
      );
      expect(seen.refused).toBeGreaterThan(0);
      expect(seen.record).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT,
  );

  it(
    "read random bytes as records or refuse them with 8004",
    () => {
      fc.assert(
        fc.property(fc.nat(10), fc.uint8Array({ maxLength: 64 }), (kind, body) => {
          outcome(Uint8Array.of(kind, ...body));
        }),
        fuzzParameters(23),
      );
    },
    FUZZ_TIMEOUT,
  );
});
