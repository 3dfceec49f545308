// A few numerical builtins against numpy itself, when python3 with numpy is on this machine: the
// references in the other tests are written from numpy's documentation, this checks the reading.

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { type Nd, put, read, session, worst } from "./fixtures/nd.js";

const probe = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
const HAS_NUMPY = probe.status === 0;

/** Real numbers with no pattern numpy and Noodle could both get right by accident. */
function realArray(shape: number[], seed: number): Nd {
  const n = shape.reduce((a, b) => a * b, 1);
  const frac = (x: number) => x - Math.floor(x);
  return { shape, data: Array.from({ length: n }, (_, i) => Math.round(frac(Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453) * 60000) / 10000 - 3) };
}

interface Case {
  /** A Noodle expression over x and y. */
  noodle: string;
  /** The same in Python, over numpy arrays x and y. */
  numpy: string;
  x: Nd;
  y?: Nd;
}

const A = realArray([3, 4], 1),
  B = realArray([2, 3], 2),
  T = realArray([2, 3, 4], 3),
  U = realArray([2, 4, 5], 4),
  P = realArray([2, 1, 4], 5),
  Q = realArray([3, 1], 6),
  S = realArray([4, 4], 7);

const CASES: Case[] = [
  { noodle: "linspace(-1, 2.5, 8)", numpy: "np.linspace(-1, 2.5, 8)[None, :]", x: A },
  { noodle: "kron(x, y)", numpy: "np.kron(x, y)", x: A, y: B },
  { noodle: "std(x, 0)", numpy: "x.std(axis=0, keepdims=True)", x: A },
  { noodle: "var(x, 1)", numpy: "x.var(axis=1, keepdims=True)", x: A },
  { noodle: "std(x)", numpy: "x.std()", x: T },
  { noodle: "mean(x, 1)", numpy: "x.mean(axis=1)", x: T },
  { noodle: "var(x, -1)", numpy: "x.var(axis=-1)", x: T },
  { noodle: "cumsum(x, 0)", numpy: "x.cumsum(axis=0)", x: A },
  { noodle: "cumsum(x)", numpy: "x.cumsum()[None, :]", x: T },
  { noodle: "argmax(x, 2)", numpy: "x.argmax(axis=2)", x: T },
  { noodle: "argmin(x)", numpy: "x.argmin()", x: T },
  { noodle: "amax(x, 0)", numpy: "x.max(axis=0)", x: T },
  { noodle: "x + y", numpy: "x + y", x: P, y: Q },
  { noodle: "x ./ y", numpy: "x / y", x: Q, y: P },
  { noodle: "abs(x) .^ 1.5", numpy: "np.abs(x) ** 1.5", x: T },
  { noodle: "exp(x)", numpy: "np.exp(x)", x: A },
  { noodle: "log(abs(x))", numpy: "np.log(np.abs(x))", x: T },
  { noodle: "round(x .* 10)", numpy: "np.where(x * 10 >= 0, np.floor(x * 10 + 0.5), -np.floor(-x * 10 + 0.5))", x: A },
  { noodle: "permute(x, [2, 0, 1])", numpy: "np.transpose(x, (2, 0, 1))", x: T },
  { noodle: 'einsum("bij,bjk->bik", x, y)', numpy: 'np.einsum("bij,bjk->bik", x, y)', x: T, y: U },
  { noodle: 'einsum("ii->", x)', numpy: 'np.einsum("ii->", x)', x: S },
  { noodle: 'einsum("ij->ji", x)', numpy: 'np.einsum("ij->ji", x)', x: A },
  { noodle: "diag(x)", numpy: "np.diag(x)[:, None]", x: A },
  { noodle: "hstack([x, x])", numpy: "np.hstack([x, x])", x: A },
];

const PYTHON = `
import json, sys
import numpy as np
out = []
for c in json.load(sys.stdin):
    x = np.array(c["x"]["data"], dtype=np.float64).reshape(c["x"]["shape"])
    y = np.array(c["y"]["data"], dtype=np.float64).reshape(c["y"]["shape"]) if "y" in c else None
    r = np.asarray(eval(c["numpy"]), dtype=np.float64)
    out.append({"shape": list(r.shape), "data": r.reshape(-1).tolist()})
print(json.dumps(out))
`;

describe.skipIf(!HAS_NUMPY)("numpy agrees (skipped where python3 with numpy is missing)", () => {
  it("on construction, reductions, broadcasting, permute and einsum", async () => {
    const r = spawnSync("python3", ["-c", PYTHON], { input: JSON.stringify(CASES), encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const wants = JSON.parse(r.stdout) as Nd[];
    const s = await session();
    CASES.forEach((c, i) => {
      s.eval(`func __case${i}(x, y) { return ${c.noodle} }`);
      const got = read(s.call(`__case${i}`, put(s, c.x), c.y ? put(s, c.y) : null));
      const want = wants[i];
      if (typeof got === "number") {
        expect(want.shape, c.noodle).toEqual([]);
        expect(worst([got], want.data), c.noodle).toBeLessThan(1e-13);
        return;
      }
      expect(got.shape, c.noodle).toEqual(want.shape);
      expect(worst(got.data, want.data), c.noodle).toBeLessThan(1e-13);
    });
  });
});
