// if/elif/else, while, for over ranges, lists, maps and strings, break and continue
func sign(x) {
  if x < 0 { return "negative" } elif x == 0 { return "zero" } else { return "positive" }
}
print(sign(-2), sign(0), sign(7))
var out = []
for i in 0..5 { push(out, i) }
print(out)
out = []
for i in 2..=4 { push(out, i) }
print(out)
print(range(0, 10, 4), range(3, 0, -1), range(0, 3), 0..0, 5..=5)
for x in ["a", "b"] { print(x) }
for k, v in {"one": 1, "two": 2, "three": 3} { print(k, v) }
var n = 0
var seen = []
while true {
  n += 1
  if n % 2 == 0 { continue }
  if n > 7 { break }
  push(seen, n)
}
print(seen, n)
var total = 0
for i in 0..4 {
  for j in 0..4 {
    if j > i { break }
    total += j
  }
}
print(total)
let fs = []
for i in 0..3 { push(fs, () => i) }
var k = 0
while k < 3 {
  let captured = k * 10
  push(fs, () => captured)
  k += 1
}
print(map(fs, f => f()))
let lo = 1
let hi = 4
print(lo..hi, lo + 1..hi * 2)
