// The inverse from an LU factorisation P A = L U: A^-1 = U^-1 L^-1 P. L^-1 is unit lower
// triangular, so the forward step computes only its lower part (n^3/3 flops) and the backward
// step U X = L^-1 is a full solve (n^3): with the factorisation (2/3 n^3), 2 n^3 in all, where
// solving against the identity costs 8/3 n^3. Both steps run mostly in the product kernel.
import { at, solveLower, solveUpper } from "./lu";

/** Columns of L^-1 solved for at a time. */
const WIDTH: u32 = 64;

/** Writes A^-1 into x (n x n, f64) from luFactor's `lu` and `perm`; `row` is scratch for n doubles. */
export function luInverse(lu: u32, n: u32, perm: u32, x: u32, row: u32): void {
  memory.fill(x, 0, (n * n) << 3);
  for (let i: u32 = 0; i < n; i++) store<f64>(at(x, n, i, i), 1);
  // Z = L^-1, WIDTH columns at a time: they are zero above their first row, so each block is a
  // forward solve on the rows from there down
  for (let j0: u32 = 0; j0 < n; j0 += WIDTH) solveLower(lu, n, j0, n, at(x, n, 0, j0), n, min(WIDTH, n - j0));
  solveUpper(lu, n, x, n);
  // times P: column perm[i] of A^-1 is column i of U^-1 L^-1
  for (let r: u32 = 0; r < n; r++) {
    const xr = at(x, n, r, 0);
    memory.copy(row, xr, n << 3);
    for (let i: u32 = 0; i < n; i++) store<f64>(xr + (load<u32>(perm + (i << 2)) << 3), load<f64>(row + (i << 3)));
  }
}
