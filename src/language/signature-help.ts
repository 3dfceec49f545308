// Signature help: inside a call's parentheses, the function's parameters and which one the cursor
// is in. The call is found in the tokens before the cursor (an unclosed `(` and the commas after
// it), so it works while the call is still being typed.
import type { Token } from "../compiler/tokens.js";
import type { Analysis } from "./analysis.js";
import { builtinInfo } from "./builtins.js";
import { signatureOf } from "./describe.js";
import { visibleAt } from "./scopes.js";
import type { SymbolInfo } from "./symbol-index.js";

export interface SignatureHelp {
  label: string;
  parameters: string[];
  activeParameter: number;
  documentation?: string;
}

export function signatureHelp(a: Analysis, offset: number): SignatureHelp | undefined {
  const tokens = tokensBefore(a.tokens, offset);
  let depth = 0;
  let commas = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t.kind === ")" || t.kind === "]" || t.kind === "}") depth++;
    else if (t.kind === "[" || t.kind === "{") {
      if (depth === 0) return undefined;
      depth--;
    } else if (t.kind === "(") {
      if (depth > 0) {
        depth--;
        continue;
      }
      const callee = calleeSymbol(a, tokens, i);
      if (!callee) return undefined;
      const sig = signatureOf(callee, a.textOf);
      if (!sig) return undefined;
      const documentation = callee.kind === "builtin" ? builtinInfo(callee.name)?.doc : undefined;
      return { label: sig.label, parameters: sig.parameters, activeParameter: Math.min(commas, Math.max(0, sig.parameters.length - 1)), documentation };
    } else if (t.kind === "," && depth === 0) commas++;
  }
  return undefined;
}

/** The tokens that end before `offset`, those of an interpolation the cursor is in included. */
function tokensBefore(tokens: Token[], offset: number): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.span.start >= offset || t.kind === "eof") break;
    if (t.kind === "template" && t.span.end > offset && t.parts) {
      // inside a string's ${...}: the call is in there
      for (const p of t.parts) if (p.kind === "expr" && p.span.start < offset && offset <= p.span.end) return tokensBefore(p.tokens, offset);
    }
    out.push(t);
  }
  return out;
}

/** The function named just before the `(` at `open`: `f(` or `alias.f(`. */
function calleeSymbol(a: Analysis, tokens: Token[], open: number): SymbolInfo | undefined {
  const name = tokens[open - 1];
  if (name?.kind !== "ident") return undefined;
  const index = a.index;
  if (!index) return undefined;
  // a name the compiler resolved there
  const occurrence = index.at(a.path, name.span.start);
  if (occurrence && occurrence.start === name.span.start) return occurrence.symbol;
  if (tokens[open - 2]?.kind === ".") {
    const alias = tokens[open - 3];
    const decl = alias?.kind === "ident" ? visibleAt(a.declared, alias.span.start).find((n) => n.name === alias.text) : undefined;
    const module = decl ? index.at(a.path, decl.at)?.symbol.module : undefined;
    const exp = module?.exports.get(name.text);
    return exp ? index.symbolFor(exp) : undefined;
  }
  const decl = visibleAt(a.declared, name.span.start).find((n) => n.name === name.text);
  if (decl) return index.at(a.path, decl.at)?.symbol;
  return builtinInfo(name.text) ? { key: `builtin:${name.text}`, name: name.text, kind: "builtin" } : undefined;
}
