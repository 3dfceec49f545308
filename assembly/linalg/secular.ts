// The eigensystem of a rank-one change of a diagonal matrix, diag(d) + rho z z' (rho > 0), the
// merge step of the divide-and-conquer eigensolver (LAPACK's dlaed4 and dlaed3). Its
// eigenvalues are the roots of the secular equation 1 + rho sum_j z_j^2 / (d_j - x) = 0, one
// between each two poles d_j and one above the last. Each root is found relative to the pole
// nearest it, so that the differences d_j - x are accurate to the last bit; the eigenvectors
// are then formed from a z recomputed from the roots (Gu and Eisenstat's use of Loewner's
// formula), which makes them orthogonal to rounding however close the roots.

const EPS: f64 = 2.220446049250313e-16;
/** Steps allowed per root; each is a rational step or, when that leaves the bracket, a bisection. */
const MAX_STEPS: u32 = 200;

/**
 * The roots of the secular equation of (d, z, rho) for k poles d (ascending, distinct) and
 * weights z (none zero): root i into lam[i], ascending, and d_j - lam_i into delta[j k + i]
 * (k x k, a row per pole, a column per root). `rel` is scratch for k doubles.
 */
export function secularRoots(k: u32, d: u32, z: u32, rho: f64, lam: u32, delta: u32, rel: u32): void {
  if (k == 1) {
    const z0 = load<f64>(z);
    store<f64>(lam, load<f64>(d) + rho * z0 * z0);
    store<f64>(delta, -rho * z0 * z0);
    return;
  }
  let zz: f64 = 0;
  for (let j: u32 = 0; j < k; j++) zz += load<f64>(z + (j << 3)) * load<f64>(z + (j << 3));
  for (let i: u32 = 0; i < k; i++) {
    const di = load<f64>(d + (i << 3));
    let o = i, lo: f64 = 0, hi: f64;
    if (i + 1 < k) {
      // which half of (d_i, d_i+1) holds the root decides the origin: its nearer pole
      const half = 0.5 * (load<f64>(d + ((i + 1) << 3)) - di);
      let f: f64 = 1;
      for (let j: u32 = 0; j < k; j++) {
        const zj = load<f64>(z + (j << 3));
        f += (rho * zj * zj) / (load<f64>(d + (j << 3)) - di - half);
      }
      if (f >= 0) hi = half;
      else {
        o = i + 1;
        lo = -half;
        hi = 0;
      }
    } else hi = rho * zz;
    const origin = load<f64>(d + (o << 3));
    for (let j: u32 = 0; j < k; j++) store<f64>(rel + (j << 3), load<f64>(d + (j << 3)) - origin);
    const tau = rootFrom(k, rel, z, rho, i, lo, hi);
    store<f64>(lam + (i << 3), origin + tau);
    for (let j: u32 = 0; j < k; j++) store<f64>(delta + ((j * k + i) << 3), load<f64>(rel + (j << 3)) - tau);
  }
}

/**
 * Root i as tau, the distance from the origin of the poles rel (d_j less the origin), within
 * [lo, hi]. Each step fits one pole to each side's part of the sum at the current point
 * (matching its value and slope) and solves the fitted equation; a step that would leave the
 * bracket bisects it instead.
 */
function rootFrom(k: u32, rel: u32, z: u32, rho: f64, i: u32, lo: f64, hi: f64): f64 {
  const last = i + 1 == k;
  const p1 = load<f64>(rel + (i << 3));
  const p2 = last ? 0 : load<f64>(rel + ((i + 1) << 3));
  let tau = 0.5 * (lo + hi);
  for (let step: u32 = 0; step < MAX_STEPS; step++) {
    // psi: the poles up to i (all below tau); phi: those above
    let psi: f64 = 0, dpsi: f64 = 0, phi: f64 = 0, dphi: f64 = 0;
    for (let j: u32 = 0; j <= i; j++) {
      const zj = load<f64>(z + (j << 3));
      const t = zj / (load<f64>(rel + (j << 3)) - tau);
      psi += zj * t;
      dpsi += t * t;
    }
    for (let j = i + 1; j < k; j++) {
      const zj = load<f64>(z + (j << 3));
      const t = zj / (load<f64>(rel + (j << 3)) - tau);
      phi += zj * t;
      dphi += t * t;
    }
    psi *= rho;
    dpsi *= rho;
    phi *= rho;
    dphi *= rho;
    const g = 1 + psi + phi;
    if (Math.abs(g) <= EPS * (8 * (1 - psi + phi) + Math.abs(tau) * (dpsi + dphi))) break;
    if (g > 0) hi = tau;
    else lo = tau;
    if (hi - lo <= 2 * EPS * max(Math.abs(lo), Math.abs(hi))) break;
    const d1 = p1 - tau, b1 = dpsi * d1 * d1, a1 = psi - dpsi * d1;
    let eta: f64 = NaN;
    if (last) {
      const c = 1 + a1;
      if (c > 0) eta = d1 + b1 / c;
    } else {
      // c x^2 - B x + d1 d2 g = 0 for the step x, from c + b1 / (d1 - x) + b2 / (d2 - x) = 0
      const d2 = p2 - tau, b2 = dphi * d2 * d2, a2 = phi - dphi * d2;
      const c = 1 + a1 + a2, bq = c * (d1 + d2) + b1 + b2, cq = d1 * d2 * g;
      if (c == 0) eta = cq / bq;
      else {
        const q = 0.5 * (bq + (bq >= 0 ? 1 : -1) * Math.sqrt(max(0, bq * bq - 4 * c * cq)));
        const e1 = q / c, e2 = q != 0 ? cq / q : e1;
        const in1 = tau + e1 > lo && tau + e1 < hi, in2 = tau + e2 > lo && tau + e2 < hi;
        eta = in1 && in2 ? (Math.abs(e1) < Math.abs(e2) ? e1 : e2) : in1 ? e1 : e2;
      }
    }
    let next = tau + eta;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next == tau) break;
    tau = next;
  }
  return tau;
}

/**
 * Overwrites delta (from secularRoots) with the eigenvectors of diag(d) + rho z z', one per
 * column, in the rows given by `rowOf` (u32 each): row rowOf[j] of out gets pole j's
 * components. z is recomputed from the roots, so that the vectors are orthogonal to rounding;
 * its signs are kept. `w` and `norms` are scratch for k doubles each.
 */
export function secularVectors(k: u32, d: u32, z: u32, delta: u32, out: u32, rowOf: u32, w: u32, norms: u32): void {
  // zhat_j^2 = -(d_j - lam_j) prod_{i != j} (d_j - lam_i) / (d_j - d_i)
  for (let j: u32 = 0; j < k; j++) {
    const row = delta + ((j * k) << 3), dj = load<f64>(d + (j << 3));
    let p = load<f64>(row + (j << 3));
    for (let i: u32 = 0; i < k; i++) {
      if (i != j) p *= load<f64>(row + (i << 3)) / (dj - load<f64>(d + (i << 3)));
    }
    const zhat = Math.sqrt(Math.abs(p));
    store<f64>(w + (j << 3), load<f64>(z + (j << 3)) < 0 ? -zhat : zhat);
  }
  memory.fill(norms, 0, k << 3);
  for (let j: u32 = 0; j < k; j++) {
    const row = delta + ((j * k) << 3), wj = load<f64>(w + (j << 3));
    for (let i: u32 = 0; i < k; i++) {
      const u = wj / load<f64>(row + (i << 3));
      store<f64>(row + (i << 3), u);
      store<f64>(norms + (i << 3), load<f64>(norms + (i << 3)) + u * u);
    }
  }
  for (let i: u32 = 0; i < k; i++) store<f64>(norms + (i << 3), 1 / Math.sqrt(load<f64>(norms + (i << 3))));
  for (let j: u32 = 0; j < k; j++) {
    const src = delta + ((j * k) << 3), dst = out + ((load<u32>(rowOf + (j << 2)) * k) << 3);
    for (let i: u32 = 0; i < k; i++) store<f64>(dst + (i << 3), load<f64>(src + (i << 3)) * load<f64>(norms + (i << 3)));
  }
}
