// The `linalg` suite: inverse, linear solve and determinant of an n x n f64
// matrix, n = 100 and 500, the column sums and row maxima of the same
// matrix (reductions along an axis, memory-bound: a few flops per element),
// and the decompositions qr, chol, eigh and svd at n = 500 (see DECOMPOSITIONS below).
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
// Node only: the peers load ml-matrix and TensorFlow.js from node_modules, and
// numpy runs in a python3 child process.

import { inProcess, loadMlMatrix, loadNoodle, loadTfjs, noodleSession, parsePrintedMatrix } from "../node/dense.js";
import { readText, rootRelative } from "../node/host.js";
import { numpyPeer } from "../node/numpy.js";
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

// The decompositions, at n = 500 only. Their inputs all come from X = rand(n, n, SEED_A) by
// elementwise steps done the same way in Noodle (programs/decompositions.nc) and here, so
// every implementation factors the same bits: X itself (qr, svd), H = (X + X') * 0.5 (eigh)
// and S = H + n I (chol). Every implementation returns the same factors (Q and R; L; the
// eigenvalues and vectors; U, S and V), and a result is checked by the defining equalities,
// computed in JavaScript (Frobenius norms; orthogonality scaled by 1 / sqrt(n)):
//   qr    |Q R - X| / |X|, |Q'Q - I|, and R upper triangular
//   chol  |L L' - S| / |S|, and L lower triangular
//   eigh  |H V - V diag(w)| / |H|, |V'V - I|
//   svd   |U diag(s) V' - X| / |X|, |U'U - I|, |V'V - I|
// gflops uses the nominal counts of these algorithms (Golub and Van Loan): 8/3 n^3 for QR
// with Q formed, n^3 / 3 for Cholesky, 9 n^3 for the symmetric eigensolver with vectors and
// 21 n^3 for the thin SVD with both factors.
const DECOMPOSITION_SIZES = [500];

const DECOMPOSITIONS = {
  qr: { input: "X", flops: (n) => (8 / 3) * n ** 3, keys: ["Q", "R"], statement: "F = qr(X)", fn: "qr_of_X", numpy: "numpy.linalg.qr(X)" },
  chol: { input: "S", flops: (n) => n ** 3 / 3, keys: null, statement: "F = chol(S)", fn: "chol_of_S", numpy: "numpy.linalg.cholesky(S)" },
  eigh: { input: "H", flops: (n) => 9 * n ** 3, keys: ["values", "vectors"], statement: "F = eigh(H)", fn: "eigh_of_H", numpy: "numpy.linalg.eigh(H)" },
  svd: {
    input: "X",
    flops: (n) => 21 * n ** 3,
    keys: ["U", "S", "V"],
    statement: "F = svd(X)",
    fn: "svd_of_X",
    numpy: "numpy.linalg.svd(X, full_matrices=False)",
  },
};

const RESIDUAL_OF = {
  qr: "max(|QR - X| / |X|, |Q'Q - I| / sqrt(n), max |R below the diagonal| / |X|)",
  chol: "max(|LL' - S| / |S|, max |L above the diagonal| / |S|)",
  eigh: "max(|HV - V diag(w)| / |H|, |V'V - I| / sqrt(n))",
  svd: "max(|U diag(s) V' - X| / |X|, |U'U - I| / sqrt(n), |V'V - I| / sqrt(n))",
};

const decompositionCache = new Map();

/** X, H and S for size n, row-major. */
function decompositionInputs(n) {
  let entry = decompositionCache.get(n);
  if (!entry) {
    const X = noodleRand(n, n, SEED_A);
    const H = new Float64Array(n * n);
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        H[i * n + j] = (X[i * n + j] + X[j * n + i]) * 0.5;
        S[i * n + j] = H[i * n + j] + (i === j ? n : 0);
      }
    }
    entry = { X, H, S };
    decompositionCache.set(n, entry);
  }
  return entry;
}

const transposed = (a, n) => {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
};
const frobenius = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
/** |a - b| (Frobenius), b scaled column by column when `cols` is given. */
const distance = (a, b, cols) => {
  let s = 0;
  const n = cols?.length ?? 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - (cols ? b[i] * cols[i % n] : b[i]);
    s += d * d;
  }
  return Math.sqrt(s);
};
/** |A'A - I| / sqrt(n) for an n x n A. */
const orthogonality = (a, n) => {
  const p = plain.matmul(transposed(a, n), a, n);
  for (let i = 0; i < n; i++) p[i * n + i] -= 1;
  return frobenius(p) / Math.sqrt(n);
};
/** The largest |a[i][j]| strictly below (below = true) or above the diagonal. */
const offTriangle = (a, n, below) => {
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (below ? j < i : j > i) worst = Math.max(worst, Math.abs(a[i * n + j]));
  return worst;
};

/** The residual of a decomposition's factors (row-major arrays in DECOMPOSITIONS' key order). */
function decompositionResidual(op, n, out) {
  const input = decompositionInputs(n)[DECOMPOSITIONS[op].input];
  const size = (a, len) => a && a.length === len;
  const scale = frobenius(input);
  switch (op) {
    case "qr": {
      const [q, r] = out;
      if (!size(q, n * n) || !size(r, n * n)) return NaN;
      return Math.max(distance(plain.matmul(q, r, n), input) / scale, orthogonality(q, n), offTriangle(r, n, true) / scale);
    }
    case "chol": {
      const [l] = out;
      if (!size(l, n * n)) return NaN;
      return Math.max(distance(plain.matmul(l, transposed(l, n), n), input) / scale, offTriangle(l, n, false) / scale);
    }
    case "eigh": {
      const [w, v] = out;
      if (!size(w, n) || !size(v, n * n)) return NaN;
      return Math.max(distance(plain.matmul(input, v, n), v, w) / scale, orthogonality(v, n));
    }
    case "svd": {
      const [u, s, v] = out;
      if (!size(u, n * n) || !size(s, n) || !size(v, n * n)) return NaN;
      const us = u.map((x, i) => x * s[i % n]);
      return Math.max(distance(plain.matmul(us, transposed(v, n), n), input) / scale, orthogonality(u, n), orthogonality(v, n));
    }
  }
  return NaN;
}

/** The verdict on a decomposition's factors, as `verdict` below gives for the other operations. */
function decompositionVerdict(c, out) {
  const { op, n } = c.params;
  const r = decompositionResidual(op, n, out);
  return {
    output: r <= TOLERANCE ? agreeText(op) : `${op}: residual ${r} (${RESIDUAL_OF[op]}) above ${TOLERANCE}\n`,
    fields: { residual: Number(r.toPrecision(3)), residual_of: RESIDUAL_OF[op] },
  };
}

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
    if (op in DECOMPOSITIONS) return noodleDecomposition(c, path, lib);
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

async function noodleDecomposition(c, path, lib) {
  const { op, n } = c.params;
  const spec = DECOMPOSITIONS[op];
  const s = await noodleSession(lib);
  s.eval(`let n = ${n}\nlet seed_a = ${SEED_A}`, "<params>");
  s.eval(await readText(path), rootRelative(path));
  s.call(spec.fn);
  const factors = s.eval(`factors(${spec.keys ? JSON.stringify(spec.keys) : "nil"})`);
  const check = decompositionVerdict(
    c,
    factors.map((m) => Float64Array.from(m.data)),
  );
  return {
    run: () => s.call(spec.fn),
    output: check.output,
    fields: { ...check.fields, timed: `one call from JavaScript of a compiled Noodle function doing ${spec.statement}, the input built before` },
  };
}

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
    if (op in DECOMPOSITIONS) return mlDecomposition(c, ml);
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

/** ml-matrix's decomposition classes, asked for the same factors as Noodle returns. */
function mlDecomposition(c, ml) {
  const { op, n } = c.params;
  const input = ml.Matrix.from1DArray(n, n, decompositionInputs(n)[DECOMPOSITIONS[op].input]);
  const flat = (m) => Float64Array.from(Array.isArray(m) ? m : m.to1DArray());
  const calls = {
    qr: [
      "new QrDecomposition(X), then its orthogonalMatrix and upperTriangularMatrix",
      () => {
        const d = new ml.QrDecomposition(input);
        return [d.orthogonalMatrix, d.upperTriangularMatrix];
      },
    ],
    chol: ["new CholeskyDecomposition(S), then its lowerTriangularMatrix", () => [new ml.CholeskyDecomposition(input).lowerTriangularMatrix]],
    eigh: [
      "new EigenvalueDecomposition(H, { assumeSymmetric: true }), then its realEigenvalues and eigenvectorMatrix",
      () => {
        const d = new ml.EigenvalueDecomposition(input, { assumeSymmetric: true });
        return [d.realEigenvalues, d.eigenvectorMatrix];
      },
    ],
    svd: [
      "new SingularValueDecomposition(X), then its U, diagonal and V",
      () => {
        const d = new ml.SingularValueDecomposition(input);
        return [d.leftSingularVectors, d.diagonal, d.rightSingularVectors];
      },
    ],
  };
  const [what, run] = calls[op];
  const check = decompositionVerdict(c, run().map(flat));
  // a run takes seconds here: the checked run warmed the code
  return { run, output: check.output, skipWarmup: true, fields: { ...check.fields, timed: what } };
}

const numpy = numpyPeer((c) => {
  const { op, n } = c.params;
  const spec = DECOMPOSITIONS[op];
  return { op, n, a: decompositionInputs(n)[spec.input], what: spec.numpy, check: (out) => decompositionVerdict(c, out) };
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

export const peers = [noodle, js, mlMatrix, numpy, tfjsPeer("wasm"), tfjsPeer("cpu")];

// ------------------------------------------------------------------ cases

export const cases = [
  ...Object.entries(OPS).flatMap(([op, spec]) =>
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
  ),
  ...Object.entries(DECOMPOSITIONS).flatMap(([op, spec]) =>
    DECOMPOSITION_SIZES.map((n) => ({
      name: `${op}-${n}`,
      params: { op, n, dtype: "f64" },
      sources: {
        "noodle-session": "programs/decompositions.nc",
        "ml-matrix": "suites/linalg.js",
        numpy: "peers/dense/numpy_peer.py",
      },
      expected: agreeText(op),
      derive: (line) => ({ gflops: Math.round((spec.flops(n) / line.ms / 1e6) * 100) / 100 }),
    })),
  ),
];
