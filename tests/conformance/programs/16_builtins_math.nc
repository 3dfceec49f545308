// abs sqrt exp log sin cos tan atan2 floor ceil round min max sum mean assert error clock
print(abs(-3), abs(2.5), abs(-0), sqrt(2), sqrt(81), exp(0), exp(1), log(1), log(exp(2)))
print(sin(0), cos(0), tan(0), atan2(1, 1) * 4, atan2(0, -1), atan2(-1, 0))
print(floor(2.7), floor(-2.3), ceil(2.1), ceil(-2.9), floor(5), ceil(-0.5))
print(round(2.5), round(-2.5), round(0.5), round(-0.5), round(1.4999), round(2.6), round(-7))
print(min(3, 1, 2), max(3, 1, 2), min([4, -1, 9]), max([4, -1, 9]), max(-1, -1.5))
print(sum([1, 2, 3.5]), mean([1, 2, 3, 4]), sum([1, 2; 3, 4]), mean([1, 2; 3, 5]), sum(tensor([2, 2, 2], 0.5)), mean(tensor([2, 1, 2], 3)), sum([]))
assert(1 < 2)
assert(true, "never shown")
try { assert(false) } catch e { print(e.code) }
try { assert(1 > 2, "one is not greater") } catch e { print(e.code, e.message) }
let e1 = error(4500, "made by hand")
print(e1.code, e1.message, type(e1))
try { throw e1 } catch e { print(e.code, e.message) }
let t0 = clock()
var spin = 0
for i in 0..1000 { spin += i }
let t1 = clock()
print(type(t0), t1 >= t0, spin)
