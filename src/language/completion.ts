// Completion at a position: inside an import's string, the standard modules; after `alias.`, the
// module's exports; after another `x.`, struct fields (those of x's struct when its declaration
// says it, else of every struct in reach); elsewhere the names in scope, the builtins and the
// keywords. The context comes from the text before the cursor, so it works while the line is
// still broken.
import type * as A from "../compiler/ast.js";
import { KEYWORDS } from "../compiler/tokens.js";
import { stdModuleNames } from "../std/index.js";
import type { Analysis } from "./analysis.js";
import { builtinInfo, builtinNames } from "./builtins.js";
import { declarationLine, parametersOf } from "./describe.js";
import { type DeclaredKind, visibleAt } from "./scopes.js";

export type CompletionKind = DeclaredKind | "builtin" | "keyword" | "field" | "file";

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
}

export interface Completions {
  /** Where the word being completed starts (the items replace from here to the cursor). */
  from: number;
  items: CompletionItem[];
}

export function complete(a: Analysis, offset: number): Completions {
  const text = a.text;
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const importPath = /import\s+"([^"]*)$/.exec(before);
  if (importPath) {
    const items = stdModuleNames().map((m): CompletionItem => ({ label: `std/${m}`, kind: "file", detail: "standard module" }));
    return { from: offset - importPath[1].length, items };
  }
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? "";
  const from = offset - word.length;
  const member = /([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*$/.exec(before.slice(0, before.length - word.length));
  if (member) return { from, items: memberItems(a, member[1], from) };
  if (/\.\s*$/.test(before.slice(0, before.length - word.length))) return { from, items: [] };
  return { from, items: scopeItems(a, from) };
}

function scopeItems(a: Analysis, offset: number): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const n of visibleAt(a.declared, offset)) {
    seen.add(n.name);
    const params = parametersOf(n.node);
    const detail = params ? `${n.name}(${params.map((p) => a.text.slice(p.span.start, p.span.end)).join(", ")})` : n.kind;
    items.push({ label: n.name, kind: n.kind, detail });
  }
  for (const name of builtinNames()) {
    if (seen.has(name)) continue;
    const b = builtinInfo(name)!;
    items.push({ label: name, kind: "builtin", detail: b.signature, documentation: b.doc });
  }
  for (const k of KEYWORDS) items.push({ label: k, kind: "keyword" });
  return items;
}

function memberItems(a: Analysis, target: string, offset: number): CompletionItem[] {
  const fe = a.frontEnd;
  const visible = visibleAt(a.resolvedDeclared, offset).find((n) => n.name === target);
  if (!fe || !visible) return [];
  const decl = visible.node as A.Stmt | A.Param;
  if ("kind" in decl && decl.kind === "Import") {
    const exports = fe.resolutions.modules.get(decl)?.exports;
    if (!exports) return [];
    const items: CompletionItem[] = [];
    for (const [name, sym] of exports) {
      if (name.startsWith("_")) continue;
      const info = a.index?.symbolFor(sym);
      const kind: CompletionKind =
        info && info.kind !== "builtin" && info.kind !== "field" ? (info.kind as DeclaredKind) : sym.kind === "struct" ? "struct" : "variable";
      items.push({ label: name, kind, detail: info ? declarationLine(info, a.textOf) : undefined });
    }
    return items;
  }
  const structs = structOf(a, decl);
  return structs.flatMap((s) => s.fields.map((f): CompletionItem => ({ label: f, kind: "field", detail: `field of ${s.name}` })));
}

/** The struct a variable holds when its declaration says (a type, a struct literal), else every struct in reach. */
function structOf(a: Analysis, decl: A.Stmt | A.Param): { name: string; fields: string[] }[] {
  const r = a.frontEnd!.resolutions;
  const type = "type" in decl ? decl.type : undefined;
  const typed = type ? r.types.get(type)?.struct : undefined;
  if (typed) return [typed];
  const init = "kind" in decl && decl.kind === "Let" ? decl.init : undefined;
  const literal = init?.kind === "StructLit" ? r.structs.get(init) : undefined;
  if (literal) return [literal];
  const all = new Map<string, { name: string; fields: string[] }>();
  for (const s of r.structs.values()) all.set(`${s.index}`, s);
  return [...all.values()];
}
