// The Noodle side of the matmul suite (bench/suites/matmul.js). The suite first
// defines, in the same session, `n` (the size), `single` (true for f32) and the
// seeds `seed_a` and `seed_b`, then loads this file: A and B are built here,
// once, before anything is timed.

var A = rand(n, n, seed_a)
var B = rand(n, n, seed_b)
if single {
  A = f32(A)
  B = f32(B)
}
var C = A * B   // the product the suite checks

// One product, as a statement in a program: the suite times calls of this.
func product() {
  C = A * B
}

// The same statement timed inside Noodle: milliseconds.
func statement() {
  let t0 = clock()
  C = A * B
  return clock() - t0
}

// k products in a loop, timed inside Noodle: milliseconds per product.
func kernel(k) {
  let t0 = clock()
  for i in 0..k {
    C = A * B
  }
  return (clock() - t0) / k
}
