// The layout rules of the formatter (docs/formatting.md), one by one, on small sources.
import { describe, expect, it } from "vitest";
import { FORMAT_WIDTH, formatSource } from "../../src/language/format.js";

/** The formatted text of a source that parses. */
function fmt(source: string): string {
  const r = formatSource(source);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message} at ${d.line}:${d.col}`).join("\n"));
  return r.text;
}

const lines = (...ls: string[]) => ls.join("\n") + "\n";

describe("formatting: spacing", () => {
  it("puts one space around binary operators and after commas, none inside brackets", () => {
    expect(fmt("let x=a+b*c-d/e%f**2\n")).toBe("let x = a + b * c - d / e % f ** 2\n");
    expect(fmt("print( 1 ,2,  3 )\n")).toBe("print(1, 2, 3)\n");
    expect(fmt("let y = A.*B./C.^2 \\ D\n")).toBe("let y = A .* B ./ C .^ 2 \\ D\n");
    expect(fmt("let z = a==b and c!=d or not e<=f\n")).toBe("let z = a == b and c != d or not e <= f\n");
    expect(fmt("x+=1\nx-=2\n")).toBe("x += 1\nx -= 2\n");
  });

  it("writes prefix minus, !, ranges, members, calls, indexing and slices tight", () => {
    expect(fmt("let a = - x + f (-1) - -y\n")).toBe("let a = -x + f(-1) - -y\n");
    expect(fmt("let b = ! ok\n")).toBe("let b = !ok\n");
    expect(fmt("for i in 0 .. n { print(i) }\nfor j in 1 ..= 3 { print(j) }\n")).toBe("for i in 0..n { print(i) }\nfor j in 1..=3 { print(j) }\n");
    expect(fmt("let c = m . rows ( x ) [ 1 , 2 ]\n")).toBe("let c = m.rows(x)[1, 2]\n");
    expect(fmt("let d = A[1 : 3, :] + A[ : 2, 1 :]\n")).toBe("let d = A[1:3, :] + A[:2, 1:]\n");
    expect(fmt("let t = A' * B'\n")).toBe("let t = A' * B'\n");
  });

  it("spaces struct braces, not map braces, and puts a space after a colon", () => {
    expect(fmt('let m = { "a" :1, "b":{ } }\n')).toBe('let m = {"a": 1, "b": {}}\n');
    expect(fmt("let p = Point{x:1,y}\n")).toBe("let p = Point { x: 1, y }\n");
    expect(fmt("func f(a:number,b=2)->number { return a }\n")).toBe("func f(a: number, b = 2) -> number { return a }\n");
    expect(fmt("let g = (a,b)=>a+b\nlet h = x=>x\n")).toBe("let g = (a, b) => a + b\nlet h = x => x\n");
  });

  it("keeps a string with interpolations as written", () => {
    expect(fmt('print( "${a+1} and ${ b }" )\n')).toBe('print("${a+1} and ${ b }")\n');
  });
});

describe("formatting: lines in blocks", () => {
  it("indents blocks by two spaces, whatever the indentation was", () => {
    expect(fmt("func f() {\n\tif x {\n\t\t\t\treturn 1\n        }\n}\n")).toBe(lines("func f() {", "  if x {", "    return 1", "  }", "}"));
  });

  it("keeps a block written on one line on one line, and statements joined by ';'", () => {
    expect(fmt("if x {return 1} else {  }\n")).toBe("if x { return 1 } else {}\n");
    expect(fmt("a = 1 ;b = 2\n")).toBe("a = 1; b = 2\n");
  });

  it("keeps line breaks where they end statements and puts a block's statements on lines of their own", () => {
    expect(fmt("if x { a = 1\n b = 2 }\n")).toBe(lines("if x {", "  a = 1", "  b = 2", "}"));
  });

  it("keeps at most one blank line, none at the start or end of a block or file, and ends with one newline", () => {
    expect(fmt("\n\n\nlet a = 1\n\n\n\nlet b = 2   \n\n\n")).toBe("let a = 1\n\nlet b = 2\n");
    expect(fmt("func f() {\n\n  a()\n\n\n  b()\n\n}")).toBe(lines("func f() {", "  a()", "", "  b()", "}"));
  });

  it("indents the lines that continue a statement one level deeper", () => {
    expect(fmt("let total = a +\nb +\n      c\nprint(total)\n")).toBe(lines("let total = a +", "  b +", "  c", "print(total)"));
    expect(fmt("if x {\n  a()\n}\nelse {\n  b()\n}\n")).toBe(lines("if x {", "  a()", "}", "else {", "  b()", "}"));
  });

  it("lays out match cases, actors and struct declarations as blocks", () => {
    const src =
      'actor A {\nvar n = 0\nfunc get() {\nreturn match n {\ncase 0 => "zero"\ncase _ => {\n"many"\n}\n} }\n}\nstruct P {\nx: number,\ny: number\n}\n';
    expect(fmt(src)).toBe(
      lines(
        "actor A {",
        "  var n = 0",
        "  func get() {",
        "    return match n {",
        '      case 0 => "zero"',
        "      case _ => {",
        '        "many"',
        "      }",
        "    }",
        "  }",
        "}",
        "struct P {",
        "  x: number,",
        "  y: number",
        "}",
      ),
    );
  });

  it("turns \\r\\n line endings into \\n and an empty file into an empty one", () => {
    expect(fmt("let a = 1\r\nlet b = 2\r\n")).toBe("let a = 1\nlet b = 2\n");
    expect(fmt("")).toBe("");
    expect(fmt("\n\n  \n")).toBe("");
  });
});

describe("formatting: lists and the width", () => {
  const names = (n: number, w: number) => Array.from({ length: n }, (_, i) => `v${String(i).padStart(w - 1, "0")}`);

  it(`puts a list that fits in ${FORMAT_WIDTH} columns on one line, whatever its lines were`, () => {
    expect(fmt("let xs = [\n  1,\n  2,\n]\n")).toBe("let xs = [1, 2,]\n");
    // exactly the width, and one column more
    const call = (width: number) => {
      const head = `print(${names(14, 4).join(", ")}, `;
      return `${head}${"w".repeat(width - head.length - 1)})`;
    };
    expect(call(FORMAT_WIDTH).length).toBe(FORMAT_WIDTH);
    expect(fmt(call(FORMAT_WIDTH) + "\n")).toBe(call(FORMAT_WIDTH) + "\n");
    expect(fmt(call(FORMAT_WIDTH + 1) + "\n").split("\n")).toHaveLength(18);
  });

  it("breaks a list that does not fit into one item per line, and nested lists only as far as needed", () => {
    const items = names(20, 5);
    const out = fmt(`print(${items.join(",")}, [1, 2])\n`);
    expect(out).toBe(["print(", ...items.map((i) => `  ${i},`), "  [1, 2]", ")", ""].join("\n"));
    const src = `let z = f(${items.slice(0, 12).join(", ")}, g(${items.slice(12).join(", ")}))\n`;
    expect(fmt(src)).toBe(["let z = f(", ...items.slice(0, 12).map((i) => `  ${i},`), `  g(${items.slice(12).join(", ")})`, ")", ""].join("\n"));
  });

  it("keeps a call's parentheses on the lines of a last argument that is a literal", () => {
    const entries = names(12, 6).map((n) => `"${n}": 1`);
    expect(fmt(`let c = make(x, {${entries.join(", ")}})\n`)).toBe(
      ["let c = make(x, {", ...entries.map((e) => `  ${e},`.replace(/,$/, e === entries[entries.length - 1] ? "" : ",")), "})", ""].join("\n"),
    );
  });

  it("lets a block inside a call start on the call's line", () => {
    expect(fmt("s.transaction(() => {\na()\nb()\n})\n")).toBe(lines("s.transaction(() => {", "  a()", "  b()", "})"));
  });

  it("writes a matrix on one line when it fits, and otherwise one row per line with its columns aligned", () => {
    expect(fmt("let A = [1,2;3,4]\n")).toBe("let A = [1, 2; 3, 4]\n");
    const row = (k: number) => Array.from({ length: 8 }, (_, i) => (i === k ? -123456789 : i + 1)).join(", ") + " ".repeat(40);
    expect(fmt(`let B = [${row(0)}; ${row(3)}; ${row(7)}]\n`)).toBe(
      lines(
        "let B = [",
        "  -123456789, 2, 3,          4, 5, 6, 7,          8;",
        "           1, 2, 3, -123456789, 5, 6, 7,          8;",
        "           1, 2, 3,          4, 5, 6, 7, -123456789",
        "]",
      ),
    );
    const words = (w: string) => `${w}, ${w}${w}, ${w}${w}${w}, "${"s".repeat(20)}"`;
    expect(fmt(`let C = [${words("aa")}; ${words("b")}; ${words("cccc")}]\n`)).toBe(
      lines(
        "let C = [",
        '  aa,   aaaa,     aaaaaa,       "ssssssssssssssssssss";',
        '  b,    bb,       bbb,          "ssssssssssssssssssss";',
        '  cccc, cccccccc, cccccccccccc, "ssssssssssssssssssss"',
        "]",
      ),
    );
  });
});

describe("formatting: comments", () => {
  it("keeps comments at the end of a line, on lines of their own and at the end of the file", () => {
    const src = "// head\n\n\nlet a = 1   // one\n    // about b\nlet b = 2 /* two */\n/* tail\n   of it */\n";
    expect(fmt(src)).toBe(lines("// head", "", "let a = 1 // one", "// about b", "let b = 2 /* two */", "/* tail", "   of it */"));
  });

  it("indents a comment line like the code after it, and keeps comments inside empty blocks", () => {
    expect(fmt("func f() {\n// inside\n      a()\n    // last\n}\nif x { /* nothing */ }\nif y {\n// nothing\n}\n")).toBe(
      lines("func f() {", "  // inside", "  a()", "  // last", "}", "if x { /* nothing */ }", "if y {", "  // nothing", "}"),
    );
  });

  it("breaks a list with a line comment inside, keeping the comment where it was", () => {
    expect(fmt("let xs = f(1, // first\n  2)\n")).toBe(lines("let xs = f(", "  1, // first", "  2", ")"));
    expect(fmt("let ys = [ // the list\n  1,\n  // the second\n  2\n]\n")).toBe(lines("let ys = [ // the list", "  1,", "  // the second", "  2", "]"));
    expect(fmt("let zs = [1, /* two */ 2]\n")).toBe("let zs = [1, /* two */ 2]\n");
    expect(fmt("let e = [  /* none */  ]\n")).toBe("let e = [ /* none */ ]\n");
    expect(fmt("let f = [ // none\n]\n")).toBe("let f = [ // none\n]\n");
  });
});

describe("formatting: what it leaves alone", () => {
  it("returns the compile errors of a file that does not parse", () => {
    const r = formatSource("let a = 1\nlet b = (2 +\n", "bad.nc");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0].code).toBe(2001);
    expect(r.diagnostics[0].file).toBe("bad.nc");
    expect(r.diagnostics[0].line).toBe(3);
  });

  it("formats a program that parses but does not compile (an undeclared name)", () => {
    expect(fmt("print( nope )\n")).toBe("print(nope)\n");
  });

  it("formats nesting as deep as the parser allows without running out of stack", () => {
    const depth = 450;
    const src = `print(${"(".repeat(depth)}1${")".repeat(depth)})\n`;
    const once = fmt(src);
    expect(once.split("\n")).toHaveLength(2 * depth + 4);
    expect(fmt(once)).toBe(once);
    const blocks = `${"if true {\n".repeat(200)}print(1)\n${"}\n".repeat(200)}`;
    const out = fmt(blocks);
    expect(out.split("\n")[200]).toBe(`${"  ".repeat(200)}print(`);
    expect(fmt(out)).toBe(out);
  });
});

describe("formatting: the benchmark's program", () => {
  it("is canonical as generated, and its careless version formats back to it", async () => {
    // @ts-expect-error: the benchmark's generator is JavaScript without declarations
    const { generatedProgram, carelessProgram } = await import("../../bench/suites/lsp/program.js");
    const canonical: string = generatedProgram(400);
    expect(fmt(canonical)).toBe(canonical);
    const careless: string = carelessProgram(400);
    expect(careless).not.toBe(canonical);
    expect(fmt(careless)).toBe(canonical);
  });
});
