// Matrices are values: literals, products, solving, decompositions.
let A = [4, -2, 1; -2, 4, -2; 1, -2, 4]
let b = [11; -16; 17]

print("A =", A)
print("det(A) =", det(A))
print("trace(A) =", trace(A))

let x = A \ b
print("solution of A x = b:", x)
print("check A * x - b:", round(norm(A * x - b) * 1e9) / 1e9)

let f = lu(A)
print("P * A == L * U:", norm(f["P"] * A - f["L"] * f["U"]) < 1e-12)

let Ai = inv(A)
print("A * inv(A) is the identity:", norm(A * Ai - eye(3)) < 1e-12)
print("transpose of a 2x3:", [1, 2, 3; 4, 5, 6]')
print("elementwise product:", [1, 2; 3, 4] .* [10, 20; 30, 40])
