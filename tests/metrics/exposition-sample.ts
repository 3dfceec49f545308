// A registry of every kind of metric and every kind of value, filled the same way each time (a
// seeded generator), and the texts of many values: what the renderer wrote for them before its
// speed-ups is kept in fixtures/ (exposition-sample.txt, and a digest of the values' texts), so a
// test can tell that it writes the same bytes now. Only the registry's public API is used, so that
// any build of it can fill one.

/** What of a registry this fills (MetricsRegistry, from any build). */
export interface SampleRegistry {
  counter(
    name: string,
    help: string,
    labelNames?: readonly string[],
  ): { inc(n?: number, labels?: readonly string[]): void; setTotal(total: number, labels?: readonly string[]): void };
  gauge(
    name: string,
    help: string,
    labelNames?: readonly string[],
  ): { set(v: number, labels?: readonly string[]): void; inc(n?: number, labels?: readonly string[]): void };
  histogram(name: string, help: string, buckets?: readonly number[], labelNames?: readonly string[]): { observe(v: number, labels?: readonly string[]): void };
}

/** A deterministic generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A double of random bits: every exponent alike, subnormals, NaN and infinities included. */
export function randomBits(random: () => number): number {
  const words = new Uint32Array(2);
  words[0] = random() * 2 ** 32;
  words[1] = random() * 2 ** 32;
  return new Float64Array(words.buffer)[0];
}

/** Values at the edges of each way of writing a number (integers, three fractional digits, the general way, exponents). */
export const EDGE_VALUES = [
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MIN_VALUE,
  2.2250738585072014e-308,
  1e-7,
  1.0000000000000001e-7,
  9.999999999999998e-8,
  2 ** -21,
  2 ** -21 * (1 - 2 ** -53),
  1e21,
  999999999999999900000,
  1.0000000000000001e21,
  2 ** 43 - 0.125,
  2 ** 43 - 0.001953125,
  2 ** 43 + 0.5,
  2 ** 52 - 0.5,
  2 ** 53 - 1,
  2 ** 53,
  0.1 + 0.2,
  0.001,
  0.0005,
  999.999,
  12345678.125,
  99999999.999,
  100000000.001,
  0.9999999999999999,
  Number.MAX_VALUE,
];

/** `count` values of the kinds metrics hold: counts, halves and tenths, prices, sevenths, timings, random doubles. */
export function sampleValues(random: () => number, count: number): number[] {
  const kinds = [
    () => Math.floor(random() * 10 ** (random() * 15)),
    () => Math.floor(random() * 1e6) / 2 ** (1 + Math.floor(random() * 3)),
    () => Math.floor(random() * 1e7) / 10 ** (1 + Math.floor(random() * 3)),
    () => Math.floor(random() * 2 ** (random() * 53)) / 1000,
    () => Math.floor(random() * 1e4) + Math.floor(random() * 7) / 7,
    () => random() * 10 ** (random() * 24 - 12),
    () => (random() - 0.5) * 10 ** (random() * 30 - 10),
    () => randomBits(random),
  ];
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(kinds[i % kinds.length]());
  return values;
}

/** Fills `registry` with counters, gauges and histograms, labelled and not, holding sample values. */
export function fillSampleRegistry(registry: SampleRegistry): void {
  const random = seeded(20261208);
  const values = [...EDGE_VALUES, ...sampleValues(random, 600)];
  const plain = registry.gauge("sample_plain", "A gauge without labels");
  plain.set(21.5);
  const requests = registry.counter("sample_requests_total", "Requests by route and code", ["route", "code"]);
  for (const route of ["/", "/api", '/quote"d', "/back\\slash", "/new\nline", "/é 😀"])
    for (const code of ["200", "404", "500"]) requests.inc(Math.floor(random() * 1000), [route, code]);
  const values1 = registry.gauge("sample_value", "Every kind of value, one series each", ["i"]);
  values.forEach((v, i) => values1.set(v, [String(i)]));
  const totals = registry.counter("sample_total", "Totals set from elsewhere", ["i"]);
  values.forEach((v, i) => {
    if (v >= 0) totals.setTotal(v, [String(i)]);
  });
  const latency = registry.histogram("sample_seconds", "A histogram", [0.005, 0.01, 0.1, 1, 2.5], ["kind"]);
  for (let i = 0; i < 500; i++) latency.observe(random() * 3, [i % 2 === 0 ? "read" : "write"]);
  const sizes = registry.histogram("sample_bytes", "A histogram without labels", [1024, 65536]);
  for (let i = 0; i < 50; i++) sizes.observe(Math.floor(random() * 100000));
  const moved = registry.gauge("sample_moved", "A gauge counted up and down", ["k"]);
  for (let i = 0; i < 40; i++) moved.inc(random() - 0.5, [`k${i % 4}`]);
}
