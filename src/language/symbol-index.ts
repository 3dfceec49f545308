// Every name in every module of an analysis, as occurrences: where a name is written, and the
// symbol it means (a declaration, a builtin, a struct field). Hover, definition, references,
// rename and semantic tokens all read this one index. A symbol's key is the same in every
// analysis that sees it (its file and the offset of its declaration), so the open documents'
// analyses can be searched together.
import type * as A from "../compiler/ast.js";
import type { FrontEnd } from "../compiler/compile.js";
import type { Binding, ModuleInfo, Resolution, StructSymbol } from "../compiler/symbols.js";

export type SymbolKind = "variable" | "constant" | "parameter" | "function" | "struct" | "actor" | "module" | "builtin" | "field";

export interface SymbolInfo {
  /** The same for one declaration in every analysis: `file#offset`, or `builtin:name`. */
  key: string;
  name: string;
  kind: SymbolKind;
  /** Where it is declared (none for a builtin). */
  file?: string;
  nameSpan?: A.Span;
  /** The declaring node: Let, Func, Param, Struct, Actor, Import, For, Try or PBind; a field's Param. */
  decl?: object;
  /** A field's struct. */
  struct?: StructSymbol;
  /** An import's module. */
  module?: ModuleInfo;
}

export interface Occurrence {
  start: number;
  end: number;
  symbol: SymbolInfo;
  declaration: boolean;
}

type Ref = { binding: Binding } | { struct: StructSymbol } | { field: StructSymbol; name: string } | { builtin: string } | { import: A.ImportStmt };

interface RawOccurrence {
  file: string;
  start: number;
  end: number;
  ref: Ref;
  declaration: boolean;
}

export class SymbolIndex {
  /** Occurrences of each file walked so far, by start offset. */
  private readonly byFile = new Map<string, Occurrence[]>();
  /** The symbol of each binding, struct and import of the analysis. */
  private readonly symbols = new Map<object, SymbolInfo>();
  /** The declaring node of each binding and struct seen (top-level ones from the start, locals as their file is walked). */
  private readonly declNode = new Map<object, object>();
  private readonly fileOf = new Map<object, string>();

  constructor(private readonly fe: FrontEnd) {
    const r = fe.resolutions;
    for (const m of fe.modules.values()) {
      for (const sym of m.exports.values()) this.fileOf.set(sym, m.path);
      for (const s of m.program.body) {
        const b = s.kind === "Struct" ? r.structs.get(s) : r.decls.get(s);
        if (b) this.declNode.set(b, s);
      }
    }
  }

  /** The occurrences of one file, walked on first need (a file is walked only when asked about). */
  occurrencesIn(file: string): Occurrence[] {
    let list = this.byFile.get(file);
    if (list) return list;
    list = [];
    const m = this.fe.modules.get(file);
    if (m) {
      const raw: RawOccurrence[] = [];
      collect(m, this.fe, raw, this.declNode, this.fileOf);
      for (const r of raw) list.push({ start: r.start, end: r.end, symbol: this.symbolOf(r.ref, file), declaration: r.declaration });
      list.sort((a, b) => a.start - b.start || (a.declaration ? -1 : 1));
    }
    this.byFile.set(file, list);
    return list;
  }

  /**
   * The occurrences on the way down the tree to `offset` only, without walking the whole file:
   * what hover and definition need just after an edit. The declarations of the locals found
   * there are looked up the same way, so what is said of them is complete.
   */
  private around(file: string, offset: number): Occurrence[] {
    const m = this.fe.modules.get(file);
    if (!m) return [];
    const raw: RawOccurrence[] = [];
    collect(m, this.fe, raw, this.declNode, this.fileOf, offset);
    for (const r of raw) {
      if ("binding" in r.ref && r.ref.binding.kind === "local" && !this.declNode.has(r.ref.binding))
        collect(m, this.fe, [], this.declNode, this.fileOf, r.ref.binding.span.start);
    }
    const list = raw.map((r) => ({ start: r.start, end: r.end, symbol: this.symbolOf(r.ref, file), declaration: r.declaration }));
    return list.sort((a, b) => a.start - b.start || (a.declaration ? -1 : 1));
  }

  /** The files of the analysis that are not standard modules. */
  get files(): string[] {
    return [...this.fe.modules.keys()].filter((f) => !f.startsWith("std/"));
  }

  /** The occurrence under `offset` (touching its start or end) in `file`. */
  at(file: string, offset: number): Occurrence | undefined {
    const list = this.byFile.get(file) ?? this.around(file, offset);
    let lo = 0;
    let hi = list.length - 1;
    let found: Occurrence | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].start <= offset) {
        found = list[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found && offset <= found.end) return found;
    // the end of the one before (the cursor just after a name)
    return undefined;
  }

  /** Every occurrence of the symbol with `key`, in every file of this analysis but the standard modules. */
  occurrencesOf(key: string): { file: string; occurrence: Occurrence }[] {
    const out: { file: string; occurrence: Occurrence }[] = [];
    for (const file of this.files) for (const o of this.occurrencesIn(file)) if (o.symbol.key === key) out.push({ file, occurrence: o });
    return out;
  }

  /** The symbol of a binding or struct the compiler found (a module's export, say). */
  symbolFor(target: Binding | StructSymbol): SymbolInfo {
    return this.symbolOf(target.kind === "struct" ? { struct: target } : { binding: target }, this.fileOf.get(target) ?? this.fe.main.path);
  }

  private symbolOf(ref: Ref, file: string): SymbolInfo {
    if ("builtin" in ref) return this.cached(`builtin:${ref.builtin}`, () => ({ key: `builtin:${ref.builtin}`, name: ref.builtin, kind: "builtin" }));
    if ("import" in ref) {
      const s = ref.import;
      return this.cached(s, () => ({
        key: `${file}#${s.aliasSpan.start}`,
        name: s.alias,
        kind: "module",
        file,
        nameSpan: nameSpan(s.aliasSpan, s.alias),
        decl: s,
        module: this.fe.resolutions.modules.get(s),
      }));
    }
    if ("field" in ref) {
      const struct = ref.field;
      const owner = this.symbolOf({ struct }, file);
      const decl = (owner.decl as A.StructDecl | undefined)?.fields.find((f) => f.name === ref.name);
      return this.cached(`${owner.key}.${ref.name}`, () => ({
        key: `${owner.key}.${ref.name}`,
        name: ref.name,
        kind: "field",
        file: owner.file,
        nameSpan: decl ? nameSpan(decl.span, decl.name) : undefined,
        decl,
        struct,
      }));
    }
    const target = "struct" in ref ? ref.struct : ref.binding;
    return this.cached(target, () => {
      const home = this.fileOf.get(target) ?? file;
      const decl = this.declNode.get(target);
      const span = nameSpan(target.span, target.name);
      return {
        key: `${home}#${span.start}`,
        name: target.name,
        kind: kindOf(target, decl),
        file: home,
        nameSpan: span,
        decl,
        struct: "struct" in ref ? ref.struct : undefined,
      };
    });
  }

  private cached(key: object | string, make: () => SymbolInfo): SymbolInfo {
    let s = this.symbols.get(key as object);
    if (!s) this.symbols.set(key as object, (s = make()));
    return s;
  }
}

function kindOf(target: Binding | StructSymbol, decl: object | undefined): SymbolKind {
  if (target.kind === "struct") return "struct";
  if (target.kind === "global" && target.actor) return "actor";
  const d = decl as { kind?: string; init?: A.Expr } | undefined;
  if (d?.kind === "Func") return "function";
  if (d !== undefined && !("kind" in d)) return "parameter";
  if (d?.kind === "Let" && d.init?.kind === "Lambda") return "function";
  return target.mutable ? "variable" : "constant";
}

/** The span of a declaration's name alone (a parameter's span covers its type and default). */
function nameSpan(span: A.Span, name: string): A.Span {
  return { start: span.start, end: span.start + name.length };
}

/** Whether a node (one with a span) covers `offset`; nodes without a span are only containers. */
function covers(node: unknown, offset: number): boolean {
  const span = (node as { span?: A.Span }).span;
  return span === undefined || (span.start <= offset && offset <= span.end);
}

/**
 * Walks one module's tree without recursion (chains can be thousands of links long); with
 * `within`, only the nodes whose span covers that offset.
 */
function collect(m: ModuleInfo, fe: FrontEnd, out: RawOccurrence[], declNode: Map<object, object>, fileOf: Map<object, string>, within?: number): void {
  const r = fe.resolutions;
  const file = m.path;
  const aliases = new Map<string, A.ImportStmt>();
  for (const s of m.program.body) if (s.kind === "Import") aliases.set(s.alias, s);
  const add = (span: A.Span, name: string, ref: Ref, declaration = false) => {
    const s = nameSpan(span, name);
    out.push({ file, start: s.start, end: s.end, ref, declaration });
  };
  const declare = (node: object, span: A.Span | undefined, name: string | undefined, binding = r.decls.get(node)) => {
    if (!binding || !span || name === undefined) return;
    declNode.set(binding, node);
    if (binding.kind === "local") fileOf.set(binding, file);
    add(span, name, { binding }, true);
  };
  const use = (id: A.Ident, res: Resolution | undefined) => {
    if (!res) return;
    if (res.kind === "binding") add(id.span, id.name, { binding: res.binding });
    else add(id.span, id.name, { builtin: id.name });
  };
  const stack: unknown[] = [m.program];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const n of node) if (within === undefined || (n !== null && typeof n === "object" && covers(n, within))) stack.push(n);
      continue;
    }
    const n = node as { kind?: string } & Record<string, unknown>;
    switch (n.kind) {
      case "Ident": {
        const id = n as unknown as A.Ident;
        const res = r.uses.get(id);
        if (res) use(id, res);
        else if (aliases.has(id.name)) add(id.span, id.name, { import: aliases.get(id.name)! });
        continue;
      }
      case "Let":
      case "Func":
      case "Actor": {
        const s = n as unknown as A.LetStmt | A.FuncDecl | A.ActorDecl;
        declare(s, s.nameSpan, s.name);
        break;
      }
      case "For": {
        const s = n as unknown as A.ForStmt;
        declare(s, s.firstSpan, s.first);
        declare(s, s.secondSpan, s.second, r.secondDecls.get(s));
        break;
      }
      case "Try": {
        const s = n as unknown as A.TryStmt;
        declare(s, s.catchSpan, s.catchName);
        break;
      }
      case "PBind": {
        const p = n as unknown as { name: string; span: A.Span };
        declare(p, p.span, p.name);
        continue;
      }
      case "Struct": {
        const s = n as unknown as A.StructDecl;
        const sym = r.structs.get(s);
        if (sym) {
          declNode.set(sym, s);
          add(s.nameSpan, s.name, { struct: sym }, true);
          for (const f of s.fields) add(f.span, f.name, { field: sym, name: f.name }, true);
        }
        for (const f of s.fields) if (f.type) stack.push(f.type);
        continue;
      }
      case "Import": {
        const s = n as unknown as A.ImportStmt;
        add(s.aliasSpan, s.alias, { import: s }, true);
        continue;
      }
      case "StructLit": {
        const s = n as unknown as A.StructLit;
        const sym = r.structs.get(s);
        if (s.module !== undefined && aliases.has(s.module)) add(s.span, s.module, { import: aliases.get(s.module)! });
        if (sym) {
          add(s.nameSpan, s.name, { struct: sym });
          // a shorthand field `{ x }` is also the use of `x`, which the value's Ident records
          for (const f of s.fields) if (f.value.span.start !== f.span.start) add(f.span, f.name, { field: sym, name: f.name });
        }
        break;
      }
      case "PStruct": {
        const p = n as unknown as Extract<A.Pattern, { kind: "PStruct" }>;
        const sym = r.structs.get(p);
        if (sym) add({ start: p.span.start + (p.module === undefined ? 0 : p.module.length + 1), end: 0 }, p.name, { struct: sym });
        if (sym) for (const f of p.fields) if (f.pattern.span.start !== f.span.start) add(f.span, f.name, { field: sym, name: f.name });
        break;
      }
      case "Member": {
        const e = n as unknown as A.Member;
        const exp = r.qualified.get(e);
        if (exp) add(e.nameSpan, e.name, { binding: exp });
        break;
      }
      case "named":
      case "qualified": {
        const t = n as unknown as A.TypeName;
        const struct = r.types.get(t)?.struct;
        if (t.kind === "qualified" && aliases.has(t.module)) add(t.span, t.module, { import: aliases.get(t.module)! });
        if (struct) add({ start: t.span.end - t.name.length, end: t.span.end }, t.name, { struct });
        continue;
      }
      case undefined: {
        // a parameter (functions and lambdas): declared, with a type and a default to walk
        const b = r.decls.get(n);
        if (b && typeof n.name === "string") declare(n, n.span as A.Span, n.name, b);
        break;
      }
      default:
        break;
    }
    for (const key in n) {
      if (key.endsWith("pan")) continue;
      const v = n[key];
      if (v !== null && typeof v === "object" && (within === undefined || covers(v, within))) stack.push(v);
    }
  }
}
