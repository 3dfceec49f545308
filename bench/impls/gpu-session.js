// The `gpu` suite's sessions (bench/suites/gpu.js), in the thread that may wait for the GPU: a
// page's Web Worker (bench/browser/gpu-worker.js), or Node's main thread. One Noodle session per
// --gpu mode, each holding the case's A and B (f32, n x n); and whole programs, each run in a VM
// of its own.
//   { t: "setup", mode, n }        -> { adapter, available, reason }
//   { t: "product", mode }         -> { checksum } after C = A * B (timed by the caller)
//   { t: "auto", n, boundMs }      -> { chose, measurement, adapter }: what --gpu auto does at this n
//   { t: "program", mode, source } -> { out, info } after one run of the program (timed by the caller)

/** The request handler over Noodle's library (`compile`, `Noodle`, `VM`, as its entry exports them). */
export function gpuSessions({ compile, Noodle, VM }) {
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

  /** What auto did with this size: measured it (and where it goes), or why it kept it on WebAssembly. */
  function choice(info, n) {
    const measurement = info.measurements.find((x) => x.work === "product" && x.size === n) ?? null;
    if (measurement) return { chose: measurement.gpu ? "gpu" : "wasm", measurement };
    if (!info.available) return { chose: `wasm (${info.reason})`, measurement };
    return { chose: "wasm (not measured: the GPU was far slower at a smaller size)", measurement };
  }

  /** Until auto's measurement of a product of size n is in (the program never waits for it; this report does), at most boundMs. */
  async function measured(s, n, boundMs) {
    const end = performance.now() + boundMs;
    for (;;) {
      const info = s.vm.gpuInfo();
      const timing = (info.fallbacks.measuring ?? 0) > 0 && !info.measurements.some((x) => x.work === "product" && x.size === n);
      if (!timing || performance.now() > end) return info;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Compiled programs, by source. */
  const modules = new Map();

  async function runProgram(mode, source) {
    if (!modules.has(source)) {
      const c = compile(source, { file: "gpu-program.nc" });
      if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join("; "));
      modules.set(source, c.module);
    }
    let out = "";
    const vm = await VM.create({ gpu: mode, stdout: (t) => (out += t) });
    const r = await vm.runAsync(modules.get(source));
    if (!r.ok) throw new Error(`error[${r.error.code}]: ${r.error.message}`);
    return { out, info: vm.gpuInfo() };
  }

  /** Answers one request (the messages above). */
  return async function handle(m) {
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
    if (m.t === "program") return runProgram(m.mode, m.source);
    // auto: one product at this size, then what its cost model decided
    const s = await session("auto");
    check(s.eval(`A = f32(rand(${m.n}, ${m.n}, 1))\nB = f32(rand(${m.n}, ${m.n}, 2))\nC = A * B\nC = nil`));
    const info = await measured(s, m.n, m.boundMs);
    return { ...choice(info, m.n), adapter: info.adapter ?? `none (${info.reason})` };
  };
}
