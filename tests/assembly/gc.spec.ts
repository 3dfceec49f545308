// The collector on real heap objects: what the roots reach survives with its contents, the rest
// is freed and reused, cycles are no obstacle, and a region frees its temporaries at once.
import { allocPinned, bytesInUse, heapTop } from "../../assembly/heap/alloc";
import { beginMark, markPtr, finishFull, enterRegion, finishRegion } from "../../assembly/heap/gc";
import { F_REGION, T_FREE, LIST_DATA, flagsOf, typeOf, sizeOf } from "../../assembly/heap/layout";
import { TAG_OBJ, num, numOf, objOf } from "../../assembly/heap/value";
import { newList, listPush, listGet, listLen } from "../../assembly/objects/list";
import { freshCoreHeap } from "./heap.include";

function ref(p: u32): u64 {
  return TAG_OBJ | <u64>p;
}

/** A list of n numbers 0..n-1. */
function numbers(n: u32): u32 {
  const xs = newList(0);
  for (let i: u32 = 0; i < n; i++) listPush(xs, num(<f64>i));
  return xs;
}

function collectFrom(root: u32): void {
  beginMark(false);
  markPtr(root);
  finishFull();
}

describe("full collection", () => {
  beforeEach(() => {
    freshCoreHeap();
  });

  it("keeps what the roots reach, with its contents", () => {
    const root = newList(0);
    for (let i: u32 = 0; i < 50; i++) listPush(root, ref(numbers(i)));
    collectFrom(root);
    expect<u32>(listLen(root)).toBe(50);
    for (let i: u32 = 0; i < 50; i++) {
      const xs = objOf(listGet(root, i));
      expect<u32>(listLen(xs)).toBe(i);
      if (i > 0) expect<f64>(numOf(listGet(xs, i - 1))).toBe(<f64>(i - 1));
    }
  });

  it("frees what no root reaches and reuses its memory", () => {
    const root = numbers(10);
    const before = bytesInUse;
    const garbage = numbers(1000);
    const garbageBytes = sizeOf(garbage);
    expect<u64>(bytesInUse).toBeGreaterThan(before + garbageBytes);
    const top = heapTop;
    collectFrom(root);
    expect<u64>(bytesInUse).toBe(before);
    // the freed run was the top of the heap: the top comes down, and new lists fit below the old top
    expect<u32>(heapTop).toBeLessThan(top);
    const again = numbers(1000);
    expect<u32>(again + sizeOf(again)).toBeLessThanOrEqual(top);
  });

  it("frees an unreachable cycle and keeps a reachable one", () => {
    const kept = newList(0);
    listPush(kept, ref(kept));
    const lost = newList(0);
    listPush(lost, ref(lost));
    listPush(kept, ref(numbers(3)));
    const pin = allocPinned(16); // pinned blocks need no root
    const last = newList(0); // keeps the lost cycle from being the heap's top run
    collectFrom(kept);
    expect<u8>(typeOf(lost)).toBe(T_FREE);
    expect<u32>(heapTop).toBe(last); // the dead run at the top lowers the top instead
    expect<u32>(objOf(listGet(kept, 0))).toBe(kept);
    expect<u32>(listLen(objOf(listGet(kept, 1)))).toBe(3);
    expect<u8>(typeOf(pin)).not.toBe(T_FREE);
  });
});

describe("regions", () => {
  beforeEach(() => {
    freshCoreHeap();
  });

  it("frees a region's temporaries and keeps what escaped into older objects", () => {
    const older = newList(4);
    // the region log and the remembered set are made once, on first use
    enterRegion();
    listPush(older, ref(newList(0)));
    beginMark(true);
    finishRegion();
    const before = bytesInUse;
    expect<bool>(enterRegion()).toBe(true);
    for (let i: u32 = 0; i < 100; i++) numbers(20);
    const escaped = numbers(5);
    expect<u8>(flagsOf(escaped) & F_REGION).toBe(F_REGION);
    listPush(older, ref(escaped)); // the write barrier records it
    beginMark(true);
    finishRegion();
    expect<u32>(objOf(listGet(older, 1))).toBe(escaped);
    expect<u8>(flagsOf(escaped) & F_REGION).toBe(0);
    expect<f64>(numOf(listGet(escaped, 4))).toBe(4);
    // only the escaped list (with its items) is left of the region
    expect<u64>(bytesInUse - before).toBe(<u64>(sizeOf(escaped) + sizeOf(load<u32>(escaped, LIST_DATA))));
  });

  it("keeps a nested region's survivors in the outer region until it ends", () => {
    const older = newList(4);
    enterRegion();
    const outerTemp = numbers(3);
    enterRegion();
    const inner = numbers(3);
    listPush(outerTemp, ref(inner));
    beginMark(true);
    markPtr(outerTemp); // a root, as the VM's registers would be
    finishRegion();
    expect<u8>(flagsOf(inner) & F_REGION).toBe(F_REGION);
    listPush(older, ref(inner));
    beginMark(true);
    finishRegion();
    expect<u8>(typeOf(outerTemp)).toBe(T_FREE);
    expect<u8>(flagsOf(inner) & F_REGION).toBe(0);
    expect<u32>(listLen(inner)).toBe(3);
  });
});
