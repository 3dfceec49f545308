// The outline of a document: its top-level declarations, with a struct's fields and an actor's
// state and handlers beneath them.
import type * as A from "../compiler/ast.js";

export type OutlineKind = "function" | "variable" | "constant" | "struct" | "field" | "class" | "method" | "module";

export interface OutlineSymbol {
  name: string;
  kind: OutlineKind;
  detail?: string;
  /** The whole declaration, and its name. */
  span: A.Span;
  nameSpan: A.Span;
  children: OutlineSymbol[];
}

export function documentSymbols(program: A.Program): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const s of program.body) {
    const symbol = outline(s);
    if (symbol) out.push(symbol);
  }
  return out;
}

const nameOnly = (span: A.Span, name: string): A.Span => ({ start: span.start, end: span.start + name.length });

function outline(s: A.Stmt): OutlineSymbol | undefined {
  switch (s.kind) {
    case "Func":
      return { name: s.name, kind: "function", detail: `(${s.params.map((p) => p.name).join(", ")})`, span: s.span, nameSpan: s.nameSpan, children: [] };
    case "Let":
      return {
        name: s.name,
        kind: s.init.kind === "Lambda" ? "function" : s.mutable ? "variable" : "constant",
        span: s.span,
        nameSpan: s.nameSpan,
        children: [],
      };
    case "Struct":
      return {
        name: s.name,
        kind: "struct",
        span: s.span,
        nameSpan: s.nameSpan,
        children: s.fields.map((f) => ({ name: f.name, kind: "field", span: f.span, nameSpan: nameOnly(f.span, f.name), children: [] })),
      };
    case "Actor":
      return {
        name: s.name,
        kind: "class",
        span: s.span,
        nameSpan: s.nameSpan,
        children: [
          ...s.state.map((v): OutlineSymbol => ({ name: v.name, kind: "field", span: v.span, nameSpan: v.nameSpan, children: [] })),
          ...s.methods.map((m): OutlineSymbol => ({ name: m.name, kind: "method", span: m.span, nameSpan: m.nameSpan, children: [] })),
        ],
      };
    case "Import":
      return { name: s.alias, kind: "module", detail: s.path, span: s.span, nameSpan: s.aliasSpan, children: [] };
    default:
      return undefined;
  }
}
