// A pool's side of metrics and logs: std/metrics calls of tasks that ran on the workers land in
// the program's registry (sent to its VM as program calls); a worker killed under the pool is logged (worker_lost, then the task run
// again and the replacement started) and counted in the pool's series.
import { afterEach, describe, expect, it } from "vitest";
import { type Pool, VM } from "../../src/index.js";
import { EventLog } from "../../src/logs/event-log.js";
import { observePool } from "../../src/metrics/pool-metrics.js";
import { MetricsRegistry } from "../../src/metrics/registry.js";
import { moduleOf, startPool } from "../concurrency/pool-helpers.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

describe("metrics and logs of a pool", () => {
  let pool: Pool | undefined;
  afterEach(() => pool?.close());

  it("counts std/metrics calls of tasks run on the workers in the program's registry", async () => {
    pool = await startPool(2, { busySpawns: "wait" });
    const module = moduleOf(`import "std/metrics" as metrics
// defined in the task: a metric object holds closures, which keep a task that reaches them in the program's VM
func job(i) {
  metrics.counter("done_total", "Tasks done").inc()
  metrics.histogram("sizes", "Sizes", [10, 100]).observe(i * 10)
  return i
}
var fs = []
for i in 0..20 { fs = push(fs, spawn job(i)) }
print(len(await all(fs)))
`);
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t) });
    pool.attach(vm, { tasks: true });
    const r = await vm.runAsync(module);
    expect(r.ok).toBe(true);
    expect(out).toBe("20\n");
    const ranOnWorkers = (await pool.workerStats()).reduce((n, s) => n + s.tasksRun, 0);
    expect(ranOnWorkers).toBeGreaterThan(0);
    const families = parsePrometheusText(vm.metrics.render());
    expect(sampleValue(families, "done_total")).toBe(20);
    expect(sampleValue(families, "sizes_count")).toBe(20);
    expect(sampleValue(families, "sizes_bucket", { le: "10" })).toBe(2);
  });

  it("logs a worker killed under it, the task run again and its replacement, and counts them", async () => {
    const lines: string[] = [];
    const log = new EventLog("info", (line) => lines.push(line));
    pool = await startPool(1, { events: log.log });
    const registry = new MetricsRegistry();
    observePool(registry, pool);
    const module = moduleOf("func spin(n) { var s = 0; for i in 0..n { s += i } return s }");
    const running = pool.call(module, "spin", [3e7], { idempotent: true });
    await until(() => pool!.load[0] === 1);
    pool.killWorker(0);
    expect(await running).toBe((3e7 * (3e7 - 1)) / 2);
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(["worker_lost", "task_retried", "worker_started"]);
    expect(events[0]).toMatchObject({ level: "warn", node: null, worker: 0, tasks_failed: 0 });
    expect(events[1]).toMatchObject({ level: "info", worker: 0, attempt: 2 });
    expect(typeof events[1].task).toBe("number");
    const families = parsePrometheusText(registry.render());
    expect(sampleValue(families, "noodle_workers_lost_total")).toBe(1);
    expect(sampleValue(families, "noodle_task_retries_total")).toBe(1);
    expect(sampleValue(families, "noodle_workers", { state: "up" })).toBe(1);
  });

  it("writes only events at or above its level", () => {
    const lines: string[] = [];
    const log = new EventLog(
      "warn",
      (line) => lines.push(line),
      "n1",
      () => new Date(0),
    );
    log.log("info", "quiet");
    log.log("debug", "quieter");
    log.log("warn", "loud", { actor: "A@8", extra: 1 });
    log.log("error", "louder", { task: 3 });
    expect(lines).toEqual([
      '{"time":"1970-01-01T00:00:00.000Z","level":"warn","event":"loud","node":"n1","task":null,"actor":"A@8","extra":1}\n',
      '{"time":"1970-01-01T00:00:00.000Z","level":"error","event":"louder","node":"n1","task":3,"actor":null}\n',
    ]);
  });
});
