// `pmap(xs, f)` inside a program (the prelude's pmap calls host builtin __pmap, and maps
// sequentially when it answers nil). The function runs on other workers in replicas of the
// calling VM: the same modules loaded in the same order, so a function is named by its index,
// and the caller's globals copied over with the value codec (top-level functions by index).
// What cannot be copied (a closure that captures variables, a value the codec does not carry)
// is not: a function that captures variables is error 3011, and a global holding something
// uncopyable is nil in the replica. Items are sent in chunks, a new chunk to each worker that
// answers, while the caller waits.
import type { VM } from "../runtime/vm.js";
import type { Pool } from "./pool.js";
import type { HostFunction } from "../runtime/host-calls.js";
import { HostError } from "../runtime/host-calls.js";
import { FUNCTION_INDEX, FUNCTION_CAPTURES, type JsValue } from "../runtime/values.js";
import { ERRORS } from "../errors/table.js";
import { encodeValue, decodeValue, WIRE, type StoredValue } from "../store/codec.js";
import { contentHash } from "../bytecode/codec.js";
import { releaseArrays } from "../runtime/host-calls.js";
import { moduleBytes } from "./module-bytes.js";
import { runtimeError } from "./pool.js";
import type { WorkerSlot } from "./worker-slot.js";
import type { ReplicaSource, ToWorker } from "./protocol.js";

/** Chunks per worker: enough that a worker finishing early gets more. */
export const CHUNKS_PER_WORKER = 4;

export function pmapHost(pool: Pool, vm: VM, client: number): HostFunction {
  return ([xs, f]) => {
    const fn = f as Record<symbol, number> | null;
    if (!Array.isArray(xs) || xs.length < 2 || typeof fn?.[FUNCTION_INDEX] !== "number") return null;
    if (fn[FUNCTION_CAPTURES] > 0) {
      throw new HostError(ERRORS.InvalidArgument.code, [], "invalid argument to pmap: a function that captures variables cannot run on another worker");
    }
    // a run that may wait gets a promise (only the calling task waits); others block the thread
    if (vm.mayWait && pool.size > 0) return pool.mapInReplicas(vm, client, fn[FUNCTION_INDEX], xs);
    const workers = pool.syncWorkers(pool.size);
    if (workers.length === 0) return null;
    const base = { ...replicaOf(vm), client, proto: fn[FUNCTION_INDEX] };
    const per = Math.ceil(xs.length / (workers.length * CHUNKS_PER_WORKER));
    const chunks: JsValue[][] = [];
    for (let i = 0; i < xs.length; i += per) chunks.push(xs.slice(i, i + per));
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

/** What a worker needs to run the caller's functions in a replica: its modules' hashes and globals. */
export function replicaOf(vm: VM): ReplicaSource {
  const globals = encodeGlobals(vm);
  return { globals, globalsHash: contentHash(globals), hashes: vm.modules.map((m) => moduleBytes(m).hash) };
}

/** The caller's globals, encoded for a replica: per global nil, ["f", function index] or ["v", value]. */
function encodeGlobals(vm: VM): Uint8Array {
  const read: JsValue[] = [];
  const entries: StoredValue[] = [];
  for (let i = 0; i < vm.loaded.globals; i++) {
    const v = vm.global(i);
    read.push(v);
    const fn = v as Record<symbol, number> | null;
    if (typeof fn?.[FUNCTION_INDEX] === "number") entries.push(fn[FUNCTION_CAPTURES] === 0 ? ["f", fn[FUNCTION_INDEX]] : null);
    else entries.push(["v", v as StoredValue]);
  }
  try {
    try {
      return encodeValue(entries, WIRE);
    } catch {
      // some global cannot be copied (a list holding a function, ...): it stays nil over there
      return encodeValue(entries.map((e) => (copyable(e) ? e : null)), WIRE);
    }
  } finally {
    releaseArrays(read);
  }
}

function copyable(v: StoredValue): boolean {
  try {
    encodeValue(v, WIRE);
    return true;
  } catch {
    return false;
  }
}
