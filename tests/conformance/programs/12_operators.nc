// precedence, associativity and the scalar operators
print(1 + 2 * 3, (1 + 2) * 3, 10 - 4 - 3, 2 * 3 % 4, 100 / 10 / 5)
print(2 ** 3 ** 2, (2 ** 3) ** 2, -2 ** 2, (-2) ** 2, 2 ** -1, -3 * -3)
print(7 % 3, -7 % 3, 7 % -3, -7 % -3, 5.5 % 2, 0 % 5)
print(1 < 2, 2 <= 2, 3 > 4, 4 >= 5, 1 == 1, 1 != 1, "a" < "b")
print(1 + 2 == 3, 2 * 2 > 3 and 1 < 0 or true, not 1 > 2)
print("ab" + "cd", [1] + [2, 3], [] + [], "n=" + str(5))
print(1..4, 0..=2, -2..1)
var x = 5
x += 2 * 3
x -= 1
x *= 2
x /= 4
print(x)
let one = 1
print(-one, - -one, -(one + 1))
try { 1 / 0 } catch e { print(e.code, e.message) }
try { 5 % 0 } catch e { print(e.code, e.message) }
try { [1] < [2] } catch e { print(e.code) }
try { nil < 1 } catch e { print(e.code) }
try { 1 < "2" } catch e { print(e.code) }
try { "a" - "b" } catch e { print(e.code) }
try { "a" * 2 } catch e { print(e.code) }
try { -"a" } catch e { print(e.code) }
