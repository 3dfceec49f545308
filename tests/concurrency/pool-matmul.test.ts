// Matrix products shared among workers give the very bits of one VM's `A * B`: through the
// library (pool.matmul) and inside programs (a VM with the pool attached), for square and
// non-square shapes and row counts that do not divide evenly among the workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Matrix, type Pool, VM } from "../../src/index.js";
import { moduleOf, printed, startPool } from "./pool-helpers.js";

const SHAPES: [number, number, number][] = [
  [5, 7, 3],
  [1, 4, 9],
  [2, 3, 2],
  [33, 17, 65],
  [130, 64, 31],
  [97, 101, 103],
];

/** A * B in one VM without a pool, and the operands, from rand with fixed seeds. */
async function reference(m: number, k: number, n: number, dtype: "f64" | "f32") {
  const vm = await VM.create();
  const conv = dtype === "f32" ? "f32" : "f64";
  const out = vm.run(moduleOf(`let A = ${conv}(rand(${m}, ${k}, 1))\nlet B = ${conv}(rand(${k}, ${n}, 2))\nlet C = A * B`));
  if (!out.ok) throw out.error;
  return [0, 1, 2].map((i) => vm.global(i) as Matrix);
}

describe("matrix products on a pool", () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await startPool(3);
  });
  afterAll(() => pool?.close());

  for (const dtype of ["f64", "f32"] as const) {
    it(`pool.matmul equals one VM's product bit for bit (${dtype})`, async () => {
      for (const [m, k, n] of SHAPES) {
        const [a, b, c] = await reference(m, k, n, dtype);
        const got = await pool.matmul(a, b);
        expect(got.shape).toEqual([m, n]);
        expect(got.dtype).toBe(dtype);
        expect(Array.from(got.data)).toEqual(Array.from(c.data));
      }
    });
  }

  it("rejects operands whose inner dimensions differ with 5002", async () => {
    const [a] = await reference(3, 4, 5, "f64");
    expect((await pool.matmul(a, a).catch((e) => e)).code).toBe(5002);
  });

  it("splits A * B inside a program and prints what one VM prints", async () => {
    const lines = SHAPES.map(
      ([m, k, n], i) =>
        `let C${i} = rand(${m}, ${k}, ${i}) * rand(${k}, ${n}, ${i + 10})\nprint(sum(C${i}), C${i}[${m - 1}, ${n - 1}], str(C${i}) == str(rand(${m}, ${k}, ${i}) * rand(${k}, ${n}, ${i + 10})))`,
    );
    const module = moduleOf(lines.join("\n") + "\nprint(f32(rand(40, 9, 1)) * f32(rand(9, 13, 2)))");
    const before = (await pool.workerStats()).map((s) => s.tasksRun);
    // every product of at least one multiply-add goes to the pool
    expect(await printed(module, pool, 1)).toBe(await printed(module));
    // the caller and two helpers (of three workers) shared them
    const after = (await pool.workerStats()).map((s) => s.tasksRun);
    expect(after.filter((n, i) => n > before[i]).length).toBe(2);
  });

  it("returns the same matrix values from an attached VM", async () => {
    const module = moduleOf("let C = rand(130, 70, 3) * rand(70, 45, 4)");
    const values = async (attach: boolean) => {
      const vm = await VM.create();
      if (attach) pool.attach(vm, { productWork: 1 });
      expect(vm.run(module).ok).toBe(true);
      return Array.from((vm.global(0) as Matrix).data);
    };
    expect(await values(true)).toEqual(await values(false));
  });
});
