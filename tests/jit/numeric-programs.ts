// Random well-typed numeric programs for comparing the tiers: functions of numbers with locals,
// bounded loops (for, while, break, continue), arithmetic, comparisons, calls between the
// functions, math builtins and lists of numbers, each printing what it computes. Division by
// zero, overflow to infinity and NaN are all allowed: both tiers must print the same for them.
import fc from "fast-check";

const VARS = ["a", "b", "c", "d"];

const leaf = fc.oneof(fc.constantFrom(...VARS), fc.integer({ min: -20, max: 20 }).map(String), fc.constantFrom("0.5", "1e308", "-0.25", "3.75"));

const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("e"), fc.constantFrom("+", "-", "*", "/", "%", "**"), tie("e")).map(([x, op, y]) => `(${x} ${op} ${y})`),
    fc.tuple(fc.constantFrom("sqrt", "abs", "floor", "ceil"), tie("e")).map(([f, x]) => `${f}(${x})`),
    tie("e").map((x) => `(-${x})`),
    fc
      .tuple(tie("e"), fc.constantFrom("<", "<=", ">", ">=", "==", "!="), tie("e"), tie("e"), tie("e"))
      .map(([x, op, y, t, f]) => `(if2(${x} ${op} ${y}, ${t}, ${f}))`),
  ),
})).e;

const cond = fc.tuple(expr, fc.constantFrom("<", "<=", ">", ">=", "==", "!="), expr).map(([x, op, y]) => `${x} ${op} ${y}`);

const statement: fc.Arbitrary<string> = fc.letrec<{ s: string }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(fc.constantFrom(...VARS), fc.constantFrom("=", "+=", "-=", "*="), expr).map(([v, op, e]) => `${v} ${op} ${e}`),
    fc.tuple(fc.constantFrom(...VARS), expr).map(([v, e]) => `${v} = helper(${e}, ${v})`),
    fc.tuple(fc.constantFrom(...VARS), fc.integer({ min: 0, max: 4 })).map(([v, i]) => `${v} = ${v} + xs[${i}]`),
    fc.tuple(fc.integer({ min: 0, max: 4 }), expr).map(([i, e]) => `xs[${i}] = ${e}`),
    fc
      .tuple(cond, fc.array(tie("s"), { maxLength: 3 }), fc.array(tie("s"), { maxLength: 2 }))
      .map(([c, t, f]) => `if ${c} {\n${t.join("\n")}\n} else {\n${f.join("\n")}\n}`),
    fc
      .tuple(fc.integer({ min: 0, max: 30 }), fc.array(tie("s"), { maxLength: 3 }), fc.option(cond))
      .map(([n, body, exit]) => `for i in 0..${n} {\n${body.join("\n")}\n${exit ? `if ${exit} { break }` : ""}\n}`),
    fc.tuple(fc.integer({ min: 1, max: 20 }), fc.array(tie("s"), { maxLength: 3 }), cond).map(
      // a block of its own, so that each loop's counter is its own
      ([n, body, skip]) => `if true {\nvar k = 0\nwhile k < ${n} {\nk += 1\nif ${skip} { continue }\n${body.join("\n")}\n}\n}`,
    ),
    fc.constantFrom(...VARS).map((v) => `print(${v})`),
  ),
})).s;

/** A program: a helper, a function of four numbers that runs the statements, and calls of it. */
export const numericPrograms: fc.Arbitrary<string> = fc
  .tuple(
    expr,
    fc.array(statement, { minLength: 1, maxLength: 6 }),
    fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 3 }),
  )
  .map(([helperBody, body, calls]) =>
    [
      "func if2(c, t, f) {\n  if c { return t }\n  return f\n}",
      `func helper(a, b) {\n  var c = a\n  var d = b\n  return ${helperBody}\n}`,
      "func run(a, b) {\n  var c = 1\n  var d = 2\n  var xs = [1, 2, 3, 4, 5]",
      ...body.map((s) => `  ${s.split("\n").join("\n  ")}`),
      "  print(a, b, c, d, xs)\n  return a + b + c + d\n}",
      ...calls.map(([x, y]) => `print(run(${x}, ${y}))`),
    ].join("\n"),
  );
