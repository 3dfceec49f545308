// Structs, closures and match.
struct Point { x: number, y: number }

func describe(v) {
  return match v {
    case 0 => "zero"
    case n if type(n) == "number" and n < 0 => "a negative number"
    case [a, b] => "a pair of ${a} and ${b}"
    case Point { x, y } => "a point at (${x}, ${y})"
    case _ => "something else: ${v}"
  }
}

for v in [0, -3, [1, 2], Point { x: 1, y: 2 }, "text"] {
  print(describe(v))
}

func counter() {
  var n = 0
  return () => {
    n += 1
    return n
  }
}
let next = counter()
next()
next()
print("the counter is at", next())

let squares = map(range(1, 6), x => x * x)
print(
  "squares:",
  squares,
  "evens:",
  filter(squares, x => x % 2 == 0),
  "sum:",
  reduce(squares, (a, b) => a + b, 0)
)
