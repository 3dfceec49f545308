// every matrix operator: + - * .* ./ / \ ' and scalars; tensors elementwise
let A = [1, 2; 3, 4]
let B = [2, 0; 1, 2]
print(A + B, A - B)
print(A + 1, 10 - A, A - 1)
print(A * B, B * A)
print(2 * A, A * 0.5, A / 2)
print(A .* B, B ./ A)
print(A', [1, 2, 3;]', [1; 2]')
print(([1, 2, 3;] * [1; 2; 3])[0, 0], [1; 2] * [3, 4;])
let x = B \ [4; 6]
print(x, B * x, solve(B, [4; 6]) == x)
print(-A)
let T = tensor([2, 1, 2], 2)
let U = reshape([1, 2, 3, 4;], [2, 1, 2])
print(T + U, U - T, T .* U, U ./ T, 3 * U, U * 2, U / 2)
print(f32([1, 2;]) + f32([3, 4;]), f32([1, 2;]) * 2)
try { [1, 2; 3, 4] * [1, 2, 3;] } catch e { print(e.code) }
try { [1, 2;] + [1, 2, 3;] } catch e { print(e.code) }
try { [1, 2;] .* [1, 2, 3;] } catch e { print(e.code) }
try { T + tensor([3, 1, 2], 1) } catch e { print(e.code) }
