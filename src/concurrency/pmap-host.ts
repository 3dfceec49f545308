// `pmap(xs, f)` inside a program (the prelude's pmap calls host builtin __pmap, and maps
// sequentially when it answers nil). The function runs on other workers in replicas of the
// calling VM (replica-source.ts). A function that captures variables is error 3011. In a run
// that may wait, the chunks go to the pool as tasks and pmap answers a promise; otherwise items
// are sent in chunks, a new chunk to each worker that answers, while the caller's thread waits.

import { decodeValue, encodeValue, type StoredValue, WIRE } from "../codec/value-codec.js";
import { ERRORS } from "../errors/table.js";
import type { HostFunction } from "../runtime/host-calls.js";
import { HostError } from "../runtime/host-calls.js";
import { FUNCTION_CAPTURES, FUNCTION_INDEX } from "../runtime/values.js";
import type { VM } from "../runtime/vm.js";
import { storesOf } from "../store/db-host.js";
import { chunksFor } from "./chunks.js";
import type { Pool } from "./pool.js";
import { runtimeError } from "./pool.js";
import type { ToWorker } from "./protocol.js";
import { reachesStores, replicaOf } from "./replica-source.js";
import type { WorkerSlot } from "./worker-slot.js";

export function pmapHost(pool: Pool, vm: VM, client: number): HostFunction {
  return ([xs, f]) => {
    const fn = f as Record<symbol, number> | null;
    if (!Array.isArray(xs) || xs.length < 2 || typeof fn?.[FUNCTION_INDEX] !== "number") return null;
    if (fn[FUNCTION_CAPTURES] > 0) {
      throw new HostError(ERRORS.InvalidArgument.code, [], "invalid argument to pmap: a function that captures variables cannot run on another worker");
    }
    // a store's calls wait for the program, which pmap's replicas cannot: such a map runs here
    if (storesOf(vm) && reachesStores(vm, fn[FUNCTION_INDEX], xs)) return null;
    // the chunks are mapped by the prelude's pmap on the workers (where it maps sequentially)
    const via = vm.preludeFunction("pmap");
    if (via === undefined) return null;
    // a run that may wait gets a promise (only the calling task waits); others block the thread
    if (vm.mayWait && pool.size > 0) return pool.mapInReplicas(vm, client, fn[FUNCTION_INDEX], via, xs);
    const workers = pool.syncWorkers(pool.size);
    if (workers.length === 0) return null;
    const base = { ...replicaOf(vm, fn[FUNCTION_INDEX], via), client, proto: fn[FUNCTION_INDEX], via, limits: pool.hostedLimits(vm) };
    const chunks = chunksFor(xs, workers.length);
    const results: StoredValue[][] = new Array(chunks.length);
    let next = 0;
    const running: { slot: WorkerSlot; id: number; chunk: number }[] = [];
    const post = (slot: WorkerSlot, chunk: number) => {
      const id = pool.newId();
      const job: ToWorker = { t: "pmap", id, modules: pool.shipTo(slot, vm.modules), items: encodeValue(chunks[chunk], WIRE), ...base };
      slot.endpoint.postMessage(job);
      running.push({ slot, id, chunk });
    };
    for (const w of workers) if (next < chunks.length) post(w, next++);
    const retry: number[] = [];
    while (running.length) {
      const { slot, id, chunk } = running.shift()!;
      const reply = slot.awaitSync(id);
      if (reply === undefined) {
        // its worker died: the chunk goes to another (a pure function may run twice)
        retry.push(chunk);
      } else if (reply.t === "pmap-done") {
        if (reply.error) throw runtimeError(reply.error);
        results[chunk] = decodeValue(reply.data!, WIRE) as StoredValue[];
        if (!slot.lost) {
          const again = retry.shift() ?? (next < chunks.length ? next++ : undefined);
          if (again !== undefined) post(slot, again);
        }
      }
      if (running.length === 0 && retry.length) {
        const alive = workers.filter((w) => !w.lost);
        if (alive.length === 0) throw HostError.of("WorkerLost", "every worker of the pool died during pmap");
        for (const w of alive) if (retry.length) post(w, retry.shift()!);
      }
    }
    return results.flat(1);
  };
}
