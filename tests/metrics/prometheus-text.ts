// A strict reader of Prometheus text (exposition format 0.0.4), for tests: every line must be a
// HELP, a TYPE or a sample of the family declared last; histograms must be cumulative with a +Inf
// bucket equal to their count. Anything else throws, naming the line.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;

export function parsePrometheusText(text: string): Map<string, Family> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("the text does not end with a newline");
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const lines = text.split("\n").slice(0, -1);
  lines.forEach((line, i) => {
    const where = `line ${i + 1} (${JSON.stringify(line)})`;
    if (line.startsWith("# HELP ")) {
      const m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
      if (!m) throw new Error(`bad HELP at ${where}`);
      if (families.has(m[1])) throw new Error(`family ${m[1]} declared twice at ${where}`);
      current = { name: m[1], help: m[2].replace(/\\n/g, "\n").replace(/\\\\/g, "\\"), type: "untyped", samples: [] };
      families.set(m[1], current);
      return;
    }
    if (line.startsWith("# TYPE ")) {
      const m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
      if (!m || current?.name !== m[1] || current.samples.length > 0) throw new Error(`bad TYPE at ${where}`);
      current.type = m[2] as Family["type"];
      return;
    }
    if (line.startsWith("#")) return;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample at ${where}`);
    if (!current) throw new Error(`sample before any family at ${where}`);
    const suffix = m[1].slice(current.name.length);
    const allowed = current.type === "histogram" ? ["_bucket", "_sum", "_count"] : [""];
    if (!m[1].startsWith(current.name) || !allowed.includes(suffix)) throw new Error(`sample of another family at ${where}`);
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : m[3] === "NaN" ? NaN : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`bad value at ${where}`);
    current.samples.push({ name: m[1], labels: parseLabels(m[2] ?? "", where), value });
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = LABEL.exec(rest);
    if (!m) throw new Error(`bad labels at ${where}`);
    if (m[1] in labels) throw new Error(`label ${m[1]} twice at ${where}`);
    labels[m[1]] = m[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    rest = rest.slice(m[0].length);
    if (m[3] === "," && rest.length === 0) throw new Error(`trailing comma at ${where}`);
  }
  return labels;
}

/** Buckets of each series cumulative, ending at +Inf, which equals the series' count. */
function checkHistogram(f: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(rest);
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      entry.buckets.push([le === "+Inf" ? Infinity : Number(le), s.value]);
    } else if (s.name.endsWith("_count")) entry.count = s.value;
    else entry.sum = s.value;
  }
  for (const [key, e] of series) {
    const last = e.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket last`);
    for (let i = 1; i < e.buckets.length; i++)
      if (e.buckets[i][0] <= e.buckets[i - 1][0] || e.buckets[i][1] < e.buckets[i - 1][1]) throw new Error(`${f.name}${key}: buckets not cumulative`);
    if (e.count !== last[1] || e.sum === undefined) throw new Error(`${f.name}${key}: count and sum missing or not the +Inf bucket`);
  }
}

/** The value of the sample `name` with exactly `labels`; throws when there is none. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  for (const f of families.values()) for (const s of f.samples) if (s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels)) return s.value;
  throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
}
