// The core's heap under the specs lives in memory of its own: pages grown here, above
// everything the spec runtime has, so the two allocators never meet.
import { initHeap } from "../../assembly/heap/alloc";

const HEAP_PAGES: i32 = 1024; // 64 MiB

export function freshCoreHeap(): void {
  const start = memory.grow(HEAP_PAGES);
  assert(start > 0, "memory for the core's heap");
  initHeap(<u32>start << 16);
}
