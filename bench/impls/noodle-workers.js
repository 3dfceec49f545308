// Noodle programs whose tasks and actors run on the pool's workers (a case's `workers` source):
// each run is a fresh VM with the shared pool attached for tasks and actors, as
// `noodle run --workers N` does; `one-thread` runs the same program on one VM. A program may
// leave per-call times (clock() differences, ms) in its global `latencies`: they go to the
// recorder after the run, for the case's median.

import { recordLatencies } from "../latencies.js";
import { nodeHost } from "./node-host.js";
import { compiled, library, sharedPool, WORKERS } from "./noodle-pool.js";

/**
 * @param {string} name the `impl` field (`noodle`, `one-thread`)
 * @param {boolean} usePool whether the program's tasks and actors go to the shared pool
 */
export function workersImpl(name, usePool) {
  let lib, pool, host;

  async function execute(module) {
    let out = "";
    const vm = await lib.VM.create({ stdout: (text) => (out += text) });
    if (pool) pool.attach(vm, { tasks: true });
    const r = await vm.runAsync(module);
    if (!r.ok) throw new Error(`run failed: error[${r.error.code}]: ${r.error.message}`);
    const at = module.globals.indexOf("latencies");
    if (at >= 0) recordLatencies(vm.global(module.globalBase + at));
    return out;
  }

  return {
    name,
    lang: "workers",
    async init() {
      host = await nodeHost();
      lib = await library();
      if (usePool) pool = await sharedPool(lib);
      return { ok: true, fields: { workers: usePool ? WORKERS : 0 } };
    },
    async prepare(_case, path) {
      const module = compiled(lib, await host.readText(path), host.rootRelative(path));
      return { run: () => execute(module) };
    },
  };
}
