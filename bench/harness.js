// Timing core of the benchmark harness.
//
// This module has no Node-only imports, so a browser page can drive the same
// suites: the host (bench/run.js under Node) supplies the implementations, a
// sink for the result lines and the machine facts. Times come from
// performance.now(), which Node and browsers both provide.

/** @type {Readonly<{ warmup: number, runs: number }>} */
export const DEFAULTS = Object.freeze({ warmup: 1, runs: 5 });

// Fixed costs (process start, an empty run) are cheap, so they get at least
// this many samples to keep the subtracted median stable.
const MIN_OVERHEAD_RUNS = 10;

/** Median of a non-empty list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Rounds milliseconds to microseconds for the JSON lines. */
export function round3(x) {
  return Math.round(x * 1000) / 1000;
}

/** Summary statistics of timing samples, in milliseconds. */
export function stats(samples) {
  return {
    ms: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

/**
 * Calls `fn` `warmup` times untimed, then `runs` times timed.
 * `fn` may be sync or async and returns the program's output (a string).
 * Returns the timed samples and the output of the first call, which is the
 * one whose output gets checked.
 */
export async function measure(fn, { warmup = DEFAULTS.warmup, runs = DEFAULTS.runs } = {}) {
  let output;
  let first = true;
  for (let i = 0; i < warmup; i++) {
    const out = await fn();
    if (first) [output, first] = [out, false];
  }
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out = await fn();
    samples.push(performance.now() - t0);
    if (first) [output, first] = [out, false];
  }
  return { samples, output };
}

function errorText(e) {
  return e instanceof Error ? e.message : String(e);
}

/** The first line where two outputs differ, to explain a mismatch briefly. */
export function firstDifference(expected, got) {
  const a = String(expected).split("\n");
  const b = String(got ?? "").split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return { line: i + 1, expected: clip(a[i] ?? "<end of output>"), got: clip(b[i] ?? "<end of output>") };
    }
  }
  return null;
}

function clip(s, n = 200) {
  return s.length > n ? s.slice(0, n) + "..." : s;
}

/**
 * Runs one suite against a list of implementations and reports through `emit`,
 * one plain object per result line (the host serialises them).
 *
 * An implementation is an object:
 *   name      the `impl` field ("noodle", "js", "lua5.4", ...)
 *   lang      which key of a case's `sources` it runs ("noodle", "js", "lua")
 *   init(opts) -> { ok: true, fields?, overhead? } | { ok: false, reason }
 *             once per suite. `fields` are added to every line of this impl.
 *             `overhead: { run, command? }` is a fixed per-run cost (process
 *             start-up, an empty run): its median is reported as startup_ms
 *             and subtracted to give net_ms.
 *   prepare(case, sourcePath) -> { run, fields? } | { skipped, reason, fields? }
 *             once per case (compile here). `run()` executes the program once
 *             and returns what it printed; it throws on failure. A case this
 *             implementation cannot time within bounds is skipped with a reason.
 *   startup?(spec, opts) -> { run, expected?, fields?, baselines? } | { skipped, reason }
 *             the case-independent start-up measurement, when the suite asks
 *             for one (`suite.startup`). `baselines` maps a field name to a
 *             run function whose median is reported in that field.
 *
 * Implementations may share a name: they are then one implementation with
 * several ways of running (Noodle on one VM, and on a pool of workers), and
 * each case runs on the first of them whose `lang` it has a source for (or is
 * skipped with that one's reason when it did not start). So a case has one
 * line per name, and the summary's ratios compare by name.
 *
 * Options: warmup, runs, cases (names to keep, empty = all), alternate (a case's
 * implementations take their timed runs in turn instead of one after another), emit(line),
 * machine (object for the summary line), progress(text) (optional).
 * Returns { failures }: the number of lines with ok: false.
 */
export async function runSuite(suite, impls, options) {
  const { warmup = DEFAULTS.warmup, runs = DEFAULTS.runs, emit, machine = {}, progress = () => {} } = options;
  const wanted = options.cases?.length ? new Set(options.cases) : null;
  const cases = suite.cases.filter((c) => !wanted || wanted.has(c.name));
  if (wanted) {
    const known = new Set(suite.cases.map((c) => c.name));
    const unknown = [...wanted].filter((n) => !known.has(n) && n !== "startup");
    if (unknown.length) throw new Error(`suite ${suite.name} has no case ${unknown.join(", ")}`);
  }
  const opts = { warmup, runs };
  const base = { suite: suite.name };
  let failures = 0;
  const results = []; // lines with a time, for the ratios

  const ready = [];
  const unready = []; // { impl, reason }: for the cases another way of the same name would run
  for (const impl of impls) {
    progress(`${suite.name}: init ${impl.name}`);
    let init;
    try {
      init = await impl.init(opts);
    } catch (e) {
      init = { ok: false, reason: errorText(e) };
    }
    if (!init.ok) {
      emit({ ...base, impl: impl.name, skipped: true, reason: init.reason });
      unready.push({ impl, reason: init.reason });
      continue;
    }
    let overhead = null;
    const fields = { ...(init.fields ?? {}) };
    if (init.overhead) {
      // Without the probe the cases still run; their lines then carry raw
      // times only and say why.
      try {
        const m = await measure(init.overhead.run, { warmup: 1, runs: Math.max(runs, MIN_OVERHEAD_RUNS) });
        overhead = stats(m.samples).ms;
      } catch (e) {
        fields.startup_error = errorText(e);
      }
    }
    ready.push({ impl, fields, overhead });
  }

  if (suite.startup && (!wanted || wanted.has("startup"))) {
    for (const entry of ready) {
      if (!entry.impl.startup) continue;
      progress(`${suite.name}: startup ${entry.impl.name}`);
      const line = await startupLine(suite, entry, opts);
      if (line.ok === false) failures++;
      if (line.ms !== undefined && line.ok) results.push(line);
      emit(line);
    }
  }

  const names = [...new Set(ready.map((e) => e.impl.name))];
  for (const c of cases) {
    const lines = [];
    const prepared = [];
    for (const name of names) {
      progress(`${suite.name}: ${c.name} ${name}`);
      const ways = [...ready, ...unready].filter((e) => e.impl.name === name);
      const p = await prepareCase(suite, c, ways);
      if (p.done) lines.push(p.done);
      else if (options.alternate) prepared.push(p);
      else lines.push(await measuredLine(p, await measureCatching([p.run], opts), 0, opts));
    }
    if (prepared.length) {
      const measured = await measureCatching(
        prepared.map((p) => p.run),
        opts,
      );
      for (const [i, p] of prepared.entries()) lines.push(await measuredLine(p, measured, i, opts));
    }
    checkOutputs(c, lines);
    for (const { line } of lines) {
      if (line.ok === false) failures++;
      if (line.ms !== undefined && line.ok) results.push(line);
      emit(line);
    }
  }

  const peerNames = names.filter((n) => n !== "noodle");
  emit({ ...base, summary: true, ratios: ratios(results, peerNames), failures, warmup, runs, machine });
  return { failures };
}

// `ways`: the implementations of one name, ready ones first; one that did not start has a
// `reason`, which a case it would run is skipped with. Returns `{ done: line }` when there is
// nothing to time, else what measuredLine needs.
async function prepareCase(suite, c, ways) {
  const way = ways.find((e) => c.sources?.[e.impl.lang]);
  const { impl, fields, overhead } = way ?? ways[0];
  const line = { suite: suite.name, case: c.name, impl: impl.name, ...(c.params ?? {}) };
  if (!way) {
    const langs = [...new Set(ways.map((e) => e.impl.lang))].join(" or ");
    return { done: { line: { ...line, skipped: true, reason: `no ${langs} program for this case` } } };
  }
  if (way.reason !== undefined) return { done: { line: { ...line, skipped: true, reason: way.reason } } };
  const source = c.sources[impl.lang];
  let prepared;
  try {
    prepared = await impl.prepare(c, source);
  } catch (e) {
    return { done: { line: { ...line, ok: false, error: errorText(e), ...fields } } };
  }
  if (prepared.skipped) return { done: { line: { ...line, skipped: true, reason: prepared.reason, ...fields, ...(prepared.fields ?? {}) } } };
  return { c, line, fields, overhead, prepared, run: prepared.run };
}

/**
 * Times several runners together: each one's warm-ups, then their timed runs in turn (with
 * `--alternate`, so load that comes and goes falls on all of them alike). Returns per runner
 * `{ samples, output }` or `{ error }`: a runner that fails drops out.
 */
async function measureCatching(runs, { warmup = DEFAULTS.warmup, runs: count = DEFAULTS.runs } = {}) {
  const results = runs.map(() => ({ samples: [], output: undefined, first: true }));
  const once = async (i, timed) => {
    const r = results[i];
    if (r.error !== undefined) return;
    try {
      const t0 = performance.now();
      const out = await runs[i]();
      if (timed) r.samples.push(performance.now() - t0);
      if (r.first) [r.output, r.first] = [out, false];
    } catch (e) {
      r.error = errorText(e);
    }
  };
  for (let i = 0; i < runs.length; i++) for (let w = 0; w < warmup; w++) await once(i, false);
  for (let k = 0; k < count; k++) for (let i = 0; i < runs.length; i++) await once(i, true);
  return results;
}

async function measuredLine({ c, line, fields, overhead, prepared }, measured, i, opts) {
  const m = measured[i];
  if (m.error !== undefined) return { line: { ...line, ok: false, error: m.error, ...fields, ...(prepared.fields ?? {}) } };
  Object.assign(line, timing(m.samples, overhead, opts), fields, prepared.fields ?? {});
  if (c.derive) Object.assign(line, c.derive(line));
  return { line, output: m.output };
}

// The timing fields of a line. With a fixed overhead, `ms`, `min` and `max`
// are net of it, and the raw median is kept alongside.
function timing(samples, overhead, { warmup, runs }) {
  const s = stats(samples);
  const t = { ok: true, ms: s.ms, runs, warmup, min: s.min, max: s.max, mean: s.mean };
  if (overhead !== null && overhead !== undefined) {
    Object.assign(t, {
      ms: s.ms - overhead,
      min: s.min - overhead,
      max: s.max - overhead,
      mean: s.mean - overhead,
      raw_ms: s.ms,
      startup_ms: overhead,
      net_ms: s.ms - overhead,
    });
  }
  for (const k of ["ms", "min", "max", "mean", "raw_ms", "startup_ms", "net_ms"]) {
    if (k in t) t[k] = round3(t[k]);
  }
  t.samples = samples.map(round3);
  return t;
}

// Marks each line ok or not by comparing its output with the case's
// `expected` text, or, without one, with the first peer that produced output
// (peers are the reference implementations, so Noodle is compared to them).
function checkOutputs(c, lines) {
  let expected = c.expected;
  let from = "expected";
  if (expected === undefined) {
    const ran = lines.filter((l) => l.output !== undefined);
    const ref = ran.find((l) => l.line.impl !== "noodle") ?? ran[0];
    if (!ref) return;
    expected = ref.output;
    from = ref.line.impl;
  }
  for (const l of lines) {
    if (l.output === undefined) continue;
    const diff = l.output === expected ? null : firstDifference(expected, l.output);
    if (diff) {
      l.line.ok = false;
      l.line.mismatch = { against: from, ...diff };
    }
  }
}

async function startupLine(suite, { impl }, opts) {
  const line = { suite: suite.name, case: "startup", impl: impl.name };
  let spec;
  try {
    spec = await impl.startup(suite.startup, opts);
  } catch (e) {
    return { ...line, ok: false, error: errorText(e) };
  }
  if (spec.skipped) return { ...line, skipped: true, reason: spec.reason };
  try {
    const m = await measure(spec.run, opts);
    Object.assign(line, timing(m.samples, null, opts), spec.fields ?? {});
    for (const [field, run] of Object.entries(spec.baselines ?? {})) {
      line[field] = round3(stats((await measure(run, opts)).samples).ms);
    }
    if (spec.expected !== undefined && m.output !== spec.expected) {
      line.ok = false;
      line.mismatch = { against: "expected", ...firstDifference(spec.expected, m.output) };
    }
  } catch (e) {
    return { ...line, ok: false, error: errorText(e), ...(spec.fields ?? {}) };
  }
  return line;
}

// noodle_ms / peer_ms for every case both ran correctly; below 1 means
// Noodle is faster. A peer time at or below zero (net time lost in the
// noise) gives no ratio.
function ratios(lines, peerNames) {
  const noodle = new Map(lines.filter((l) => l.impl === "noodle").map((l) => [l.case, l.ms]));
  const out = Object.fromEntries(peerNames.map((n) => [n, {}]));
  for (const l of lines) {
    if (!(l.impl in out)) continue;
    const n = noodle.get(l.case);
    if (n !== undefined && l.ms > 0) out[l.impl][l.case] = round3(n / l.ms);
  }
  return out;
}
