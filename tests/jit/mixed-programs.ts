// Random programs whose variables hold a number in one statement and a list in another: set
// directly, by calls that return either (which one depends on the value passed), by moves from
// each other, across branches and loops, and read both as numbers and as lists (arithmetic on a
// list is caught). They exercise the compiled tier's types per program point: each value in the
// local or the memory its kind needs, and written back where the code stops.
import fc from "fast-check";

const VARS = ["a", "b", "c", "d"];

/** A number from any variable: a list's first item plus its length. */
const numberOf = fc.constantFrom(...VARS).map((v) => `num(${v})`);

const leaf = fc.oneof(numberOf, fc.integer({ min: -9, max: 9 }).map(String), fc.constantFrom("0.5", "-0.25"));

const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("e"), fc.constantFrom("+", "-", "*"), tie("e")).map(([x, op, y]) => `(${x} ${op} ${y})`),
  ),
})).e;

const cond = fc.tuple(expr, fc.constantFrom("<", ">", "=="), expr).map(([x, op, y]) => `${x} ${op} ${y}`);

const statement: fc.Arbitrary<string> = fc.letrec<{ s: string }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(fc.constantFrom(...VARS), expr).map(([v, e]) => `${v} = ${e}`),
    fc.tuple(fc.constantFrom(...VARS), expr, expr).map(([v, x, y]) => `${v} = [${x}, ${y}]`),
    fc.tuple(fc.constantFrom(...VARS), expr).map(([v, e]) => `${v} = wrap(${e})`),
    fc.tuple(fc.constantFrom(...VARS), fc.constantFrom(...VARS)).map(([v, w]) => `${v} = flip(${w})`),
    fc.tuple(fc.constantFrom(...VARS), fc.constantFrom(...VARS)).map(([v, w]) => `${v} = ${w}`),
    fc.tuple(fc.constantFrom(...VARS), expr).map(([v, e]) => `${v} = num(${v}) + ${e}`),
    fc.constantFrom(...VARS).map((v) => `s += num(${v})`),
    // arithmetic on a variable that may hold a list: a guard fails, or the interpreter raises
    fc.tuple(fc.constantFrom(...VARS), fc.constantFrom(...VARS)).map(([v, w]) => `try {\n${v} = ${w} * 2 + 1\n} catch e {\ns += 1\n}`),
    fc
      .tuple(cond, fc.array(tie("s"), { maxLength: 3 }), fc.array(tie("s"), { maxLength: 2 }))
      .map(([c, t, f]) => `if ${c} {\n${t.join("\n")}\n} else {\n${f.join("\n")}\n}`),
    fc.tuple(fc.integer({ min: 0, max: 12 }), fc.array(tie("s"), { maxLength: 3 })).map(([n, body]) => `for i in 0..${n} {\n${body.join("\n")}\n}`),
    fc.constantFrom(...VARS).map((v) => `print(${v})`),
  ),
})).s;

/** A program: the helpers, a function of two numbers that runs the statements, and calls of it. */
export const mixedPrograms: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(statement, { minLength: 1, maxLength: 6 }),
    fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 3 }),
  )
  .map(([body, calls]) =>
    [
      'func num(v) {\n  if type(v) == "list" { return num(v[0]) + len(v) }\n  return v\n}',
      "func wrap(x) { return [x, x + 1] }",
      // a list for a number and the first item for a list: the type of the result changes with the argument's
      'func flip(v) {\n  if type(v) == "list" { return v[0] }\n  return [v]\n}',
      "func run(a, b) {\n  var c = [a, b]\n  var d = 2\n  var s = 0",
      ...body.map((x) => `  ${x.split("\n").join("\n  ")}`),
      "  print(a, b, c, d, s)\n  return num(a) + num(b) + num(c) + num(d) + s\n}",
      ...calls.map(([x, y]) => `print(run(${x}, ${y}))`),
    ].join("\n"),
  );
