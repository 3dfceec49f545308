// Recursion: functions are hoisted, so they may call each other in any order.
func fib(n) {
  if n < 2 { return n }
  return fib(n - 1) + fib(n - 2)
}
print("fib(25) =", fib(25))

func is_even(n) { if n == 0 { return true } return is_odd(n - 1) }
func is_odd(n) { if n == 0 { return false } return is_even(n - 1) }
print("is 41 even?", is_even(41))

var moves = 0
func hanoi(n, from, to, via) {
  if n == 0 { return }
  hanoi(n - 1, from, via, to)
  moves += 1
  hanoi(n - 1, via, to, from)
}
hanoi(10, "A", "C", "B")
print("moves to shift 10 disks:", moves)

// an error deep in the recursion carries its frames; uncaught, it shows them (click one to see its line)
func countdown(n) {
  if n == 0 { return 1 / n }
  return countdown(n - 1)
}
try { countdown(3) } catch e { print("caught:", e) }
