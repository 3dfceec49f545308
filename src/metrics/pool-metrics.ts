// The series of a pool of workers (`--workers N`, or a cluster's workers for a run): each worker's
// state, the tasks in flight and actors placed on each, workers lost and tasks run again. Read
// from the pool when the registry is rendered.
import type { Pool } from "../concurrency/pool.js";
import type { MetricsRegistry } from "./registry.js";

/** Series of `pool` in `registry`; returns what stops reading them. */
export function observePool(registry: MetricsRegistry, pool: Pool): () => void {
  const workers = registry.gauge("noodle_workers", "Workers by state: up, starting, or lost and not replaced", ["state"]);
  const tasks = registry.gauge("noodle_worker_tasks", "Tasks and messages in flight on each worker", ["worker"]);
  const actors = registry.gauge("noodle_worker_actors", "Actors placed on each worker", ["worker"]);
  const lost = registry.counter("noodle_workers_lost_total", "Workers lost (crashed, or their node gone) and replaced");
  const retries = registry.counter("noodle_task_retries_total", "Tasks run again after their worker was lost");
  return registry.addCollector(() => {
    const states = pool.workerStates;
    for (const state of ["up", "starting", "lost"] as const) workers.set(states.filter((s) => s === state).length, [state]);
    tasks.reset();
    actors.reset();
    pool.load.forEach((n, i) => tasks.set(n, [String(i)]));
    pool.actorsPlaced.forEach((n, i) => actors.set(n, [String(i)]));
    lost.setTotal(pool.workersLost);
    retries.setTotal(pool.retries);
  });
}
