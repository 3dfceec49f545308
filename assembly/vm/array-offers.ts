// f32 array work offered to the host (a GPU, see src/gpu/): functions of each element, powers,
// pairs of arrays of one shape and reductions of all elements. Off until the host sets a size,
// so without a GPU the only cost is one comparison per operation.

/**
 * Computes array operation `kind` (an AO_ constant) with `op` (a builtin id or an EW_ code) over
 * n f32 elements at `a` (and `b`) into `out` (n f32, or one f64 for a reduction), `x` the
 * exponent of a power. Returns 1 when done, 0 when the host declines (the core computes it).
 */
// @ts-ignore: decorator
@external("host", "arrayOp")
declare function hostArrayOp(kind: u32, op: u32, a: u32, b: u32, out: u32, n: u32, x: f64): u32;

export const AO_MAP: u32 = 0;
export const AO_POW: u32 = 1;
export const AO_ZIP: u32 = 2;
export const AO_REDUCE: u32 = 3;

/** Arrays of at least this many elements are offered; 0: none. */
let offerFrom: u32 = 0;

export function setArrayOffers(elements: u32): void {
  offerFrom = elements;
}

/** Whether the host computed operation `kind` of n elements (see hostArrayOp). */
// @ts-ignore: decorator
@inline export function offered(kind: u32, op: u32, a: u32, b: u32, out: u32, n: u32, x: f64): bool {
  return offerFrom != 0 && n >= offerFrom && hostArrayOp(kind, op, a, b, out, n, x) != 0;
}
