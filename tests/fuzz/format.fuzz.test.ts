import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { disassemble } from "../../src/bytecode/disasm.js";
import { compile } from "../../src/compiler/compile.js";
import { DiagnosticBag, SourceFile } from "../../src/compiler/diagnostics.js";
import { lex } from "../../src/compiler/lexer.js";
import { formatSource } from "../../src/language/format.js";
import { OWN_CONFORMANCE, ROOT } from "../helpers.js";
import { numericPrograms } from "../jit/numeric-programs.js";
import { edited, FUZZ_RUNS, FUZZ_TIMEOUT, fuzzParameters, programsIn, sourceEdit } from "./fuzz.js";

const QUARTER = Math.max(50, FUZZ_RUNS >> 2);

/** What a program compiles to, without positions: its disassembly, or its error codes. */
function compiled(text: string): string {
  const c = compile(text, { file: "fuzz.nc" });
  if (!c.ok || !c.module) return `errors ${c.diagnostics.map((d) => d.code).join(" ")}`;
  return disassemble(c.module)
    .replace(/\bL\d+\b|:\d+(:\d+)?/g, "")
    .replace(/[ \t]+/g, " ");
}

/** The tokens (kind and text) and the comments of a source. */
function tokensAndComments(text: string): string[] {
  const tokens = lex(new SourceFile("x.nc", text), new DiagnosticBag());
  const out: string[] = [];
  let prev = 0;
  for (const t of tokens) {
    for (const m of text.slice(prev, t.span.start).matchAll(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g)) out.push(m[0].replace(/\s+$/, ""));
    out.push(`${t.kind} ${t.text}`);
    prev = t.span.end;
  }
  return out;
}

/** Checks the properties on a source that parses; false when it does not (nothing to check). */
function checkFormatting(text: string): boolean {
  const once = formatSource(text);
  if (!once.ok) return false;
  const twice = formatSource(once.text);
  if (!twice.ok || twice.text !== once.text) throw new Error(`formatting twice changed the text\n--- once ---\n${once.text}\n--- source ---\n${text}`);
  expect(tokensAndComments(once.text)).toEqual(tokensAndComments(text.replace(/\r\n?/g, "\n")));
  expect(compiled(once.text)).toBe(compiled(text));
  return true;
}

// re-spacing: where the source has a space, put other spaces or (inside brackets) line breaks
const SPACES = [" ", "   ", "", "\t", "\n", "\n\n"];
const spacing = fc.array(fc.constantFrom(...SPACES), { minLength: 1, maxLength: 200 });
// and comments
const commented = fc.array(fc.constantFrom(...SPACES, " /* c */ ", " // note\n", "\n// own line\n"), { minLength: 1, maxLength: 200 });
const isWord = (c: string | undefined) => c !== undefined && /[\w]/.test(c);

/** Puts the chosen spacing at each space of the source that is outside strings and between tokens. */
function respace(text: string, choices: string[]): string {
  const tokens = lex(new SourceFile("x.nc", text), new DiagnosticBag());
  let out = "";
  // the brackets open here; inside ( ) and [ ] a line break means nothing, inside { } it may
  const open: string[] = [];
  let k = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const prevEnd = i > 0 ? tokens[i - 1].span.end : 0;
    const gap = text.slice(prevEnd, t.span.start);
    if (gap === " ") {
      let pick = choices[k++ % choices.length];
      // a line break outside ( ) and [ ] could end a statement: there only spaces and /* */ go
      const free = open.length > 0 && open[open.length - 1] !== "{";
      if (!free && pick.includes("\n")) pick = " ";
      // nothing between two words would make them one
      if (pick === "" && isWord(out[out.length - 1]) && isWord(t.text[0])) pick = " ";
      out += pick;
    } else out += gap;
    out += t.text;
    if (t.kind === "(" || t.kind === "[" || t.kind === "{") open.push(t.kind);
    else if (t.kind === ")" || t.kind === "]" || t.kind === "}") open.pop();
  }
  return out + text.slice(tokens[tokens.length - 1].span.end);
}

const SEEDS = [...programsIn(OWN_CONFORMANCE), ...programsIn(join(ROOT, "examples")), ...programsIn(join(ROOT, "web/examples"))];
const PIECES = ["\n", " ", "(", ")", "[", "]", "{", "}", ",", ";", "-", "'", "// c\n", "/* c */", "x", "1", "=>", ":", "."];

// an edit of a seed: a piece cut, copied elsewhere, or a token put in
const edit = sourceEdit(["delete", "duplicate", "insert"], PIECES, 30);

describe("formatting random programs", () => {
  it("keeps what the tiers' numeric programs compile to, and is idempotent", { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(numericPrograms, (p) => {
        expect(checkFormatting(p)).toBe(true);
      }),
      fuzzParameters(1),
    );
  });

  it("formats the numeric programs, re-spaced at random, to what they format to as written", { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(numericPrograms, spacing, (p, choices) => {
        const messy = respace(p, choices);
        expect(checkFormatting(messy)).toBe(true);
        const a = formatSource(messy);
        const b = formatSource(p);
        expect(a.ok && b.ok && a.text === b.text).toBe(true);
      }),
      { ...fuzzParameters(2), numRuns: QUARTER },
    );
  });

  it("keeps what the numeric programs compile to with comments put between their tokens", { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(numericPrograms, commented, (p, choices) => {
        expect(checkFormatting(respace(p, choices))).toBe(true);
      }),
      { ...fuzzParameters(4), numRuns: QUARTER },
    );
  });

  it("keeps what edited project programs compile to when they still parse", { timeout: FUZZ_TIMEOUT }, () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(edit, { minLength: 1, maxLength: 3 }), (seed, edits) => {
        if (checkFormatting(edited(seed, edits))) parsed++;
      }),
      fuzzParameters(3),
    );
    // many edits keep a program parsing (a comment, a space, a line cut out): the property is exercised
    expect(parsed).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});
