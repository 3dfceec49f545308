// The metrics registry renders Prometheus text that a strict reader accepts: counters, gauges and
// histograms with labels, escaped help and label values, collectors run at each rendering; and it
// refuses what Prometheus would (bad names, a name taken by another kind, buckets that do not
// increase). The reader itself refuses malformed text, so these tests can fail.
import { describe, expect, it } from "vitest";
import { MetricsError, MetricsRegistry } from "../../src/metrics/registry.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";

describe("MetricsRegistry", () => {
  it("renders counters, gauges and histograms as Prometheus text", () => {
    const r = new MetricsRegistry();
    r.counter("jobs_total", "Jobs done").inc(3);
    const g = r.gauge("queue_depth", "Waiting\nitems \\ now", ["queue"]);
    g.set(7, ['a"b']);
    g.inc(-2, ['a"b']);
    const h = r.histogram("latency_seconds", "Latency", [0.1, 1]);
    for (const v of [0.05, 0.5, 5]) h.observe(v);
    const families = parsePrometheusText(r.render());
    expect(families.get("jobs_total")?.type).toBe("counter");
    expect(sampleValue(families, "jobs_total")).toBe(3);
    expect(families.get("queue_depth")?.help).toBe("Waiting\nitems \\ now");
    expect(sampleValue(families, "queue_depth", { queue: 'a"b' })).toBe(5);
    expect(sampleValue(families, "latency_seconds_bucket", { le: "0.1" })).toBe(1);
    expect(sampleValue(families, "latency_seconds_bucket", { le: "1" })).toBe(2);
    expect(sampleValue(families, "latency_seconds_bucket", { le: "+Inf" })).toBe(3);
    expect(sampleValue(families, "latency_seconds_sum")).toBeCloseTo(5.55);
  });

  it("runs collectors at each rendering, and stops when removed", () => {
    const r = new MetricsRegistry();
    const c = r.counter("reads_total", "Reads");
    let n = 0;
    const remove = r.addCollector(() => c.setTotal(++n));
    expect(sampleValue(parsePrometheusText(r.render()), "reads_total")).toBe(1);
    expect(sampleValue(parsePrometheusText(r.render()), "reads_total")).toBe(2);
    remove();
    expect(sampleValue(parsePrometheusText(r.render()), "reads_total")).toBe(2);
  });

  it("gives the same metric for the same name and kind, and refuses another kind or other labels", () => {
    const r = new MetricsRegistry();
    expect(r.counter("x_total", "X")).toBe(r.counter("x_total", "X"));
    expect(() => r.gauge("x_total", "X")).toThrow(/already a counter, not a gauge/);
    expect(() => r.counter("x_total", "X", ["a"])).toThrow(MetricsError);
    r.histogram("h", "H", [1, 2]);
    expect(() => r.histogram("h", "H", [1, 3])).toThrow(/already a histogram with buckets/);
  });

  it("refuses names, labels, buckets and values Prometheus would not take", () => {
    const r = new MetricsRegistry();
    for (const name of ["9lives", "a-b", "", "x_bucket", "__x"]) expect(() => r.counter(name, "?")).toThrow(MetricsError);
    expect(() => r.counter("ok_total", "?", ["le"])).toThrow(/invalid label name/);
    expect(() => r.histogram("b", "?", [2, 1])).toThrow(/must increase/);
    expect(() => r.histogram("b2", "?", [])).toThrow(/at least one bucket/);
    expect(() => r.counter("c_total", "?").inc(-1)).toThrow(/only goes up/);
    expect(() => r.gauge("g", "?", ["a"]).set(1)).toThrow(/takes 1 label value/);
  });

  it("writes infinities and NaN as Prometheus spells them", () => {
    const r = new MetricsRegistry();
    const g = r.gauge("g", "G", ["k"]);
    g.set(Infinity, ["a"]);
    g.set(-Infinity, ["b"]);
    g.set(NaN, ["c"]);
    const text = r.render();
    expect(text).toContain('g{k="a"} +Inf\n');
    expect(text).toContain('g{k="b"} -Inf\n');
    expect(text).toContain('g{k="c"} NaN\n');
    expect(() => parsePrometheusText(text)).not.toThrow();
  });
});

describe("rendering again", () => {
  it("writes a metric anew after any change to it, and as it was otherwise", () => {
    const r = new MetricsRegistry();
    const c = r.counter("c_total", "C");
    const g = r.gauge("g", "G", ["k"]);
    const h = r.histogram("h", "H", [1]);
    const still = r.gauge("still", "Never changed");
    still.set(0.25);
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(parsePrometheusText(r.render()), name, labels);
    const changes: [() => void, () => void][] = [
      [() => c.inc(2), () => expect(value("c_total")).toBe(2)],
      [() => c.setTotal(9.5), () => expect(value("c_total")).toBe(9.5)],
      [() => g.set(-3, ["a"]), () => expect(value("g", { k: "a" })).toBe(-3)],
      [() => g.inc(0.5, ["a"]), () => expect(value("g", { k: "a" })).toBe(-2.5)],
      [() => g.value(["b"]), () => expect(value("g", { k: "b" })).toBe(0)],
      [() => h.observe(2), () => expect(value("h_count")).toBe(1)],
      [() => h.load([4, 1], 3.5), () => expect(value("h_sum")).toBe(3.5)],
      [() => g.reset(), () => expect(parsePrometheusText(r.render()).get("g")?.samples).toEqual([])],
    ];
    for (const [change, check] of changes) {
      r.render();
      change();
      check();
      expect(value("still")).toBe(0.25);
    }
    const text = r.render();
    expect(r.render()).toBe(text);
  });

  it("renders into the bytes handed back, never into those still out, and keeps them right", () => {
    // `first`'s text changes length at each rendering, so `kept` (set once) moves within the text
    const state = (r: MetricsRegistry, round: number) => {
      r.gauge("first", "Changes length").set(10 ** (round % 7) + 0.5);
      const kept = r.gauge("kept", "Never changes", ["k"]);
      if (kept.seriesCount === 0) kept.set(42.25, ["a"]);
      if (round % 3 === 0) r.counter("last_total", "Changes at times").setTotal(round);
    };
    const r = new MetricsRegistry();
    const outstanding: { bytes: Uint8Array; text: string }[] = [];
    for (let round = 0; round < 12; round++) {
      state(r, round);
      const fresh = new MetricsRegistry();
      for (let past = 0; past <= round; past++) state(fresh, past);
      const bytes = r.renderBytes();
      const text = new TextDecoder().decode(bytes);
      expect(text).toBe(fresh.render());
      // some answers are kept (still being sent), the others handed back at once
      if (round % 4 === 2) outstanding.push({ bytes, text });
      else r.release(bytes);
    }
    for (const { bytes, text } of outstanding) expect(new TextDecoder().decode(bytes)).toBe(text);
  });

  it("finds each series whatever the order its values are set in, comparing every label value", () => {
    const r = new MetricsRegistry();
    const g = r.gauge("pairs", "Two labels", ["a", "b"]);
    const keys = [
      ["x", "1"],
      ["x", "2"],
      ["y", "1"],
      ["x\u0000y", "z"],
      ["x", "y\u0000z"],
    ];
    // in order, then backwards, then every other one: each series keeps its own value
    keys.forEach((k, i) => g.set(i, k));
    [...keys].reverse().forEach((k, i) => g.set(10 + keys.length - 1 - i, k));
    for (let i = 0; i < keys.length; i += 2) g.inc(100, keys[i]);
    const values = keys.map((k) => g.value(k));
    expect(values).toEqual([110, 11, 112, 13, 114]);
    expect(g.seriesCount).toBe(keys.length); // values holding a NUL are series of their own
    // a series whose first label matches the one looked up next is not taken for it
    g.set(5, ["x", "1"]);
    g.set(7, ["x", "3"]);
    expect(g.value(["x", "2"])).toBe(11);
    expect(g.value(["x", "3"])).toBe(7);
    // the label count is checked before the series looked up next is compared
    const one = r.gauge("one", "One label", ["a"]);
    one.set(1, ["p"]);
    one.set(2, ["q"]);
    one.value(["p"]);
    expect(() => one.set(3, ["q", "extra"])).toThrow(/takes 1 label value/);
    expect(() => one.set(3, [])).toThrow(/takes 1 label value/);
    one.reset();
    expect(one.seriesCount).toBe(0);
    one.set(4, ["q"]);
    expect(sampleValue(parsePrometheusText(r.render()), "one", { a: "q" })).toBe(4);
  });

  it("writes a value set again anew when only its sign of zero differs", () => {
    const r = new MetricsRegistry();
    const g = r.gauge("z", "Zero");
    g.set(0);
    expect(r.render()).toContain("\nz 0\n");
    g.set(-0);
    expect(r.render()).toContain("\nz -0\n");
    g.set(0);
    expect(r.render()).toContain("\nz 0\n");
  });

  it("gives the same text as bytes, in UTF-8, whatever the label values", () => {
    const r = new MetricsRegistry();
    const g = r.gauge("labelled", "Help with é", ["who"]);
    const odd = 'é 😀 "quoted" \\ new\nline';
    g.set(1.5, [odd]);
    const text = r.render();
    expect(r.renderBytes()).toEqual(new TextEncoder().encode(text));
    expect(sampleValue(parsePrometheusText(text), "labelled", { who: odd })).toBe(1.5);
  });
});

describe("refreshes before a scrape", () => {
  it("wait for values that must be asked for, and give up on one that does not answer", async () => {
    const r = new MetricsRegistry();
    const asked = r.gauge("asked_value", "A value asked for");
    let n = 0;
    r.addRefresh(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      asked.set(++n);
    });
    const never = r.addRefresh(() => new Promise(() => {}));
    // a refresh that never answers does not hold the scrape (the test would time out)
    await r.refresh(50);
    expect(sampleValue(parsePrometheusText(r.render()), "asked_value")).toBe(1);
    never();
    await r.refresh();
    expect(sampleValue(parsePrometheusText(r.render()), "asked_value")).toBe(2);
  });
});

describe("the strict reader used by these tests", () => {
  it("refuses malformed text", () => {
    const good = "# HELP a A\n# TYPE a counter\na 1\n";
    expect(() => parsePrometheusText(good)).not.toThrow();
    expect(() => parsePrometheusText("# HELP a A\n# TYPE a counter\na 1")).toThrow(/newline/);
    expect(() => parsePrometheusText("# HELP a A\n# TYPE a counter\nb 1\n")).toThrow(/another family/);
    expect(() => parsePrometheusText("# HELP a A\n# TYPE a counter\na{x=1} 1\n")).toThrow(/bad labels/);
    expect(() => parsePrometheusText("# HELP a A\n# TYPE a counter\na one\n")).toThrow(/bad value/);
    const h = "# HELP h H\n# TYPE h histogram\n";
    expect(() => parsePrometheusText(`${h}h_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n`)).toThrow(/cumulative/);
    expect(() => parsePrometheusText(`${h}h_bucket{le="1"} 1\nh_sum 1\nh_count 1\n`)).toThrow(/\+Inf/);
  });
});
