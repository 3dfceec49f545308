// a struct literal is not the condition of if/elif/while, a for's iterable or match's subject
// unless wrapped in parentheses; print() with no arguments prints an empty line
struct P { x: number }
let p = P { x: 1 }
if p == (P { x: 1 }) { print("equal") }
if (P { x: 2 }) == p { print("never") } elif (P { x: 1 }) == p { print("elif sees it") }
var n = 0
while (P { x: n }).x < 3 { n += 1 }
print(n)
for f in (P { x: 5 }).x..7 { print(f) }
let d = match (P { x: 9 }) {
  case P { x } => x * 2
}
print(d)
print()
print("after an empty line")
