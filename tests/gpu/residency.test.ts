// Which arrays stay on the GPU: an input or a result is used again only while the VM's memory
// at its address holds exactly the same elements; at most 8 arrays are kept, the oldest dropped
// first, never one the current operation uses.
import { describe, expect, it } from "vitest";
import { Residency } from "../../src/gpu/residency.js";

describe("residency of arrays on the GPU", () => {
  const memory = new ArrayBuffer(1 << 16);
  const f32 = new Float32Array(memory);

  it("uses a kept array again while its elements are unchanged, and uploads it again once changed", () => {
    const r = new Residency();
    f32.set([1, 2, 3, 4], 0);
    r.begin();
    const first = r.input(memory, 0, 4);
    expect(first.elements).toEqual(new Float32Array([1, 2, 3, 4]));
    r.begin();
    expect(r.input(memory, 0, 4)).toEqual({ id: first.id });
    f32[2] = 30;
    r.begin();
    const changed = r.input(memory, 0, 4);
    expect(changed.elements).toEqual(new Float32Array([1, 2, 30, 4]));
    expect(changed.id).not.toBe(first.id);
    // the stale copy is dropped with the next operation
    expect(r.drops()).toEqual([first.id]);
  });

  it("keeps a result read back as the array at its address", () => {
    const r = new Residency();
    r.begin();
    const id = r.newId();
    f32.set([5, 6], 64);
    r.kept(id, 256, new Float32Array([5, 6]));
    r.begin();
    expect(r.input(memory, 256, 2)).toEqual({ id });
    // another length at the same address is another array
    expect(r.input(memory, 256, 3).elements).toBeDefined();
  });

  it("keeps at most 8 arrays, dropping the oldest that the current operation does not use", () => {
    const r = new Residency();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      r.begin();
      f32[i * 4] = i;
      ids.push(r.input(memory, i * 16, 1).id);
    }
    expect(r.drops()).toEqual(ids.slice(0, 2));
    r.begin();
    expect(r.input(memory, 9 * 16, 1)).toEqual({ id: ids[9] });
  });
});
