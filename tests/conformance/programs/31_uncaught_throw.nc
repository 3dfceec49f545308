// an uncaught error thrown by the program: its own code and message, exit 1
func check(v) {
  if v < 0 { throw error(4242, "negative input ${v}") }
  return v
}
print(check(1))
print(check(-1))
