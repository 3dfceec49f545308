// escapes, interpolation, code points
print("tab:\t|", "quote:\"", "backslash:\\", "dollar:\$", "bowl:\u{1F35C}")
print("line one\nline two")
print(len("a\rb"), len("\u{1F35C}"), len("héllo"), len(""), len("\u{41}\u{E9}"), "\u{41}\u{E9}")
let name = "Noodle"
let n = 3
print("${name} has ${len(name)} letters; ${n} squared is ${n * n}")
print("nested: ${"inner ${n + 1}"}", "list: ${[1, "a"]}", "nil: ${nil}")
print("no interpolation: \${name}", "$name", "a $ sign")
let s = "añ🍜z"
print(s[0], s[1], s[2], s[3], s[-1], s[1:3], len(s))
print("a" < "b", "Z" < "a", "ab" < "abc", "é" > "z", "🍜" > "é", "abc" == "abc", "a" != "A")
print("con" + "cat", "x" + str(1) + str(nil) + str(true))
var rev = ""
for ch in "h€y" { rev = ch + rev }
print(rev)
