// let and var, compound assignment, annotations checked when bound or returned (5004)
let a = 10
var b: number = 2
b += a
b -= 1
b *= 3
b /= 11
print(a, b)
var s: string = "x"
s += "y"
print(s)
var i: int = 4
i = i * 2
print(i)
func half(n: number) -> int { return n / 2 }
print(half(8))
try { half(3) } catch e { print(e.code) }
try { i = i / 3 } catch e { print(e.code, i) }
func takes(xs: list, m: map, f: func, M: matrix, T: tensor, v: any, ok: bool) { return "ok" }
print(takes([], {}, half, eye(2), tensor([1, 1, 1]), nil, false))
try { takes({}, {}, half, eye(2), tensor([1, 1, 1]), nil, false) } catch e { print(e.code) }
struct P { x: number }
func px(p: P) -> number { return p.x }
print(px(P { x: 3 }))
try { px([1]) } catch e { print(e.code) }
