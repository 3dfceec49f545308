// A sample value's text, written as bytes by the exposition renderer: every finite value parses
// back (parseFloat) to exactly the same double, -0 included; NaN and the infinities are spelled as
// Prometheus spells them; and the text is the shortest one or a digit longer. The cases are the
// integers (around every multiple of 10^8 too), negatives, tiny and huge values, the edges of the
// digit-by-digit path (2^-21, 2^53), values of up to three fractional digits (written their own
// way below 2^43), fractions whose digits round up into the integer part, random doubles of every
// size, and a property over doubles of fast-check's choosing with subnormals and the edges.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FLOAT_TEXT_MAX, floatText, writeFloat } from "../../src/metrics/float-text.js";
import { randomBits, seeded } from "./exposition-sample.js";

/** Prometheus's float grammar, as its text parser takes it (Go's ParseFloat, no hex). */
const FLOAT = /^(?:[+-]?Inf|NaN|-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)$/;

function roundTrips(v: number): void {
  const text = floatText(v);
  expect(text).toMatch(FLOAT);
  expect(text.length).toBeLessThanOrEqual(FLOAT_TEXT_MAX);
  expect(Object.is(Number.parseFloat(text), v), `${v} written as ${text}`).toBe(true);
}

describe("floatText", () => {
  it("writes integers as their digits, negatives with a minus", () => {
    for (const v of [0, 1, 7, 10, 99, 100, 12345678, 99999999, 100000000, 123456789, 2 ** 31, 2 ** 32 + 1, 1e15, 2 ** 53 - 1])
      expect(floatText(v)).toBe(String(v));
    expect(floatText(-1)).toBe("-1");
    expect(floatText(-100000001)).toBe("-100000001");
    expect(floatText(-(2 ** 53 - 1))).toBe("-9007199254740991");
  });

  it("writes -0 as -0, so that it parses back to -0", () => {
    expect(floatText(-0)).toBe("-0");
    expect(floatText(0)).toBe("0");
    roundTrips(-0);
  });

  it("spells NaN and the infinities as Prometheus does", () => {
    expect(floatText(Number.NaN)).toBe("NaN");
    expect(floatText(Number.POSITIVE_INFINITY)).toBe("+Inf");
    expect(floatText(Number.NEGATIVE_INFINITY)).toBe("-Inf");
  });

  it("writes fractions as the shortest decimal that parses back", () => {
    const cases: [number, string][] = [
      [0.5, "0.5"],
      [0.1, "0.1"],
      [0.1 + 0.2, "0.30000000000000004"],
      [1234.1, "1234.1"],
      [17.3, "17.3"],
      [-1234.142857142857, "-1234.142857142857"],
      [123456789012.5, "123456789012.5"],
      [0.000123, "0.000123"],
      [2 ** 52 + 0.5, "4503599627370496"], // not a fraction: 2^52 + 0.5 is rounded to 2^52 as a double
      [2 ** 52 - 0.5, "4503599627370495.5"],
      [16.000000000000004, "16.000000000000004"],
    ];
    for (const [v, text] of cases) expect(floatText(v)).toBe(text);
  });

  it("carries digits that round up into the integer part", () => {
    for (const v of [0.9999999999999999, 99.99999999999999, 9999999.999999998, 0.09999999999999999, 1 - 2 ** -53]) {
      roundTrips(v);
      expect(floatText(v)).toBe(String(v));
    }
  });

  it("takes tiny and huge magnitudes, and the edges of the digit-by-digit path", () => {
    const edges = [2 ** -21, 2 ** -21 * (1 - 2 ** -53), 2 ** -21 * (1 + 2 ** -52), 2 ** 53, 2 ** 53 + 2, 2 ** 53 - 0.5, 2 ** 53 - 1.5];
    const extremes = [Number.MIN_VALUE, 2.2250738585072014e-308, 1e-300, 1e-7, 4.9e-7, 1e21, 1e300, Number.MAX_VALUE];
    for (const v of [...edges, ...extremes]) {
      roundTrips(v);
      roundTrips(-v);
    }
    expect(floatText(1e21)).toBe("1e+21");
    expect(floatText(-Number.MIN_VALUE)).toBe("-5e-324");
  });

  it("makes every random double parse back exactly, at most a digit longer than the shortest", () => {
    const random = seeded(20261207);
    const draws: number[] = [];
    for (let i = 0; i < 100_000; i++) draws.push(randomBits(random));
    // magnitudes where metrics live: 10^-8 to 10^16, either sign, and counts with fractions
    for (let i = 0; i < 100_000; i++) draws.push((random() - 0.5) * 10 ** (random() * 24 - 8));
    for (let i = 0; i < 50_000; i++) draws.push(Math.floor(random() * 1e6) + Math.floor(random() * 7) / 7);
    let longer = 0;
    for (const v of draws) {
      const text = floatText(v);
      if (Number.isNaN(v)) {
        expect(text).toBe("NaN");
        continue;
      }
      if (!Number.isFinite(v)) continue;
      if (!Object.is(Number.parseFloat(text), v)) expect.fail(`${v} written as ${text}`);
      const shortest = String(v);
      // String gives the shortest digits; exponent forms are written as it writes them or in full
      if (!shortest.includes("e") && text.length > shortest.length) {
        if (text.length > shortest.length + 1) expect.fail(`${v} written as ${text}, longer than ${shortest}`);
        longer++;
      }
    }
    expect(longer).toBeLessThan(draws.length / 1000);
  });

  it("writes values of up to three fractional digits as their shortest text below 2^43, and exactly past it", () => {
    const random = seeded(43);
    for (let i = 0; i < 100_000; i++) {
      const digits = 1 + (i % 3);
      // magnitudes up to 2^46, so that the largest are written the general way
      const v = Math.floor(random() * 2 ** (random() * 46) * 10 ** digits) / 10 ** digits;
      const text = floatText(v);
      // past 2^43 several decimals of three fractional digits may parse back: the general way picks the nearest
      if (v < 2 ** 43 ? text !== String(v) : !Object.is(Number.parseFloat(text), v)) expect.fail(`${v} written as ${text}`);
    }
    for (const v of [0.001, 0.5, 0.25, 0.125, 0.1, 0.01, 999.999, 1.05, 2 ** 43 - 0.125, 2 ** 43 - 0.5, 2 ** 43 + 0.5, 12345678.9])
      expect(floatText(v)).toBe(String(v));
    // thousandths that do not parse back are written the general way
    expect(floatText(0.0005)).toBe("0.0005");
    expect(floatText(1.0005)).toBe("1.0005");
  });

  it("writes integers around every multiple of 10^8 with all their digits", () => {
    const random = seeded(8);
    for (let i = 0; i < 20_000; i++) {
      const multiple = Math.floor(random() * 90_071_992) * 1e8;
      for (const n of [multiple - 1, multiple, multiple + 1])
        if (n > 0 && n < 2 ** 53 && floatText(n) !== String(n)) expect.fail(`${n} written as ${floatText(n)}`);
    }
  });

  it("makes any double parse back to itself (a property of random doubles and their edges)", () => {
    const edges = fc.constantFrom(
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MIN_VALUE,
      2.2250738585072014e-308,
      2.225073858507201e-308,
      1e21,
      999999999999999900000,
      1.0000000000000001e21,
      1e-7,
      9.999999999999998e-8,
      1.0000000000000001e-7,
      2 ** -21,
      2 ** -21 * (1 - 2 ** -53),
      2 ** 43 - 0.001953125,
      2 ** 53 - 1,
      2 ** 53,
    );
    const subnormals = fc.double({ min: -2.2250738585072014e-308, max: 2.2250738585072014e-308 });
    const thousandths = fc.tuple(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.constantFrom(10, 100, 1000)).map(([m, d]) => m / d);
    fc.assert(
      fc.property(fc.oneof(fc.double(), subnormals, edges, thousandths), (v) => {
        const text = floatText(v);
        expect(text).toMatch(FLOAT);
        expect(text.length).toBeLessThanOrEqual(FLOAT_TEXT_MAX);
        const back = text === "+Inf" ? Number.POSITIVE_INFINITY : text === "-Inf" ? Number.NEGATIVE_INFINITY : Number.parseFloat(text);
        expect(Object.is(back, v), `${v} written as ${text}`).toBe(true);
      }),
      { numRuns: 20_000, seed: 20261208 },
    );
  });

  it("writes into the bytes given, at the place given, and says where it ended", () => {
    // the bytes after the end may have been written over: the room given is FLOAT_TEXT_MAX
    const bytes = new Uint8Array(3 + FLOAT_TEXT_MAX).fill(120);
    const end = writeFloat(bytes, 3, -12.25);
    expect(end).toBe(9);
    expect(String.fromCharCode(...bytes.subarray(0, end))).toBe("xxx-12.25");
  });
});
