// 1.1: linspace, diag, kron, hstack, vstack, randn
print(linspace(0, 1, 5), linspace(2, 2, 2))
print(diag([1, 2, 3]), diag([4; 5]), diag([1, 2; 3, 4]))
print(kron([1, 2;], [1; 1]), kron(eye(2), [1, 2; 3, 4]))
print(hstack([[1; 2], [3; 4]]), vstack([[1, 2;], [3, 4;]]), hstack([[1, 2;], [3;]]))
let N = randn(3, 2, 11)
print(shape(N), N == randn(3, 2, 11), N == randn(3, 2, 12))
try { hstack([[1; 2], [1; 2; 3]]) } catch e { print(e.code) }
try { vstack([[1, 2;], [1, 2, 3;]]) } catch e { print(e.code) }
