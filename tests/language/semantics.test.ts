// Language behaviour beyond the conformance programs: scoping, closures, control flow through
// finally, errors and their codes, pattern matching, collections and strings.
import { describe, expect, it } from "vitest";
import { errorCodeOf, outputOf, runSource } from "../helpers.js";

describe("bindings and closures", () => {
  it("closures share captured variables by reference", async () => {
    expect(
      await outputOf(`
      func pair() {
        var n = 0
        let inc = () => { n += 1; return n }
        let get = () => n
        return [inc, get]
      }
      let p = pair()
      p[0](); p[0]()
      print(p[1]())`),
    ).toBe("2\n");
  });
  it("each loop iteration binds a fresh variable, for numeric and list loops", async () => {
    expect(
      await outputOf(`
      var fs = []
      for i in 0..3 { push(fs, () => i) }
      for x in ["a", "b"] { push(fs, () => x) }
      print(map(fs, f => f()))`),
    ).toBe('[0, 1, 2, "a", "b"]\n');
  });
  it("nested closures reach variables two functions out", async () => {
    expect(
      await outputOf(`
      func outer() {
        var x = 1
        func middle() { return () => { x += 10; return x } }
        return middle()
      }
      let f = outer()
      f()
      print(f())`),
    ).toBe("21\n");
  });
  it("local functions are hoisted and may be mutually recursive", async () => {
    expect(
      await outputOf(`
      func check(n) {
        func even(k) { if k == 0 { return true } return odd(k - 1) }
        func odd(k) { if k == 0 { return false } return even(k - 1) }
        return even(n)
      }
      print(check(10), check(7))`),
    ).toBe("true false\n");
  });
  it("top-level functions may use globals declared after them", async () => {
    expect(
      await outputOf(`
      func show() { return limit * 2 }
      let limit = 21
      print(show())`),
    ).toBe("42\n");
  });
  it("shadowing in an inner block leaves the outer binding alone", async () => {
    expect(
      await outputOf(`
      let x = 1
      if true { let x = 2; print(x) }
      print(x)`),
    ).toBe("2\n1\n");
  });
});

describe("control flow through finally", () => {
  it("return inside try runs finally, and the value is the one computed before", async () => {
    expect(
      await outputOf(`
      func f() {
        var x = 1
        try { return x } finally { x = 2; print("finally", x) }
      }
      print(f())`),
    ).toBe("finally 2\n1\n");
  });
  it("break and continue run finally blocks", async () => {
    expect(
      await outputOf(`
      for i in 0..4 {
        try {
          if i == 1 { continue }
          if i == 3 { break }
          print("body", i)
        } finally { print("fin", i) }
      }`),
    ).toBe("body 0\nfin 0\nfin 1\nbody 2\nfin 2\nfin 3\n");
  });
  it("nested finally blocks run innermost first on return", async () => {
    expect(
      await outputOf(`
      func f() {
        try {
          try { return "r" } finally { print("inner") }
        } finally { print("outer") }
      }
      print(f())`),
    ).toBe("inner\nouter\nr\n");
  });
  it("an error in catch still runs finally and propagates", async () => {
    expect(
      await outputOf(`
      try {
        try { throw error(7, "a") } catch e { throw error(8, "b") } finally { print("fin") }
      } catch e { print(e.code, e.message) }`),
    ).toBe("fin\n8 b\n");
  });
  it("an error thrown in a finally copy is not caught by the same try", async () => {
    expect(
      await outputOf(`
      try {
        for i in 0..1 {
          try { break } catch e { print("wrong") } finally { throw error(9, "from finally") }
        }
      } catch e { print(e.code) }`),
    ).toBe("9\n");
  });
  it("finally runs when an error passes through uncaught", async () => {
    const r = await runSource(`try { 1 / 0 } finally { print("cleanup") }`);
    expect(r.output).toBe("cleanup\n");
    expect(r.error?.code).toBe(3001);
  });
  it("errors raised in called functions are caught with their code and trace", async () => {
    expect(
      await outputOf(`
      func inner() { return [1][3] }
      func outer() { return inner() }
      try { outer() } catch e { print(e.code, len(e.trace) > 0) }`),
    ).toBe("3002 true\n");
  });
});

describe("errors", () => {
  const cases: [string, number][] = [
    ["1 / 0", 3001],
    ["5 % 0", 3001],
    ["[1, 2][2]", 3002],
    ['let m = {"a": 1}\nm["b"]', 3003],
    ["let f = 1\nf()", 3004],
    ["((a, b) => a)(1)", 3005],
    ['throw "x"', 3006],
    ["assert(false)", 3007],
    ["match 5 { case 1 => 2 }", 3008],
    ['num("x1")', 3009],
    ['1 < "a"', 5001],
    ["-nil", 5001],
    ["func f(n: int) { return n }\nf(1.5)", 5004],
    ["func f() -> string { return 1 }\nf()", 5004],
    ['var v: number = 1\nv = "s"', 2007],
    ["let s: string = 5", 2007],
    ["print(undefinedName)", 2002],
    ["let a = 1\nlet a = 2", 2004],
    ["break", 2005],
    ["return 1", 2006],
    ["func f() { f() }\nf()", 1001],
    ["len(1, 2)", 2015],
    ["sort()", 2015],
  ];
  for (const [src, code] of cases) {
    it(`${JSON.stringify(src)} fails with ${code}`, async () => {
      expect(await errorCodeOf(src)).toBe(code);
    });
  }
  it("reports every compile error of a file with positions", async () => {
    const r = await runSource("let a = b\nlet c = d\nbreak\n", { file: "many.nc" });
    expect(r.diagnostics?.map((d) => [d.code, d.line, d.col])).toEqual([
      [2002, 1, 9],
      [2002, 2, 9],
      [2005, 3, 1],
    ]);
  });
  it("thrown non-error values become error 3006 with their text", async () => {
    expect(await outputOf(`try { throw [1, "a"] } catch e { print(e.code, e.message) }`)).toBe('3006 [1, "a"]\n');
  });
  it("printing an error shows code and message", async () => {
    expect(await outputOf(`print(error(42, "boom"))`)).toBe("error[42]: boom\n");
  });
});

describe("match", () => {
  it("binds nested list and struct patterns and honours guards", async () => {
    expect(
      await outputOf(`
      struct P { x: number, y: number }
      func d(v) {
        return match v {
          case [P { x, y: 0 }, n] if n > 1 => "axis x=\${x} n=\${n}"
          case [_, _] => "pair"
          case nil => "nothing"
          case true => "yes"
          case s if type(s) == "string" => "text " + s
          case _ => { let t = type(v); "other " + t }
        }
      }
      print(d([P { x: 3, y: 0 }, 2]))
      print(d([P { x: 3, y: 1 }, 2]))
      print(d(nil))
      print(d(true))
      print(d("hi"))
      print(d(2.5))`),
    ).toBe("axis x=3 n=2\npair\nnothing\nyes\ntext hi\nother number\n");
  });
});

describe("collections and strings", () => {
  it("list operations", async () => {
    expect(
      await outputOf(`
      var xs = [5, 3, 8]
      insert(xs, 1, 4)
      print(xs, remove(xs, 0), xs, xs[-2:], xs[:1], [1] + [2, 3], range(0, 10, 3), range(3))
      print(sort([3, 1, 2], (a, b) => a > b), sort(["b", "a", "c"]), filter(1..=6, x => x % 2 == 0), reduce([1, 2, 3], (a, b) => a * b, 1))`),
    ).toBe('[4, 3, 8] 5 [4, 3, 8] [3, 8] [4] [1, 2, 3] [0, 3, 6, 9] [0, 1, 2]\n[3, 2, 1] ["a", "b", "c"] [2, 4, 6] 6\n');
  });
  it("sort as a value takes an optional comparison", async () => {
    expect(
      await outputOf(`
      let s = sort
      print(map([[3, 1, 2], [9, 8]], s), s([1, 3, 2], (a, b) => a > b))`),
    ).toBe("[[1, 2, 3], [8, 9]] [3, 2, 1]\n");
  });

  it("maps keep insertion order, delete, and compare by content", async () => {
    expect(
      await outputOf(`
      var m = {"x": 1, 2: "two"}
      m["y"] = 3
      remove(m, "x")
      m["x"] = 4
      print(m, len(m), values(m), {"a": 1, "b": 2} == {"b": 2, "a": 1}, has(m, 2))`),
    ).toBe('{2: "two", "y": 3, "x": 4} 3 ["two", 3, 4] true true\n');
  });
  it("maps grow past their first tables", async () => {
    expect(
      await outputOf(`
      var m = {}
      for i in 0..1000 { m["k" + str(i)] = i }
      for i in 0..1000 { if i % 2 == 0 { remove(m, "k" + str(i)) } }
      var s = 0
      for k, v in m { s += v }
      print(len(m), s, m["k999"])`),
    ).toBe("500 250000 999\n");
  });
  it("strings index and slice by code point", async () => {
    expect(
      await outputOf(`
      let s = "añb🍜c"
      print(len(s), s[1], s[3], s[-1], s[1:4], "🍜" < "z", str(nil) + str(true))`),
    ).toBe("5 ñ 🍜 c ñb🍜 false niltrue\n");
  });
  it("numbers print as JavaScript does", async () => {
    expect(await outputOf(`print(1e21, 1e-7, 123456789012345680000, -0, 0.1 * 3, 2 ** 53, 1 / 3 * 3, -1.5e300 * 1e10)`)).toBe(
      "1e+21 1e-7 123456789012345680000 0 0.30000000000000004 9007199254740992 1 -Infinity\n",
    );
  });
  it("cyclic structures print, copy and compare without running away", async () => {
    expect(
      await outputOf(`
      var xs = [1]
      push(xs, xs)
      var m = {"a": 1}
      m["self"] = m
      let ys = copy(xs)
      print(xs, m, ys[1] == ys, len(ys))
      var shared = [0]
      let both = [shared, shared]
      let c = copy(both)
      c[0][0] = 5
      print(c[1][0])
      try { print(xs == copy(xs)) } catch e { print(e.code) }`),
    ).toBe('[1, [...]] {"a": 1, "self": {...}} true 2\n5\n3011\n');
  });

  it("copy is deep and == is structural", async () => {
    expect(
      await outputOf(`
      let a = [[1], {"k": [2]}]
      let b = copy(a)
      b[0][0] = 9
      print(a, a == copy(a), a == b)`),
    ).toBe('[[1], {"k": [2]}] true false\n');
  });
});

describe("regions", () => {
  it("values that escape a region survive it", async () => {
    expect(
      await outputOf(`
      var keep = []
      var total = 0
      for i in 0..200 {
        region {
          let tmp = [i, [i, i], {"k": i}]
          total += tmp[1][0]
          if i % 50 == 0 { push(keep, tmp) }
        }
      }
      print(total, len(keep), keep[3][2]["k"])`),
    ).toBe("19900 4 150\n");
  });
  it("return and break leave regions", async () => {
    expect(
      await outputOf(`
      func f() { region { let xs = [1, 2]; return xs } }
      var got = nil
      for i in 0..5 { region { got = [i]; if i == 2 { break } } }
      print(f(), got)`),
    ).toBe("[1, 2] [2]\n");
  });
});

describe("default parameter values", () => {
  it("fill left-out arguments at the call, after the parameters before them", async () => {
    expect(
      await outputOf(`
      func greet(name, greeting = "hello", times = 1 + 1) {
        var out = []
        for i in 0..times { push(out, "\${greeting}, \${name}") }
        return out
      }
      print(greet("a"), greet("b", "hi"), greet("c", "yo", 1), greet("n", nil, 1))
      let f = (x, k = x * 2) => x + k
      print(f(1), f(1, 5))
      func g(a, h = () => a) { a += 1; return h() }
      print(g(10))`),
    ).toBe('["hello, a", "hello, a"] ["hi, b", "hi, b"] ["yo, c"] ["nil, n"]\n3 6\n11\n');
  });
  it("still demand the parameters without defaults", async () => {
    expect(
      await outputOf(`
      func h(a, b = 1) { return a + b }
      try { h() } catch e { print(e.code, e.message) }
      try { h(1, 2, 3) } catch e { print(e.code, e.message) }`),
    ).toBe("3005 h expects 1 to 2 argument(s), got 0\n3005 h expects 1 to 2 argument(s), got 3\n");
    expect(await errorCodeOf("func k(a = 1, b) { return b }")).toBe(2001);
  });
});
