// match: literals, bindings, guards, list and struct patterns, _, in order; 3008 when nothing matches
struct Point { x: number, y: number }
func what(v) {
  return match v {
    case 0 => "zero"
    case "zero" => "the word"
    case nil => "nil"
    case true => "yes"
    case [] => "empty list"
    case [x] => "one: ${x}"
    case [0, y] => "starts with zero, then ${y}"
    case [a, b] => "pair ${a} ${b}"
    case Point { x, y } if x == y => "diagonal point ${x}"
    case Point { x, y } => "point ${x},${y}"
    case n if type(n) == "number" and n < 0 => "negative ${n}"
    case _ => "other"
  }
}
for v in [0, "zero", nil, true, [], [5], [0, 9], [1, 2], [1, 2, 3], Point { x: 2, y: 2 }, Point { x: 1, y: 3 }, -4, 4, false] {
  print(what(v))
}
let grade = match 87 {
  case s if s >= 90 => "A"
  case s if s >= 80 => "B"
  case _ => "C"
}
print(grade)
let bound = match [10, [20, 30]] {
  case [a, [b, c]] => a + b + c
}
print(bound)
try {
  match 5 {
    case 1 => "one"
  }
} catch e { print(e.code) }
