// `noodle fmt` and the language service's formatting: one canonical layout for a source file
// (docs/formatting.md). Browser-safe: it needs the compiler's front end only.
import type { Program } from "../compiler/ast.js";
import { type Diagnostic, DiagnosticBag, SourceFile } from "../compiler/diagnostics.js";
import { lex } from "../compiler/lexer.js";
import { parse } from "../compiler/parser.js";
import { Layout, type ParseFacts } from "./layout.js";
import { triviaOf } from "./trivia.js";

/** Lines are broken to fit in this many columns where a list allows it. */
export const FORMAT_WIDTH = 100;

export type FormatResult = { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] };

/** The source in the canonical layout, or the compile errors of a file that does not parse. */
export function formatSource(source: string, file = "<input>"): FormatResult {
  // a line break in the layout is "\n"; a "\r\n" file is read as if written with "\n" (same lines and columns)
  const text = source.replace(/\r\n?/g, "\n");
  const src = new SourceFile(file, text);
  const diags = new DiagnosticBag();
  const program = parse(src, diags);
  if (diags.hasErrors) return { ok: false, diagnostics: diags.items };
  const tokens = lex(src, new DiagnosticBag());
  const layout = new Layout(tokens, triviaOf(text, tokens), parseFacts(program, tokens));
  return { ok: true, text: layout.print(FORMAT_WIDTH) };
}

/** Which `{` open literals and where statements begin, from the syntax tree. */
function parseFacts(program: Program, tokens: { kind: string; span: { start: number } }[]): ParseFacts {
  // the index of the first token at or after an offset (the tokens are in order)
  const tokenFrom = (offset: number) => {
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid].span.start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const literalBraces = new Map<number, "map" | "struct">();
  const statementStarts = new Set<number>();
  const braceFrom = (offset: number) => {
    // the `{` after a struct literal's or pattern's name
    for (let i = tokenFrom(offset); i < tokens.length; i++) {
      if (tokens[i].kind === "{") {
        literalBraces.set(tokens[i].span.start, "struct");
        return;
      }
    }
  };
  const starts = (nodes: { span: { start: number } }[]) => {
    for (const n of nodes) statementStarts.add(n.span.start);
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown> & { kind?: string; span: { start: number } };
    switch (n.kind) {
      case "Program":
      case "Block":
        starts(n.body as Program["body"]);
        break;
      case "Actor":
        starts([...(n.state as Program["body"]), ...(n.methods as Program["body"])]);
        break;
      case "Struct":
        starts(n.fields as { span: { start: number } }[]);
        break;
      case "Match":
        starts(n.cases as { span: { start: number } }[]);
        break;
      case "Map":
        literalBraces.set(n.span.start, "map");
        break;
      case "StructLit":
      case "PStruct":
        braceFrom(n.span.start);
        break;
    }
    for (const key in n) {
      const value = n[key];
      if (key !== "span" && value !== null && typeof value === "object") visit(value);
    }
  };
  visit(program);
  return { literalBraces, statementStarts };
}
