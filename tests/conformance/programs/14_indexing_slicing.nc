// indexes, negative indexes, slices (copies), assignment through indexes, 3002 and 3003
var xs = [10, 20, 30, 40, 50]
print(xs[0], xs[4], xs[-1], xs[-5], xs[1:3], xs[0:0], xs[3:5])
let part = xs[1:3]
part[0] = 99
print(xs, part)
xs[2] = "three"
print(xs)
let m = {"a": 1, 7: "seven"}
m["b"] = 2
m["a"] += 10
print(m["a"], m[7], m)
let A = [1, 2, 3; 4, 5, 6; 7, 8, 9]
print(A[0, 0], A[2, 1], A[1, :], A[:, 2], A[0:2, 1:3], A[-1, -1])
let S = A[0:2, 0:2]
S[0, 0] = 100
print(A[0, 0], S)
A[1, 1] = -5
A[0, 2] += 1
print(A)
let T = reshape([1, 2, 3, 4, 5, 6, 7, 8;], [2, 2, 2])
print(T[0, 0, 0], T[1, 0, 1], T[1, 1, 1])
T[0, 1, 0] = 30
print(T)
let s = "héllo"
print(s[1], s[-2], s[1:4])
try { xs[5] } catch e { print(e.code) }
try { xs[-6] } catch e { print(e.code) }
try { A[3, 0] } catch e { print(e.code) }
try { T[2, 0, 0] } catch e { print(e.code) }
try { s[9] } catch e { print(e.code) }
try { m["zzz"] } catch e { print(e.code) }
try { xs[9] = 1 } catch e { print(e.code) }
