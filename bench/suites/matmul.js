// The `matmul` suite: the dense product C = A * B of two n x n matrices, f64
// and f32, for n = 128 ... 1024, in GFLOP/s (2 n^3 / time).
//
// Every implementation multiplies the same matrices: Noodle's rand(n, n, seed)
// (rounded to f32 for f32), which the peers rebuild bit for bit in JavaScript.
// Inputs are built once per case, before timing; a timed run is one product.
// Each result is checked against a reference computed from the inputs alone:
// its sum (which equals sum over k of column sums of A times row sums of B, an
// O(n^2) formula no product code shares) and a few entries (dot products).
//
// Node only: the peers load ml-matrix and TensorFlow.js from node_modules.

import { median, round3 } from "../harness.js";
import { inProcess, loadMlMatrix, loadNoodle, loadTfjs, noodleSession } from "../node/dense.js";
import { readText, rootRelative } from "../node/host.js";
import * as plain from "../peers/dense/plain.js";
import { noodleRand } from "../peers/dense/rand.js";

export const name = "matmul";

const SIZES = [128, 256, 512, 1024];
const SEED_A = 1;
const SEED_B = 2;

// Relative error allowed in the checksum and checked entries. Every entry is a
// sum of n positive products, so f32 results stay within n * 2^-24 (6e-5 at
// n = 1024) whatever the summation order.
const TOLERANCE = { f64: 1e-9, f32: 1e-4 };

// The slow peers at this size and above skip the harness's warm-up calls, so
// the suite stays within minutes (one product takes them seconds).
const SLOW_PEERS = new Set(["js", "ml-matrix", "tfjs-backend-cpu"]);
const SLOW_FROM_N = 1024;
const slow = (impl, n) => SLOW_PEERS.has(impl) && n >= SLOW_FROM_N;

// Noodle's kernel figure: a Noodle loop of products lasting about this long,
// measured max(5, --runs) times.
const KERNEL_LOOP_MS = 250;

// ------------------------------------------------------------------ inputs and the check

const inputCache = new Map();

/** A and B for a case (typed arrays, row-major) and the reference figures of A * B. */
function inputs(n, dtype) {
  const key = `${dtype}:${n}`;
  let entry = inputCache.get(key);
  if (!entry) {
    let a, b;
    if (dtype === "f32") {
      const wide = inputs(n, "f64");
      [a, b] = [Float32Array.from(wide.a), Float32Array.from(wide.b)];
    } else {
      [a, b] = [noodleRand(n, n, SEED_A), noodleRand(n, n, SEED_B)];
    }
    entry = { a, b, reference: reference(a, b, n) };
    inputCache.set(key, entry);
  }
  return entry;
}

/** Where C is probed: the corners (edge tiles of blocked kernels) and a few inner entries. */
function probes(n) {
  const m = n - 1;
  return [
    [0, 0],
    [0, m],
    [m, 0],
    [m, m],
    [n >> 1, (n / 3) | 0],
    [(n / 3) | 0, ((2 * n) / 3) | 0],
    [1, m - 1],
    [m - 2, 3],
  ];
}

function reference(a, b, n) {
  const colA = new Float64Array(n);
  const rowB = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      colA[k] += a[i * n + k];
      rowB[i] += b[i * n + k];
    }
  }
  let checksum = 0;
  for (let k = 0; k < n; k++) checksum += colA[k] * rowB[k];
  const entries = probes(n).map(([i, j]) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
    return s;
  });
  return { checksum, entries };
}

/** Checksum and probed entries of a row-major result. */
function summarise(c, n) {
  let checksum = 0;
  for (let i = 0; i < c.length; i++) checksum += c[i];
  return { checksum, entries: probes(n).map(([i, j]) => c[i * n + j]) };
}

const agreeText = (c) => `C agrees with the reference (sum and ${probes(c.params.n).length} entries within ${TOLERANCE[c.params.dtype]} relative)\n`;

/**
 * The verdict on one implementation's result: the output text the harness
 * compares (the same for every implementation when right) and the fields
 * `checksum` (sum of C) and `max_rel_err`.
 */
function verdict(c, got) {
  const { n, dtype } = c.params;
  const ref = inputs(n, dtype).reference;
  const pairs = [["sum(C)", got.checksum, ref.checksum]];
  probes(n).forEach(([i, j], k) => pairs.push([`C[${i}, ${j}]`, got.entries[k], ref.entries[k]]));
  let worst = 0;
  let bad = null;
  for (const [what, value, expected] of pairs) {
    const err = Math.abs(value - expected) / Math.abs(expected);
    if (!(err <= TOLERANCE[dtype])) bad ??= `C differs from the reference: ${what} = ${value}, reference ${expected}\n`;
    worst = Math.max(worst, err); // a NaN stays
  }
  return {
    output: bad ?? agreeText(c),
    fields: { checksum: got.checksum, max_rel_err: Number(worst.toPrecision(3)) },
  };
}

// ------------------------------------------------------------------ implementations

const noodle = inProcess({
  name: "noodle",
  lang: "noodle-session",
  load: loadNoodle,
  async setup(c, path, { lib }, opts) {
    const { n, dtype } = c.params;
    const s = await noodleSession(lib);
    s.eval(`let n = ${n}\nlet single = ${dtype === "f32"}\nlet seed_a = ${SEED_A}\nlet seed_b = ${SEED_B}`, "<params>");
    s.eval(await readText(path), rootRelative(path));
    const values = s.eval(
      `[sum(C), ${probes(n)
        .map(([i, j]) => `C[${i}, ${j}]`)
        .join(", ")}]`,
    );
    const check = verdict(c, { checksum: values[0], entries: values.slice(1) });

    // The kernel figure: products in a Noodle loop, as tightly as Noodle code
    // runs them, against one product statement, both timed with clock() in
    // Noodle. They are measured in back-to-back pairs so that the load of a
    // shared machine, which drifts over seconds, falls on both alike.
    const t0 = performance.now();
    s.call("product");
    const once = performance.now() - t0;
    const iterations = Math.max(3, Math.min(2000, Math.ceil(KERNEL_LOOP_MS / Math.max(once, 1e-3))));
    const pairs = Math.max(5, opts.runs);
    const statements = [];
    const kernels = [];
    const ratios = [];
    for (let i = 0; i < pairs; i++) {
      statements.push(s.call("statement"));
      kernels.push(s.call("kernel", iterations));
      ratios.push(statements[i] / kernels[i]);
    }

    return {
      run: () => s.call("product"),
      output: check.output,
      fields: {
        ...check.fields,
        timed:
          "ms: one call from JavaScript of a compiled Noodle function doing C = A * B, A and B built before; " +
          "statement_ms: that statement timed with clock() in Noodle; kernel_ms: per product of a Noodle loop " +
          "doing C = A * B, timed with clock(); overhead_pct: median of statement / kernel - 1 over back-to-back pairs",
        statement_ms: round3(median(statements)),
        kernel_ms: round3(median(kernels)),
        kernel_iterations: iterations,
        kernel_pairs: pairs,
        overhead_pct: Math.round((median(ratios) - 1) * 1000) / 10,
      },
    };
  },
});

const js = inProcess({
  name: "js",
  lang: "js",
  load: async () => ({ fields: { version: `node ${process.version}` } }),
  async setup(c) {
    const { n, dtype } = c.params;
    const { a, b } = inputs(n, dtype);
    const Type = dtype === "f32" ? Float32Array : Float64Array;
    const check = verdict(c, summarise(plain.matmul(a, b, n, Type), n));
    return {
      run: () => plain.matmul(a, b, n, Type),
      output: check.output,
      fields: { ...check.fields, timed: "plain.matmul(a, b, n): i-k-j loops over typed arrays" },
      skipWarmup: slow("js", n),
    };
  },
});

const mlMatrix = inProcess({
  name: "ml-matrix",
  lang: "ml-matrix",
  load: loadMlMatrix,
  async setup(c, _path, { ml }) {
    const { n, dtype } = c.params;
    const { a, b } = inputs(n, dtype);
    const A = ml.Matrix.from1DArray(n, n, a);
    const B = ml.Matrix.from1DArray(n, n, b);
    const C = A.mmul(B);
    const check = verdict(c, { checksum: C.sum(), entries: probes(n).map(([i, j]) => C.get(i, j)) });
    return {
      run: () => A.mmul(B),
      output: check.output,
      fields: { ...check.fields, timed: "A.mmul(B) on ml-matrix Matrix objects" },
      skipWarmup: slow("ml-matrix", n),
    };
  },
});

function tfjsPeer(backend) {
  const name = `tfjs-backend-${backend}`;
  let held = []; // tensors of the previous case, freed by the next one
  return inProcess({
    name,
    lang: "tfjs",
    load: () => loadTfjs(backend),
    async setup(c, _path, { tf }) {
      const { n, dtype } = c.params;
      await tf.setBackend(backend);
      for (const t of held) t.dispose();
      const { a, b } = inputs(n, dtype);
      const A = tf.tensor2d(a, [n, n], "float32");
      const B = tf.tensor2d(b, [n, n], "float32");
      let C = tf.matMul(A, B);
      held = [A, B, C];
      const check = verdict(c, summarise(C.dataSync(), n));
      return {
        // The cpu and wasm backends run a kernel synchronously inside the
        // call; the result stays in the backend, as Noodle's stays in its heap.
        run() {
          C.dispose();
          C = tf.matMul(A, B);
          held[2] = C;
        },
        output: check.output,
        fields: { ...check.fields, timed: "tf.matMul(A, B), float32 tensors on the backend" },
        skipWarmup: slow(name, n),
      };
    },
  });
}

export const peers = [noodle, js, mlMatrix, tfjsPeer("wasm"), tfjsPeer("cpu")];

// ------------------------------------------------------------------ cases

function matmulCase(dtype, n) {
  const sources = {
    "noodle-session": "programs/matmul.nc",
    js: "peers/dense/plain.js",
  };
  // ml-matrix has only float64; TensorFlow.js has no float64.
  if (dtype === "f64") sources["ml-matrix"] = "suites/matmul.js";
  else sources.tfjs = "suites/matmul.js";
  const flops = 2 * n ** 3;
  const gflops = (ms) => Math.round((flops / ms / 1e6) * 100) / 100;
  return {
    name: `${dtype}-${n}`,
    params: { n, dtype },
    sources,
    expected: agreeText({ params: { n, dtype } }),
    derive(line) {
      const out = { gflops: gflops(line.ms) };
      if (line.kernel_ms !== undefined) out.kernel_gflops = gflops(line.kernel_ms);
      return out;
    },
  };
}

export const cases = ["f64", "f32"].flatMap((dtype) => SIZES.map((n) => matmulCase(dtype, n)));
