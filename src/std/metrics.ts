// The standard module std/metrics: a program's own counters, gauges and histograms, written in
// Noodle over the host's `__metrics_*` builtins (src/metrics/metrics-host.ts). They are exported
// with the runtime's series (`noodle run --metrics PORT`). Import it with `import "std/metrics" as metrics`.

export const METRICS_SOURCE = `// std/metrics: a program's own series, served with the runtime's at /metrics.
//
// A name is letters, digits, '_' and ':' (not starting with a digit, not starting with noodle_,
// which the runtime's series use). Defining a name again gives the same series; defining it as
// another kind is 3019.
struct MetricCounter { name, inc }
struct MetricGauge { name, set, inc, dec }
struct MetricHistogram { name, observe }

// A count that only goes up: c.inc() adds 1, c.inc(n) adds n (n >= 0).
func counter(name, help) {
  __metrics_define("counter", name, help, nil)
  func inc(n = 1) { __metrics_update(name, "inc", n) }
  return MetricCounter { name: name, inc: inc }
}

// A value that goes up and down: g.set(v), g.inc(n), g.dec(n).
func gauge(name, help) {
  __metrics_define("gauge", name, help, nil)
  func set(v) { __metrics_update(name, "set", v) }
  func inc(n = 1) { __metrics_update(name, "inc", n) }
  func dec(n = 1) { __metrics_update(name, "dec", n) }
  return MetricGauge { name: name, set: set, inc: inc, dec: dec }
}

// Observations counted in buckets: a list of increasing upper bounds (default: Prometheus's,
// 0.005 to 10), and one more bucket for the rest. h.observe(v).
func histogram(name, help, buckets = nil) {
  __metrics_define("histogram", name, help, buckets)
  func observe(v) { __metrics_update(name, "observe", v) }
  return MetricHistogram { name: name, observe: observe }
}
`;

export const METRICS_DISPLAYS: Record<string, string> = {
  MetricCounter: "<counter {name}>",
  MetricGauge: "<gauge {name}>",
  MetricHistogram: "<histogram {name}>",
};
