// lists, maps, structs, matrices and tensors are shared by reference; copy is deep
struct Box { items: list }
var xs = [1, 2]
let ys = xs
push(ys, 3)
print(xs, len(xs))
let m = {"k": [1]}
let n = m
n["k"][0] = 9
n["new"] = true
print(m)
let b = Box { items: xs }
b.items[0] = 100
print(xs[0], b)
let A = zeros(2, 2)
let B = A
B[0, 1] = 5
print(A)
func fill(M) { M[1, 1] = 7 }
fill(A)
print(B)
let T = tensor([2, 1, 2], 0)
let U = T
U[1, 0, 1] = 4
print(T)
let deep = copy({"l": [1, [2]], "M": [1, 2;]})
let orig = {"l": [1, [2]], "M": [1, 2;]}
let c2 = copy(orig)
c2["l"][1][0] = 20
c2["M"][0, 0] = 10
print(orig, c2, deep == orig)
let C = copy(A)
C[0, 0] = 1
print(A[0, 0], C[0, 0])
