// 1.1: qr chol eigh svd pinv rank lstsq; the equalities hold to rounding, signs of vectors are free
let A = [4, 2; 2, 3]
let L = chol(A)
print(norm(L * L' - A) < 1e-12, L[0, 1], L[0, 0])
let M = [1, 2; 3, 4; 5, 6]
let f = qr(M)
print(shape(f["Q"]), shape(f["R"]), norm(f["Q"] * f["R"] - M) < 1e-9, abs(f["R"][1, 0]) < 1e-12, norm(f["Q"]' * f["Q"] - eye(2)) < 1e-12)
let e = eigh([2, 0; 0, 1])
print(e["values"], abs(e["vectors"]))
let e2 = eigh([2, 1; 1, 2])
print(norm(e2["values"] - [1; 3]) < 1e-12, norm([2, 1; 1, 2] * e2["vectors"] - e2["vectors"] * diag(e2["values"])) < 1e-12)
let s = svd([3, 0; 0, 4])
print(norm(s["S"] - [4; 3]) < 1e-12, norm(s["U"] * diag(s["S"]) * s["V"]' - [3, 0; 0, 4]) < 1e-12)
print(rank([1, 2; 2, 4]), rank(eye(3)), norm(pinv([2, 0; 0, 4]) - [0.5, 0; 0, 0.25]) < 1e-12)
let x = lstsq([1, 0; 0, 1; 1, 1], [1; 1; 2])
print(norm(x - [1; 1]) < 1e-12, norm([1, 0; 0, 1; 1, 1] \ [1; 1; 2] - x) < 1e-12)
try { chol([1, 2; 2, 1]) } catch e { print(e.code) }
