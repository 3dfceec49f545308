// The `js` peer of the matmul and linalg suites: dense linear algebra in plain
// JavaScript loops over row-major typed arrays, written the way one would
// without a library (no blocking, no SIMD).

/**
 * C = A * B for n x n matrices, in i-k-j order so that the inner loop walks a
 * row of B and a row of C contiguously. `Type` is Float64Array or Float32Array
 * (with Float32Array every update of C is rounded to f32).
 * @param {Float64ArrayConstructor | Float32ArrayConstructor} [Type]
 */
export function matmul(a, b, n, Type = Float64Array) {
  const c = new Type(n * n);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ci + k];
      const bk = k * n;
      for (let j = 0; j < n; j++) c[ci + j] += aik * b[bk + j];
    }
  }
  return c;
}

/**
 * LU factorisation with partial pivoting of an n x n matrix: P A = L U, with L
 * (unit diagonal, below) and U (on and above the diagonal) packed in `lu`.
 * `perm[i]` is the row of A that became row i; `sign` is det(P).
 * Throws when a pivot is zero (A singular).
 */
export function lu(a, n) {
  const m = Float64Array.from(a);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(m[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k]);
      if (v > best) [p, best] = [i, v];
    }
    if (best === 0) throw new Error("singular matrix");
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      sign = -sign;
    }
    const pivot = m[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (m[i * n + k] /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j];
    }
  }
  return { lu: m, perm, sign };
}

/**
 * Solves A X = B in place on `x` (n x r, row-major, already permuted by P)
 * with the factors of `lu`: forward substitution with L, then back
 * substitution with U. Row operations keep the inner loops contiguous.
 */
function substitute(m, x, n, r) {
  for (let i = 0; i < n; i++) {
    const xi = i * r;
    for (let k = 0; k < i; k++) {
      const f = m[i * n + k];
      if (f === 0) continue;
      const xk = k * r;
      for (let j = 0; j < r; j++) x[xi + j] -= f * x[xk + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * r;
    for (let k = i + 1; k < n; k++) {
      const f = m[i * n + k];
      if (f === 0) continue;
      const xk = k * r;
      for (let j = 0; j < r; j++) x[xi + j] -= f * x[xk + j];
    }
    const d = m[i * n + i];
    for (let j = 0; j < r; j++) x[xi + j] /= d;
  }
  return x;
}

/** The inverse of an n x n matrix, by LU: solves A X = I. */
export function inverse(a, n) {
  const { lu: m, perm } = lu(a, n);
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) x[i * n + perm[i]] = 1; // row i of P I
  return substitute(m, x, n, n);
}

/** The solution x of A x = b (b a vector of n numbers), by LU. */
export function solve(a, b, n) {
  const { lu: m, perm } = lu(a, n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = b[perm[i]];
  return substitute(m, x, n, 1);
}

/** The determinant of an n x n matrix, by LU: det(P) times the product of U's diagonal. */
export function det(a, n) {
  const { lu: m, sign } = lu(a, n);
  let d = sign;
  for (let i = 0; i < n; i++) d *= m[i * n + i];
  return d;
}
