// The `noodle` implementation: compiles each program once with the library's
// compile() (reported as compile_ms) and times run(). Browser-safe: the host
// supplies how to load the library and read sources.
//
// Library API: compile(source, { file }) -> { ok, diagnostics, module };
// run(module, { stdout }) -> Promise<{ ok, error? }>, stdout receiving the
// printed text.

/**
 * @param {object} host
 * @param {() => Promise<{compile: Function, run: Function}>} host.load imports the library; throws when unavailable
 * @param {(path: string) => Promise<string>} host.readText reads a file given relative to bench/
 * @param {(path: string) => string} host.fileName the name given to compile() for a file relative to bench/
 * @param {Function} [host.startup] the case-independent start-up measurement (see harness.js)
 */
export function noodleImpl({ load, readText, fileName, startup }) {
  let lib = null;

  async function execute(module) {
    let out = "";
    const r = await lib.run(module, {
      stdout: (text) => {
        out += text;
      },
    });
    if (!r?.ok) {
      const err = r?.error;
      throw new Error(err ? `run failed: error[${err.code}]: ${err.message}` : "run failed");
    }
    return out;
  }

  const impl = {
    name: "noodle",
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
      return {
        run: () => execute(compiled.module),
        fields: { compile_ms: Math.round(compileMs * 1000) / 1000 },
      };
    },
  };
  if (startup) impl.startup = startup;
  return impl;
}
