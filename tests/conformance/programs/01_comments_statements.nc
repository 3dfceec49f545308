// line comments run to the end of the line
let a = 1 // after code too
/* a block comment
   over several lines */ let b = 2
/* block comments do not nest: this one ends here -> */ print("after the block")
print(a, b); print(a + b) ; print("three statements on a line")
let sum = 1 +
  2 +
  3
let xs = [
  1,
  2
]
let m = {
  "k": (4 *
    5)
}
print(sum, xs, m)
print("// not a comment", "/* nor this */")
let c = a /* inline */ + b
print(c)
