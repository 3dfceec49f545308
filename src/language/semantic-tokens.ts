// Semantic tokens: every name coloured by what it means (a parameter, a struct, a builtin...),
// and keywords, numbers and strings from the lexer. Spans are offsets; the LSP server encodes them.
import type { Token } from "../compiler/tokens.js";
import { isKeyword } from "../compiler/tokens.js";
import type { Analysis } from "./analysis.js";
import type { SymbolKind } from "./symbol-index.js";

export const TOKEN_TYPES = ["namespace", "struct", "class", "function", "variable", "parameter", "property", "keyword", "number", "string"] as const;
export const TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];

export interface SemanticToken {
  start: number;
  end: number;
  type: TokenType;
  /** Bits of TOKEN_MODIFIERS. */
  modifiers: number;
}

const TYPE_OF: Record<SymbolKind, TokenType> = {
  module: "namespace",
  struct: "struct",
  actor: "class",
  function: "function",
  builtin: "function",
  variable: "variable",
  constant: "variable",
  parameter: "parameter",
  field: "property",
};

const DECLARATION = 1;
const READONLY = 2;
const DEFAULT_LIBRARY = 4;

export function semanticTokens(a: Analysis): SemanticToken[] {
  const out: SemanticToken[] = [];
  for (const o of a.index?.occurrencesIn(a.path) ?? []) {
    const k = o.symbol.kind;
    const modifiers = (o.declaration ? DECLARATION : 0) | (k === "constant" ? READONLY : 0) | (k === "builtin" ? DEFAULT_LIBRARY : 0);
    out.push({ start: o.start, end: o.end, type: TYPE_OF[k], modifiers });
  }
  const named = new Set(out.map((t) => t.start));
  lexical(a.tokens, out, named);
  out.sort((x, y) => x.start - y.start);
  // one token per place (a shorthand field and its value share one)
  return out.filter((t, i) => i === 0 || t.start >= out[i - 1].end);
}

function lexical(tokens: Token[], out: SemanticToken[], named: Set<number>): void {
  for (const t of tokens) {
    if (t.kind === "number") out.push({ start: t.span.start, end: t.span.end, type: "number", modifiers: 0 });
    else if (t.kind === "string") out.push({ start: t.span.start, end: t.span.end, type: "string", modifiers: 0 });
    else if (t.kind === "template" && t.parts) {
      for (const p of t.parts) {
        if (p.kind === "expr") lexical(p.tokens, out, named);
        else out.push({ start: p.span.start, end: p.span.end, type: "string", modifiers: 0 });
      }
    } else if (isKeyword(t.kind) && !named.has(t.span.start)) out.push({ start: t.span.start, end: t.span.end, type: "keyword", modifiers: 0 });
  }
}
