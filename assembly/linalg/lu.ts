// LU factorisation with partial pivoting (P A = L U) on an n x n f64 matrix in place, and what is
// built on it: determinant, solving, inverse. A pivot no larger than n * eps * max|A| counts as
// zero: the matrix is singular.

/** Factors `a` (n x n, f64, row-major) in place; `perm` receives the row permutation (u32 each). Returns the permutation sign, or 0 when singular. */
export function luFactor(a: u32, n: u32, perm: u32): i32 {
  let scale: f64 = 0;
  for (let i: u32 = 0; i < n * n; i++) scale = max(scale, Math.abs(load<f64>(a + (i << 3))));
  const tiny = <f64>n * 2.220446049250313e-16 * scale;
  let sign: i32 = 1;
  for (let i: u32 = 0; i < n; i++) store<u32>(perm + (i << 2), i);
  for (let k: u32 = 0; k < n; k++) {
    let piv = k;
    let best = Math.abs(load<f64>(a + ((k * n + k) << 3)));
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(load<f64>(a + ((i * n + k) << 3)));
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (best <= tiny || best == 0) return 0;
    if (piv != k) {
      sign = -sign;
      for (let j: u32 = 0; j < n; j++) {
        const x = a + ((k * n + j) << 3), y = a + ((piv * n + j) << 3);
        const t = load<f64>(x);
        store<f64>(x, load<f64>(y));
        store<f64>(y, t);
      }
      const t = load<u32>(perm + (k << 2));
      store<u32>(perm + (k << 2), load<u32>(perm + (piv << 2)));
      store<u32>(perm + (piv << 2), t);
    }
    const pivot = load<f64>(a + ((k * n + k) << 3));
    for (let i = k + 1; i < n; i++) {
      const ri = a + ((i * n) << 3);
      const l = load<f64>(ri + (k << 3)) / pivot;
      store<f64>(ri + (k << 3), l);
      if (l == 0) continue;
      const rk = a + ((k * n) << 3);
      for (let j = k + 1; j < n; j++) store<f64>(ri + (j << 3), load<f64>(ri + (j << 3)) - l * load<f64>(rk + (j << 3)));
    }
  }
  return sign;
}

/** Solves L U X = P B for `nrhs` right-hand sides; b (n x nrhs, row-major) is overwritten with X. */
export function luSolve(lu: u32, n: u32, perm: u32, b: u32, nrhs: u32, work: u32): void {
  // permute rows of b into work, then copy back
  for (let i: u32 = 0; i < n; i++) {
    memory.copy(work + ((i * nrhs) << 3), b + ((load<u32>(perm + (i << 2)) * nrhs) << 3), nrhs << 3);
  }
  memory.copy(b, work, (n * nrhs) << 3);
  for (let i: u32 = 0; i < n; i++) {
    const bi = b + ((i * nrhs) << 3);
    for (let k: u32 = 0; k < i; k++) {
      const l = load<f64>(lu + ((i * n + k) << 3));
      if (l == 0) continue;
      const bk = b + ((k * nrhs) << 3);
      for (let j: u32 = 0; j < nrhs; j++) store<f64>(bi + (j << 3), load<f64>(bi + (j << 3)) - l * load<f64>(bk + (j << 3)));
    }
  }
  for (let ii = <i32>n - 1; ii >= 0; ii--) {
    const i = <u32>ii;
    const bi = b + ((i * nrhs) << 3);
    for (let k = i + 1; k < n; k++) {
      const u = load<f64>(lu + ((i * n + k) << 3));
      if (u == 0) continue;
      const bk = b + ((k * nrhs) << 3);
      for (let j: u32 = 0; j < nrhs; j++) store<f64>(bi + (j << 3), load<f64>(bi + (j << 3)) - u * load<f64>(bk + (j << 3)));
    }
    const d = load<f64>(lu + ((i * n + i) << 3));
    for (let j: u32 = 0; j < nrhs; j++) store<f64>(bi + (j << 3), load<f64>(bi + (j << 3)) / d);
  }
}
