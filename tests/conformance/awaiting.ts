// The project's conformance programs whose features are not built yet, with what they wait for.
// They run as expected failures: when a feature lands its program passes, the run turns red, and
// the entry must go.
export const AWAITING = new Map<string, string>([
  ["44_decompositions", "qr, chol, eigh, svd, pinv, rank, lstsq, spec 1.1 section 5"],
  ["48_std_gpu", "std/gpu, spec 1.1 section 9"],
]);
