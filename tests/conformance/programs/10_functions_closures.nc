// hoisting, recursion, closures by reference, higher-order functions
print(later(2))
func later(x) { return x * 10 }
func even(n) { if n == 0 { return true } return odd(n - 1) }
func odd(n) { if n == 0 { return false } return even(n - 1) }
print(even(10), odd(10), even(7))
func fact(n) { if n <= 1 { return 1 } return n * fact(n - 1) }
print(fact(10), fact(20))
func make() {
  var count = 0
  let inc = () => { count += 1; return count }
  let get = () => count
  return [inc, get]
}
let pair = make()
pair[0]()
pair[0]()
print(pair[1](), make()[1]())
var shared = 1
let read = () => shared
shared = 42
print(read())
let compose = (f, g) => x => f(g(x))
let inc = x => x + 1
let dbl = x => x * 2
print(compose(inc, dbl)(5), compose(dbl, inc)(5))
func apply(f, xs) { return map(xs, f) }
print(apply(x => x * x, [1, 2, 3]))
let block = (a, b) => {
  let s = a + b
  return s * s
}
print(block(1, 2))
func noReturn() { let x = 1 }
print(noReturn())
func early(x) {
  for i in 0..10 { if i == x { return i * 100 } }
  return -1
}
print(early(3), early(20))
func outer() {
  func inner(y) { return y + 1 }
  return inner(1)
}
print(outer())
