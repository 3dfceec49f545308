// The `gpu` suite: a whole program of f32 products, elementwise operations and reductions of sizes
// 128 ... 1024 (`program`), and the f32 product C = A * B of two n x n matrices, n = 256 ... 4096
// (`product-N`), each on the WebAssembly kernels (`noodle`, --gpu off), under --gpu auto
// (`noodle-auto`) and on the GPU (`noodle-gpu`, --gpu force) in the same run. Each line has the
// adapter's description and what auto chose; an auto line has `vs_off`, its time over off's (the
// summary's ratios are off's over each one's). Auto measures a size on its first use, never on a
// software adapter (docs/gpu.md).
//
// In a page (node bench/browser/run.js gpu) the VMs run in a Web Worker (browser/gpu-worker.js),
// since a VM waits for the GPU and a page's main thread may not wait; under Node (node
// bench/run.js gpu) in the runner's thread, over the webgpu package (Dawn) where it is installed.
// Headless Chromium's adapter, and Dawn's here, is SwiftShader, a software GPU far slower than the
// WebAssembly kernel: GPU runs are bounded in time, a case whose first GPU run took longer than GPU_BOUND_MS,
// or is predicted to from the size below (work grows as n^3), is skipped and the line says so.
// Each GPU product is checked against the kernel's: sum(C) within 1e-4 relative.

export const name = "gpu";
export const defaults = { warmup: 0, runs: 3 };

const SIZES = [256, 512, 1024, 2048, 4096];
const GPU_BOUND_MS = 20_000;
const TOLERANCE = 1e-4;

/** Every kind of work the GPU takes, at each size from 128 to 1024, in one program; its one number checked across modes. */
const PROGRAM = `var s = 0
for n in [128, 256, 512, 1024] {
  let A = f32(rand(n, n, 1))
  let B = f32(rand(n, n, 2))
  let C = A * B
  let D = sqrt(abs(C)) + A .* B
  s += sum(C) / n + amax(D) + mean(exp(A ./ 4)) + amin(B .^ 2)
}
print(s)
`;

/** In a page, the worker shared by all implementations, and its replies by request id. */
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

/** In Node, the sessions in this thread, over the library's Node entry (WebGPU through the webgpu package). */
let inProcess;

async function ask(message) {
  if (typeof Worker === "undefined") {
    inProcess ??= import(new URL("../../dist/node/main.js", import.meta.url).href).then(async (noodle) =>
      (await import("../impls/gpu-session.js")).gpuSessions(noodle),
    );
    const handle = await inProcess;
    // a turn of the event loop between requests, as a page's messages give: the GPU's answers
    // (its adapter found, a measurement's time) reach this thread only then
    await new Promise((resolve) => setTimeout(resolve, 0));
    return handle(message);
  }
  const w = await startWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, ...message });
  });
}

/** Per n: the kernel's checksum, what auto chose. */
const seen = new Map();
let lastGpu; // { n, ms } of the largest size the GPU ran
/** The program's printed number under --gpu off, and off's median time of each case (for vs_off). */
let programOut;
const offMs = new Map();

/** What a run did: the adapter, and where its work went (`auto`: what auto, or force, did with it). */
function autoFields(info) {
  return {
    adapter: info.adapter ?? `none (${info.reason})`,
    auto: { offloaded: info.offloaded, fallbacks: info.fallbacks, measured: info.measurements.map((m) => `${m.work} ${m.size}: ${m.gpu ? "gpu" : "wasm"}`) },
  };
}

function relativeError(a, b) {
  return Math.abs(a - b) / Math.abs(b);
}

/** The program case: one run untimed (the first, which for auto is the GPU's first use in this worker), then the timed runs. */
async function prepareProgram(mode) {
  const start = performance.now();
  const first = await ask({ t: "program", mode, source: PROGRAM });
  const firstMs = performance.now() - start;
  const value = Number(first.out);
  if (mode === "off") programOut = value;
  else if (!(relativeError(value, programOut) <= TOLERANCE)) throw new Error(`the program printed ${value} against ${programOut} under --gpu off`);
  /** @type {Record<string, unknown>} */
  const fields = { first_run_ms: Math.round(firstMs), ...(mode === "off" ? {} : autoFields(first.info)) };
  if (mode === "auto") fields.first_run = fields.auto;
  if (mode === "force" && !first.info.available) return { skipped: true, reason: first.info.reason, fields };
  if (mode === "force" && firstMs > GPU_BOUND_MS)
    return { skipped: true, reason: `the first run took ${Math.round(firstMs / 1000)} s, over the ${GPU_BOUND_MS / 1000} s bound`, fields };
  const run = async () => {
    const { info } = await ask({ t: "program", mode, source: PROGRAM });
    // the line is written after the runs: it shows where the last run's work went
    if (mode !== "off") Object.assign(fields, autoFields(info));
    return "";
  };
  return { run, fields };
}

async function prepareProduct(mode, n) {
  const setup = await ask({ t: "setup", mode, n });
  if (!seen.has(n)) seen.set(n, { auto: await ask({ t: "auto", n, boundMs: GPU_BOUND_MS }) });
  const here = seen.get(n);
  const fields = { adapter: here.auto.adapter, auto: here.auto.chose };
  if (here.auto.measurement) fields.auto_measured_ms = { wasm: here.auto.measurement.wasmMs, gpu: here.auto.measurement.gpuMs };
  if (mode === "off") {
    const { checksum } = await ask({ t: "product", mode });
    here.checksum = checksum;
  } else if (mode === "force") {
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
    const error = relativeError(checksum, here.checksum);
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
}

function impl(implName, mode) {
  return {
    name: implName,
    lang: "gpu",
    async init() {
      return { ok: true };
    },
    prepare: (c) => (c.params.n === undefined ? prepareProgram(mode) : prepareProduct(mode, c.params.n)),
  };
}

// auto before force: in the program case, auto's first run is the first use of the GPU in the worker
export const peers = [impl("noodle", "off"), impl("noodle-auto", "auto"), impl("noodle-gpu", "force")];

/** An auto line's time over off's, of the same case in this run (off's line comes first). */
function vsOff(c, line) {
  if (line.impl === "noodle") offMs.set(c, line.ms);
  return line.impl === "noodle-auto" && offMs.get(c) > 0 ? { vs_off: Math.round((line.ms / offMs.get(c)) * 1000) / 1000 } : {};
}

export const cases = [
  { name: "program", params: {}, sources: { gpu: true }, derive: (line) => vsOff("program", line) },
  ...SIZES.map((n) => ({
    name: `product-${n}`,
    params: { n },
    sources: { gpu: true },
    derive: (line) => ({ ...vsOff(`product-${n}`, line), gflops: Math.round(((2 * n ** 3) / (line.ms * 1e6)) * 10) / 10 }),
  })),
];
