// What the implementations running Noodle on worker threads share: the library's Node entry,
// compiling a source, and one pool for the whole benchmark process (the `pool` and
// `concurrency` suites). They run under Node only (see node-host.js).

import { nodeHost } from "./node-host.js";

/** Workers in the pool: 2 unless POOL_WORKERS says otherwise. */
export const WORKERS = Number(globalThis.process?.env?.POOL_WORKERS ?? 2);

/** The Noodle library from its Node entry (dist/node/main.js). */
export async function library() {
  const { moduleUrl } = await nodeHost();
  return import(moduleUrl("../dist/node/main.js"));
}

/** The module compiled from `source`; throws with the diagnostics when it does not compile. */
export function compiled(lib, source, file) {
  const c = lib.compile(source, { file });
  if (!c.ok) throw new Error(c.diagnostics.map((d) => `${d.message} (${d.line}:${d.col})`).join("; "));
  return c.module;
}

let pool = null;

/** The process's pool of WORKERS workers, started on first use and closed before Node exits. */
export function sharedPool(lib) {
  pool ??= lib.Pool.create({ workers: WORKERS }).then((p) => {
    process.once("beforeExit", () => p.close());
    return p;
  });
  return pool;
}
