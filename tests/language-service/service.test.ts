// The language service on whole and broken programs: each feature, by offsets.
import { describe, expect, it } from "vitest";
import { LanguageService } from "../../src/language/index.js";

const at = (text: string, marker: string, delta = 0) => {
  const i = text.indexOf(marker);
  if (i < 0) throw new Error(`no '${marker}' in the text`);
  return i + delta;
};

const GEOMETRY = `struct Point { x: number, y }
func norm2(p: Point, scale = 1) -> number {
  return (p.x * p.x + p.y * p.y) * scale
}
let half = 0.5
`;

const MAIN = `import "geometry.nc" as geo
import "std/json" as json
let A = [1, 2, 3; 4, 5, 6]
var total = 0
func area(w, h: number) {
  let inside = w * h
  return inside
}
let p = geo.Point { x: 1, y: 2 }
total += geo.norm2(p) + area(2, 3)
print(len(json.stringify(A)), total)
`;

function service(files: Record<string, string> = { "/w/geometry.nc": GEOMETRY }) {
  const s = new LanguageService({ readFile: (path) => files[path] });
  s.open("/w/main.nc", MAIN);
  return s;
}

describe("diagnostics", () => {
  it("gives every compile error of the text with its code and span", () => {
    const s = new LanguageService();
    const text = "let a = 1\nlet b = c + 1\nlet a = 2\nfunc f( {\n";
    s.open("/w/x.nc", text);
    const d = s.diagnostics("/w/x.nc");
    expect(d.map((x) => x.code)).toEqual(expect.arrayContaining([2002, 2004, 2001]));
    const undeclared = d.find((x) => x.code === 2002)!;
    expect(text.slice(undeclared.start, undeclared.end)).toBe("c");
  });

  it("reports an error inside an imported file on the import that brings it in", () => {
    const s = service({ "/w/geometry.nc": "let broken = \n" });
    const d = s.diagnostics("/w/main.nc");
    const inImport = d.find((x) => x.message.startsWith("/w/geometry.nc:"));
    expect(inImport?.code).toBe(2001);
    expect(MAIN.slice(inImport!.start, inImport!.end)).toBe('"geometry.nc"');
  });

  it("sees the unsaved text of an open imported file", () => {
    const s = service();
    expect(s.diagnostics("/w/main.nc")).toEqual([]);
    s.open("/w/geometry.nc", GEOMETRY.replace("func norm2", "func norm3"));
    expect(s.diagnostics("/w/main.nc").map((d) => d.code)).toContain(2009);
  });
});

describe("hover", () => {
  const s = service();
  const hover = (marker: string, delta = 0) => s.hover("/w/main.nc", at(MAIN, marker, delta))?.markdown;

  it("shows a local, a parameter and a function with its parameters", () => {
    expect(hover("inside\n")).toContain("let inside");
    expect(hover("w * h")).toContain("(parameter) w");
    expect(hover("h: number)")).toContain("(parameter) h: number");
    expect(hover("area(2")).toContain("func area(w, h: number)");
  });

  it("shows a builtin's signature and doc line", () => {
    const h = hover("len(");
    expect(h).toContain("len(x)");
    expect(h).toContain("the length of a string");
  });

  it("shows a struct with its fields and a function of another module", () => {
    expect(hover("Point {")).toContain("struct Point { x: number, y }");
    expect(hover("norm2(p)")).toContain("func norm2(p: Point, scale = 1) -> number");
  });

  it("shows a matrix's shape when its literal says it", () => {
    expect(hover("A = ")).toContain("2×3 matrix");
  });

  it("shows what a local's declaration says where it is used, far from it", () => {
    const text = "func f(n: int) {\n  let B = eye(3)\n  var sum = 0\n  for i in 0..n { sum += i }\n  return B * sum\n}\n";
    const fresh = new LanguageService();
    fresh.open("/w/l.nc", text);
    expect(fresh.hover("/w/l.nc", at(text, "B * sum"))?.markdown).toContain("3×3 matrix");
    expect(fresh.hover("/w/l.nc", at(text, "n { sum"))?.markdown).toContain("(parameter) n: int");
  });

  it("shows a module's exports", () => {
    expect(hover("json.stringify")).toContain("stringify");
  });
});

describe("completion", () => {
  it("offers names in scope, builtins and keywords", () => {
    const s = service();
    const labels = s.completion("/w/main.nc", at(MAIN, "return inside")).items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["inside", "w", "h", "area", "total", "geo", "print", "while"]));
    const outside = s.completion("/w/main.nc", at(MAIN, "var total")).items.map((i) => i.label);
    expect(outside).not.toContain("inside");
    expect(outside).not.toContain("w");
  });

  it("offers a module's exports after its alias and a dot, on a half-written line", () => {
    const text = `${MAIN}let q = geo.\nlet r = json.str\nprint(area(1, 2))\n`;
    const s = service();
    s.open("/w/main.nc", text);
    const geo = s.completion("/w/main.nc", at(text, "geo.\n", 4));
    expect(geo.items.map((i) => i.label)).toEqual(expect.arrayContaining(["Point", "norm2", "half"]));
    const json = s.completion("/w/main.nc", at(text, "json.str\n", 8));
    expect(json.items.map((i) => i.label)).toContain("stringify");
    expect(text.slice(json.from, at(text, "json.str\n", 8))).toBe("str");
    // the rest of the file still answers
    expect(s.hover("/w/main.nc", at(text, "area(1, 2)"))?.markdown).toContain("func area");
  });

  it("offers a module's exports after names in scope were completed from the same text", () => {
    const text = `${MAIN}let q = geo.\n`;
    const s = service();
    s.open("/w/main.nc", text);
    expect(s.completion("/w/main.nc", at(text, "let q")).items.map((i) => i.label)).toContain("area");
    expect(s.completion("/w/main.nc", at(text, "geo.\n", 4)).items.map((i) => i.label)).toContain("norm2");
  });

  it("offers a struct's fields after a dot", () => {
    const text = "struct P { left, right }\nlet v = P { left: 1, right: 2 }\nprint(v.)\n";
    const s = new LanguageService();
    s.open("/w/s.nc", text);
    expect(s.completion("/w/s.nc", at(text, "v.)", 2)).items.map((i) => i.label)).toEqual(["left", "right"]);
  });

  it("offers standard modules inside an import's string", () => {
    const text = 'import "std/';
    const s = new LanguageService();
    s.open("/w/i.nc", text);
    expect(s.completion("/w/i.nc", text.length).items.map((i) => i.label)).toContain("std/json");
  });
});

describe("definition, references and rename", () => {
  it("goes to a definition across an import", () => {
    const s = service();
    const d = s.definition("/w/main.nc", at(MAIN, "norm2(p)"));
    expect(d).toEqual([{ file: "/w/geometry.nc", start: at(GEOMETRY, "norm2"), end: at(GEOMETRY, "norm2") + 5 }]);
    expect(s.definition("/w/main.nc", at(MAIN, "print"))).toEqual([]);
  });

  it("finds references in the open files and the files they import", () => {
    const s = service();
    s.open("/w/geometry.nc", GEOMETRY);
    const refs = s.references("/w/geometry.nc", at(GEOMETRY, "norm2"));
    expect(refs.map((r) => r.file)).toEqual(["/w/geometry.nc", "/w/main.nc"]);
    expect(s.references("/w/main.nc", at(MAIN, "total"), false)).toHaveLength(2);
  });

  it("renames a name where it is declared and used, and nothing it shadows", () => {
    const text = "let x = 1\nfunc f(x) { return x + 1 }\nprint(x, f(x))\n";
    const s = new LanguageService();
    s.open("/w/r.nc", text);
    const r = s.rename("/w/r.nc", at(text, "x = 1"), "count");
    if (!r.ok) throw new Error(r.message);
    expect(r.edits.map((e) => e.start)).toEqual([at(text, "x = 1"), at(text, "x, f"), at(text, "x))")]);
  });

  it("renames across the open files", () => {
    const s = service();
    s.open("/w/geometry.nc", GEOMETRY);
    const r = s.rename("/w/main.nc", at(MAIN, "norm2"), "length2");
    if (!r.ok) throw new Error(r.message);
    expect(r.edits.map((e) => e.file).sort()).toEqual(["/w/geometry.nc", "/w/main.nc"]);
  });

  it("refuses builtins, keywords, bad names and names that would clash", () => {
    const s = service();
    expect(s.rename("/w/main.nc", at(MAIN, "print"), "show")).toMatchObject({ ok: false, message: expect.stringContaining("builtin") });
    expect(s.prepareRename("/w/main.nc", at(MAIN, "func"))).toMatchObject({ ok: false, message: expect.stringContaining("keyword") });
    expect(s.rename("/w/main.nc", at(MAIN, "total"), "while")).toMatchObject({ ok: false });
    expect(s.rename("/w/main.nc", at(MAIN, "total"), "1x")).toMatchObject({ ok: false });
    expect(s.rename("/w/main.nc", at(MAIN, "inside"), "w")).toMatchObject({ ok: false, message: expect.stringContaining("already") });
  });
});

describe("outline, signature help and semantic tokens", () => {
  it("lists the top-level declarations with a struct's fields", () => {
    const s = service();
    s.open("/w/geometry.nc", GEOMETRY);
    const symbols = s.documentSymbols("/w/geometry.nc");
    expect(symbols.map((x) => [x.name, x.kind])).toEqual([
      ["Point", "struct"],
      ["norm2", "function"],
      ["half", "constant"],
    ]);
    expect(symbols[0].children.map((c) => c.name)).toEqual(["x", "y"]);
  });

  it("shows the parameters of the call being typed, with the active one", () => {
    const text = `${MAIN}area(1, \nlet z = range(0, `;
    const s = service();
    s.open("/w/main.nc", text);
    const mine = s.signatureHelp("/w/main.nc", at(text, "area(1, \n", 8));
    expect(mine).toMatchObject({ label: "area(w, h: number)", activeParameter: 1 });
    const builtin = s.signatureHelp("/w/main.nc", text.length);
    expect(builtin).toMatchObject({ label: "range(a, b?, step?)", activeParameter: 1 });
    expect(s.signatureHelp("/w/main.nc", at(MAIN, "let A"))).toBeUndefined();
  });

  it("colours names by what they mean", () => {
    const text = "func f(a) { return a }\nprint(f(1))\n";
    const s = new LanguageService();
    s.open("/w/t.nc", text);
    const tokens = s.semanticTokens("/w/t.nc").map((t) => [text.slice(t.start, t.end), t.type]);
    expect(tokens).toEqual([
      ["func", "keyword"],
      ["f", "function"],
      ["a", "parameter"],
      ["return", "keyword"],
      ["a", "parameter"],
      ["print", "function"],
      ["f", "function"],
      ["1", "number"],
    ]);
  });
});

describe("broken code", () => {
  it("answers hover and completion elsewhere while a line is half written", () => {
    const lines = ["let total = 10", "func twice(n) {", "  let m = n * ", "  return n * 2", "}", "print(twice(total))", ""];
    const text = lines.join("\n");
    const s = new LanguageService();
    s.open("/w/b.nc", text);
    expect(s.diagnostics("/w/b.nc").length).toBeGreaterThan(0);
    expect(s.hover("/w/b.nc", at(text, "twice(total)"))?.markdown).toContain("func twice(n)");
    expect(s.hover("/w/b.nc", at(text, "total))"))?.markdown).toContain("let total");
    const names = s.completion("/w/b.nc", at(text, "return n", 7)).items.map((i) => i.label);
    expect(names).toEqual(expect.arrayContaining(["n", "twice", "total"]));
  });

  it("survives every prefix of a program", () => {
    const s = service();
    for (let i = 0; i <= MAIN.length; i += 3) {
      const text = MAIN.slice(0, i);
      s.open("/w/main.nc", text);
      s.diagnostics("/w/main.nc");
      s.hover("/w/main.nc", Math.max(0, i - 2));
      s.completion("/w/main.nc", i);
      s.signatureHelp("/w/main.nc", i);
      s.semanticTokens("/w/main.nc");
      s.documentSymbols("/w/main.nc");
    }
    expect(s.hover("/w/main.nc", at(MAIN, "area(2"))?.markdown).toContain("func area");
  });
});
