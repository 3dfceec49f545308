import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceFile } from "../../src/compiler/diagnostics.js";
import { lex } from "../../src/compiler/lexer.js";
import { KEYWORDS, PUNCTUATORS, type Token } from "../../src/compiler/tokens.js";

function run(text: string): { tokens: Token[]; diags: DiagnosticBag } {
  const diags = new DiagnosticBag();
  const tokens = lex(new SourceFile("test.nc", text), diags);
  return { tokens, diags };
}

/** Tokens of text without the final eof; fails on any diagnostic. */
function tokens(text: string): Token[] {
  const { tokens, diags } = run(text);
  expect(diags.items).toEqual([]);
  expect(tokens[tokens.length - 1].kind).toBe("eof");
  return tokens.slice(0, -1);
}

const kinds = (text: string) => tokens(text).map((t) => t.kind);
const errors = (text: string) => run(text).diags.items.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`);

describe("tokens", () => {
  it("lexes every keyword as its own kind", () => {
    for (const k of KEYWORDS) expect(kinds(k)).toEqual([k]);
    expect(kinds("lets variable _x x1 Foo_Bar")).toEqual(["ident", "ident", "ident", "ident", "ident"]);
  });

  it("lexes every operator and delimiter", () => {
    for (const p of PUNCTUATORS) {
      if (p === "'") continue;
      expect(kinds(p), p).toEqual([p]);
    }
  });

  it("matches operators greedily", () => {
    expect(kinds("a..=b")).toEqual(["ident", "..=", "ident"]);
    expect(kinds("0..10")).toEqual(["number", "..", "number"]);
    expect(kinds("A.*B./C\\d")).toEqual(["ident", ".*", "ident", "./", "ident", "\\", "ident"]);
    expect(kinds("x=>x->y")).toEqual(["ident", "=>", "ident", "->", "ident"]);
    expect(kinds("a**b*c")).toEqual(["ident", "**", "ident", "*", "ident"]);
    expect(kinds("a+=1-=2*=3/=4")).toEqual(["ident", "+=", "number", "-=", "number", "*=", "number", "/=", "number"]);
    expect(kinds("a==b!=c<=d>=e<f>g")).toEqual(["ident", "==", "ident", "!=", "ident", "<=", "ident", ">=", "ident", "<", "ident", ">", "ident"]);
    expect(kinds("!a&&b||c")).toEqual(["!", "ident", "&&", "ident", "||", "ident"]);
    expect(kinds("p.x")).toEqual(["ident", ".", "ident"]);
  });

  it("records text and offsets", () => {
    const [a, eq, n] = tokens("abc = 42");
    expect(a).toMatchObject({ kind: "ident", text: "abc", span: { start: 0, end: 3 } });
    expect(eq).toMatchObject({ kind: "=", span: { start: 4, end: 5 } });
    expect(n).toMatchObject({ kind: "number", text: "42", value: 42, span: { start: 6, end: 8 } });
  });

  it("puts the eof token at the end of the text", () => {
    const { tokens } = run("x  ");
    expect(tokens[1]).toMatchObject({ kind: "eof", span: { start: 3, end: 3 } });
  });
});

describe("numbers", () => {
  const value = (text: string) => {
    const ts = tokens(text);
    expect(ts.map((t) => t.kind)).toEqual(["number"]);
    return ts[0].value;
  };

  it("reads every format as a double", () => {
    expect(value("42")).toBe(42);
    expect(value("3.5")).toBe(3.5);
    expect(value("1e-3")).toBe(0.001);
    expect(value("2.5E+8")).toBe(2.5e8);
    expect(value("1e21")).toBe(1e21);
    expect(value("0xFF")).toBe(255);
    expect(value("0Xff")).toBe(255);
    expect(value("0b1010")).toBe(10);
    expect(value("1_000_000")).toBe(1000000);
    expect(value("0xFF_FF")).toBe(65535);
    expect(value("1_0.2_5e1_0")).toBe(10.25e10);
    expect(value("007")).toBe(7);
  });

  it("does not take a dot that is not followed by a digit", () => {
    expect(kinds("1.x")).toEqual(["number", ".", "ident"]);
    expect(kinds("1./2")).toEqual(["number", "./", "number"]);
    expect(kinds("1..=3")).toEqual(["number", "..=", "number"]);
  });

  it("reports malformed numbers and goes on", () => {
    for (const bad of ["1_", "1__0", "0x", "0b102", "12abc", "1e", "0xFG"]) {
      const { tokens, diags } = run(`${bad} + 1`);
      expect(
        diags.items.map((d) => d.message),
        bad,
      ).toEqual([`invalid number '${bad}'`]);
      expect(
        tokens.map((t) => t.kind),
        bad,
      ).toEqual(["number", "+", "number", "eof"]);
    }
  });
});

describe("strings", () => {
  const str = (text: string) => {
    const ts = tokens(text);
    expect(ts.map((t) => t.kind)).toEqual(["string"]);
    return ts[0].value;
  };

  it("decodes escapes", () => {
    expect(str(String.raw`"a\nb\tc\rd"`)).toBe("a\nb\tc\rd");
    expect(str(String.raw`"\\ \" \$"`)).toBe('\\ " $');
    expect(str(String.raw`"\u{1F35C}"`)).toBe("🍜");
    expect(str(String.raw`"\u{41}\u{e9}"`)).toBe("Aé");
    expect(str('"héllo 🍜"')).toBe("héllo 🍜");
    expect(str('""')).toBe("");
  });

  it("keeps $ literal when it does not open an interpolation", () => {
    expect(str(String.raw`"\${not}"`)).toBe("${not}");
    expect(str('"$x $ {y}"')).toBe("$x $ {y}");
  });

  it("reports bad escapes and keeps going", () => {
    expect(errors(String.raw`"a\qb" x`)).toEqual(["2001 1:3 unknown escape sequence '\\q'"]);
    expect(run(String.raw`"a\qb"`).tokens[0].value).toBe("aqb");
    expect(errors(String.raw`"\u{110000}"`)).toHaveLength(1);
    expect(errors(String.raw`"\u{}"`)).toHaveLength(1);
    expect(errors(String.raw`"\u1234"`)).toHaveLength(1);
  });

  it("reports an unterminated string once and lexes the next line", () => {
    const { tokens, diags } = run('let s = "abc\nlet t = 1');
    expect(diags.items.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(["1:9 unterminated string"]);
    expect(tokens.map((t) => t.kind)).toEqual(["let", "ident", "=", "invalid", "let", "ident", "=", "number", "eof"]);
    expect(tokens[4].newlineBefore).toBe(true);
    expect(errors('"abc')).toEqual(["2001 1:1 unterminated string"]);
    expect(errors('"a ${"b')).toEqual(["2001 1:6 unterminated string"]);
    expect(errors('"a ${x')).toEqual(["2001 1:1 unterminated string"]);
  });
});

describe("interpolation", () => {
  function template(text: string) {
    const ts = tokens(text);
    expect(ts.map((t) => t.kind)).toEqual(["template"]);
    return ts[0].parts!;
  }

  it("splits text and embedded tokens, alternating", () => {
    const parts = template('"x = ${a + 1}!"');
    expect(parts.map((p) => p.kind)).toEqual(["text", "expr", "text"]);
    expect(parts[0]).toMatchObject({ value: "x = " });
    expect(parts[2]).toMatchObject({ value: "!" });
    const sub = parts[1].kind === "expr" ? parts[1].tokens : [];
    expect(sub.map((t) => t.kind)).toEqual(["ident", "+", "number", "eof"]);
    // offsets point into the whole source
    expect(sub[0].span).toEqual({ start: 7, end: 8 });
    expect(sub[3]).toMatchObject({ text: "}", span: { start: 12, end: 13 } });
    expect(parts[1].span).toEqual({ start: 5, end: 13 });
  });

  it("starts and ends with text, empty if need be", () => {
    const parts = template('"${a}${b}"');
    expect(parts.map((p) => (p.kind === "text" ? p.value : "expr"))).toEqual(["", "expr", "", "expr", ""]);
  });

  it("handles nested braces and nested strings", () => {
    const parts = template('"v: ${ {"a": 1}["a"] } and ${ "in${x}ner" }"');
    const first = parts[1].kind === "expr" ? parts[1].tokens : [];
    expect(first.map((t) => t.kind)).toEqual(["{", "string", ":", "number", "}", "[", "string", "]", "eof"]);
    const second = parts[3].kind === "expr" ? parts[3].tokens : [];
    expect(second.map((t) => t.kind)).toEqual(["template", "eof"]);
    const inner = second[0].parts!;
    expect(inner.map((p) => (p.kind === "text" ? p.value : "expr"))).toEqual(["in", "expr", "ner"]);
  });

  it("decodes escapes in the text parts", () => {
    const parts = template('"\\t${x}\\u{1F35C}"');
    expect(parts[0]).toMatchObject({ value: "\t" });
    expect(parts[2]).toMatchObject({ value: "🍜" });
  });
});

describe("transpose", () => {
  it("is a ' right after an operand", () => {
    expect(kinds("A'")).toEqual(["ident", "'"]);
    expect(kinds("(a*b)'")).toEqual(["(", "ident", "*", "ident", ")", "'"]);
    expect(kinds("x[0]'")).toEqual(["ident", "[", "number", "]", "'"]);
    expect(kinds("2'")).toEqual(["number", "'"]);
    expect(kinds("A''")).toEqual(["ident", "'", "'"]);
    expect(kinds("A * A'")).toEqual(["ident", "*", "ident", "'"]);
  });

  it("is an error anywhere else: there are no single-quoted strings", () => {
    expect(run("A '").tokens.map((t) => t.kind)).toEqual(["ident", "invalid", "eof"]);
    expect(errors("A '")).toHaveLength(1);
    // the closing quote of 'abc' directly follows an identifier, so only the opening one is wrong
    expect(errors("x = 'abc'")).toHaveLength(1);
    expect(errors("f(')")).toHaveLength(1);
    expect(errors('"a"\'')).toHaveLength(1);
  });
});

describe("comments and newlines", () => {
  it("skips comments", () => {
    expect(kinds("a // comment ) \nb")).toEqual(["ident", "ident"]);
    expect(kinds("a /* ( */ b")).toEqual(["ident", "ident"]);
    expect(kinds("a /* /* */ * / b")).toEqual(["ident", "*", "/", "ident"]);
    expect(kinds("// only a comment")).toEqual([]);
  });

  it("flags tokens that follow a line break", () => {
    const ts = tokens("a b\nc /* x\n */ d /* */ e\r\n\r\nf");
    expect(ts.map((t) => [t.text, t.newlineBefore])).toEqual([
      ["a", false],
      ["b", false],
      ["c", true],
      ["d", true],
      ["e", false],
      ["f", true],
    ]);
  });

  it("reports an unterminated block comment", () => {
    expect(errors("a /* never closed")).toEqual(["2001 1:3 unterminated block comment"]);
  });
});

describe("bad characters", () => {
  it("reports them once per run and continues", () => {
    const { tokens, diags } = run("a @ b ## c");
    expect(tokens.map((t) => t.kind)).toEqual(["ident", "invalid", "ident", "invalid", "ident", "eof"]);
    expect(diags.items.map((d) => `${d.col} ${d.message}`)).toEqual(["3 unexpected character '@'", "7 unexpected characters '##'"]);
  });

  it("does not accept non-ASCII identifiers or lone & and |", () => {
    expect(errors("héllo")).toEqual(["2001 1:2 unexpected character 'é'"]);
    expect(errors("a & b")).toHaveLength(1);
    expect(errors("a | b")).toHaveLength(1);
  });
});
