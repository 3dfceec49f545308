// Naive recursive Fibonacci: measures function-call overhead.
// fib(30) = 832040 takes 2 692 537 calls.

func fib(n) {
  if n < 2 {
    return n
  }
  return fib(n - 1) + fib(n - 2)
}

print(fib(30))
