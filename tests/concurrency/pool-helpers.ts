// Shared by the pool tests: pools of real worker threads (running dist/bundle/pool-worker.js, so
// the library must be built), modules compiled from source, and single-VM reference results.
import { existsSync } from "node:fs";
import { compile, type NbcModule, Pool, type PoolOptions, VM } from "../../src/index.js";
import { nodeWorkers } from "../../src/node/pool.js";
import { ROOT } from "../helpers.js";

if (!existsSync(ROOT + "dist/bundle/pool-worker.js")) throw new Error("dist/bundle/pool-worker.js is missing: build the library first (npm run build)");

export function moduleOf(source: string, file = "pool.nc"): NbcModule {
  const c = compile(source, { file });
  if (!c.ok || !c.module) throw new Error(c.diagnostics.map((d) => `${d.code} ${d.message} at ${d.line}:${d.col}`).join("\n"));
  return c.module;
}

export function startPool(workers: number, options: PoolOptions = {}): Promise<Pool> {
  return Pool.create({ workers, endpoints: nodeWorkers(), ...options });
}

/** Runs a module on a fresh VM (with `pool` attached when given); returns what it printed. */
export async function printed(module: NbcModule, pool?: Pool, productWork?: number): Promise<string> {
  let out = "";
  const vm = await VM.create({ stdout: (t) => (out += t) });
  if (pool) pool.attach(vm, { productWork });
  const r = vm.run(module);
  if (!r.ok) throw r.error;
  return out;
}
