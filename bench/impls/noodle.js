// The `noodle` implementation: compiles each program once with the library's
// compile() (reported as compile_ms) and times run(). Browser-safe: the host
// supplies how to load the library and read sources.
//
// Library API: compile(source, { file }) -> { ok, diagnostics, module };
// run(module, { stdout, jit }) -> Promise<{ ok, error? }>, stdout receiving the
// printed text. `noodle` is the interpreter (jit "off"); `noodle-jit` tiers up
// (jit "on") and reports the compiled tier's compile times from VM.jitStats().

/** How long a case's program may run before its measured runs, waiting for its code to be compiled. */
const SETTLE_MS = 30_000;

/**
 * @param {object} host
 * @param {() => Promise<{compile: Function, run: Function}>} host.load imports the library; throws when unavailable
 * @param {(path: string) => Promise<string>} host.readText reads a file given relative to bench/
 * @param {(path: string) => string} host.fileName the name given to compile() for a file relative to bench/
 * @param {Function} [host.startup] the case-independent start-up measurement (see harness.js)
 * @param {"off" | "on" | "eager"} [jit] the compiled tier's mode (default off: the interpreter)
 */
export function noodleImpl({ load, readText, fileName, startup }, jit = "off") {
  let lib = null;

  /** Runs a module; `compiled` (with the tier on) collects the compile times of the functions compiled. */
  async function execute(module, compiled) {
    let out = "";
    const stdout = (text) => {
      out += text;
    };
    let r;
    if (compiled) {
      const vm = await lib.VM.create({ stdout, jit });
      const o = await vm.runAsync(module);
      r = o.ok ? o : { ok: false, error: o.error };
      const stats = vm.jitStats();
      compiled.functions = Math.max(compiled.functions, stats.compiled);
      compiled.times.push(...stats.compileMs);
      compiled.deopts = Math.max(compiled.deopts, stats.deopts);
      compiled.last = stats;
    } else r = await lib.run(module, { stdout, jit });
    if (!r?.ok) {
      const err = r?.error;
      throw new Error(err ? `run failed: error[${err.code}]: ${err.message}` : "run failed");
    }
    return out;
  }

  /**
   * The compiler starts with the first hot function (loading binaryen takes about a second, on a
   * thread of its own): a small hot program runs until it is compiled, so the cases measure
   * compiled code rather than the compiler's start, as the JavaScript peer is measured warm.
   */
  async function warmCompiler() {
    const warm = await lib.compile("func f(x) { return x + 1 }\nvar s = 0\nfor i in 0..200000 { s = f(s) }\n", { file: "<warm>" });
    const until = performance.now() + 30_000;
    while (performance.now() < until) {
      const vm = await lib.VM.create({ jit, stdout: () => {} });
      await vm.runAsync(warm.module);
      if (vm.jitStats().compiled > 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  /**
   * Runs the program until a run finds every function it makes hot compiled already (the
   * process's cache serves them from their first call) and no compilation finished during it:
   * the measured runs then time compiled code, not runs that waited for the compiler thread.
   * Bounded (SETTLE_MS); returns the runs it took, or null when the bound came first.
   */
  async function settle(module, tier) {
    const until = performance.now() + SETTLE_MS;
    for (let runs = 1; performance.now() < until; runs++) {
      await execute(module, tier);
      if (tier.last.waiting === 0 && tier.last.compileMs.length === 0) return runs;
      await new Promise((r) => setTimeout(r, 20));
    }
    return null;
  }

  const impl = {
    name: jit === "off" ? "noodle" : "noodle-jit",
    lang: "noodle",
    async init() {
      try {
        lib = await load();
      } catch (e) {
        return { ok: false, reason: `Noodle library unavailable: ${e instanceof Error ? e.message : e}` };
      }
      if (typeof lib?.compile !== "function" || typeof lib?.run !== "function") {
        return { ok: false, reason: "the Noodle library does not export compile and run" };
      }
      // The per-run fixed cost (setting up a VM, instantiating WASM) is what
      // an empty program costs; it plays the role of a process start-up.
      let empty;
      try {
        empty = await lib.compile("", { file: "<empty>" });
      } catch {
        empty = null;
      }
      const overhead = empty?.ok ? { run: () => execute(empty.module) } : undefined;
      if (jit !== "off") {
        const ready = await warmCompiler();
        if (!ready) return { ok: false, reason: "the compiled tier compiled nothing within 30 s (is binaryen installed?)" };
      }
      return { ok: true, overhead };
    },
    async prepare(_case, path) {
      const source = await readText(path);
      const t0 = performance.now();
      const compiled = await lib.compile(source, { file: fileName(path) });
      const compileMs = performance.now() - t0;
      if (!compiled?.ok) {
        const diags = (compiled?.diagnostics ?? [])
          .slice(0, 5)
          .map((d) => `error[${d.code}]: ${d.message} (${d.line}:${d.col})`)
          .join("; ");
        throw new Error(`compile failed: ${diags || "no diagnostics"}`);
      }
      const fields = { compile_ms: Math.round(compileMs * 1000) / 1000 };
      if (jit === "off") return { run: () => execute(compiled.module), fields };
      // the fields are read after the runs: what the compiled tier did in them
      const tier = { functions: 0, deopts: 0, times: [], last: null };
      fields.jit_settling_runs = await settle(compiled.module, tier);
      return {
        run: async () => {
          const out = await execute(compiled.module, tier);
          Object.assign(fields, tierFields(tier));
          return out;
        },
        fields,
      };
    },
  };
  if (startup) impl.startup = startup;
  return impl;
}

/** Functions compiled, and the median and 95th percentile of their compile times (each compiled once a process). */
function tierFields({ functions, deopts, times, last }) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 1000) / 1000 : null);
  // jit_waiting: hot functions that ran interpreted in the last run for want of compiled code
  return {
    jit_functions: functions,
    jit_deopts: deopts,
    jit_waiting: last?.waiting ?? null,
    jit_compile_ms_median: at(0.5),
    jit_compile_ms_p95: at(0.95),
  };
}
