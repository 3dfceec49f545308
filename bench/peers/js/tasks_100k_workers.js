// Throughput of tiny tasks on other threads (the pool suite's tiny-tasks-100k): 100 000 calls
// of `x + 1` posted at once to a pool of worker threads as large as the Noodle pool, then
// Promise.all.

import { WORKERS } from "../../impls/noodle-pool.js";
import { TaskPool } from "./task-pool.js";

export function inc(x) {
  return x + 1;
}

// Started by the first run and kept, as the Noodle side's pool is.
let pool = null;

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default async function main(print) {
  pool ??= new TaskPool(import.meta.url, WORKERS);
  const all = [];
  for (let i = 0; i < 100000; i++) all.push(pool.run("inc", i));
  const results = await Promise.all(all);
  print(results.reduce((a, b) => a + b, 0));
}
