// What a symbol is, in the words of its declaration: the hover text, completion details and
// signature help's labels. Parameters are shown as written (with their type and default).
import type * as A from "../compiler/ast.js";
import { builtinInfo } from "./builtins.js";
import { matrixShape } from "./shapes.js";
import type { SymbolInfo } from "./symbol-index.js";

/** The source text of a file of the analysis, to quote declarations from. */
export type TextOf = (file: string) => string | undefined;

/** The parameters of a function-like declaration (a func, an actor handler, a lambda bound by let). */
export function parametersOf(decl: object | undefined): A.Param[] | undefined {
  const d = decl as A.Stmt | undefined;
  if (d?.kind === "Func") return d.params;
  if (d?.kind === "Let" && d.init.kind === "Lambda") return d.init.params;
  return undefined;
}

/** `f(a, b: int = 2)` for a function, else undefined. */
export function signatureOf(symbol: SymbolInfo, textOf: TextOf): { label: string; parameters: string[] } | undefined {
  if (symbol.kind === "builtin") {
    const b = builtinInfo(symbol.name);
    return b && { label: b.signature, parameters: b.parameters };
  }
  const params = parametersOf(symbol.decl);
  if (!params) return undefined;
  const text = symbol.file ? textOf(symbol.file) : undefined;
  const parameters = params.map((p) => (text ? text.slice(p.span.start, p.span.end) : p.name));
  return { label: `${symbol.name}(${parameters.join(", ")})`, parameters };
}

/** One line of code that says what the symbol is. */
export function declarationLine(symbol: SymbolInfo, textOf: TextOf): string {
  const text = symbol.file ? textOf(symbol.file) : undefined;
  const quote = (span: A.Span | undefined) => (text && span ? text.slice(span.start, span.end) : undefined);
  switch (symbol.kind) {
    case "builtin":
      return builtinInfo(symbol.name)?.signature ?? symbol.name;
    case "function": {
      const sig = signatureOf(symbol, textOf);
      const decl = symbol.decl as A.FuncDecl | A.LetStmt;
      const returns = decl.kind === "Func" && decl.returnType ? ` -> ${quote(decl.returnType.span)}` : "";
      const prefix = decl.kind === "Func" ? `${decl.isAsync ? "async " : ""}func ` : `${decl.mutable ? "var" : "let"} `;
      return `${prefix}${sig?.label ?? symbol.name}${returns}`;
    }
    case "parameter":
      return `(parameter) ${quote((symbol.decl as A.Param).span) ?? symbol.name}`;
    case "struct": {
      const decl = symbol.decl as A.StructDecl | undefined;
      const fields = decl ? decl.fields.map((f) => quote(f.span) ?? f.name) : (symbol.struct?.fields ?? []);
      return `struct ${symbol.name} { ${fields.join(", ")} }`;
    }
    case "field":
      return `(field of ${symbol.struct?.name ?? "?"}) ${quote((symbol.decl as A.Param | undefined)?.span) ?? symbol.name}`;
    case "actor": {
      const decl = symbol.decl as A.ActorDecl | undefined;
      const handlers = decl ? decl.methods.map((m) => m.name).join(", ") : "";
      return `actor ${symbol.name}${handlers ? ` { ${handlers} }` : ""}`;
    }
    case "module": {
      const decl = symbol.decl as A.ImportStmt;
      return `import "${decl.path}" as ${symbol.name}`;
    }
    default: {
      const decl = symbol.decl as A.Stmt | undefined;
      if (decl?.kind === "Let") {
        const type = decl.type ? `: ${quote(decl.type.span)}` : "";
        return `${decl.mutable ? "var" : "let"} ${symbol.name}${type}`;
      }
      if (decl?.kind === "For") return `(loop variable) ${symbol.name}`;
      if (decl?.kind === "Try") return `(caught error) ${symbol.name}`;
      return `${symbol.kind === "variable" ? "var" : "let"} ${symbol.name}`;
    }
  }
}

/** The hover: the declaration as code, then what else is known (a builtin's doc, a matrix's shape, a module's exports). */
export function hoverText(symbol: SymbolInfo, textOf: TextOf): string {
  const parts = [`\`\`\`noodle\n${declarationLine(symbol, textOf)}\n\`\`\``];
  if (symbol.kind === "builtin") {
    const doc = builtinInfo(symbol.name)?.doc;
    if (doc) parts.push(doc);
  } else if (symbol.kind === "variable" || symbol.kind === "constant") {
    const decl = symbol.decl as A.Stmt | undefined;
    const shape = decl?.kind === "Let" ? matrixShape(decl.init) : undefined;
    if (shape) parts.push(shape);
  } else if (symbol.kind === "module" && symbol.module) {
    const names = [...symbol.module.exports.keys()].filter((n) => !n.startsWith("_"));
    parts.push(`exports: ${names.join(", ") || "nothing"}`);
  }
  return parts.join("\n\n");
}
