// len copy type str num range push pop insert remove keys values has map filter reduce sort
var xs = [3, 1, 2]
push(xs, 5)
print(len(xs), len("🍜🍜"), len({"a": 1}), len([]))
print(pop(xs))
print(xs)
insert(xs, 0, 9)
insert(xs, 2, 7)
print(xs)
print(remove(xs, 1), xs)
let m = {"z": 1, "a": 2}
m["m"] = 3
print(keys(m), values(m), has(m, "a"), has(m, "q"), has({1: nil}, 1))
print(map([1, 2, 3], x => x * 10), filter(["a", "", "b"], s => len(s) > 0), reduce([1, 2, 3, 4], (acc, x) => acc * x, 1))
print(map([], x => x), filter([1, 2], x => false), reduce([], (a, b) => a + b, "init"))
print(sort([3, 1, 2]), sort(["pear", "apple", "fig"]), sort([5, 3, 9], (a, b) => a > b))
let people = [["bo", 2], ["al", 1], ["cy", 2], ["di", 1]]
print(map(sort(people, (a, b) => a[1] < b[1]), p => p[0]))
let orig = [2, 1]
let sorted = sort(orig)
print(orig, sorted)
print(str(12.5) + "!", str([nil, "s"]), num("42") + 1, num("-1.5e2"), num("0xff"), type(str(1)))
try { num("forty") } catch e { print(e.code) }
print(range(0, 3), range(1, 10, 4), range(10, 0, -5), range(0, 0))
let c = copy([1, {"k": [2]}])
print(c, type(c), type(copy))
