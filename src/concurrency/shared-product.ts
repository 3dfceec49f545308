// Matrix products inside a program, split across a pool while the VM waits (VM.shareProducts).
// The calling thread computes the first block of rows in its own memory; each helper gets its
// rows of A and all of B in shared buffers, computes its block of C with the same kernel and
// answers on its synchronous channel; the caller copies those blocks into C. A helper that dies
// leaves its rows to the caller, so the product is always complete.
import type { ProductHook, VM } from "../runtime/vm.js";
import type { Pool } from "./pool.js";
import type { ToWorker } from "./protocol.js";
import { splitRows } from "./row-split.js";

export function shareProducts(pool: Pool, vm: VM): ProductHook {
  // Shared buffers are kept from one product to the next: fresh memory costs a page fault per
  // 4 KiB on first touch, a noticeable part of a large product's time.
  const buffers: SharedArrayBuffer[] = [];
  const sharedBytes = (slot: number, bytes: number): SharedArrayBuffer => {
    if (!buffers[slot] || buffers[slot].byteLength < bytes) buffers[slot] = new SharedArrayBuffer(bytes);
    return buffers[slot];
  };
  return (a, b, c, m, k, n, dtype) => {
    // the caller is one of the threads: with N workers, N - 1 of them help (at least one)
    const helpers = pool.syncWorkers(Math.max(1, pool.size - 1));
    if (helpers.length === 0) return false;
    const Elements = dtype === 1 ? Float32Array : Float64Array;
    const size = Elements.BYTES_PER_ELEMENT;
    const core = vm.core;
    const shared = (slot: number, count: number) => new Elements(sharedBytes(slot, count * size) as unknown as ArrayBuffer, 0, count);
    const view = (addr: number, count: number) => new Elements(core.memory.buffer, addr, count);
    const [own, ...shares] = splitRows(m, helpers.length + 1);
    const sharedB = shared(0, k * n);
    sharedB.set(view(b, k * n));
    const jobs = shares.map(([r0, r1], i) => {
      const rows = r1 - r0;
      const job = {
        t: "gemm",
        id: pool.newId(),
        a: shared(1 + 2 * i, rows * k),
        b: sharedB,
        c: shared(2 + 2 * i, rows * n),
        m: rows,
        k,
        n,
        variant: vm.variant,
        sync: true,
      } satisfies ToWorker;
      job.a.set(view(a + r0 * k * size, rows * k));
      helpers[i].endpoint.postMessage(job);
      return { job, r0, slot: helpers[i] };
    });
    core.gemmInto(a, b, c, own[1] - own[0], k, n, dtype);
    for (const { job, r0, slot } of jobs) {
      const reply = slot.awaitSync(job.id);
      // the views are made afresh: the kernel may have grown the VM's memory
      if (reply?.t === "gemm-done" && !reply.error) view(c + r0 * n * size, job.m * n).set(job.c);
      else core.gemmInto(a + r0 * k * size, b, c + r0 * n * size, job.m, k, n, dtype);
    }
    return true;
  };
}
