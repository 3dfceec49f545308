// Round trips of an empty task on other threads (see bench/programs/spawn_await_workers.nc):
// a pool of worker threads as large as the Noodle pool, each task posted and awaited.

import { WORKERS } from "../../impls/noodle-pool.js";
import { recordLatencies } from "../../latencies.js";
import { TaskPool } from "./task-pool.js";

export function nothing() {
  return null;
}

// Started by the first run and kept, as the Noodle side's pool is.
let pool = null;

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default async function main(print) {
  pool ??= new TaskPool(import.meta.url, WORKERS);
  for (let i = 0; i < 2000; i++) await pool.run("nothing");
  const times = [];
  let n = 0;
  for (let i = 0; i < 5000; i++) {
    const t0 = performance.now();
    await pool.run("nothing");
    times.push(performance.now() - t0);
    n += 1;
  }
  recordLatencies(times);
  print(n);
}
