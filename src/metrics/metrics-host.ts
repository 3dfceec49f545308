// The host side of std/metrics: `__metrics_define` and `__metrics_update` write a program's own
// series into its VM's registry. Tasks and actors on a pool's workers, or on a cluster's nodes,
// send these calls to the program's VM (src/concurrency/program-calls.ts), so their counts land
// where the program's are served.
import { HostError } from "../runtime/host-calls.js";
import type { JsValue } from "../runtime/values.js";
import type { VM } from "../runtime/vm.js";
import { Counter, DEFAULT_BUCKETS, Gauge, Histogram, MetricsError, type MetricsRegistry } from "./registry.js";

/** Registers std/metrics's host builtins in `vm`, writing to `registry`. */
export function installMetrics(vm: VM, registry: MetricsRegistry): void {
  vm.registerHost("__metrics_define", ([kind, name, help, buckets]) => misuse(() => define(registry, kind, name, help, buckets)));
  vm.registerHost("__metrics_update", ([name, op, value]) => misuse(() => update(registry, name, op, value)));
}

function define(registry: MetricsRegistry, kind: JsValue, name: JsValue, help: JsValue, buckets: JsValue): null {
  if (typeof name !== "string") throw new MetricsError(`metrics.${kind}: the name is a string, got ${describe(name)}`);
  if (name.startsWith("noodle_")) throw new MetricsError(`invalid metric name '${name}': names starting with noodle_ are the runtime's`);
  if (typeof help !== "string") throw new MetricsError(`metrics.${kind}: the help text is a string, got ${describe(help)}`);
  if (kind === "counter") registry.counter(name, help);
  else if (kind === "gauge") registry.gauge(name, help);
  else {
    if (buckets !== null && !(Array.isArray(buckets) && buckets.every((b) => typeof b === "number")))
      throw new MetricsError(`metrics.histogram: buckets are a list of numbers, got ${describe(buckets)}`);
    registry.histogram(name, help, (buckets as number[] | null) ?? DEFAULT_BUCKETS);
  }
  return null;
}

function update(registry: MetricsRegistry, name: JsValue, op: JsValue, value: JsValue): null {
  const metric = registry.get(name as string);
  if (typeof value !== "number") throw new MetricsError(`${name}: ${op} takes a number, got ${describe(value)}`);
  if (metric instanceof Counter) metric.inc(value);
  else if (metric instanceof Gauge) {
    if (op === "set") metric.set(value);
    else metric.inc(op === "dec" ? -value : value);
  } else if (metric instanceof Histogram) metric.observe(value);
  else throw new MetricsError(`no metric named ${JSON.stringify(name)}`);
  return null;
}

/** Runs `f`, reporting a MetricsError as the program's 3019. */
function misuse(f: () => null): null {
  try {
    return f();
  } catch (e) {
    if (e instanceof MetricsError) throw HostError.of("MetricsMisuse", e.message);
    throw e;
  }
}

function describe(v: JsValue): string {
  if (v === null) return "nil";
  if (Array.isArray(v)) return "a list";
  return typeof v === "string" ? JSON.stringify(v) : typeof v === "number" || typeof v === "boolean" ? String(v) : "another value";
}
