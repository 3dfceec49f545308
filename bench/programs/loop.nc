// A tight numeric loop: the sum of i * i for i in [0, 1e8).
// It runs inside a function so that the counter and the sum are locals.
// The sum exceeds 2^53, so the printed value depends on the summation order,
// which every implementation keeps (ascending i, one accumulator).

func sumSquares(n) {
  var s = 0
  for i in 0..n {
    s += i * i
  }
  return s
}

print(sumSquares(100000000))
