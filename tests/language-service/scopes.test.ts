// The names completion offers at a position: the parser's declarations with their scopes.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceFile } from "../../src/compiler/diagnostics.js";
import { parse } from "../../src/compiler/parser.js";
import { declaredNames } from "../../src/language/scopes.js";

function visibleAt(source: string, marker: string): string[] {
  const at = source.indexOf(marker);
  const names = declaredNames(parse(new SourceFile("main.nc", source), new DiagnosticBag()));
  return [...new Set(names.filter((n) => n.scopeFrom <= at && at <= n.scopeTo).map((n) => `${n.kind} ${n.name}`))].sort();
}

describe("declared names", () => {
  const source = [
    'import "std/db" as db',
    "let top = 1",
    "func outer(a, b) {",
    "  var inside = a",
    "  for i in 0..3 { /*loop*/ }",
    "  /*body*/",
    "}",
    "struct Point { x: number }",
    "actor Counter { var count = 0 }",
    "try { } catch err { /*catch*/ }",
    "let f = (p) => /*lambda*/ p",
    "/*end*/",
  ].join("\n");

  it("sees top-level names everywhere after them, and functions, structs and actors from the start", () => {
    expect(visibleAt(source, "/*end*/"), visibleAt(source, "/*end*/").join()).toEqual([
      "actor Counter",
      "constant top",
      "function f",
      "function outer",
      "module db",
      "struct Point",
    ]);
    expect(visibleAt(source, "let top")).toEqual(["actor Counter", "function outer", "module db", "struct Point"]);
  });

  it("sees parameters, locals and loop variables only inside their function, block or loop", () => {
    expect(visibleAt(source, "/*loop*/")).toContain("variable i");
    expect(visibleAt(source, "/*body*/")).toEqual(expect.arrayContaining(["parameter a", "parameter b", "variable inside"]));
    expect(visibleAt(source, "/*body*/")).not.toContain("variable i");
    expect(visibleAt(source, "/*end*/")).not.toContain("parameter a");
    expect(visibleAt(source, "/*catch*/")).toContain("variable err");
    expect(visibleAt(source, "/*lambda*/")).toContain("parameter p");
  });

  it("works on a text with syntax errors (what the parser recovered)", () => {
    expect(visibleAt("let good = 1\nlet = \n/*here*/", "/*here*/")).toContain("constant good");
  });
});
