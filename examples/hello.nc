// The first program: prints a greeting, computes a little.
let name = "noodle"
print("hello, ${name}")

func fib(n) {
  if n < 2 { return n }
  return fib(n - 1) + fib(n - 2)
}
print("fib(20) =", fib(20))
