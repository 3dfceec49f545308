// The series of a pool of workers (`--workers N`, or a cluster's workers for a run): each worker's
// state, the tasks in flight and actors placed on each, workers lost and tasks run again. Read
// from the pool when the registry is rendered.
import type { Pool } from "../concurrency/pool.js";
import type { WorkerStats } from "../concurrency/protocol.js";
import type { MetricsRegistry } from "./registry.js";

/** Series of `pool` in `registry`; returns what stops reading them. */
export function observePool(registry: MetricsRegistry, pool: Pool): () => void {
  const workers = registry.gauge("noodle_workers", "Workers by state: up, starting, or lost and not replaced", ["state"]);
  const tasks = registry.gauge("noodle_worker_tasks", "Tasks and messages in flight on each worker", ["worker"]);
  const actors = registry.gauge("noodle_worker_actors", "Actors placed on each worker", ["worker"]);
  const lost = registry.counter("noodle_workers_lost_total", "Workers lost (crashed, or their node gone) and replaced");
  const retries = registry.counter("noodle_task_retries_total", "Tasks run again after their worker was lost");
  // the workers' VMs, asked for at each scrape
  const instructions = registry.counter("noodle_worker_instructions_total", "Instructions run by each worker's VMs", ["worker"]);
  const heap = registry.gauge("noodle_worker_heap_bytes", "Heap bytes of each worker's VMs: in use, and committed", ["worker", "kind"]);
  const collections = registry.counter("noodle_worker_gc_collections_total", "Full garbage collections in each worker's VMs", ["worker"]);
  let stats: WorkerStats[] = [];
  const stopRefresh = registry.addRefresh(async () => {
    stats = await pool.workerStats();
  });
  const stopCollect = registry.addCollector(() => {
    instructions.reset();
    heap.reset();
    collections.reset();
    stats.forEach((s, i) => {
      instructions.setTotal(s.instructions, [String(i)]);
      heap.set(s.heapInUse, [String(i), "in_use"]);
      heap.set(s.heapCommitted, [String(i), "committed"]);
      collections.setTotal(s.collections, [String(i)]);
    });
    const states = pool.workerStates;
    for (const state of ["up", "starting", "lost"] as const) workers.set(states.filter((s) => s === state).length, [state]);
    tasks.reset();
    actors.reset();
    pool.load.forEach((n, i) => tasks.set(n, [String(i)]));
    pool.actorsPlaced.forEach((n, i) => actors.set(n, [String(i)]));
    lost.setTotal(pool.workersLost);
    retries.setTotal(pool.retries);
  });
  return () => {
    stopRefresh();
    stopCollect();
  };
}
