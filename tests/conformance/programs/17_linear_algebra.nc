// construction, shape queries, inverse, determinant, solve, trace, norm, LU, tensors, dtypes
print(zeros(2, 3), ones(2, 2), eye(3))
print(matrix([[1, 2], [3, 4]]), matrix([[5, 6, 7]]))
let R = rand(2, 3, 7)
print(shape(R), rows(R), cols(R), R == rand(2, 3, 7), R == rand(2, 3, 8))
var inside = true
for i in 0..2 { for j in 0..3 { if R[i, j] < 0 or R[i, j] >= 1 { inside = false } } }
print(inside)
let A = [4, 7; 2, 6]
print(det(A), trace(A), transpose(A), A' == transpose(A))
print(inv([2, 0; 0, 4]), inv([2, 1; 1, 1]) * [2, 1; 1, 1] == eye(2))
print(solve([2, 0; 0, 4], [2; 8]), [2, 0; 0, 4] \ [2; 8])
print(norm([3, 4;]), norm([1, 1; 1, 1]), norm(zeros(2, 2)))
let M = [1, 2; 3, 4]
let f = lu(M)
print(f["P"] * M == f["L"] * f["U"], f["L"][0, 1], f["U"][1, 0], abs(f["L"][0, 0]))
print(tensor([2, 3, 2], 1.5)[1, 2, 1], shape(tensor([4, 1, 2])), sum(tensor([3, 3, 3], 2)))
print(reshape([1, 2, 3, 4, 5, 6;], [2, 3]), reshape([1, 2; 3, 4], [4]), reshape(tensor([2, 2, 2], 1), [4, 2]))
print(type(reshape([1, 2; 3, 4], [1, 4])), type(reshape([1, 2; 3, 4], [2, 2, 1])))
let F = f32([1, 2; 3, 4])
print(F, f64(F), F == [1, 2; 3, 4], type(F), F * F)
try { inv([1, 2; 2, 4]) } catch e { print(e.code) }
try { solve([0, 0; 0, 0], [1; 1]) } catch e { print(e.code) }
try { [1, 1; 1, 1] \ [1; 2] } catch e { print(e.code) }
try { det([1, 2, 3;]) } catch e { print(e.code) }
try { inv([1, 2;]) } catch e { print(e.code) }
try { trace([1; 2]) } catch e { print(e.code) }
try { reshape([1, 2; 3, 4], [3, 2]) } catch e { print(e.code) }
