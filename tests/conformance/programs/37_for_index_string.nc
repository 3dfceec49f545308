// 1.1: `for i, x in` gives the index and the item, for strings by code point as for lists
for i, ch in "hé🍜" { print(i, ch) }
for i, x in ["p", "q"] { print(i, x) }
var pairs = []
for i, ch in "ab" { push(pairs, "${i}${ch}") }
print(pairs)
