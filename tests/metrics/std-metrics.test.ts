// std/metrics: a program's counters, gauges and histograms land in its VM's registry (the one the
// library passes in, or `vm.metrics`), beside the runtime's series, which move as the program runs.
// Misuse is 3019, catchable like any error.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { MetricsRegistry, observeVm, VM } from "../../src/index.js";
import { runSource } from "../helpers.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";

async function runWith(source: string): Promise<{ vm: VM; output: string; ok: boolean }> {
  let output = "";
  const c = compile(source, { file: "test.nc" });
  if (!c.ok || !c.module) throw new Error(c.diagnostics.map((d) => d.message).join("\n"));
  const vm = await VM.create({ stdout: (t) => (output += t), jit: "off" });
  observeVm(vm.metrics, vm);
  const r = await vm.runAsync(c.module);
  if (!r.ok) output += r.error.render();
  return { vm, output, ok: r.ok };
}

describe("std/metrics", () => {
  it("counts, sets and observes into the program's registry", async () => {
    const { vm, output } = await runWith(`import "std/metrics" as metrics
let jobs = metrics.counter("jobs_total", "Jobs done")
let depth = metrics.gauge("depth", "Queue depth")
let size = metrics.histogram("job_size", "Job sizes", [1, 10, 100])
print(jobs, depth, size)
for i in 0..5 { jobs.inc() }
jobs.inc(10)
depth.set(4)
depth.inc(3)
depth.dec()
for s in [0.5, 5, 50, 500] { size.observe(s) }
print(metrics.counter("jobs_total", "Jobs done").name)
`);
    expect(output).toBe("<counter jobs_total> <gauge depth> <histogram job_size>\njobs_total\n");
    const families = parsePrometheusText(vm.metrics.render());
    expect(sampleValue(families, "jobs_total")).toBe(15);
    expect(sampleValue(families, "depth")).toBe(6);
    expect(sampleValue(families, "job_size_bucket", { le: "10" })).toBe(2);
    expect(sampleValue(families, "job_size_count")).toBe(4);
    expect(sampleValue(families, "job_size_sum")).toBe(555.5);
    expect(families.get("jobs_total")?.help).toBe("Jobs done");
  });

  it("goes to the registry the library gives", async () => {
    const registry = new MetricsRegistry();
    const r = await runSource(`import "std/metrics" as metrics\nmetrics.counter("hits_total", "Hits").inc(2)`, { metrics: registry });
    expect(r.ok).toBe(true);
    expect(sampleValue(parsePrometheusText(registry.render()), "hits_total")).toBe(2);
  });

  it("counts the commits of the program's stores, with their latency", async () => {
    const registry = new MetricsRegistry();
    const r = await runSource(
      `import "std/db" as db
let s = db.open()
s.put("a", 1)
s.put("b", 2)
s.transaction(() => { s.put("c", 3); s.put("d", 4) })
s.transaction(() => { s.transaction(() => s.put("e", 5)) })
print(s.keys())`,
      { metrics: registry },
    );
    expect(r.ok).toBe(true);
    expect(r.output).toBe('["a", "b", "c", "d", "e"]\n');
    const families = parsePrometheusText(registry.render());
    // two puts on their own, and two outermost transactions: a savepoint is not a commit
    expect(sampleValue(families, "noodle_store_commits_total")).toBe(4);
    expect(sampleValue(families, "noodle_store_commit_seconds_count")).toBe(4);
    expect(sampleValue(families, "noodle_store_commit_seconds_sum")).toBeGreaterThan(0);
  });

  it("reports misuse as 3019", async () => {
    const { output } = await runWith(`import "std/metrics" as metrics
let tries = [
  () => metrics.counter("9bad", "?"),
  () => metrics.counter("noodle_mine_total", "?"),
  () => { metrics.counter("twice", "?"); metrics.gauge("twice", "?") },
  () => metrics.counter("neg_total", "?").inc(-1),
  () => metrics.histogram("h", "?", [3, 2]),
  () => metrics.gauge("g", "?").set("high"),
  () => metrics.counter(42, "?"),
]
for t in tries {
  try { t() } catch e { print(e.code, e.message) }
}
`);
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line).toMatch(/^3019 /);
    expect(lines[2]).toContain("twice is already a counter, not a gauge");
    expect(lines[1]).toContain("noodle_ are the runtime's");
  });

  it("the runtime's series move as the program runs", async () => {
    const { vm, output } = await runWith(`actor Acc {
  var n = 0
  func add(k) { n += k }
  func fail() { throw "no" }
  func get() { return n }
}
let a = spawn Acc()
try { await a.fail() } catch e { print("failed") }
a.add(2)
print(await a.get())
var xs = []
for i in 0..200000 { xs = [i, i] }
`);
    expect(output).toBe("failed\n2\n");
    const families = parsePrometheusText(vm.metrics.render());
    expect(sampleValue(families, "noodle_instructions_total")).toBeGreaterThan(200000);
    expect(sampleValue(families, "noodle_heap_bytes", { kind: "in_use" })).toBeGreaterThan(0);
    expect(sampleValue(families, "noodle_actors_started_total")).toBe(1);
    expect(sampleValue(families, "noodle_actor_restarts_total")).toBe(1);
    expect(sampleValue(families, "noodle_actors", { state: "idle" })).toBe(1);
    const collections = sampleValue(families, "noodle_gc_collections_total");
    expect(collections).toBeGreaterThan(0);
    expect(sampleValue(families, "noodle_gc_pause_seconds_count")).toBe(collections);
    expect(sampleValue(families, "noodle_gc_pause_seconds_sum")).toBeGreaterThan(0);
  });
});
