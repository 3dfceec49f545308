// The Noodle side of the linalg suite's decomposition cases (bench/suites/linalg.js). The suite
// first defines `n` and the seed `seed_a` in the same session, then loads this file: the inputs
// are built here, once, before anything is timed. Every input comes from one X = rand(n, n,
// seed_a) by elementwise steps, which the suite repeats in JavaScript bit for bit for the peers.

let X = rand(n, n, seed_a)
let H = (X + X') * 0.5          // symmetric, for eigh
let S = H + n * eye(n)          // symmetric positive definite, for chol

var F = nil   // the last result

// One operation each, as a statement in a program: the suite times calls of these.
func qr_of_X() {
  F = qr(X)
}

func chol_of_S() {
  F = chol(S)
}

func eigh_of_H() {
  F = eigh(H)
}

func svd_of_X() {
  F = svd(X)
}

// The factors of the last result, as a list, for the suite to check.
func factors(keys) {
  if (keys == nil) { return [F] }
  return map(keys, (k) => F[k])
}
