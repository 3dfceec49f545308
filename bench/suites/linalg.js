// The `linalg` suite: inverse, linear solve and determinant of an n x n f64
// matrix, n = 100 and 500, and the column sums and row maxima of the same
// matrix (reductions along an axis, memory-bound: a few flops per element).
//
// Every implementation works on the same, well-conditioned matrix: A =
// rand(n, n, seed) / n + eye(n) (Noodle's rand, rebuilt bit for bit in
// JavaScript for the peers), and b = rand(n, 1, seed'). (The identity plus
// rand scaled by 1/n rather than rand plus n I: the same matrix up to a factor
// n, whose determinant would overflow at n = 500.) Inputs are built once per
// case, before timing; a timed run is one operation. Each result is checked by
// its residual, computed in JavaScript from the inputs:
//   inverse  max |A X - I|                       (entrywise)
//   solve    |A x - b| / |b|                     (2-norms)
//   det      |d - d_ref| / |d_ref|, d_ref from the plain LU in peers/dense/plain.js
//   colsum   max |s - s_ref| / max |s_ref|        (s_ref: JavaScript loops)
//   rowmax   max |m - m_ref|                      (exact)
// gflops uses the nominal flop counts of LU-based methods: 2 n^3 (inverse),
// 2/3 n^3 + 2 n^2 (solve), 2/3 n^3 (det), and n^2 for the reductions.
//
// Node only: the peers load ml-matrix and TensorFlow.js from node_modules.

import { inProcess, loadMlMatrix, loadNoodle, loadTfjs, noodleSession, parsePrintedMatrix } from "../node/dense.js";
import { readText, rootRelative } from "../node/host.js";
import * as plain from "../peers/dense/plain.js";
import { noodleRand } from "../peers/dense/rand.js";

export const name = "linalg";

const SIZES = [100, 500];
const SEED_A = 11;
const SEED_B = 12;
const TOLERANCE = 1e-9;

const OPS = {
  inverse: {
    flops: (n) => 2 * n ** 3,
    residualOf: "max |A X - I|",
    noodle: { fn: "inverse_of_A", statement: "X = inv(A)", result: (s, _n) => parsePrintedMatrix(s.print("print(X)")) },
  },
  solve: {
    flops: (n) => (2 / 3) * n ** 3 + 2 * n ** 2,
    residualOf: "|A x - b| / |b|",
    noodle: { fn: "solve_for_b", statement: "x = A \\ b", result: (s) => parsePrintedMatrix(s.print("print(x)")) },
  },
  det: {
    flops: (n) => (2 / 3) * n ** 3,
    residualOf: "|d - d_ref| / |d_ref|",
    noodle: { fn: "det_of_A", statement: "d = det(A)", result: (s) => s.eval("d") },
  },
  colsum: {
    flops: (n) => n ** 2,
    residualOf: "max |s - s_ref| / max |s_ref|",
    noodle: { fn: "colsum_of_A", statement: "s = sum(A, 0)", result: (s) => parsePrintedMatrix(s.print("print(s)")) },
  },
  rowmax: {
    flops: (n) => n ** 2,
    residualOf: "max |m - m_ref|",
    noodle: { fn: "rowmax_of_A", statement: "m = amax(A, 1)", result: (s) => parsePrintedMatrix(s.print("print(m)")) },
  },
};

// ------------------------------------------------------------------ inputs and the check

const inputCache = new Map();

/** A (row-major) and b for size n, with the reference determinant. */
function inputs(n) {
  let entry = inputCache.get(n);
  if (!entry) {
    const a = noodleRand(n, n, SEED_A);
    for (let i = 0; i < a.length; i++) a[i] = a[i] / n + (i % (n + 1) === 0 ? 1 : 0);
    const b = noodleRand(n, 1, SEED_B);
    entry = { a, b, det: plain.det(a, n) };
    inputCache.set(n, entry);
  }
  return entry;
}

/** Column sums and row maxima of a (n x n, row-major) in plain loops. */
function columnSums(a, n) {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[j] += a[i * n + j];
  return s;
}

function rowMaxima(a, n) {
  const m = new Float64Array(n).fill(-Infinity);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i] = Math.max(m[i], a[i * n + j]);
  return m;
}

function residual(op, n, result) {
  const { a, b, det } = inputs(n);
  if (op === "det") return Math.abs(result - det) / Math.abs(det);
  if (op === "colsum" || op === "rowmax") {
    const ref = op === "colsum" ? columnSums(a, n) : rowMaxima(a, n);
    if (!result || result.length !== n) return NaN;
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(result[i] - ref[i]));
      scale = Math.max(scale, Math.abs(ref[i]));
    }
    return op === "colsum" ? worst / scale : worst;
  }
  if (!result || result.length !== (op === "inverse" ? n * n : n)) return NaN;
  if (op === "inverse") {
    const p = plain.matmul(a, result, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(p[i * n + j] - (i === j ? 1 : 0)));
    }
    return worst;
  }
  let rr = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    let s = -b[i];
    for (let k = 0; k < n; k++) s += a[i * n + k] * result[k];
    rr += s * s;
    bb += b[i] * b[i];
  }
  return Math.sqrt(rr / bb);
}

const agreeText = (op) => `${op}: residual within ${TOLERANCE}\n`;

/** The verdict on a result: the output text the harness compares, and the residual fields. */
function verdict(c, result) {
  const { op, n } = c.params;
  const r = residual(op, n, result);
  return {
    output: r <= TOLERANCE ? agreeText(op) : `${op}: residual ${r} (${OPS[op].residualOf}) above ${TOLERANCE}\n`,
    fields: { residual: Number(r.toPrecision(3)), residual_of: OPS[op].residualOf },
  };
}

// ------------------------------------------------------------------ implementations

const noodle = inProcess({
  name: "noodle",
  lang: "noodle-session",
  load: loadNoodle,
  async setup(c, path, { lib }) {
    const { op, n } = c.params;
    const spec = OPS[op].noodle;
    const s = await noodleSession(lib);
    s.eval(`let n = ${n}\nlet seed_a = ${SEED_A}\nlet seed_b = ${SEED_B}`, "<params>");
    s.eval(await readText(path), rootRelative(path));
    s.call(spec.fn);
    const check = verdict(c, spec.result(s, n));
    return {
      run: () => s.call(spec.fn),
      output: check.output,
      fields: {
        ...check.fields,
        timed: `one call from JavaScript of a compiled Noodle function doing ${spec.statement}, A and b built before`,
      },
    };
  },
});

const JS_OPS = {
  inverse: ({ a }, n) => plain.inverse(a, n),
  solve: ({ a, b }, n) => plain.solve(a, b, n),
  det: ({ a }, n) => plain.det(a, n),
  colsum: ({ a }, n) => columnSums(a, n),
  rowmax: ({ a }, n) => rowMaxima(a, n),
};

const js = inProcess({
  name: "js",
  lang: "js",
  load: async () => ({ fields: { version: `node ${process.version}` } }),
  async setup(c) {
    const { op, n } = c.params;
    const input = inputs(n);
    const run = () => JS_OPS[op](input, n);
    const check = verdict(c, run());
    return {
      run,
      output: check.output,
      fields: { ...check.fields, timed: op in plain ? `plain.${op}: LU with partial pivoting in JavaScript loops` : `${op}: JavaScript loops over the rows` },
    };
  },
});

const mlMatrix = inProcess({
  name: "ml-matrix",
  lang: "ml-matrix",
  load: loadMlMatrix,
  async setup(c, _path, { ml }) {
    const { op, n } = c.params;
    const { a, b } = inputs(n);
    const A = ml.Matrix.from1DArray(n, n, a);
    const B = ml.Matrix.columnVector(Array.from(b));
    const calls = {
      inverse: ["inverse(A)", () => ml.inverse(A), (X) => Float64Array.from(X.to1DArray())],
      solve: ["solve(A, b)", () => ml.solve(A, B), (x) => Float64Array.from(x.to1DArray())],
      det: ["determinant(A)", () => ml.determinant(A), (d) => d],
      colsum: ["A.sum('column')", () => A.sum("column"), (s) => Float64Array.from(s)],
      rowmax: ["A.maxRow(i) for each row", () => Float64Array.from({ length: n }, (_, i) => A.maxRow(i)), (m) => m],
    };
    const [what, run, read] = calls[op];
    const check = verdict(c, read(run()));
    return { run, output: check.output, fields: { ...check.fields, timed: what } };
  },
});

// TensorFlow.js has no inverse, solve or determinant (tf.linalg has only a few
// decompositions), so its peers report why they are skipped, once.
function tfjsPeer(backend) {
  return inProcess({
    name: `tfjs-backend-${backend}`,
    lang: "tfjs",
    async load() {
      const { tf } = await loadTfjs(backend);
      const has = Object.keys(tf.linalg ?? {});
      throw new Error(
        `@tensorflow/tfjs-core ${tf.version_core} has no matrix inverse, solve or determinant ` + `(tf.linalg offers ${has.join(", ") || "nothing"})`,
      );
    },
    setup() {
      throw new Error("unreachable: the peer is skipped at init");
    },
  });
}

export const peers = [noodle, js, mlMatrix, tfjsPeer("wasm"), tfjsPeer("cpu")];

// ------------------------------------------------------------------ cases

export const cases = Object.entries(OPS).flatMap(([op, spec]) =>
  SIZES.map((n) => ({
    name: `${op}-${n}`,
    params: { op, n, dtype: "f64" },
    sources: {
      "noodle-session": "programs/linalg.nc",
      js: "peers/dense/plain.js",
      "ml-matrix": "suites/linalg.js",
    },
    expected: agreeText(op),
    derive: (line) => ({ gflops: Math.round((spec.flops(n) / line.ms / 1e6) * 100) / 100 }),
  })),
);
