import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { Block, Expr, Pattern, Program, SliceBounds, Stmt } from "../../src/compiler/ast.js";
import { DiagnosticBag, SourceFile } from "../../src/compiler/diagnostics.js";
import { parse } from "../../src/compiler/parser.js";
import { AWAITING } from "../conformance/awaiting.js";
import { conformanceSuites, ROOT } from "../helpers.js";

function run(text: string): { program: Program; diags: DiagnosticBag } {
  const diags = new DiagnosticBag();
  const program = parse(new SourceFile("test.nc", text), diags);
  return { program, diags };
}

/** The statements of text, which must parse without diagnostics. */
function stmts(text: string): Stmt[] {
  const { program, diags } = run(text);
  expect(diags.items.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([]);
  return program.body;
}

function stmt<K extends Stmt["kind"]>(text: string, kind: K): Extract<Stmt, { kind: K }> {
  const body = stmts(text);
  expect(body).toHaveLength(1);
  expect(body[0].kind).toBe(kind);
  return body[0] as Extract<Stmt, { kind: K }>;
}

/** The single expression statement of text, printed as an S-expression. */
const ex = (text: string) => show(stmt(text, "ExprStmt").expr);

/** Diagnostics as "code line:col message". */
const errors = (text: string) => run(text).diags.items.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`);

function show(e: Expr | SliceBounds | Block): string {
  const opt = (x?: Expr) => (x ? show(x) : "_");
  switch (e.kind) {
    case "Number":
      return String(e.value);
    case "String":
      return JSON.stringify(e.value);
    case "Interp":
      return `(interp ${e.parts.map((p) => (typeof p === "string" ? JSON.stringify(p) : show(p))).join(" ")})`;
    case "Bool":
      return String(e.value);
    case "Nil":
      return "nil";
    case "Ident":
      return e.name;
    case "List":
      return `[${e.items.map(show).join(" ")}]`;
    case "Matrix":
      return e.rows.length ? `[${e.rows.map((r) => r.map(show).join(" ") + ";").join(" ")}]` : "[;]";
    case "Map":
      return `{${e.entries.map((en) => `${show(en.key)}: ${show(en.value)}`).join(", ")}}`;
    case "StructLit":
      return `(${e.module ? e.module + "." : ""}${e.name} ${e.fields.map((f) => `${f.name}=${show(f.value)}`).join(" ")})`;
    case "Unary":
      return `(${e.op} ${show(e.operand)})`;
    case "Binary":
    case "Logical":
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case "Range":
      return `(${e.inclusive ? "..=" : ".."} ${show(e.from)} ${show(e.to)})`;
    case "Call":
      return `(call ${[e.callee, ...e.args].map(show).join(" ")})`;
    case "Index":
      return `(index ${[e.target, ...e.indices].map(show).join(" ")})`;
    case "SliceBounds":
      return `(: ${opt(e.from)} ${opt(e.to)})`;
    case "Member":
      return `(. ${show(e.target)} ${e.name})`;
    case "Transpose":
      return `(' ${show(e.operand)})`;
    case "Lambda":
      return `(=> (${e.params.map((p) => p.name + (p.type ? ":" + p.type.name : "")).join(" ")}) ${show(e.body)})`;
    case "Match":
      return `(match ${show(e.subject)} ${e.cases
        .map((c) => `(case ${showPattern(c.pattern)}${c.guard ? " if " + show(c.guard) : ""} ${show(c.body)})`)
        .join(" ")})`;
    case "Spawn":
      return `(spawn ${show(e.call)})`;
    case "Await":
      return `(await ${show(e.operand)})`;
    case "ErrorExpr":
      return "<error>";
    case "Block":
      return `{${e.body.map((s) => s.kind).join(" ")}}`;
  }
}

function showPattern(p: Pattern): string {
  switch (p.kind) {
    case "PWildcard":
      return "_";
    case "PBind":
      return `$${p.name}`;
    case "PLiteral":
      return JSON.stringify(p.value);
    case "PList":
      return `[${p.items.map(showPattern).join(" ")}]`;
    case "PStruct":
      return `(${p.module ? p.module + "." : ""}${p.name} ${p.fields.map((f) => `${f.name}=${showPattern(f.pattern)}`).join(" ")})`;
  }
}

describe("literals and primaries", () => {
  it("parses atoms", () => {
    expect(ex("42")).toBe("42");
    expect(ex('"hi"')).toBe('"hi"');
    expect(ex("true")).toBe("true");
    expect(ex("false")).toBe("false");
    expect(ex("nil")).toBe("nil");
    expect(ex("name")).toBe("name");
    expect(ex("(((x)))")).toBe("x");
  });

  it("parses maps, with newlines anywhere inside", () => {
    const map = (text: string) => show(stmt(`let m = ${text}`, "Let").init);
    expect(map('{"a": 1, "b": [2]}')).toBe('{"a": 1, "b": [2]}');
    expect(map("{}")).toBe("{}");
    expect(map('{\n  "a": 1,\n  2: "two",\n}')).toBe('{"a": 1, 2: "two"}');
    expect(map("{k: v}")).toBe("{k: v}");
  });

  it("takes { at the start of a statement as a block", () => {
    expect(stmts("{ x }")[0].kind).toBe("Block");
  });

  it("parses interpolated strings, embedded expressions included", () => {
    expect(ex('"x = ${x + 1}, ${f("a${b}")}!"')).toBe('(interp "x = " (+ x 1) ", " (call f (interp "a" b "")) "!")');
    expect(ex('"${a}${b}"')).toBe('(interp "" a "" b "")');
    expect(ex('"${ {"k": [1, 2]}["k"][0] }"')).toBe('(interp "" (index (index {"k": [1 2]} "k") 0) "")');
  });

  it("gives embedded expressions spans in the whole source", () => {
    const e = stmt('print("ab ${x * 2}")', "ExprStmt").expr;
    const interp = e.kind === "Call" ? e.args[0] : e;
    const part = interp.kind === "Interp" ? interp.parts[1] : undefined;
    expect(part).toMatchObject({ kind: "Binary", op: "*", span: { start: 12, end: 17 }, opSpan: { start: 14, end: 15 } });
  });
});

describe("operator precedence and associativity", () => {
  it("orders arithmetic", () => {
    expect(ex("1 + 2 * 3")).toBe("(+ 1 (* 2 3))");
    expect(ex("(1 + 2) * 3")).toBe("(* (+ 1 2) 3)");
    expect(ex("a - b - c")).toBe("(- (- a b) c)");
    expect(ex("a / b * c % d")).toBe("(% (* (/ a b) c) d)");
    expect(ex("A .* B ./ C \\ d")).toBe("(\\ (./ (.* A B) C) d)");
    expect(ex("a + b .* c")).toBe("(+ a (.* b c))");
  });

  it("makes ** right-associative and tighter than prefix minus", () => {
    expect(ex("2 ** 3 ** 2")).toBe("(** 2 (** 3 2))");
    expect(ex("-2 ** 2")).toBe("(- (** 2 2))");
    expect(ex("2 ** -1")).toBe("(** 2 (- 1))");
    expect(ex("2 ** 3 * 4")).toBe("(* (** 2 3) 4)");
    expect(ex("-a * b")).toBe("(* (- a) b)");
    expect(ex("a * -b")).toBe("(* a (- b))");
    expect(ex("- -a")).toBe("(- (- a))");
    expect(ex("-7 % 3")).toBe("(% (- 7) 3)");
  });

  it("binds postfix operators tightest", () => {
    expect(ex("-A'")).toBe("(- (' A))");
    expect(ex("a.b(c)[d]'")).toBe("(' (index (call (. a b) c) d))");
    expect(ex("f(x)(y)")).toBe("(call (call f x) y)");
    expect(ex("A' * B''")).toBe("(* (' A) (' (' B)))");
    expect(ex("2 ** A'")).toBe("(** 2 (' A))");
  });

  it("puts ranges between comparison and addition", () => {
    expect(ex("0..n + 1")).toBe("(.. 0 (+ n 1))");
    expect(ex("1..=3")).toBe("(..= 1 3)");
    expect(ex("a < b..c")).toBe("(< a (.. b c))");
  });

  it("orders the logical operators and not", () => {
    expect(ex("a or b and c")).toBe("(or a (and b c))");
    expect(ex("a || b && !c")).toBe("(or a (and b (not c)))");
    expect(ex("not a == b")).toBe("(not (== a b))");
    expect(ex("not a and b")).toBe("(and (not a) b)");
    expect(ex("not not a")).toBe("(not (not a))");
    expect(ex("a == b and c != d or e <= f")).toBe("(or (and (== a b) (!= c d)) (<= e f))");
    expect(ex("x > 1 and y >= 2")).toBe("(and (> x 1) (>= y 2))");
  });

  it("parses await and spawn as prefix operators", () => {
    expect(ex("await f(x) + 1")).toBe("(+ (await (call f x)) 1)");
    expect(ex("await spawn boom()")).toBe("(await (spawn (call boom)))");
    expect(ex("spawn c.get()")).toBe("(spawn (call (. c get)))");
    expect(ex("await all([spawn w(1), spawn w(2)])")).toBe("(await (call all [(spawn (call w 1)) (spawn (call w 2))]))");
  });

  it("rejects spawn without a call", () => {
    expect(errors("let t = spawn x")).toEqual(["2001 1:15 'spawn' must be followed by a call, as in 'spawn f(x)'"]);
    expect(errors("let t = spawn f(x).y")).toHaveLength(1);
  });

  it("does not chain comparisons or ranges", () => {
    expect(errors("a < b < c")).toEqual(["2001 1:7 comparison operators cannot be chained; combine them with 'and'"]);
    expect(errors("a == b == c")).toHaveLength(1);
    expect(errors("a < b >= c")).toHaveLength(1);
    expect(errors("a..b..c")).toEqual(["2001 1:5 range operators cannot be chained"]);
    expect(ex("(a < b) == c")).toBe("(== (< a b) c)");
  });

  it("does not take not as an operand of a tighter operator", () => {
    expect(errors("a == not b")).toEqual(["2001 1:6 'not' binds looser than this operator: wrap it in parentheses"]);
    expect(ex("a == (not b)")).toBe("(== a (not b))");
  });

  it("sets spans on nodes", () => {
    const e = stmt("x + yy * 3", "ExprStmt").expr;
    expect(e).toMatchObject({ span: { start: 0, end: 10 }, opSpan: { start: 2, end: 3 } });
    expect(e.kind === "Binary" && e.right.span).toEqual({ start: 4, end: 10 });
  });
});

describe("statement termination", () => {
  it("ends statements at newlines and semicolons", () => {
    expect(stmts("a\nb\nc")).toHaveLength(3);
    expect(stmts("a; b; c;")).toHaveLength(3);
    expect(stmts(";;a;;\n;b")).toHaveLength(2);
  });

  it("does not continue with ( [ or a binary operator on the next line", () => {
    expect(stmts("f\n(x)").map((s) => s.kind === "ExprStmt" && show(s.expr))).toEqual(["f", "x"]);
    expect(stmts("xs\n[0]").map((s) => s.kind === "ExprStmt" && show(s.expr))).toEqual(["xs", "[0]"]);
    expect(errors("let a = b\n+ c")).toEqual(["2001 2:1 expected an expression but found '+'"]);
    expect(stmts("a\n- b").map((s) => s.kind === "ExprStmt" && show(s.expr))).toEqual(["a", "(- b)"]);
  });

  it("continues after a binary operator, a comma or an open bracket", () => {
    expect(show(stmt("let a = 1 +\n  2 *\n  3", "Let").init)).toBe("(+ 1 (* 2 3))");
    expect(show(stmt("let a = x and\n y", "Let").init)).toBe("(and x y)");
    expect(ex("f(\n  1,\n  2\n)")).toBe("(call f 1 2)");
    expect(ex("f(a\n + b)")).toBe("(call f (+ a b))");
    expect(ex("[1,\n 2\n , 3]")).toBe("[1 2 3]");
    expect(ex("xs[\n0\n]")).toBe("(index xs 0)");
    expect(ex("(a\n * b)")).toBe("(* a b)");
    expect(ex("Point {\n  x: 1\n  ,y: 2\n}")).toBe("(Point x=1 y=2)");
  });

  it("lets a statement that ends with } be followed directly", () => {
    expect(stmts("if x { return 1 } return 2").map((s) => s.kind)).toEqual(["If", "Return"]);
    expect(stmts("func f() { } f()").map((s) => s.kind)).toEqual(["Func", "ExprStmt"]);
  });

  it("requires a separator between other statements", () => {
    expect(errors("a b")).toEqual(["2001 1:3 expected a newline or ';' after the statement but found 'b'"]);
    expect(errors("let x = 1 let y = 2")).toEqual(["2001 1:11 expected a newline or ';' after the statement but found 'let'"]);
  });

  it("ends a return at a newline, ; or }", () => {
    expect(stmts("return\nx").map((s) => s.kind)).toEqual(["Return", "ExprStmt"]);
    expect(stmt("return", "Return").value).toBeUndefined();
    expect(stmt("return;", "Return").value).toBeUndefined();
    const f = stmt("func f() { return }", "Func");
    expect(f.body.body[0]).toMatchObject({ kind: "Return", value: undefined });
    expect(show(stmt("return a +\n b", "Return").value!)).toBe("(+ a b)");
  });

  it("separates statements by newlines inside blocks, also inside parentheses", () => {
    const e = stmt("push(fs, () => {\n  c += 1\n  return c\n})", "ExprStmt").expr;
    const lambda = e.kind === "Call" ? e.args[1] : e;
    expect(lambda.kind === "Lambda" && lambda.body.kind === "Block" && lambda.body.body.map((s) => s.kind)).toEqual(["Assign", "Return"]);
  });
});

describe("struct literals", () => {
  it("parses Name { ... } and mod.Name { ... } in expressions", () => {
    expect(ex("Point { x: 1, y: 2 }")).toBe("(Point x=1 y=2)");
    expect(ex("g.Vec { x: a.x + b.x, y: 0 }")).toBe("(g.Vec x=(+ (. a x) (. b x)) y=0)");
    expect(ex("point { x: 1 }")).toBe("(point x=1)");
    expect(ex("Point {}")).toBe("(Point )");
    expect(ex("Point { x: 1 }.x + g.P { y: 2 }.y")).toBe("(+ (. (Point x=1) x) (. (g.P y=2) y))");
    expect(ex("Point { x, y }")).toBe("(Point x=x y=y)");
    expect(ex("Point { x: 1, y: 2 } == p")).toBe("(== (Point x=1 y=2) p)");
    expect(show(stmt("return Vec { x: 1 }", "Return").value!)).toBe("(Vec x=1)");
  });

  it("does not parse them as if/elif/while conditions, for iterables or match subjects", () => {
    const s = stmt("if x { y } elif z { w }", "If");
    expect(s.branches.map((b) => show(b.cond))).toEqual(["x", "z"]);
    expect(s.branches[0].body.body).toHaveLength(1);
    expect(show(stmt("while p.ok { step() }", "While").cond)).toBe("(. p ok)");
    expect(show(stmt("for c in g.Vec { }", "For").iterable)).toBe("(. g Vec)");
    expect(ex("match v { case _ => 1 }")).toBe("(match v (case _ 1))");
  });

  it("parses them in those positions when parenthesised or nested in brackets", () => {
    expect(show(stmt("if (Point { x: 1 }) == p { }", "If").branches[0].cond)).toBe("(== (Point x=1) p)");
    expect(show(stmt("for q in [Point { x: 1 }] { }", "For").iterable)).toBe("[(Point x=1)]");
    expect(show(stmt("while f(Point { x: 1 }) { }", "While").cond)).toBe("(call f (Point x=1))");
    expect(show(stmt("if v == { } { }", "If").branches[0].cond)).toBe("(== v {})");
  });

  it("does not take a { on the next line at statement level", () => {
    expect(stmts("Point\n{ x }").map((s) => s.kind)).toEqual(["ExprStmt", "Block"]);
  });
});

describe("lambdas", () => {
  it("parses all the forms", () => {
    expect(ex("x => x * 2")).toBe("(=> (x) (* x 2))");
    expect(ex("(a, b) => a + b")).toBe("(=> (a b) (+ a b))");
    expect(ex("() => 1")).toBe("(=> () 1)");
    expect(ex("(a: number, b) => { return a }")).toBe("(=> (a:number b) {Return})");
    expect(ex("f => x => f(f(x))")).toBe("(=> (f) (=> (x) (call f (call f x))))");
    expect(ex("(a,) => a")).toBe("(=> (a) a)");
  });

  it("tells a parenthesised expression from parameters", () => {
    expect(ex("(a)")).toBe("a");
    expect(ex("(a) + (b)")).toBe("(+ a b)");
    expect(ex("((a) => a)(1, 2)")).toBe("(call (=> (a) a) 1 2)");
    expect(ex("map(xs, (x) => (x + 1) * 2)")).toBe("(call map xs (=> (x) (* (+ x 1) 2)))");
    expect(ex("reduce(xs, (a, b) => a + b, 0)")).toBe("(call reduce xs (=> (a b) (+ a b)) 0)");
  });

  it("parses a map body when { is followed by key:", () => {
    expect(ex('x => {"k": x}')).toBe('(=> (x) {"k": x})');
    expect(ex("x => {}")).toBe("(=> (x) {})");
    const body = stmt("f = x => {}", "Assign").value;
    expect(body.kind === "Lambda" && body.body.kind).toBe("Block");
  });

  it("reports parameters that are not names", () => {
    expect(errors("let f = (1 + 2) => 3")).toEqual(["2001 1:10 expected a parameter name but found '1'"]);
  });
});

describe("lists and matrices", () => {
  it("parses lists", () => {
    expect(ex("[]")).toBe("[]");
    expect(ex("[1, 2, 3]")).toBe("[1 2 3]");
    expect(ex("[1, 2,]")).toBe("[1 2]");
    expect(ex('[1, [2, "x"]]')).toBe('[1 [2 "x"]]');
  });

  it("makes a matrix when a ; appears at bracket level", () => {
    expect(ex("[1, 2; 3, 4]")).toBe("[1 2; 3 4;]");
    expect(ex("[1, 2, 3;]")).toBe("[1 2 3;]");
    expect(ex("[1; 2; 3]")).toBe("[1; 2; 3;]");
    expect(stmt("[;]", "ExprStmt").expr).toMatchObject({ kind: "Matrix", rows: [] });
    expect(ex("[1, 2; 3, 4;]")).toBe("[1 2; 3 4;]");
    expect(ex("[f(1, 2), 3; [4, 5], 6]")).toBe("[(call f 1 2) 3; [4 5] 6;]");
    expect(ex("[\n 1, 2;\n 3, 4\n]")).toBe("[1 2; 3 4;]");
  });

  it("reports literal rows of unequal length", () => {
    expect(errors("let m = [1, 2; 3]")).toEqual(["2001 1:16 matrix rows must have equal lengths: row 1 has 2 elements, row 2 has 1"]);
    expect(errors("let m = [1; 2, 3; 4]")).toHaveLength(1);
  });

  it("reports empty rows", () => {
    expect(errors("[1;;2]")).toEqual(["2001 1:4 expected an expression but found ';'"]);
  });
});

describe("index and slices", () => {
  it("parses indexes and slice bounds", () => {
    expect(ex("xs[i]")).toBe("(index xs i)");
    expect(ex("xs[-1]")).toBe("(index xs (- 1))");
    expect(ex("A[i, j]")).toBe("(index A i j)");
    expect(ex("T[i, j, k]")).toBe("(index T i j k)");
    expect(ex("xs[1:3]")).toBe("(index xs (: 1 3))");
    expect(ex("xs[:2]")).toBe("(index xs (: _ 2))");
    expect(ex("xs[1:]")).toBe("(index xs (: 1 _))");
    expect(ex("xs[:]")).toBe("(index xs (: _ _))");
    expect(ex("A[:, j]")).toBe("(index A (: _ _) j)");
    expect(ex("A[i, :]")).toBe("(index A i (: _ _))");
    expect(ex("A[0:2, 1:3]")).toBe("(index A (: 0 2) (: 1 3))");
    expect(ex("A[n - 1:n + 1, 0]")).toBe("(index A (: (- n 1) (+ n 1)) 0)");
  });

  it("gives slice bounds spans", () => {
    const e = stmt("xs[1:3]", "ExprStmt").expr;
    expect(e.kind === "Index" && e.indices[0].span).toEqual({ start: 3, end: 6 });
  });
});

describe("match", () => {
  it("parses cases with patterns, guards and bodies", () => {
    const src = `match v {
      case 0 => "zero"
      case -1.5 => "neg"
      case n if type(n) == "number" and n < 0 => "negative"
      case [a, b] => "pair"
      case [] => "empty"
      case Point { x, y: 0 } => x
      case geo.Vec { x: [_, q] } => q
      case "hi" => { print(1); 2 }
      case true => 1
      case false => 0
      case nil => nil
      case _ => "other"
    }`;
    expect(ex(src)).toBe(
      "(match v " +
        '(case 0 "zero") (case -1.5 "neg") ' +
        '(case $n if (and (== (call type n) "number") (< n 0)) "negative") ' +
        '(case [$a $b] "pair") (case [] "empty") ' +
        "(case (Point x=$x y=0) x) (case (geo.Vec x=[_ $q]) q) " +
        '(case "hi" {ExprStmt ExprStmt}) (case true 1) (case false 0) (case null nil) (case _ "other"))',
    );
  });

  it("accepts cases on one line and a guard that ends in a name", () => {
    expect(ex("match v { case 0 => a  case n if ok => b }")).toBe("(match v (case 0 a) (case $n if ok b))");
    expect(ex("match v { case n if (ok) => b }")).toBe("(match v (case $n if ok b))");
    expect(ex("match v { case n if all(xs, x => x > n) => b }")).toBe("(match v (case $n if (call all xs (=> (x) (> x n))) b))");
    expect(ex("match v {}")).toBe("(match v )");
  });

  it("is an expression", () => {
    const s = stmt("let r = match x { case 1 => 10 case _ => 0 } + 1", "Let");
    expect(show(s.init)).toBe("(+ (match x (case 1 10) (case _ 0)) 1)");
    expect(ex("print(match x {\n case 1 => 2\n})")).toBe("(call print (match x (case 1 2)))");
  });

  it("recovers inside a case and reports once", () => {
    const { program, diags } = run("let r = match v {\n  case 1 => (2 +\n  case 2 => 3\n  case 3 => 4\n}\nprint(r)");
    expect(diags.items.map((d) => `${d.line}:${d.col}`)).toEqual(["3:3"]);
    expect(program.body.map((s) => s.kind)).toEqual(["Let", "ExprStmt"]);
    const m = program.body[0].kind === "Let" ? program.body[0].init : undefined;
    expect(m?.kind === "Match" && m.cases.length).toBe(2);
  });

  it("rejects interpolated strings and other expressions as patterns", () => {
    expect(errors('match v { case "a${b}" => 1 }')).toHaveLength(1);
    expect(errors("match v { case a + 1 => 1 }")).toHaveLength(1);
    expect(errors("match v { x => 1 }")).toEqual(["2001 1:11 expected 'case' or '}' but found 'x'"]);
  });
});

describe("statements", () => {
  it("parses let and var with optional annotations", () => {
    expect(stmt("let x = 1", "Let")).toMatchObject({ mutable: false, name: "x", nameSpan: { start: 4, end: 5 }, type: undefined });
    expect(stmt("var y: number = 2", "Let")).toMatchObject({ mutable: true, type: { kind: "named", name: "number" } });
    expect(stmt("let f: func = g", "Let").type).toMatchObject({ kind: "named", name: "func" });
    expect(stmt("let n: nil = nil", "Let").type).toMatchObject({ kind: "named", name: "nil" });
    expect(stmt("let v: geo.Vec = w", "Let").type).toMatchObject({ kind: "qualified", module: "geo", name: "Vec" });
    expect(errors("let x")).toEqual(["2001 1:6 expected '=' but found end of file"]);
    expect(errors("let 1 = 2")).toEqual(["2001 1:5 expected a name but found '1'"]);
  });

  it("parses assignments", () => {
    for (const op of ["=", "+=", "-=", "*=", "/="]) {
      expect(stmt(`y ${op} 1`, "Assign")).toMatchObject({ op, target: { kind: "Ident" }, value: { kind: "Number" } });
    }
    expect(stmt("xs[i] = v", "Assign").target.kind).toBe("Index");
    expect(stmt('m["k"] = v', "Assign").target.kind).toBe("Index");
    expect(stmt("A[0, 1] = 7", "Assign").target.kind).toBe("Index");
    expect(stmt("p.x = 3", "Assign").target.kind).toBe("Member");
    expect(stmt("count += k", "Assign").span).toEqual({ start: 0, end: 10 });
  });

  it("leaves checking the assignment target to the resolver", () => {
    expect(stmt("f() = 1", "Assign").target.kind).toBe("Call");
    expect(stmt("1 += 2", "Assign").target.kind).toBe("Number");
  });

  it("parses function declarations", () => {
    const f = stmt("func add(a: number, b: int) -> number { return a + b }", "Func");
    expect(f).toMatchObject({ name: "add", isAsync: false, returnType: { name: "number" } });
    expect(f.params.map((p) => [p.name, p.type?.name])).toEqual([
      ["a", "number"],
      ["b", "int"],
    ]);
    expect(f.body.body.map((s) => s.kind)).toEqual(["Return"]);
    const g = stmt("async func load(n) {\n  return n * 2\n}", "Func");
    expect(g).toMatchObject({ name: "load", isAsync: true, returnType: undefined });
    expect(stmt("func v() -> g.Vec { }", "Func").returnType).toMatchObject({ kind: "qualified", module: "g", name: "Vec" });
    expect(errors("async let x = 1")).toEqual(["2001 1:7 expected 'func' but found 'let'"]);
  });

  it("parses struct declarations with commas or newlines between fields", () => {
    const s = stmt("struct Point { x: number, y: number }", "Struct");
    expect(s.fields.map((f) => [f.name, f.type?.name])).toEqual([
      ["x", "number"],
      ["y", "number"],
    ]);
    expect(stmt("struct P {\n  x: number\n  y\n  z: list,\n}", "Struct").fields.map((f) => f.name)).toEqual(["x", "y", "z"]);
    expect(stmt("struct E {}", "Struct").fields).toEqual([]);
    expect(errors("struct P { x: number y: number }")).toEqual(["2001 1:22 expected ',' or a newline between fields but found 'y'"]);
  });

  it("parses actors", () => {
    const a = stmt(
      "actor Counter {\n  var count = 0\n  let step: int = 1\n  func inc(k) { count += k; return count }\n  async func get() { return count }\n}",
      "Actor",
    );
    expect(a.name).toBe("Counter");
    expect(a.state.map((s) => s.name)).toEqual(["count", "step"]);
    expect(a.methods.map((m) => [m.name, m.isAsync])).toEqual([
      ["inc", false],
      ["get", true],
    ]);
    expect(errors("actor A {\n  print(1)\n  func f() {}\n}")).toEqual(["2001 2:3 expected 'var', 'let' or 'func' in an actor but found 'print'"]);
  });

  it("parses imports", () => {
    expect(stmt('import "lib/stats.nc" as stats', "Import")).toMatchObject({
      path: "lib/stats.nc",
      pathSpan: { start: 7, end: 21 },
      alias: "stats",
      aliasSpan: { start: 25, end: 30 },
    });
    expect(errors("import stats")).toEqual(["2001 1:8 expected a module path string but found 'stats'"]);
    expect(errors('import "a.nc"')).toEqual(["2001 1:14 expected 'as' but found end of file"]);
  });

  it("parses if, elif and else, also across lines", () => {
    const s = stmt("if a { 1 } elif b { 2 } elif c { 3 } else { 4 }", "If");
    expect(s.branches.map((b) => show(b.cond))).toEqual(["a", "b", "c"]);
    expect(s.elseBody?.body).toHaveLength(1);
    const t = stmt("if a {\n  x()\n}\nelse\n{\n  y()\n}", "If");
    expect(t.elseBody?.body).toHaveLength(1);
    expect(errors("if a { } else if b { }")).toEqual(["2001 1:15 expected '{' but found 'if' (write 'elif' for else-if)"]);
  });

  it("parses while and for loops", () => {
    expect(show(stmt("while n < 5 { n += 2 }", "While").cond)).toBe("(< n 5)");
    const f = stmt("for i in 0..10 { }", "For");
    expect(f).toMatchObject({ first: "i", second: undefined, firstSpan: { start: 4, end: 5 } });
    expect(show(f.iterable)).toBe("(.. 0 10)");
    const g = stmt("for k, v in m { print(k, v) }", "For");
    expect(g).toMatchObject({ first: "k", second: "v", secondSpan: { start: 7, end: 8 } });
    expect(errors("for 1 in x { }")).toEqual(["2001 1:5 expected a loop variable but found '1'"]);
  });

  it("parses break, continue, throw and region", () => {
    expect(stmts("while true { break; continue }")[0]).toMatchObject({
      body: { body: [{ kind: "Break" }, { kind: "Continue" }] },
    });
    expect(show(stmt('throw error(1, "x")', "Throw").value)).toBe('(call error 1 "x")');
    expect(stmt("region { let a = 1 }", "Region").body.body).toHaveLength(1);
    expect(stmt("{ let a = 1 }", "Block").body).toHaveLength(1);
  });

  it("parses try with catch and finally", () => {
    expect(stmt("try { a() } catch e { b() } finally { c() }", "Try")).toMatchObject({
      catchName: "e",
      catchSpan: { start: 18, end: 19 },
      catchBody: { kind: "Block" },
      finallyBody: { kind: "Block" },
    });
    expect(stmt("try { a() } catch { b() }", "Try")).toMatchObject({ catchName: undefined, catchBody: { kind: "Block" } });
    expect(stmt("try { a() } finally { c() }", "Try")).toMatchObject({ catchBody: undefined, finallyBody: { kind: "Block" } });
    expect(stmt("try {\n} catch e {\n}\nfinally {\n}", "Try").finallyBody).toBeDefined();
    expect(errors("try { a() }\nx = 1")).toEqual(["2001 2:1 expected 'catch' or 'finally' but found 'x'"]);
  });

  it("gives statements spans", () => {
    expect(stmt("while x { y() }", "While").span).toEqual({ start: 0, end: 15 });
    expect(stmt("let a = [1, 2]", "Let").span).toEqual({ start: 0, end: 14 });
  });
});

describe("conformance programs", () => {
  // every program and library module but those that must fail to parse (2001) or await a feature
  const files = conformanceSuites().flatMap(({ dir }) =>
    [...readdirSync(dir).filter((f) => f.endsWith(".nc")), ...readdirSync(join(dir, "lib")).map((f) => `lib/${f}`)]
      .filter((f) => !(existsSync(join(dir, f.slice(0, -3) + ".err")) && readFileSync(join(dir, f.slice(0, -3) + ".err"), "utf8").startsWith("error[2001]")))
      .filter((f) => !AWAITING.has(f.slice(0, -3)))
      .map((f) => relative(ROOT, join(dir, f))),
  );

  it("finds them", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const file of files) {
    it(`parses ${file} without diagnostics`, () => {
      const { program, diags } = run(readFileSync(join(ROOT, file), "utf8"));
      expect(diags.items.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([]);
      expect(program.body.length).toBeGreaterThan(0);
    });
  }
});

describe("error recovery", () => {
  it("reports every broken statement once, at the right line and column", () => {
    const src = ["let a = 1", "let b = 2 +* 3", "print(a)", "let c = 3 4", "func f(x) {", "  return x +* 2", "}", "print(f(c))"].join("\n");
    const { program, diags } = run(src);
    expect(diags.items.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`)).toEqual([
      "2001 2:12 expected an expression but found '*'",
      "2001 4:11 expected a newline or ';' after the statement but found '4'",
      "2001 6:13 expected an expression but found '*'",
    ]);
    expect(program.body.map((s) => s.kind)).toEqual(["Let", "ExprStmt", "Let", "Func", "ExprStmt"]);
  });

  it("reports lexical and syntax errors of separate lines", () => {
    const src = 'let x = 1 @ 2\nlet s = "open\nlet y = )\nprint(x, y)';
    expect(errors(src).map((e) => e.slice(0, 10))).toEqual(["2001 1:11 ", "2001 2:9 u", "2001 3:9 e"]);
  });

  it("keeps statements after an error inside a block", () => {
    const { program, diags } = run("func f() {\n  let = 1\n  return 2\n}\nf()");
    expect(diags.items).toHaveLength(1);
    const f = program.body[0];
    expect(f.kind === "Func" && f.body.body.map((s) => s.kind)).toEqual(["Return"]);
    expect(program.body).toHaveLength(2);
  });

  it("skips a function whose header is broken without cascading", () => {
    const { program, diags } = run("func f(a b) {\n  let x = 1\n  return x\n}\nprint(1)");
    expect(diags.items.map((d) => `${d.line}:${d.col}`)).toEqual(["1:10"]);
    expect(program.body.map((s) => s.kind)).toEqual(["ExprStmt"]);
  });

  it("resumes after an unclosed bracket at the next statement", () => {
    // at a statement keyword
    const first = run('let m = {"a": 1,\nlet n = 2');
    expect(first.diags.items.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(["2:1 expected an expression but found 'let'"]);
    expect(first.program.body.map((s) => s.kind)).toEqual(["Let"]);
    // at a line indented no deeper than the broken statement
    const second = run("func f() {\n  let b = foo(1, (2 + 3\n  print(b)\n}");
    expect(second.diags.items.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(["3:3 expected ')' but found 'print'"]);
    const f = second.program.body[0];
    expect(f.kind === "Func" && f.body.body.map((s) => s.kind)).toEqual(["ExprStmt"]);
    // but not inside an argument list that spans lines
    const third = run("foo(\n  1,\n  2\n  3\n)\nbar()");
    expect(third.diags.items.map((d) => `${d.line}:${d.col}`)).toEqual(["4:3"]);
    expect(third.program.body.map((s) => s.kind === "ExprStmt" && show(s.expr))).toEqual(["(call bar)"]);
  });

  it("ends a statement at the } of its block when a ) is missing", () => {
    const { program, diags } = run("func f() {\n  print(1 }\nf()");
    expect(diags.items.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(["2:11 expected ')' but found '}'"]);
    expect(program.body.map((s) => s.kind)).toEqual(["Func", "ExprStmt"]);
  });

  it("skips a stray } at the top level with the rest of its statement", () => {
    expect(errors("print(1 })\nx = 1")).toEqual(["2001 1:9 expected ')' but found '}'"]);
  });

  it("does not report the leftovers of a broken statement again", () => {
    // the stray } ends the match early; the lines after it are not reported one by one
    const src = "func d(v) {\n  return match v {\n    case 1 } => 2\n    case 2 => 3\n    case _ => 4\n  }\n}";
    expect(errors(src)).toEqual([
      "2001 3:12 expected '=>' but found '}'",
      "2001 3:14 expected an expression but found '=>'",
      "2001 7:1 unexpected '}' with no block to close",
    ]);
  });

  it("closes an actor whose } is missing at the next line indented like it", () => {
    const { program, diags } = run("actor A {\n  var n = 0\n  func f() { n += 1 }\nprint(1)\nlet a = spawn A()");
    expect(diags.items.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(["4:1 expected '}' to close actor 'A' but found 'print'"]);
    expect(program.body.map((s) => s.kind)).toEqual(["Actor", "ExprStmt", "Let"]);
    // members need not be indented
    expect(stmt("actor B {\nvar n = 0\nfunc f() { }\n}", "Actor").methods).toHaveLength(1);
  });

  it("reports a missing } once", () => {
    expect(errors("func f() {\n  if x {\n    while y {\n")).toEqual(["2001 4:1 expected '}' but found end of file"]);
    expect(errors("}\nx = 1")).toEqual(["2001 1:1 unexpected '}' with no block to close"]);
  });

  it("turns a broken interpolation into an ErrorExpr and goes on", () => {
    const { program, diags } = run('print("a ${1 +} b ${x} c")\nlet ok = 1');
    expect(diags.items.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(["1:15 expected an expression but found '}'"]);
    expect(program.body.map((s) => (s.kind === "ExprStmt" ? show(s.expr) : s.kind))).toEqual(['(call print (interp "a " <error> " b " x " c"))', "Let"]);
    expect(errors('"${}"')).toEqual(["2001 1:4 expected an expression but found '}'"]);
    expect(errors('"${a b}"')).toEqual(["2001 1:6 expected '}' but found 'b'"]);
  });

  it("survives deep nesting", () => {
    const deep = "(".repeat(5000) + "1" + ")".repeat(5000);
    expect(errors(`x = ${deep}`)).toEqual(["2017 1:504 the program is nested too deeply: more than 500 levels"]);
    const blocks = "{".repeat(3000) + "}".repeat(3000);
    expect(run(blocks).diags.items.length).toBeGreaterThan(0);
    expect(ex("(".repeat(50) + "1" + ")".repeat(50))).toBe("1");
  });

  it("never throws and stays fast on random mutations of the conformance programs", () => {
    const sources = conformanceSuites().flatMap(({ dir, programs }) => programs.map((p) => readFileSync(join(dir, p + ".nc"), "utf8")));
    // a small deterministic generator (mulberry32), so a failure can be replayed
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: ArrayLike<T>): T => xs[Math.floor(random() * xs.length)];
    const alphabet = "(){}[];,:.\"'$\\=+-*/<>!&|\n x1_A0.5e}{";
    const started = Date.now();
    for (let i = 0; i < 2000; i++) {
      let text = pick(sources);
      const edits = 1 + Math.floor(random() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(random() * (text.length + 1));
        const op = random();
        if (op < 0.33) text = text.slice(0, at) + text.slice(at + 1);
        else if (op < 0.66) text = text.slice(0, at) + pick(alphabet) + text.slice(at);
        else text = text.slice(0, at) + pick(alphabet) + text.slice(at + 1);
      }
      const one = Date.now();
      let result: ReturnType<typeof run> | undefined;
      expect(() => (result = run(text)), text).not.toThrow();
      expect(Date.now() - one, text).toBeLessThan(1000);
      for (const d of result!.diags.items) expect(d.code).toBe(2001);
    }
    expect(Date.now() - started).toBeLessThan(20000);
  });
});
