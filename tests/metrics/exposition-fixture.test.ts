// The exposition text is byte for byte what the renderer wrote before its speed-ups (series kept
// in arrays and looked up by the last position, values with few fractional digits written from
// their thousandths): fixtures/exposition-sample.txt is the text that build rendered for the
// sample registry, and VALUE_TEXTS_SHA256 the digest of its texts for 400 000 values of every kind.
// The text is also valid exposition, each value parsing back to exactly the double set.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { floatText } from "../../src/metrics/float-text.js";
import { MetricsRegistry } from "../../src/metrics/registry.js";
import { EDGE_VALUES, fillSampleRegistry, sampleValues, seeded } from "./exposition-sample.js";
import { parsePrometheusText } from "./prometheus-text.js";

const FIXTURE = new URL("./fixtures/exposition-sample.txt", import.meta.url);
const VALUE_TEXTS_SHA256 = "47576a46f9a744bb03a352c9340182c5bac61d9b80658a77ca9ff8646f1c9a28";

describe("the exposition text", () => {
  it("is the same bytes as the renderer wrote before, rendered at once or again after changes", () => {
    const before = readFileSync(FIXTURE);
    const r = new MetricsRegistry();
    fillSampleRegistry(r);
    const first = r.renderBytes();
    expect(Buffer.from(first).equals(before)).toBe(true);
    r.release(first);
    // the same values set again, in another order, and one changed and set back: the same bytes
    const again = r.gauge("sample_value", "Every kind of value, one series each", ["i"]);
    const values = parsePrometheusText(before.toString("utf8")).get("sample_value")?.samples ?? [];
    for (const s of [...values].reverse()) again.set(s.value, [s.labels.i]);
    again.set(1, ["7"]);
    expect(Buffer.from(r.renderBytes()).equals(before)).toBe(false);
    again.set(values[7].value, ["7"]);
    expect(Buffer.from(r.renderBytes()).equals(before)).toBe(true);
  });

  it("writes the texts of 400 000 values of every kind as before", () => {
    const hash = createHash("sha256");
    for (const v of [...EDGE_VALUES, ...sampleValues(seeded(20261207), 400_000)]) hash.update(`${floatText(v)}\n`);
    expect(hash.digest("hex")).toBe(VALUE_TEXTS_SHA256);
  });

  it("is valid exposition whose values parse back to the doubles set", () => {
    const families = parsePrometheusText(readFileSync(FIXTURE, "utf8"));
    const random = seeded(20261208);
    const expected = [...EDGE_VALUES, ...sampleValues(random, 600)];
    const samples = families.get("sample_value")?.samples ?? [];
    expect(samples.length).toBe(expected.length);
    for (const s of samples) expect(Object.is(s.value, expected[Number(s.labels.i)]), `${s.labels.i}: ${s.value}`).toBe(true);
  });
});
