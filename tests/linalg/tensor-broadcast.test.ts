// Tensors in spec 1.1 section 5: numpy's broadcasting for the elementwise operators, permute and
// einsum, against plain JavaScript loops (fast-check), on f64 and f32, with their errors.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { broadcastRef, count, einsumRef, type Nd, ndOf, permuteRef, put, read, readArray, rounder, session, shapeArb, worst } from "./fixtures/nd.js";

const OPS: Record<string, (x: number, y: number) => number> = {
  "+": (x, y) => x + y,
  "-": (x, y) => x - y,
  ".*": (x, y) => x * y,
  "./": (x, y) => x / y,
  ".^": (x, y) => x ** y,
};

/** Two shapes that broadcast: each drops some leading axes of a common shape and sets some to 1. */
const broadcastPair = shapeArb(4, 4).chain((shape) => {
  const side = fc.tuple(fc.integer({ min: 0, max: shape.length - 1 }), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }));
  return fc.tuple(side, side).map(([[da, oa], [db, ob]]) => {
    const a = shape.slice(da).map((d, k) => (oa[k + da] ? 1 : d));
    const b = shape.slice(db).map((d, k) => (ob[k + db] ? 1 : d));
    return [a, b] as const;
  });
});

describe("broadcasting", () => {
  it("matches the reference for + - .* ./ .^ on random shapes, f64 and f32", async () => {
    const s = await session();
    for (const [i, op] of Object.keys(OPS).entries()) s.eval(`func __op${i}(a, b) { return a ${op} b }`);
    const arrays = broadcastPair.chain(([sa, sb]) => fc.tuple(ndOf(sa), ndOf(sb)));
    fc.assert(
      fc.property(arrays, fc.constantFrom("f64", "f32"), fc.constantFrom("f64", "f32"), ([a, b], da, db) => {
        // at least one tensor: matrices alone keep to equal shapes
        if (a.shape.length === 2 && b.shape.length === 2) a = { shape: [1, ...a.shape], data: a.data };
        const va = put(s, a, da),
          vb = put(s, b, db);
        const dtype = da === "f32" && db === "f32" ? "f32" : "f64";
        const r = rounder(dtype);
        for (const [i, [op, f]] of Object.entries(OPS).entries()) {
          // positive bases for powers
          const g = op === ".^" ? (x: number, y: number) => f(Math.abs(x) + 1, y) : f;
          const left = op === ".^" ? put(s, { shape: a.shape, data: a.data.map((x) => Math.abs(x) + 1) }, da) : va;
          const want = broadcastRef(a, b, g);
          const out = readArray(s.call(`__op${i}`, left, vb));
          expect(out.kind, op).toBe("tensor");
          expect(out.shape, `${a.shape} ${op} ${b.shape}`).toEqual(want.shape);
          expect(out.dtype).toBe(dtype);
          // powers are the core's own (JavaScript's ** can be an ulp off: 10 ** -4)
          if (op === ".^") expect(worst(out.data, want.data.map(r)), `${a.shape} ${op} ${b.shape}`).toBeLessThan(dtype === "f32" ? 1.2e-7 : 1e-15);
          else expect(out.data, `${a.shape} ${op} ${b.shape}`).toEqual(want.data.map(r));
        }
      }),
      { numRuns: 150, seed: 17 },
    );
  });

  it("refuses shapes that do not fit (5002, naming both), and matrices of different shapes", async () => {
    const s = await session();
    const cases: [string, string][] = [
      ["tensor([2, 3, 4]) + tensor([3, 3])", "shapes do not fit: [2, 3, 4] and [3, 3]"],
      ["tensor([2, 3, 1]) .* tensor([4, 3, 2])", "shapes do not fit: [2, 3, 1] and [4, 3, 2]"],
      ["ones(2, 3) - tensor([2, 2, 2])", "shapes do not fit: [2, 3] and [2, 2, 2]"],
      ["ones(2, 3) + ones(1, 3)", "shapes do not fit: [2, 3] and [1, 3]"],
    ];
    for (const [src, message] of cases) {
      const e = s.eval(src);
      expect(e.error?.code, src).toBe(5002);
      expect(e.error?.message).toBe(message);
    }
  });

  it("gives a tensor of the common shape for a matrix and a tensor, and works on empty axes", async () => {
    const s = await session();
    const out = readArray(s.eval("ones(2, 3) + tensor([4, 1, 3], 1)").value);
    expect(out).toMatchObject({ kind: "tensor", shape: [4, 2, 3] });
    expect(out.data.every((x) => x === 2)).toBe(true);
    expect(readArray(s.eval("tensor([0, 3, 1]) .* tensor([1, 1, 2])").value).shape).toEqual([0, 3, 2]);
  });
});

describe("permute", () => {
  it("matches numpy's transpose on random shapes and axis orders", async () => {
    const s = await session();
    s.eval("func __permute(x, p) { return permute(x, p) }");
    const arb = shapeArb(5, 4).chain((shape) =>
      fc.tuple(ndOf(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length })),
    );
    fc.assert(
      fc.property(arb, fc.constantFrom("f64", "f32"), fc.boolean(), ([a, perm], dtype, negative) => {
        const want = permuteRef(a, perm);
        const axes = negative ? perm.map((p) => p - perm.length) : perm;
        const out = readArray(s.call("__permute", put(s, a, dtype), axes));
        expect(out).toEqual({ kind: a.shape.length === 2 ? "matrix" : "tensor", dtype, shape: want.shape, data: want.data });
      }),
      { numRuns: 100, seed: 2 },
    );
    expect(s.eval("permute(matrix([[1, 2, 3], [4, 5, 6]]), [1, 0]) == matrix([[1, 2, 3], [4, 5, 6]])'").value).toBe(true);
  });

  it("refuses axes that are not each axis once (5002) and non-arrays (5001)", async () => {
    const s = await session();
    for (const axes of ["[0, 0, 1]", "[0, 1]", "[0, 1, 3]", "[0, 1, 2, 3]", "[0.5, 1, 2]"]) {
      const e = s.eval(`permute(tensor([2, 3, 4]), ${axes})`);
      expect(e.error?.code, axes).toBe(5002);
      expect(e.error?.message).toBe(`shapes do not fit: permute of [2, 3, 4] by axes ${axes}`);
    }
    expect(s.eval("permute([1, 2], [0])").error?.code).toBe(5001);
    expect(s.eval('permute(eye(2), ["a", 0])').error?.code).toBe(5001);
  });
});

describe("einsum", () => {
  const FORMS: [string, number[][]][] = [
    [
      "ij,jk->ik",
      [
        [3, 4],
        [4, 5],
      ],
    ],
    [
      "bij,bjk->bik",
      [
        [2, 3, 4],
        [2, 4, 5],
      ],
    ],
    ["ii->", [[4, 4]]],
    ["ij->ji", [[3, 5]]],
    ["ii->i", [[3, 3]]],
    ["ij->", [[3, 2]]],
    ["ijk->kji", [[2, 3, 4]]],
    [
      "ij,ij->",
      [
        [3, 4],
        [3, 4],
      ],
    ],
    ["i,i->", [[5], [5]]],
    ["i,j->ij", [[3], [4]]],
    [
      "ij,jk->ki",
      [
        [2, 3],
        [3, 4],
      ],
    ],
    [
      "bij,bkj->bki",
      [
        [2, 3, 4],
        [2, 5, 4],
      ],
    ],
    [
      "bij,jk->bik",
      [
        [2, 3, 4],
        [4, 2],
      ],
    ],
    [
      "ijk,ikl->jl",
      [
        [2, 3, 4],
        [2, 4, 3],
      ],
    ],
    [
      "ij,jj->i",
      [
        [2, 3],
        [3, 3],
      ],
    ],
    [
      "aij,ajk->aik",
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
    ],
  ];

  it("gives the plain loop's result for each form, f64 and f32, on random numbers", async () => {
    const s = await session();
    s.eval("func __e1(spec, x) { return einsum(spec, x) }");
    s.eval("func __e2(spec, x, y) { return einsum(spec, x, y) }");
    for (const [spec, shapes] of FORMS) {
      fc.assert(
        fc.property(fc.tuple(...shapes.map(ndOf)), fc.constantFrom("f64", "f32"), (ops: Nd[], dtype) => {
          const want = einsumRef(spec, ...ops);
          const vs = ops.map((o) => put(s, o, dtype));
          const got = read(ops.length === 1 ? s.call("__e1", spec, vs[0]) : s.call("__e2", spec, vs[0], vs[1]));
          if (want.shape.length === 0) {
            expect(got, spec).toBe(want.data[0]);
            return;
          }
          const out = got as Exclude<typeof got, number>;
          expect(out.kind, spec).toBe(want.shape.length === 2 ? "matrix" : "tensor");
          expect(out.shape, spec).toEqual(want.shape);
          expect(out.dtype).toBe(dtype);
          expect(out.data, spec).toEqual(want.data);
        }),
        { numRuns: 15, seed: 1 },
      );
    }
  });

  it("goes through the product kernel for random batched shapes, matching the loop", async () => {
    const s = await session();
    s.eval("func __e2(spec, x, y) { return einsum(spec, x, y) }");
    const dims = fc.integer({ min: 1, max: 9 });
    fc.assert(
      fc.property(dims, dims, dims, dims, (b, i, j, k) => {
        const x: Nd = { shape: [b, i, j], data: Array.from({ length: b * i * j }, (_, n) => ((n * 7) % 11) - 5) };
        const y: Nd = { shape: [b, j, k], data: Array.from({ length: b * j * k }, (_, n) => ((n * 5) % 13) - 6) };
        const got = readArray(s.call("__e2", "bij,bjk->bik", put(s, x), put(s, y)));
        const want = einsumRef("bij,bjk->bik", x, y);
        expect(got.shape).toEqual(want.shape);
        expect(got.data).toEqual(want.data);
        expect(count(got.shape)).toBe(b * i * k);
      }),
      { numRuns: 40, seed: 6 },
    );
  });

  it("refuses bad specs (3011) and shapes that do not fit them (5002)", async () => {
    const s = await session();
    const invalid: [string, string][] = [
      ['einsum("ij", eye(2))', 'invalid argument to einsum: ij needs an explicit output, as in "ij->ji"'],
      ['einsum("ij,jk->ik", eye(2))', "invalid argument to einsum: ij,jk->ik names two operands"],
      ['einsum("ij->ij", eye(2), eye(2))', "invalid argument to einsum: ij->ij names one operand"],
      ['einsum("i1->i", eye(2))', 'invalid argument to einsum: i1->i may hold only letters, one comma and "->"'],
      ['einsum("ij->ii", eye(2))', "invalid argument to einsum: ij->ii repeats an output index"],
      ['einsum("ij->k", eye(2))', "invalid argument to einsum: ij->k has an output index in no operand"],
      ['einsum("i,j,k->ijk", eye(2), eye(2))', "invalid argument to einsum: i,j,k->ijk has more than two operands"],
    ];
    for (const [src, message] of invalid) {
      const e = s.eval(src);
      expect(e.error?.code, src).toBe(3011);
      expect(e.error?.message).toBe(message);
    }
    const mismatch: [string, string][] = [
      ['einsum("ij,jk->ik", ones(2, 3), ones(2, 3))', "shapes do not fit: einsum ij,jk->ik of [2, 3] and [2, 3]"],
      ['einsum("ijk->kji", eye(2))', "shapes do not fit: einsum ijk->kji of [2, 2]"],
      ['einsum("ii->", ones(2, 3))', "shapes do not fit: einsum ii-> of [2, 3]"],
    ];
    for (const [src, message] of mismatch) {
      const e = s.eval(src);
      expect(e.error?.code, src).toBe(5002);
      expect(e.error?.message).toBe(message);
    }
    expect(s.eval("einsum(1, eye(2))").error?.code).toBe(5001);
    expect(s.eval('einsum("ij->ji", [1])').error?.code).toBe(5001);
  });
});
