// std/json: JSON text to values and back, with syntax errors as 3009 naming line and column.
import { describe, expect, it } from "vitest";
import { outputOf } from "../helpers.js";

const run = (body: string) => outputOf(`import "std/json" as json\n${body}`);

describe("std/json", () => {
  it("parses objects into maps in their key order, arrays into lists, null into nil", async () => {
    expect(
      await run(`let v = json.parse("{\\"b\\": [1, -2.5e3, true, false, null], \\"a\\": {\\"s\\": \\"x\\\\ny \\\\u00e9\\"}}")
print(v)
print(keys(v), type(v["b"]), v["a"]["s"])`),
    ).toBe('{"b": [1, -2500, true, false, nil], "a": {"s": "x\\ny é"}}\n["b", "a"] list x\ny é\n');
  });

  it("prints values as JSON: one line, or indented; matrices as lists of rows, structs as objects", async () => {
    expect(
      await run(`struct P { x: number, y: number }
print(json.stringify({"a": [1, nil, true], "q": "say \\"hi\\""}))
print(json.stringify({"m": [1, 2; 3, 4], "p": P { x: 1, y: -0 }}, 2))
print(json.stringify([], "\\t"), json.stringify({}, 2), json.stringify(reshape([1, 2, 3, 4, 5, 6, 7, 8;], [2, 2, 2])))`),
    ).toBe(
      '{"a":[1,null,true],"q":"say \\"hi\\""}\n{\n  "m": [\n    [\n      1,\n      2\n    ],\n    [\n      3,\n      4\n    ]\n  ],\n  "p": {\n    "x": 1,\n    "y": 0\n  }\n}\n[] {} [[[1,2],[3,4]],[[5,6],[7,8]]]\n',
    );
  });

  it("gives back what it printed", async () => {
    expect(
      await run(`let v = {"n": [1.5, 2e-7, 1e300], "t": "tab\\tquote\\"", "deep": [[[{"k": nil}]]]}
print(json.parse(json.stringify(v)) == v, json.parse(json.stringify(v, 4)) == v)`),
    ).toBe("true true\n");
  });

  it("refuses text that is not JSON with 3009, naming line and column", async () => {
    const cases: [string, string][] = [
      ['"[1, 2,]"', "unexpected ']' at line 1, column 7"],
      ['"[1,\\n  2 x]"', "expected ',' or ']' but found 'x' at line 2, column 5"],
      ['"{\\"a\\" 1}"', "expected ':' but found '1' at line 1, column 6"],
      ['"{1: 2}"', "expected a key (a string) but found '1' at line 1, column 2"],
      ['"\\"abc"', "unterminated string at line 1, column 5"],
      ['"tru"', "unexpected 't' at line 1, column 1"],
      ['"1 2"', "unexpected '2' after the value at line 1, column 3"],
      ['""', "unexpected end of text at line 1, column 1"],
      ['"[1, 2"', "expected ',' or ']' but found end of text at line 1, column 6"],
      ['"[01]"', "expected ',' or ']' but found '1' at line 1, column 3"],
    ];
    for (const [text, message] of cases) {
      expect(await run(`try { json.parse(${text}) } catch e { print(e.code, e.message) }`), text).toBe(`3009 json.parse: ${message}\n`);
    }
    expect(await run(`try { json.parse("${"[".repeat(1001)}") } catch e { print(e.code, e.message) }`)).toBe(
      "3009 json.parse: nesting deeper than 1000 at line 1, column 1002\n",
    );
  });

  it("refuses values JSON cannot hold: functions 5001, infinities 3011, a value containing itself 8007", async () => {
    expect(
      await run(`try { json.stringify({"f": print}) } catch e { print(e.code, e.message) }
try { json.stringify([1e308 * 10]) } catch e { print(e.code, e.message) }
var xs = [1]
push(xs, xs)
try { json.stringify(xs) } catch e { print(e.code, e.message) }
try { json.parse(42) } catch e { print(e.code) }
try { json.stringify(1, [2]) } catch e { print(e.code) }`),
    ).toBe(
      "5001 json.stringify: a function has no JSON form\n3011 invalid argument to json.stringify (Infinity has no JSON form)\n8007 cannot store the value: it contains itself\n3011\n3011\n",
    );
  });
});
