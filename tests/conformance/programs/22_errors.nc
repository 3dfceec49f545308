// try/catch/finally, throw, runtime errors caught as values with code, message and trace
func risky(n) {
  if n == 0 { throw error(4100, "zero is not allowed") }
  if n == 1 { throw "a plain string" }
  if n == 2 { throw [1, 2] }
  return 10 / (n - 3)
}
for n in 0..5 {
  try {
    print("ok", risky(n))
  } catch e {
    print("caught", e.code, e.message, type(e))
  } finally {
    print("finally", n)
  }
}
func order() {
  var steps = []
  try {
    push(steps, "try")
    return steps
  } finally {
    push(steps, "finally")
  }
}
print(order())
var trail = []
for i in 0..3 {
  try {
    if i == 1 { continue }
    push(trail, i)
  } finally {
    push(trail, "f${i}")
  }
}
print(trail)
try {
  try { throw error(4101, "inner") } finally { print("inner finally") }
} catch e { print("outer caught", e.code) }
try {
  try { throw error(4102, "first") } catch e { throw error(4103, "second from ${e.code}") }
} catch e { print(e.code, e.message) }
let notFn = 5
try { notFn(1) } catch e { print(e.code) }
try { risky(1, 2) } catch e { print(e.code) }
try { let mm = {"a": 1}; print(mm + 1) } catch e { print(e.code) }
try { num("1.2.3") } catch e { print(e.code) }
func down(n) { return down(n + 1) + 1 }
try { down(0) } catch e { print(e.code, e.trace != nil) }
try { throw nil } catch e { print(e.code, e.message) }
try { throw 42 } catch e { print(e.code, e.message) }
let saved = error(4104, "kept")
try { throw saved } catch e { print(e == saved, e.code) }
print("done")
