// The value codec treats its input as hostile, in both flavours (storage, and the wire between
// workers, which also carries actor references): every value comes back as it went in, and any
// bytes at all -- random, or a valid encoding damaged -- decode to a value whose encoding is those
// very bytes, or are refused with 8004. Nothing else is thrown, and what a decode holds stays
// within the size of its input, whatever lengths the bytes claim.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CodecError,
  type CodecOptions,
  decodeValue,
  encodeValue,
  type StoredValue,
  SUMMARY_PREFIX,
  summarizeEncoded,
  WIRE,
} from "../../src/codec/value-codec.js";
import { FUZZ_TIMEOUT, fuzzParameters, mutated, sameBytes, uleb } from "./fuzz.js";
import { decodedSize, plain, values } from "./values.js";

const STORE: CodecOptions = {};
const FLAVOURS: [string, CodecOptions][] = [
  ["store", STORE],
  ["wire", WIRE],
];

/** "value" or "8004" for bytes, after checking what a decoder may do with them. */
function outcome(bytes: Uint8Array, options: CodecOptions): "value" | "8004" {
  let v: StoredValue;
  try {
    v = decodeValue(bytes, options);
  } catch (e) {
    if (e instanceof CodecError && e.code === 8004) return "8004";
    throw e;
  }
  // only canonical bytes decode, so encoding the value gives the input back
  if (!sameBytes(encodeValue(v, options), bytes)) throw new Error("a decoded value encodes to other bytes");
  if (decodedSize(v) > bytes.length) throw new Error(`decoded ${decodedSize(v)} units from ${bytes.length} bytes`);
  return "value";
}

/** The summary storage reads from an encoding's head: a type, or 8004. */
function summaryOutcome(bytes: Uint8Array): string {
  try {
    return summarizeEncoded(bytes.subarray(0, SUMMARY_PREFIX)).type;
  } catch (e) {
    if (e instanceof CodecError && e.code === 8004) return "8004";
    throw e;
  }
}

for (const [name, options] of FLAVOURS)
  describe(`value codec, ${name} flavour`, () => {
    const seed = name === "store" ? 0 : 10;
    const valid = values(options.actors === true).map((v) => encodeValue(v, options));

    it(
      "gives back every value it encodes",
      () => {
        fc.assert(
          fc.property(values(options.actors === true), (v) => {
            const bytes = encodeValue(v, options);
            const back = decodeValue(bytes, options);
            expect(plain(back)).toEqual(plain(v));
            expect(sameBytes(encodeValue(back, options), bytes)).toBe(true);
            if (!options.actors) expect(summaryOutcome(bytes)).not.toBe("8004");
            // copies of array data decode the same
            expect(plain(decodeValue(bytes, { ...options, copyArrays: true }))).toEqual(plain(v));
          }),
          fuzzParameters(seed + 1),
        );
      },
      FUZZ_TIMEOUT,
    );

    it(
      "decodes damaged encodings to a value or refuses them with 8004",
      () => {
        const seen = { value: 0, "8004": 0 };
        fc.assert(
          fc.property(mutated(valid), (bytes) => {
            seen[outcome(bytes, options)]++;
            summaryOutcome(bytes);
          }),
          fuzzParameters(seed + 2),
        );
        // the damage is varied: some survives as another valid value, most is refused
        expect(seen["8004"]).toBeGreaterThan(seen.value);
        expect(seen.value).toBeGreaterThan(0);
      },
      FUZZ_TIMEOUT,
    );

    it(
      "decodes random bytes after a valid header to a value or refuses them with 8004",
      () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 96 }), (body) => {
            const bytes = new Uint8Array(3 + body.length);
            bytes.set([0x4e, 0x56, 1]);
            bytes.set(body, 3);
            outcome(bytes, options);
            summaryOutcome(bytes);
            outcome(body, options);
          }),
          fuzzParameters(seed + 3),
        );
      },
      FUZZ_TIMEOUT,
    );

    it("believes no huge length: each is refused at once", () => {
      const header = [0x4e, 0x56, 1];
      for (const n of [2 ** 31, 2 ** 32 - 1, 2 ** 31 - 1]) {
        for (const bytes of [
          [...header, 4, ...uleb(n), 0x61], // a string
          [...header, 5, ...uleb(n), 0], // a list
          [...header, 6, ...uleb(n), 4, 0, 0], // a map
          [...header, 7, 1, 0x50, ...uleb(n), 1, 0x78, 0], // a struct's fields
          [...header, 8, 0, ...uleb(n), ...uleb(n), 0, 0, 0], // a matrix
          [...header, 8, 1, ...uleb(65536), ...uleb(n)], // an f32 matrix
          [...header, 9, 0, 3, ...uleb(n), ...uleb(n), ...uleb(n)], // a tensor
          [...header, 9, 0, ...uleb(n)], // a tensor's dimension count
          [...header, 10, 0, 0, 0, 0, 0, 0, 0, 0, ...uleb(n)], // an error's message
        ]) {
          expect(outcome(Uint8Array.from(bytes), options), bytes.join(" ")).toBe("8004");
        }
      }
      // an empty matrix of a huge width holds nothing and is fine
      const empty = Uint8Array.from([...header, 8, 0, 0, ...uleb(2 ** 32 - 1), 0, 0, 0, 0, 0]);
      expect(outcome(empty, options)).toBe("value");
      expect((decodeValue(empty) as { shape: number[] }).shape).toEqual([0, 2 ** 32 - 1]);
    });
  });
