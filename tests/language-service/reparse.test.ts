// Parsing again after an edit (src/language/reparse.ts) gives what a parse of the whole text
// gives: the same tree, tokens and diagnostics, and so the same completion, hover and
// diagnostics from the service as a service that never saw the earlier text. Random edits of
// real and generated programs check it, among them edits that split or join declarations, open
// strings and comments, and add or remove braces.
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a JavaScript module of the benchmarks, without types
import { generatedProgram } from "../../bench/suites/lsp/program.js";
import { DiagnosticBag, SourceFile } from "../../src/compiler/diagnostics.js";
import { lex } from "../../src/compiler/lexer.js";
import { parse } from "../../src/compiler/parser.js";
import { LanguageService } from "../../src/language/index.js";
import { type ParseState, reparse } from "../../src/language/reparse.js";
import { edited, FUZZ_RUNS, FUZZ_SEED, programsIn, sourceEdit } from "../fuzz/fuzz.js";
import { ROOT } from "../helpers.js";

const FILE = "/work/main.nc";
const RUNS = Math.max(50, Math.floor(FUZZ_RUNS / 10));

const SEEDS: string[] = [
  generatedProgram(120) as string,
  ...programsIn(join(ROOT, "examples"))
    .filter((p) => p.length < 6000)
    .slice(0, 12),
];

const TOKENS = [
  "t",
  " ",
  "\n",
  '"',
  '"${',
  "}",
  "{",
  "(",
  ")",
  "[",
  "/*",
  "*/",
  "//",
  ";",
  "'",
  "1e",
  "..",
  "func f(a) {\n",
  "}\n",
  "let x = 1\n",
  "struct S { a }\n",
  "actor A {\n  var n = 0\n",
  "match x {\n  case 1 => 2\n}\n",
  "if x {",
  "\u00e9\ud83d\ude00",
  "@",
];

const step = fc.record({
  edit: sourceEdit(["delete", "duplicate", "insert", "replace", "swap"], TOKENS, 40),
  probes: fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
});

function fullParse(text: string) {
  const diagnostics = new DiagnosticBag();
  const program = parse(new SourceFile(FILE, text), diagnostics);
  return { program, diagnostics: diagnostics.items, tokens: lex(new SourceFile(FILE, text), new DiagnosticBag()) };
}

/** The offsets of the names in a text (where hover and completion have something to say), by number. */
function nameOffset(text: string, k: number): number {
  const starts = [...text.matchAll(/[A-Za-z_]\w*/g)].map((m) => (m.index ?? 0) + 1);
  return starts.length === 0 ? k % (text.length + 1) : starts[k % starts.length];
}

describe("parsing again after an edit", () => {
  it("gives the tree, tokens and diagnostics of a parse of the whole text", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(step, { minLength: 1, maxLength: 6 }), (seed, steps) => {
        let text = seed;
        let state: ParseState | undefined = reparse(FILE, text).state;
        for (const { edit } of steps) {
          text = edited(text, [edit]);
          const again = reparse(FILE, text, state);
          const whole = fullParse(text);
          expect(JSON.stringify(again.program)).toBe(JSON.stringify(whole.program));
          expect(again.diagnostics.items).toEqual(whole.diagnostics);
          if (again.state) expect(JSON.stringify(again.state.tokens)).toBe(JSON.stringify(whole.tokens));
          state = again.state;
        }
      }),
      { numRuns: RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
  }, 120_000);

  it("answers completion, hover and diagnostics as a service that never saw the earlier text", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(step, { minLength: 1, maxLength: 5 }), (seed, steps) => {
        const service = new LanguageService();
        let text = seed;
        service.open(FILE, text);
        service.diagnostics(FILE);
        for (const [k, { edit, probes }] of steps.entries()) {
          text = edited(text, [edit]);
          service.update(FILE, text);
          const fresh = new LanguageService();
          fresh.open(FILE, text);
          // alternate which request comes first after the edit: completion parses only, the others compile
          const [p, q] = probes.map((n) => nameOffset(text, n));
          if (k % 2 === 0) expect(service.completion(FILE, p)).toEqual(fresh.completion(FILE, p));
          expect(service.hover(FILE, q)).toEqual(fresh.hover(FILE, q));
          expect(service.diagnostics(FILE)).toEqual(fresh.diagnostics(FILE));
          expect(service.completion(FILE, q)).toEqual(fresh.completion(FILE, q));
        }
      }),
      { numRuns: RUNS, seed: FUZZ_SEED + 1, endOnFailure: true },
    );
  }, 120_000);

  it("takes the statements the edit did not touch from the earlier tree, moved by the edit's length", () => {
    const before = "func a(x) {\n  return x\n}\nfunc b(y) {\n  return y + 1\n}\nlet c = b(2)\n";
    const first = reparse(FILE, before);
    const at = before.indexOf("y + 1");
    const after = `${before.slice(0, at)}yy${before.slice(at)}`;
    const again = reparse(FILE, after, first.state);
    const [a, b, c] = first.program.body;
    expect(again.program.body[0]).toBe(a);
    expect(again.program.body[1]).not.toBe(b);
    expect(again.program.body[2]).toBe(c);
    expect(c.span).toEqual({ start: after.indexOf("let c"), end: after.indexOf("let c") + "let c = b(2)".length });
    expect(JSON.stringify(again.program)).toBe(JSON.stringify(fullParse(after).program));
  });

  it("lexes again only around the edit: the tokens after it are the earlier ones, moved", () => {
    const before = 'let s = "a"\nlet t = 2\nlet u = 3\n';
    const first = reparse(FILE, before);
    const tokens = first.state!.tokens;
    const last = tokens[tokens.length - 2];
    const again = reparse(FILE, `let s = "ab"\nlet t = 2\nlet u = 3\n`, first.state);
    expect(again.state!.tokens[again.state!.tokens.length - 2]).toBe(last);
    expect(last.span.start).toBe(`let s = "ab"\nlet t = 2\nlet u = `.length);
  });

  it("an unterminated string or comment typed before other statements changes them as a whole parse does", () => {
    const before = "let a = 1\nfunc f() {\n  return a\n}\nlet b = f()\n";
    for (const typed of ['"', "/*", "{", "}"]) {
      const state = reparse(FILE, before).state;
      const after = `${typed}${before}`;
      const again = reparse(FILE, after, state);
      const whole = fullParse(after);
      expect(JSON.stringify(again.program)).toBe(JSON.stringify(whole.program));
      expect(again.diagnostics.items).toEqual(whole.diagnostics);
    }
  });

  it("keeps the compiler's limit of 20 errors and the count of the rest", () => {
    const before = Array.from({ length: 30 }, (_, i) => `let v${i} = )`).join("\n");
    const service = new LanguageService();
    service.open(FILE, before);
    service.diagnostics(FILE);
    const after = `let w = 1\n${before.replace("let v3 = )", "let v3 = 3")}`;
    service.update(FILE, after);
    const fresh = new LanguageService();
    fresh.open(FILE, after);
    const d = service.diagnostics(FILE);
    expect(d).toEqual(fresh.diagnostics(FILE));
    expect(d.map((x) => x.code)).toContain(2018);
  });
});
