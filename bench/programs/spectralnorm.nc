// spectral-norm, from the Computer Language Benchmarks Game, n = 100:
// ten rounds of the power method on A'A, where A[i, j] = 1 / ((i+j)(i+j+1)/2 + i + 1).
// Prints the norm rounded to 9 decimals.

func evalA(i, j) {
  return 1 / ((i + j) * (i + j + 1) / 2 + i + 1)
}

func multiplyAv(n, v, av) {
  for i in 0..n {
    var s = 0
    for j in 0..n {
      s += evalA(i, j) * v[j]
    }
    av[i] = s
  }
}

func multiplyAtv(n, v, atv) {
  for i in 0..n {
    var s = 0
    for j in 0..n {
      s += evalA(j, i) * v[j]
    }
    atv[i] = s
  }
}

func multiplyAtAv(n, v, out, tmp) {
  multiplyAv(n, v, tmp)
  multiplyAtv(n, tmp, out)
}

func filled(n, x) {
  var xs = []
  for i in 0..n {
    push(xs, x)
  }
  return xs
}

func main(n) {
  let u = filled(n, 1)
  let v = filled(n, 0)
  let tmp = filled(n, 0)
  for i in 0..10 {
    multiplyAtAv(n, u, v, tmp)
    multiplyAtAv(n, v, u, tmp)
  }
  var vBv = 0
  var vv = 0
  for i in 0..n {
    vBv += u[i] * v[i]
    vv += v[i] * v[i]
  }
  print(round(sqrt(vBv / vv) * 1e9) / 1e9)
}

main(100)
