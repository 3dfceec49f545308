// Actor call latency across threads (see bench/programs/actor_call_workers.nc): an object in a
// worker thread whose method is called by postMessage, each reply awaited before the next call.

import { recordLatencies } from "../../latencies.js";
import { Remote } from "./remote.js";

export class Echo {
  echo(x) {
    return x;
  }
}

// Started by the first run and kept, as the Noodle side's pool is.
let actor = null;

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default async function main(print) {
  actor ??= new Remote(import.meta.url, "Echo");
  for (let i = 0; i < 2000; i++) await actor.call("echo", i);
  const times = [];
  let sum = 0;
  for (let i = 0; i < 5000; i++) {
    const t0 = performance.now();
    sum += await actor.call("echo", i);
    times.push(performance.now() - t0);
  }
  recordLatencies(times);
  print(sum);
}
