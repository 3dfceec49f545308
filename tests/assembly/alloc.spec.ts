// The block allocator: size classes, reuse of freed blocks, splitting of large runs, the
// accounting the collector relies on, and the memory limit.
import { allocBlock, allocPinned, freeBlock, bytesInUse, setMemoryLimit, outOfMemory, clearOutOfMemory, heapTop } from "../../assembly/heap/alloc";
import { HEADER, T_LIST, T_RAW, F_PINNED, typeOf, flagsOf, sizeOf } from "../../assembly/heap/layout";
import { freshCoreHeap } from "./heap.include";

describe("allocBlock", () => {
  beforeEach(() => {
    freshCoreHeap();
    setMemoryLimit(0);
    clearOutOfMemory();
  });

  it("gives 8-byte aligned blocks with room for the header and payload", () => {
    for (let bytes: u32 = 0; bytes < 300; bytes += 7) {
      const p = allocBlock(bytes, T_LIST);
      expect<u32>(p & 7).toBe(0);
      expect<u32>(sizeOf(p)).toBeGreaterThanOrEqual(bytes + HEADER);
      expect<u32>(sizeOf(p) & 7).toBe(0);
      expect<u8>(typeOf(p)).toBe(T_LIST);
    }
  });

  it("hands out blocks that do not overlap", () => {
    let prevEnd: u32 = 0;
    for (let i: u32 = 0; i < 100; i++) {
      const p = allocBlock(24 + (i % 5) * 40, T_RAW);
      expect<bool>(p >= prevEnd).toBe(true);
      prevEnd = p + sizeOf(p);
    }
  });

  it("reuses a freed small block of the same size class first", () => {
    const a = allocBlock(40, T_RAW);
    allocBlock(40, T_RAW);
    freeBlock(a);
    expect<u32>(allocBlock(40, T_RAW)).toBe(a);
  });

  it("cuts a small block from a freed large run before growing the heap", () => {
    const big = allocBlock(4000, T_RAW);
    allocBlock(16, T_RAW); // keeps the run from being the top of the heap
    const top = heapTop;
    freeBlock(big);
    const small = allocBlock(100, T_RAW);
    expect<u32>(small).toBe(big);
    expect<u32>(heapTop).toBe(top);
    // the rest of the run serves the next request
    expect<u32>(allocBlock(1000, T_RAW)).toBe(big + sizeOf(small));
  });

  it("counts the bytes of live blocks", () => {
    const before = bytesInUse;
    const p = allocBlock(100, T_RAW);
    const q = allocBlock(1000, T_RAW);
    expect<u64>(bytesInUse - before).toBe(<u64>(sizeOf(p) + sizeOf(q)));
    freeBlock(p);
    freeBlock(q);
    expect<u64>(bytesInUse).toBe(before);
  });

  it("marks pinned blocks", () => {
    const p = allocPinned(64);
    expect<u8>(flagsOf(p) & F_PINNED).toBe(F_PINNED);
  });

  it("refuses a block larger than the memory limit, and says so", () => {
    setMemoryLimit(1 << 20);
    expect<u32>(allocBlock(2 << 20, T_RAW)).toBe(0);
    expect<bool>(outOfMemory).toBe(true);
  });

  it("grows memory for blocks beyond what it has", () => {
    const pages = memory.size();
    const p = allocBlock(100 << 20, T_RAW);
    expect<u32>(p).toBeGreaterThan(0);
    expect<i32>(memory.size()).toBeGreaterThan(pages);
    store<u8>(p + sizeOf(p) - 1, 7); // the whole block is addressable
  });
});
