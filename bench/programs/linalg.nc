// The Noodle side of the linalg suite (bench/suites/linalg.js). The suite first
// defines, in the same session, `n` (the size) and the seeds `seed_a` and
// `seed_b`, then loads this file: A and b are built here, once, before anything
// is timed. A is the identity plus a random matrix scaled by 1/n: well
// conditioned (condition number about 2), with a determinant of moderate size
// at any n.

let A = rand(n, n, seed_a) / n + eye(n)
let b = rand(n, 1, seed_b)

var X = nil   // inv(A)
var x = nil   // the solution of A x = b
var d = nil   // det(A)
var s = nil   // sum(A, 0): the column sums
var m = nil   // amax(A, 1): the row maxima

// One operation each, as a statement in a program: the suite times calls of these.
func inverse_of_A() {
  X = inv(A)
}

func solve_for_b() {
  x = A \ b
}

func det_of_A() {
  d = det(A)
}

func colsum_of_A() {
  s = sum(A, 0)
}

func rowmax_of_A() {
  m = amax(A, 1)
}
