// The core's one growable array: pointers kept in order through growth, popped from the end.
import { listLength, pointerAt, popPointer, pushPointer, setListLength, setPointer } from "../../assembly/heap/pointer-list";
import { freshCoreHeap } from "./heap.include";

describe("pointer list", () => {
  beforeEach(() => {
    freshCoreHeap();
  });

  it("keeps every pointer in order as it grows past its first block", () => {
    const list = <u32>memory.data(12);
    for (let i: u32 = 0; i < 1000; i++) expect<bool>(pushPointer(list, i * 8, 4)).toBe(true);
    expect<u32>(listLength(list)).toBe(1000);
    for (let i: u32 = 0; i < 1000; i++) expect<u32>(pointerAt(list, i)).toBe(i * 8);
    expect<u32>(load<u32>(list, 4)).toBe(1024); // 4, doubled eight times
  });

  it("pops from the end, and is rewritten and cut in place", () => {
    const list = <u32>memory.data(12);
    for (let i: u32 = 1; i <= 5; i++) pushPointer(list, i);
    expect<u32>(popPointer(list)).toBe(5);
    setPointer(list, 0, 42);
    setListLength(list, 2);
    expect<u32>(listLength(list)).toBe(2);
    expect<u32>(pointerAt(list, 0)).toBe(42);
    expect<u32>(popPointer(list)).toBe(2);
  });
});
