// 1.1: elementwise tensor operators broadcast as numpy does; permute; einsum
let T = reshape([1, 2, 3, 4, 5, 6;], [1, 2, 3])
print(T + reshape([10, 20, 30;], [1, 1, 3]))
print(T .* reshape([2, 3;], [1, 2, 1]))
print(permute(T, [2, 0, 1]))
print(einsum("ij,jk->ik", [1, 2; 3, 4], [5, 6; 7, 8]), einsum("ii->", [1, 2; 3, 4]), einsum("ij->ji", [1, 2; 3, 4]))
let B = reshape([1, 2, 3, 4, 5, 6, 7, 8;], [2, 2, 2])
print(einsum("bij,bjk->bik", B, B))
try { T + reshape([1, 2;], [1, 1, 2]) } catch e { print(e.code) }
