// == is structural for lists, maps, structs, matrices and tensors; identity for functions and actors
struct P { x: number, y: number }
print([1, [2, "a"], nil] == [1, [2, "a"], nil], [1, 2] == [2, 1], [] == [], [1] == [1, 1])
print({"a": 1, "b": [2]} == {"b": [2], "a": 1}, {"a": 1} == {"a": 2}, {"a": 1} == {"a": 1, "b": 2})
print(P { x: 1, y: 2 } == P { x: 1, y: 2 }, P { x: 1, y: 2 } == P { x: 2, y: 1 })
print([1, 2; 3, 4] == [1, 2; 3, 4], [1, 2;] == [1; 2], [1, 2; 3, 4] != [1, 2; 3, 5], zeros(2, 2) == [0, 0; 0, 0])
print(tensor([2, 2, 2], 1) == tensor([2, 2, 2], 1), tensor([2, 2, 2], 1) == tensor([2, 4, 1], 1))
func f() { return 1 }
func g() { return 1 }
let h = f
print(f == f, f == g, h == f, (x => x) == (x => x))
actor A { func ping() { return 1 } }
let a = spawn A()
let b = spawn A()
let c = a
print(a == a, a == b, c == a)
print(1 == "1", nil == false, 0 == false, "" == nil, 1 == 1.0, "é" == "é")
