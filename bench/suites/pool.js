// The `pool` suite: work spread over a pool of worker threads, each with its own VM.
//
// Cases:
//   round-trip      2 000 calls of an empty function, each awaited before the next: the median
//                   latency of one call (median_us, with p10_us and p90_us); the peer calls it
//                   in its own thread
//   tiny-tasks-100k 100 000 calls of `x + 1` submitted at once, then awaited (tasks_per_s)
//   matmul-2048     C = A * B for 2048 x 2048 f64 matrices inside a program, on a VM with the
//                   pool attached (the calling thread and one helper) against the same VM
//                   without it; the summary's ratio is the speed-up's inverse
//
// Implementations: `noodle` is the pool of WORKERS workers (2 unless POOL_WORKERS says
// otherwise); `one-thread` does the same on one VM in the calling thread. Outputs are digests
// of the results, so both must agree. The concurrency suite runs the last two cases too.

import { compiled, library, sharedPool, WORKERS } from "../impls/noodle-pool.js";
import { recordLatencies, takeLatencyFields } from "../latencies.js";

export const name = "pool";
export const defaults = { warmup: 1, runs: 5 };

const ROUND_TRIPS = 2_000;
const TINY = 100_000;
const N = 2048;

const SOURCE = `
func empty() { return nil }
func inc(x) { return x + 1 }
`;
const MATMUL = `
let A = rand(${N}, ${N}, 1)
let B = rand(${N}, ${N}, 2)
func product() { let C = A * B; return C[0, 0] + C[${N - 1}, ${N - 1}] + C[${N >> 1}, 7] }
`;

const FILE = "pool-bench.nc";

/** A VM that ran `source`; `call(name, args)` calls one of its functions. */
async function session(lib, source, pool) {
  const vm = await lib.VM.create();
  if (pool) pool.attach(vm);
  const m = compiled(lib, source, FILE);
  const out = vm.run(m);
  if (!out.ok) throw out.error;
  const index = new Map(m.globals.map((g, i) => [g, m.globalBase + i]));
  return (fn, args = []) => {
    const r = vm.callGlobal(index.get(fn), args);
    if (!r.ok) throw r.error;
    return r.value;
  };
}

function impl(implName, usePool) {
  let lib, pool, module, local, matmul;
  const call = usePool ? (fn, args) => pool.call(module, fn, args) : async (fn, args) => local(fn, args);
  const runs = {
    "round-trip": async () => {
      const times = [];
      for (let i = 0; i < ROUND_TRIPS; i++) {
        const t0 = performance.now();
        await call("empty", []);
        times.push(performance.now() - t0);
      }
      recordLatencies(times);
      return `${times.length} calls\n`;
    },
    "tiny-tasks-100k": async () => {
      const all = [];
      for (let i = 0; i < TINY; i++) all.push(call("inc", [i]));
      const results = await Promise.all(all);
      return `${results.reduce((a, b) => a + b, 0)}\n`;
    },
    "matmul-2048": async () => `${matmul("product")}\n`,
  };
  return {
    name: implName,
    lang: "pool",
    async init() {
      lib = await library();
      module = compiled(lib, SOURCE, FILE);
      if (usePool) pool = await sharedPool(lib);
      else local = await session(lib, SOURCE);
      return { ok: true, fields: { workers: usePool ? WORKERS : 0 } };
    },
    async prepare(c) {
      if (c.name === "matmul-2048") matmul ??= await session(lib, MATMUL, pool);
      return { run: runs[c.name] };
    },
  };
}

export const peers = [impl("noodle", true), impl("one-thread", false)];

const SOURCES = { pool: "suites/pool.js" };

export const cases = [
  {
    name: "round-trip",
    params: { count: ROUND_TRIPS },
    sources: SOURCES,
    derive: takeLatencyFields,
  },
  {
    name: "tiny-tasks-100k",
    params: { count: TINY },
    sources: SOURCES,
    derive: (line) => ({ tasks_per_s: Math.round(TINY / (line.ms / 1000)) }),
  },
  {
    name: "matmul-2048",
    params: { n: N, dtype: "f64" },
    sources: SOURCES,
    derive: (line) => ({ gflops: Math.round(((2 * N ** 3) / (line.ms / 1000) / 1e9) * 100) / 100 }),
  },
];
