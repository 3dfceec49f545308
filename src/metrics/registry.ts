// A registry of metrics, rendered as Prometheus text (exposition format 0.0.4). It is plain
// TypeScript, the same in Node and in browsers: the runtime's series, a program's own (std/metrics)
// and a library user's all live in one, which src/node/metrics-server.ts serves at /metrics.
// Values that live elsewhere (a core's counters, a pool's workers) are read by collectors, which
// run only when the registry is rendered, so nothing is paid for them between scrapes.
// Rendering writes bytes (exposition-bytes.ts): the server sends them as they are.

import { ExpositionBytes, utf8 } from "./exposition-bytes.js";

export type MetricKind = "counter" | "gauge" | "histogram";

/** Label values of one series, in the order of the metric's label names. */
export type LabelValues = readonly string[];

/** A misuse of the registry: a bad name or bucket list, or a name taken by another kind (3019 in a program). */
export class MetricsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetricsError";
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Default buckets of a histogram (seconds, as prom-client's). */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One metric: a name, help text, label names and its series. Series are kept by position, in the
 * order they were made (the order they are written in); what each holds is the subclass's, in
 * arrays by the same position, so that writing them is a loop over arrays.
 */
abstract class Metric {
  /** Each series' position by its label values joined. */
  private readonly positions = new Map<string, number>();
  /** Per series: its label values, its labels as text (`{a="x"}`, or nothing), and `name{labels} ` in UTF-8. */
  protected readonly labelSets: LabelValues[] = [];
  protected readonly labelTexts: string[] = [];
  protected readonly sampleHeads: Uint8Array[] = [];
  /**
   * The position after the series last looked up (the first one again after the last). A
   * collector sets the same series in the same order at every scrape, so that one is tried first:
   * comparing the label values is cheaper than hashing them (and, with several labels, joining them).
   */
  private next = 0;
  /** The `# HELP` and `# TYPE` lines, encoded at the first rendering. */
  private header: Uint8Array | undefined;
  /** Its text as last written, and whether a series was added or changed since (then it is written anew). */
  private written: Uint8Array | null = null;
  protected changed = true;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  abstract readonly kind: MetricKind;
  /** Makes the state of a series just added (at the last position). */
  protected abstract added(): void;
  /** Forgets every series' state. */
  protected abstract cleared(): void;
  /** Writes every series' sample lines. */
  protected abstract samples(out: ExpositionBytes): void;

  /** The position of the series with `labels`, made on first use. */
  protected at(labels: LabelValues): number {
    const n = this.labelNames.length;
    if (labels.length !== n) throw new MetricsError(`${this.name} takes ${n} label value(s) (${this.labelNames.join(", ")}), got ${labels.length}`);
    const guess = this.next < this.labelSets.length ? this.next : 0;
    if (guess < this.labelSets.length) {
      const known = this.labelSets[guess];
      let same = 0;
      while (same < n && known[same] === labels[same]) same++;
      if (same === n) {
        this.next = guess + 1;
        return guess;
      }
    }
    return this.find(labels);
  }

  private find(labels: LabelValues): number {
    // JSON keeps two series apart whatever their values hold (a join could make one key of both)
    const key = labels.length === 1 ? labels[0] : JSON.stringify(labels);
    let i = this.positions.get(key);
    if (i === undefined) {
      i = this.labelSets.length;
      const text = labelText(this.labelNames, labels);
      this.labelSets.push([...labels]);
      this.labelTexts.push(text);
      this.sampleHeads.push(utf8(`${this.name}${text} `));
      this.positions.set(key, i);
      this.added();
      this.changed = true;
    }
    this.next = i + 1;
    return i;
  }

  /** Forgets every series (a collector that sets them all again). */
  reset(): void {
    this.positions.clear();
    this.labelSets.length = 0;
    this.labelTexts.length = 0;
    this.sampleHeads.length = 0;
    this.next = 0;
    this.cleared();
    this.changed = true;
  }

  get seriesCount(): number {
    return this.labelSets.length;
  }

  /** Writes the metric as Prometheus text: its HELP and TYPE lines, then its series' samples. */
  writeTo(out: ExpositionBytes): void {
    const start = out.size;
    if (!this.changed && this.written) {
      out.put(this.written);
      // the copy from now on: the buffer written before may be handed back and written over
      this.written = out.since(start);
      return;
    }
    this.header ??= utf8(`# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.kind}\n`);
    out.put(this.header);
    this.samples(out);
    this.written = out.since(start);
    this.changed = false;
  }
}

/** A counter or a gauge: one value per series. */
abstract class SingleValued extends Metric {
  protected readonly values: number[] = [];

  protected added(): void {
    this.values.push(0);
  }

  protected cleared(): void {
    this.values.length = 0;
  }

  /** Sets the value at position `i`; the same value again changes nothing (its text is kept). */
  protected assign(i: number, v: number): void {
    if (Object.is(this.values[i], v)) return;
    this.values[i] = v;
    this.changed = true;
  }

  value(labels: LabelValues = []): number {
    return this.values[this.at(labels)];
  }

  protected samples(out: ExpositionBytes): void {
    out.samples(this.sampleHeads, this.values);
  }
}

export class Counter extends SingleValued {
  readonly kind = "counter";

  /** Adds `n` (default 1; never negative: a counter only goes up). */
  inc(n = 1, labels: LabelValues = []): void {
    if (!(n >= 0)) throw new MetricsError(`${this.name}: a counter only goes up, inc takes a number >= 0, got ${n}`);
    const i = this.at(labels);
    this.assign(i, this.values[i] + n);
  }

  /** Sets the total counted elsewhere (a collector reading a core's counter). */
  setTotal(total: number, labels: LabelValues = []): void {
    this.assign(this.at(labels), total);
  }
}

export class Gauge extends SingleValued {
  readonly kind = "gauge";

  set(v: number, labels: LabelValues = []): void {
    this.assign(this.at(labels), v);
  }

  inc(n = 1, labels: LabelValues = []): void {
    const i = this.at(labels);
    this.assign(i, this.values[i] + n);
  }
}

interface HistogramState {
  /** Per bucket (not cumulative), and one more past the last bound. */
  counts: number[];
  sum: number;
  /** The starts of its lines, encoded at the first rendering: each bucket's, `+Inf`'s, `_sum`'s and `_count`'s. */
  heads: Uint8Array[] | null;
}

export class Histogram extends Metric {
  readonly kind = "histogram";
  readonly buckets: readonly number[];
  private readonly states: HistogramState[] = [];

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames);
    this.buckets = checkedBuckets(name, buckets);
  }

  protected added(): void {
    this.states.push({ counts: new Array(this.buckets.length + 1).fill(0), sum: 0, heads: null });
  }

  protected cleared(): void {
    this.states.length = 0;
  }

  observe(v: number, labels: LabelValues = []): void {
    if (Number.isNaN(v)) throw new MetricsError(`${this.name}: observe takes a number, got NaN`);
    const s = this.states[this.at(labels)];
    let i = 0;
    while (i < this.buckets.length && v > this.buckets[i]) i++;
    s.counts[i]++;
    s.sum += v;
    this.changed = true;
  }

  /** Sets the whole state counted elsewhere: a count per bucket (the last past every bound) and the sum. */
  load(counts: ArrayLike<number>, sum: number, labels: LabelValues = []): void {
    if (counts.length !== this.buckets.length + 1)
      throw new MetricsError(`${this.name}: ${this.buckets.length + 1} bucket counts expected, got ${counts.length}`);
    const s = this.states[this.at(labels)];
    for (let i = 0; i < counts.length; i++) s.counts[i] = counts[i];
    s.sum = sum;
    this.changed = true;
  }

  protected samples(out: ExpositionBytes): void {
    const last = this.buckets.length;
    for (let p = 0; p < this.states.length; p++) {
      const s = this.states[p];
      s.heads ??= this.heads(this.labelTexts[p]);
      let cumulative = 0;
      for (let i = 0; i <= last; i++) {
        cumulative += s.counts[i];
        out.sample(s.heads[i], cumulative);
      }
      out.sample(s.heads[last + 1], s.sum);
      out.sample(s.heads[last + 2], cumulative);
    }
  }

  /** The starts of a series' lines, `labels` being its own (`{...}` or nothing). */
  private heads(labels: string): Uint8Array[] {
    const name = this.name;
    // `le` joins the series' own labels
    const open = labels === "" ? "{" : `${labels.slice(0, -1)},`;
    const bounds = [...this.buckets.map((b) => String(b)), "+Inf"];
    return [...bounds.map((b) => utf8(`${name}_bucket${open}le="${b}"} `)), utf8(`${name}_sum${labels} `), utf8(`${name}_count${labels} `)];
  }
}

type AnyMetric = Counter | Gauge | Histogram;

export class MetricsRegistry {
  private readonly metrics = new Map<string, AnyMetric>();
  private readonly collectors = new Set<() => void>();

  /** The counter `name`, made on first use; the same one again for the same name and labels. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.define("counter", name, labelNames, () => new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.define("gauge", name, labelNames, () => new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, buckets: readonly number[] = DEFAULT_BUCKETS, labelNames: readonly string[] = []): Histogram {
    const h = this.define("histogram", name, labelNames, () => new Histogram(name, help, labelNames, buckets));
    const wanted = checkedBuckets(name, buckets);
    if (wanted.length !== h.buckets.length || wanted.some((b, i) => b !== h.buckets[i]))
      throw new MetricsError(`${name} is already a histogram with buckets [${h.buckets.join(", ")}]`);
    return h;
  }

  private define<M extends AnyMetric>(kind: MetricKind, name: string, labelNames: readonly string[], make: () => M): M {
    const known = this.metrics.get(name);
    if (known) {
      if (known.kind !== kind) throw new MetricsError(`${name} is already a ${known.kind}, not a ${kind}`);
      if (known.labelNames.join(",") !== labelNames.join(",")) throw new MetricsError(`${name} already has the labels (${known.labelNames.join(", ")})`);
      return known as M;
    }
    checkName(name);
    for (const l of labelNames) if (!LABEL.test(l) || l.startsWith("__") || l === "le") throw new MetricsError(`invalid label name '${l}' for ${name}`);
    const m = make();
    this.metrics.set(name, m);
    return m;
  }

  get(name: string): AnyMetric | undefined {
    return this.metrics.get(name);
  }

  /**
   * Runs `refresh` before each scrape (the server awaits `refresh()` before `render`): for values
   * that must be asked for, such as a pool's workers'. Returns what removes it.
   */
  addRefresh(refresh: () => Promise<void>): () => void {
    this.refreshes.add(refresh);
    return () => this.refreshes.delete(refresh);
  }
  private readonly refreshes = new Set<() => Promise<void>>();

  /** Runs every refresh, giving up on those not done within `ms` (their values stay as last read). */
  async refresh(ms = 500): Promise<void> {
    if (this.refreshes.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    const all = Promise.all([...this.refreshes].map((r) => r().catch(() => undefined)));
    await Promise.race([all, late]);
    clearTimeout(timer);
  }

  /** Runs `collect` before each rendering (to read values kept elsewhere); returns what removes it. */
  addCollector(collect: () => void): () => void {
    this.collectors.add(collect);
    return () => this.collectors.delete(collect);
  }

  /** The size of the last rendering, to make room for the next at once. */
  private lastSize = 0;
  /** The buffer the last rendering ended in, which metrics copy their unchanged text from. */
  private current: ArrayBuffer | null = null;
  /** Buffers handed back (`release`), to render into rather than make new ones. */
  private readonly spare: ArrayBuffer[] = [];

  /**
   * Every metric as Prometheus text in UTF-8, after the collectors ran (what the server sends).
   * Hand the bytes back with `release` once nothing reads them, and the next renderings write into
   * them rather than into new memory.
   */
  renderBytes(): Uint8Array {
    for (const c of this.collectors) c();
    const wanted = this.lastSize + (this.lastSize >> 4);
    const reused = this.spare.findIndex((b) => b !== this.current);
    const buffer = reused >= 0 ? this.spare.splice(reused, 1)[0] : undefined;
    // one too small for the registry as it grew is let go
    const out = new ExpositionBytes(wanted, buffer && buffer.byteLength >= wanted ? new Uint8Array(buffer) : undefined);
    for (const m of this.metrics.values()) m.writeTo(out);
    const bytes = out.done();
    this.lastSize = bytes.length;
    this.current = bytes.buffer as ArrayBuffer;
    return bytes;
  }

  /** Takes back the bytes of a rendering that nothing reads any more (a scrape's answer, sent). */
  release(bytes: Uint8Array): void {
    // two are enough for scrapes one after the other: one being read from, one written into
    if (this.spare.length < 2 && !this.spare.includes(bytes.buffer as ArrayBuffer)) this.spare.push(bytes.buffer as ArrayBuffer);
  }

  /** Every metric as Prometheus text, after the collectors ran. */
  render(): string {
    const bytes = this.renderBytes();
    const text = decoder.decode(bytes);
    this.release(bytes);
    return text;
  }

  /** Series in the registry (a histogram's series counted once). */
  get seriesCount(): number {
    let n = 0;
    for (const m of this.metrics.values()) n += m.seriesCount;
    return n;
  }
}

const decoder = new TextDecoder();

/** The media type of the text `render` gives. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** A metric name as Prometheus accepts it, else a MetricsError saying why. */
export function checkName(name: string): void {
  if (typeof name !== "string" || !NAME.test(name))
    throw new MetricsError(`invalid metric name ${JSON.stringify(name)}: letters, digits, '_' and ':', not starting with a digit`);
  if (/_(bucket|sum|count)$/.test(name) || name.startsWith("__"))
    throw new MetricsError(`invalid metric name '${name}': a suffix or prefix Prometheus reserves`);
}

function checkedBuckets(name: string, buckets: readonly number[]): number[] {
  if (buckets.length === 0) throw new MetricsError(`${name}: a histogram needs at least one bucket`);
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i];
    if (typeof b !== "number" || !Number.isFinite(b)) throw new MetricsError(`${name}: bucket bounds must be finite numbers, got ${String(b)}`);
    if (i > 0 && b <= buckets[i - 1]) throw new MetricsError(`${name}: bucket bounds must increase, got ${buckets[i - 1]} then ${b}`);
  }
  return [...buckets];
}

/** `{a="x",b="y"}`, or nothing without labels. */
function labelText(names: readonly string[], values: LabelValues): string {
  if (names.length === 0) return "";
  let text = "{";
  for (let i = 0; i < names.length; i++) text += `${i > 0 ? "," : ""}${names[i]}="${escapeLabel(values[i])}"`;
  return `${text}}`;
}

function escapeLabel(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v;
}

function escapeHelp(v: string): string {
  return /[\\\n]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n") : v;
}
