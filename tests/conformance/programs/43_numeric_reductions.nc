// 1.1: sum mean std var amin amax argmin argmax cumsum, over everything or along an axis
let A = [1, 2; 3, 4]
print(sum(A), sum(A, 0), sum(A, 1), mean(A, 0), mean(A, 1))
print(var([1, 2, 3, 4;]), std([1, 2, 3, 4;]), var(A, 0), std([2, 2; 2, 2], 1))
print(amin(A), amax(A), amax(A, 1), amin(A, 0))
print(argmin([3, 1, 2;]), argmax(A), argmax(A, 0), argmin(A, 1))
print(cumsum(A, 0), cumsum(A, 1))
let T = reshape([1, 2, 3, 4, 5, 6, 7, 8;], [2, 2, 2])
print(shape(sum(T, 0)), sum(sum(T, 2)), amax(T), argmax(T))
try { sum(A, 2) } catch e { print(e.code) }
try { mean(T, 3) } catch e { print(e.code) }
