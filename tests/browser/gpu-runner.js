// Module Web Worker that runs Noodle programs for the GPU tests: a VM may wait for the GPU only
// on a thread that can block, which a page's main thread cannot.
//   in:  { id, source, gpu, loseAfterFirst? }
//   out: { id, out, ok, error, info, destroyed }
// With loseAfterFirst the GPU's device is destroyed once the GPU has computed something (the
// program sleeps meanwhile, so this worker's timer runs mid-run).
const { compile, destroyGpuDevice, VM } = await import(new URL("/dist/browser/noodle.js", self.location.href).href);

async function run({ source, gpu, loseAfterFirst }) {
  const c = compile(source, { file: "worker.nc" });
  if (!c.ok) return { ok: false, error: c.diagnostics.map((d) => d.message).join("; ") };
  let out = "";
  let vm;
  try {
    vm = await VM.create({ gpu, stdout: (t) => (out += t) });
  } catch (/** @type {any} */ e) {
    return { out, ok: false, error: `${e.code}: ${e.message}` };
  }
  let destroyed = false;
  const timer = loseAfterFirst
    ? setInterval(() => {
        if (vm.gpuInfo().offloaded > 0 && !destroyed) {
          destroyGpuDevice();
          destroyed = true;
        }
      }, 2)
    : undefined;
  const r = await vm.runAsync(c.module);
  clearInterval(timer);
  return { out, ok: r.ok, error: r.ok ? undefined : `${r.error.code}: ${r.error.message}`, info: vm.gpuInfo(), destroyed };
}

self.onmessage = (e) => {
  run(e.data).then(
    (result) => self.postMessage({ id: e.data.id, ...result }),
    (err) => self.postMessage({ id: e.data.id, ok: false, error: `uncaught: ${err?.stack ?? err}` }),
  );
};
self.postMessage({ ready: true });
