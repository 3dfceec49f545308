// The pool's batching helpers: arguments encoded into a shared arena, gathered into one buffer
// per batch (runs of the arena copied as one span), and results read back from one buffer.
import { describe, expect, it } from "vitest";
import { decodeValue, type StoredValue, ValueSequenceReader, WIRE } from "../../src/codec/value-codec.js";
import { ArgumentArena, PackedValues, RESULT_FIELDS, ResultsBuilder } from "../../src/concurrency/protocol.js";

/** Encodes each argument list in `arena`; returns where each went. */
function encodeAll(arena: ArgumentArena, lists: unknown[][]): { bytes: Uint8Array; at: number; length: number }[] {
  return lists.map((args) => {
    const at = arena.add(args);
    return { bytes: arena.bytes, at, length: arena.end - at };
  });
}

describe("the argument arena and packed batches", () => {
  it("packs values from the arena in any order, each readable at its offset", () => {
    const arena = new ArgumentArena();
    const lists = [[1], ["two", [2]], [null, true], [{ kind: "matrix", shape: [1, 2], dtype: "f64", data: new Float64Array([3, 4]) }], ["x".repeat(300)]];
    const encoded = encodeAll(arena, lists);
    // a batch in arena order, then one with a retried task first (out of order)
    for (const order of [
      [0, 1, 2, 3, 4],
      [3, 0, 1, 4],
    ]) {
      const packed = new PackedValues();
      const offsets = order.map((i) => packed.add(encoded[i].bytes, encoded[i].at, encoded[i].length));
      const data = packed.finish();
      const reader = new ValueSequenceReader(data, WIRE);
      order.forEach((i, k) => {
        expect(offsets[k] % 8).toBe(0);
        const back = reader.at(offsets[k], encoded[i].length) as StoredValue[];
        if (i === 3) expect(Array.from((back[0] as { data: Float64Array }).data)).toEqual([3, 4]);
        else expect(back).toEqual(lists[i]);
      });
    }
  });

  it("packs values encoded one after another as the arena holds them", () => {
    const arena = new ArgumentArena();
    const encoded = encodeAll(
      arena,
      Array.from({ length: 12 }, (_, i) => [i]),
    );
    expect(new Set(encoded.map((e) => e.bytes)).size).toBe(1);
    const packed = new PackedValues();
    for (const e of encoded) packed.add(e.bytes, e.at, e.length);
    const data = packed.finish();
    // the batch's bytes are the arena's, byte for byte
    const first = encoded[0].at;
    expect(data).toEqual(encoded[0].bytes.slice(first, first + data.length));
  });

  it("keeps earlier encodings when the arena grows into a new buffer", () => {
    const arena = new ArgumentArena();
    const encoded = encodeAll(
      arena,
      Array.from({ length: 200 }, (_, i) => [i, "y".repeat(i)]),
    );
    expect(new Set(encoded.map((e) => e.bytes)).size).toBeGreaterThan(1);
    const packed = new PackedValues();
    const offsets = encoded.map((e) => packed.add(e.bytes, e.at, e.length));
    const reader = new ValueSequenceReader(packed.finish(), WIRE);
    encoded.forEach((e, i) => expect(reader.at(offsets[i], e.length)).toEqual([i, "y".repeat(i)]));
  });
});

describe("results of a batch", () => {
  it("carries values and errors in the order of the batch's tasks, named by the batch", () => {
    const results = new ResultsBuilder(42, 3);
    results.resolve([1, "a"]);
    results.reject({ code: 3006, message: "boom", trace: [] });
    results.resolve(null);
    const [message, transfer] = results.finish();
    if (message.t !== "results") throw new Error(message.t);
    expect(transfer).toHaveLength(2);
    const { batch, head, data, errors } = message;
    expect(batch).toBe(42);
    expect(head.length).toBe(3 * RESULT_FIELDS);
    expect([head[0], head[3], head[6]]).toEqual([1, 0, 1]);
    expect(decodeValue(data.slice(head[1], head[1] + head[2]), WIRE)).toEqual([1, "a"]);
    expect(errors[head[4]].message).toBe("boom");
    expect(new ValueSequenceReader(data, WIRE).at(head[7], head[8])).toBe(null);
  });
});
