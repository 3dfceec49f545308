// Per-call latencies kept by a run, for cases that report the median of one call rather than
// the time of a whole run. A run hands its times over with `recordLatencies`; the case's
// `derive` takes them once the implementation's runs are done, so the fields describe that
// implementation's last run. No Node-only imports: JavaScript peers record here too.

import { median } from "./harness.js";

let last = [];

/** Keeps the per-call times of a run, in milliseconds. */
export function recordLatencies(ms) {
  last = [...ms];
}

const us = (ms) => Math.round(ms * 1000 * 10) / 10;

/** The value at fraction `q` of sorted `s` (nearest rank). */
const quantile = (s, q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];

/**
 * `median_us`, `p10_us` and `p90_us` of the latest recorded run, in microseconds; empty when
 * nothing was recorded since the last call, so a run that recorded nothing reports no figures
 * rather than another implementation's.
 */
export function takeLatencyFields() {
  const s = [...last].sort((a, b) => a - b);
  last = [];
  if (!s.length) return {};
  return { median_us: us(median(s)), p10_us: us(quantile(s, 0.1)), p90_us: us(quantile(s, 0.9)) };
}

/** `p50_us` and `p99_us` of the latest recorded run (the cluster suite's fields); empty when nothing was recorded. */
export function takeTailFields() {
  const s = [...last].sort((a, b) => a - b);
  last = [];
  if (!s.length) return {};
  return { p50_us: us(quantile(s, 0.5)), p99_us: us(quantile(s, 0.99)) };
}

/** The latest recorded times, in milliseconds, taken once. */
export function takeLatencies() {
  const s = last;
  last = [];
  return s;
}
