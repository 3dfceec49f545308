// Module Web Worker for the `gpu` suite (bench/suites/gpu.js): a VM may wait for the GPU only on
// a thread that can block, which a page's main thread cannot. One Noodle session per --gpu mode,
// each holding the case's A and B (f32, n x n).
//   in:  { id, t: "setup", mode, n }   -> { adapter, available, reason }
//        { id, t: "product", mode }    -> { checksum } after C = A * B (timed by the page)
//        { id, t: "auto", n }          -> { chose, measurement, adapter }: what --gpu auto does at this n
//   out: { id, ...reply } or { id, error }

const { Noodle } = await import(new URL("/dist/browser/noodle.js", self.location.href).href);

/** @type {Map<string, any>} */
const sessions = new Map();

async function session(mode) {
  let s = sessions.get(mode);
  if (!s) {
    s = await Noodle.create({ gpu: mode, stdout: () => {} });
    // waits for the adapter (auto acquires it on first use)
    check(await s.evalAsync('import "std/gpu" as gpu\nvar A = nil\nvar B = nil\nvar C = nil\ngpu.available()'));
    sessions.set(mode, s);
  }
  return s;
}

function check(r) {
  if (!r.ok) throw new Error(r.error ? `error[${r.error.code}]: ${r.error.message}` : JSON.stringify(r.diagnostics));
  return r.value;
}

async function handle(m) {
  if (m.t === "setup") {
    const s = await session(m.mode);
    check(s.eval(`A = f32(rand(${m.n}, ${m.n}, 1))\nB = f32(rand(${m.n}, ${m.n}, 2))\nC = nil`));
    const info = s.vm.gpuInfo();
    return { adapter: info.adapter ?? null, available: info.available, reason: info.reason ?? null };
  }
  if (m.t === "product") {
    const s = sessions.get(m.mode);
    check(s.eval("C = A * B"));
    return { checksum: check(s.eval("sum(C)")) };
  }
  // auto: one product at this size, then what its cost model decided
  const s = await session("auto");
  check(s.eval(`A = f32(rand(${m.n}, ${m.n}, 1))\nB = f32(rand(${m.n}, ${m.n}, 2))\nC = A * B\nC = nil`));
  const info = s.vm.gpuInfo();
  const measurement = info.measurements.find((x) => x.work === "product" && x.size === m.n) ?? null;
  const chose = measurement
    ? measurement.gpu
      ? "gpu"
      : "wasm"
    : info.available
      ? "wasm (not measured: the GPU was far slower at a smaller size)"
      : `wasm (${info.reason})`;
  return { chose, measurement, adapter: info.adapter ?? `none (${info.reason})` };
}

self.onmessage = (e) => {
  handle(e.data).then(
    (reply) => self.postMessage({ id: e.data.id, ...reply }),
    (err) => self.postMessage({ id: e.data.id, error: String(err?.message ?? err) }),
  );
};
self.postMessage({ ready: true });
