// section 7: how print and str show every kind of value
struct Point { x: number, y: number }
func area(w, h) { return w * h }
actor Greeter {
  func hello() { return "hi" }
}
print(nil, true, false, 3, -2.5, "raw text")
print(["a", 1, nil, true, ["b"]], {"s": "t", "n": [2]}, {1: "one"})
print(Point { x: 1, y: -2 }, [Point { x: 0, y: 0 }])
print([1, 2; 3, 4], [1, 2;], [1; 2], [;], [1, 2, 3;], [1; 2; 3])
print(f32([1, 2; 3, 4]), f32([0.5;]))
print(tensor([2, 1, 2], 3), tensor([3]), reshape([1, 2; 3, 4], [2, 2, 1]))
print(area, print)
let g = spawn Greeter()
let f = g.hello()
print(g, f, await f)
print(error(3001, "division by zero"), [error(4242, "custom")])
print(str([1, "a"]), str("top"), str(Point { x: 1, y: 2 }), str(nil) + "!")
print(type(nil), type(true), type(1), type("s"), type([]), type({}), type([1;]), type(tensor([2, 2, 2])))
print(type(area), type(Point { x: 1, y: 1 }), type(g), type(f), type(error(1, "e")))
