// The `gpu` suite: the f32 product C = A * B of two n x n matrices, n = 256 ... 4096, on the
// WebAssembly kernel (`noodle`, --gpu off) and on the GPU (`noodle-gpu`, --gpu force) in the same
// run, each line with the adapter's description and what --gpu auto chose at that size (auto
// measures each size once, then sends it where it ran faster: docs/gpu.md).
//
// Browser only (node bench/browser/run.js gpu): the VMs run in a Web Worker
// (browser/gpu-worker.js), since a VM waits for the GPU and a page's main thread may not wait.
// Headless Chromium's adapter is SwiftShader, a software GPU far slower than the WebAssembly
// kernel: GPU sizes are bounded in time, a size whose first run took longer than
// GPU_BOUND_MS, or is predicted to from the size below (work grows as n^3), is skipped and the
// line says so. Each GPU result is checked against the kernel's: sum(C) within 1e-4 relative.

export const name = "gpu";
export const defaults = { warmup: 0, runs: 3 };

const SIZES = [256, 512, 1024, 2048, 4096];
const GPU_BOUND_MS = 20_000;
const TOLERANCE = 1e-4;

/** The worker shared by both implementations, and its replies by request id. */
let worker;
let nextId = 1;
const pending = new Map();

function startWorker() {
  if (worker) return worker;
  worker = new Promise((resolve, reject) => {
    const w = new Worker(new URL("../browser/gpu-worker.js", import.meta.url), { type: "module" });
    w.onmessage = ({ data }) => {
      if (data.ready) return resolve(w);
      const p = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) p?.reject(new Error(data.error));
      else p?.resolve(data);
    };
    w.onerror = (e) => reject(new Error(`the benchmark's worker failed: ${e.message}`));
  });
  return worker;
}

async function ask(message) {
  const w = await startWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, ...message });
  });
}

/** Per n: the kernel's checksum, what auto chose, and the GPU's first run. */
const seen = new Map();
let lastGpu; // { n, ms } of the largest size the GPU ran

function impl(implName, mode) {
  return {
    name: implName,
    lang: "product",
    async init() {
      if (typeof Worker === "undefined" || typeof navigator === "undefined") {
        return { ok: false, reason: "runs in a page: node bench/browser/run.js gpu" };
      }
      return { ok: true };
    },
    async prepare(c) {
      const { n } = c.params;
      const setup = await ask({ t: "setup", mode, n });
      if (!seen.has(n)) seen.set(n, { auto: await ask({ t: "auto", n }) });
      const here = seen.get(n);
      const fields = { adapter: here.auto.adapter, auto: here.auto.chose };
      if (mode === "off") {
        const { checksum } = await ask({ t: "product", mode });
        here.checksum = checksum;
      } else {
        if (!setup.available) return { skipped: true, reason: setup.reason, fields };
        const predicted = lastGpu ? lastGpu.ms * (n / lastGpu.n) ** 3 : 0;
        if (predicted > GPU_BOUND_MS) {
          return {
            skipped: true,
            reason: `predicted ${Math.round(predicted / 1000)} s a run from n = ${lastGpu.n}, over the ${GPU_BOUND_MS / 1000} s bound`,
            fields,
          };
        }
        const start = performance.now();
        const { checksum } = await ask({ t: "product", mode });
        const first = performance.now() - start;
        lastGpu = { n, ms: first };
        const error = Math.abs(checksum - here.checksum) / Math.abs(here.checksum);
        if (!(error <= TOLERANCE)) throw new Error(`sum(C) on the GPU ${checksum} against ${here.checksum} on WebAssembly`);
        fields.first_run_ms = Math.round(first);
        if (first > GPU_BOUND_MS)
          return { skipped: true, reason: `the first run took ${Math.round(first / 1000)} s, over the ${GPU_BOUND_MS / 1000} s bound`, fields };
      }
      const run = async () => {
        await ask({ t: "product", mode });
        return "";
      };
      return { run, fields };
    },
  };
}

export const peers = [impl("noodle", "off"), impl("noodle-gpu", "force")];

export const cases = SIZES.map((n) => ({
  name: `product-${n}`,
  params: { n },
  sources: { product: true },
  derive: (line) => ({ gflops: Math.round(((2 * n ** 3) / (line.ms * 1e6)) * 10) / 10 }),
}));
