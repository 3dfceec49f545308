// The `concurrency` suite: tasks and actors on one VM (fibers and the core's scheduler) and
// across the worker threads of a pool, each against what the same work takes in JavaScript.
//
// Cases:
//   spawn-await, actor-call, tasks-100k   on one VM, against promises in-process
//   spawn-await-workers, actor-call-workers
//                 the same round trips with a pool of WORKERS attached, so the task or actor
//                 runs on a worker: the median of 5 000 awaited ones after 2 000 warm-up ones
//                 (median_us, p10_us, p90_us), against a worker_threads pool or actor called by
//                 postMessage, and against the same program on one VM (`one-thread`)
//   actors-100k, tasks-1m
//                 work at scale, with a pool of WORKERS attached (`noodle`) and on one VM
//                 (`one-thread`): 100 000 actors spawned and sent one message each, then all
//                 awaited; 1 000 000 tiny tasks spawned, then awaited at once
//   tiny-tasks-100k, matmul-2048
//                 the pool suite's throughput and product cases, run as it runs them (`noodle`
//                 on the pool, `one-thread` on one VM), the first also against a worker_threads
//                 pool; the summary's ratio against `one-thread` is the product's speed-up's
//                 inverse
//
// `noodle`, `js` and `one-thread` each have several ways of running (see runSuite in
// harness.js); a case runs on the one it has a source for. Cases on workers run under Node only.

import { jsWorkersImpl } from "../impls/js-workers.js";
import { workersImpl } from "../impls/noodle-workers.js";
import { takeLatencyFields } from "../latencies.js";
import * as pool from "./pool.js";

const sources = (name) => ({
  noodle: `programs/${name}.nc`,
  js: `peers/js/${name}.js`,
});

const acrossWorkers = (name) => ({
  workers: `programs/${name}_workers.nc`,
  "js-workers": `peers/js/${name}_workers.js`,
});

const N = 100000;
const TASKS_1M = 1000000;
const TIMED = 5000;
const WARMUP = 2000;
const round1 = (x) => Math.round(x * 10) / 10;

export const name = "concurrency";

const poolImpl = (implName) => pool.peers.find((p) => p.name === implName);
const poolCase = (caseName) => pool.cases.find((c) => c.name === caseName);

export const peers = [
  "noodle",
  workersImpl("noodle", true),
  poolImpl("noodle"),
  "js",
  jsWorkersImpl(),
  workersImpl("one-thread", false),
  poolImpl("one-thread"),
];

const tiny = /** @type {NonNullable<ReturnType<typeof poolCase>>} */ (poolCase("tiny-tasks-100k"));

export const cases = [
  {
    name: "spawn-await",
    params: { tasks: N },
    sources: sources("spawn_await"),
    expected: `${N}\n`,
    derive: (line) => ({ us_per_round_trip: round1((line.ms * 1000) / N) }),
  },
  {
    name: "actor-call",
    params: { calls: N },
    sources: sources("actor_call"),
    expected: `${N}\n`,
    derive: (line) => ({ us_per_call: round1((line.ms * 1000) / N) }),
  },
  {
    name: "tasks-100k",
    params: { tasks: N },
    sources: sources("tasks_100k"),
    expected: `${(N * (N - 1)) / 2}\n`,
    derive: (line) => ({ ktasks_per_s: round1(N / line.ms) }),
  },
  {
    name: "spawn-await-workers",
    params: { tasks: TIMED, warmup_tasks: WARMUP },
    sources: acrossWorkers("spawn_await"),
    expected: `${TIMED}\n`,
    derive: takeLatencyFields,
  },
  {
    name: "actor-call-workers",
    params: { calls: TIMED, warmup_calls: WARMUP },
    sources: acrossWorkers("actor_call"),
    expected: `${(TIMED * (TIMED - 1)) / 2}\n`,
    derive: takeLatencyFields,
  },
  {
    name: "actors-100k",
    params: { actors: N },
    sources: { workers: "programs/actors_100k.nc" },
    expected: `${(N * (N + 1)) / 2}\n`,
    derive: (line) => ({ us_per_actor: round1((line.ms * 1000) / N) }),
  },
  {
    name: "tasks-1m",
    params: { tasks: TASKS_1M },
    sources: { workers: "programs/tasks_1m.nc" },
    expected: `${(TASKS_1M * (TASKS_1M - 1)) / 2}\n`,
    derive: (line) => ({ ktasks_per_s: round1(TASKS_1M / line.ms) }),
  },
  { ...tiny, sources: { ...tiny.sources, "js-workers": "peers/js/tasks_100k_workers.js" } },
  poolCase("matmul-2048"),
];
