// The resolver: walks a module's tree once, binds every name to what it means, marks variables
// that closures capture (they will live in boxes), and reports the static errors of the 2xxx
// range. Its tables are what the code generator reads.

import { BUILTIN_ID, BUILTINS, isHostOnlyName } from "../bytecode/builtin-table.js";
import { TYPE_CODES } from "../bytecode/opcode-table.js";
import { actorConstructor } from "./actor.js";
import type * as A from "./ast.js";
import { type ChainLink, chainLinks } from "./chains.js";
import type { DiagnosticBag } from "./diagnostics.js";
import { PRELUDE_NAMES, SORT_VALUE } from "./prelude.js";
import type { Binding, FnScope, GlobalBinding, LocalBinding, ModuleInfo, ModuleSymbol, Resolution, StructSymbol, Symbol, TypeRef } from "./symbols.js";

/** The resolver's findings for one compilation (all modules). */
export class Resolutions {
  readonly uses = new Map<A.Ident, Resolution>();
  /** Declarations that create a binding: Let, Func, Param, For (first/second), Try (catch), PBind. */
  readonly decls = new Map<object, Binding>();
  readonly secondDecls = new Map<A.ForStmt, Binding>();
  readonly functions = new Map<A.FuncDecl | A.Lambda, FnScope>();
  /** `mod.name` member expressions that name another module's export. */
  readonly qualified = new Map<A.Member, GlobalBinding>();
  readonly structs = new Map<A.StructLit | A.Pattern | A.StructDecl, StructSymbol>();
  readonly types = new Map<A.TypeName, TypeRef>();
  readonly modules = new Map<A.ImportStmt, ModuleInfo>();
  /** `spawn Name()` of an actor (the others spawn tasks). */
  readonly actorSpawns = new Set<A.SpawnExpr>();
  /** A call needs a prelude function that no name shows (`sort` with a comparison). */
  needsPrelude = false;
}

export interface ResolveContext {
  diags: DiagnosticBag;
  results: Resolutions;
  /** Next free global index and struct index (absolute). */
  /** The slot of a new top-level name `name` of the module at `path`. */
  nextGlobal: (path: string, name: string) => number;
  nextStruct: () => number;
  /** The module an import statement names (already resolved), or undefined when it failed. */
  importedModule: (stmt: A.ImportStmt) => ModuleInfo | undefined;
  /** Names visible to every module before builtins (a REPL's earlier lines). */
  ambient?: Map<string, GlobalBinding | StructSymbol | ModuleSymbol>;
}

class Scope {
  readonly names = new Map<string, Symbol>();
  constructor(
    readonly parent: Scope | undefined,
    readonly fn: FnScope,
    readonly isModuleTop: boolean,
  ) {}
  lookup(name: string): Symbol | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const found = s.names.get(name);
      if (found) return found;
    }
    return undefined;
  }
}

const PRIMITIVE_TYPES = new Set<string>(TYPE_CODES.filter((t) => t !== "struct"));

export function resolveModule(module: ModuleInfo, ctx: ResolveContext): void {
  new ModuleResolver(module, ctx).run();
}

class ModuleResolver {
  private scope: Scope;
  private loopDepth = 0;
  /** Resolving the callee of `spawn Name()`, where an actor's name may appear. */
  private spawning = false;
  private readonly r: Resolutions;

  constructor(
    private readonly module: ModuleInfo,
    private readonly ctx: ResolveContext,
  ) {
    this.r = ctx.results;
    this.scope = new Scope(undefined, module.fn, true);
  }

  private error(span: A.Span, name: Parameters<DiagnosticBag["report"]>[2], args: Record<string, string | number> = {}): void {
    this.ctx.diags.report(this.module.source, span, name, args);
  }

  run(): void {
    const body = this.module.program.body;
    // every top-level name first, so functions can use names declared after them
    for (const s of body) this.declareTopLevel(s);
    for (const s of body) if (s.kind === "Struct") this.resolveStructFields(s);
    for (const s of body) this.stmt(s);
  }

  // ---------------------------------------------------------------- declarations

  private declareTopLevel(s: A.Stmt): void {
    switch (s.kind) {
      case "Let":
        this.declareGlobal(s, s.name, s.nameSpan, s.mutable, false, s.span.start);
        break;
      case "Func":
        this.declareGlobal(s, s.name, s.nameSpan, false, true, s.span.start);
        break;
      case "Struct": {
        if (this.scope.names.has(s.name)) {
          this.error(s.nameSpan, "Redeclared", { name: s.name });
          return;
        }
        const sym: StructSymbol = {
          kind: "struct",
          name: s.name,
          fields: s.fields.map((f) => f.name),
          fieldTypes: [],
          index: this.ctx.nextStruct(),
          span: s.nameSpan,
        };
        const seen = new Set<string>();
        for (const f of s.fields) {
          if (seen.has(f.name)) this.error(f.span, "Redeclared", { name: f.name });
          seen.add(f.name);
        }
        this.scope.names.set(s.name, sym);
        this.module.exports.set(s.name, sym);
        this.r.structs.set(s, sym);
        break;
      }
      case "Import": {
        if (this.scope.names.has(s.alias)) {
          this.error(s.aliasSpan, "Redeclared", { name: s.alias });
          return;
        }
        const m = this.ctx.importedModule(s);
        if (m) {
          this.scope.names.set(s.alias, { kind: "module", module: m, span: s.aliasSpan });
          this.r.modules.set(s, m);
        }
        break;
      }
      case "Actor": {
        this.declareGlobal(s, s.name, s.nameSpan, false, true, s.span.start);
        const b = this.r.decls.get(s);
        if (b?.kind === "global") b.actor = true;
        break;
      }
      default:
        break;
    }
  }

  private declareGlobal(node: object, name: string, span: A.Span, mutable: boolean, hoisted: boolean, declaredAt: number): void {
    if (this.scope.names.has(name)) {
      this.error(span, "Redeclared", { name });
      return;
    }
    const b: GlobalBinding = { kind: "global", name, mutable, span, index: this.ctx.nextGlobal(this.module.path, name), declaredAt, hoisted };
    this.scope.names.set(name, b);
    this.module.exports.set(name, b);
    this.r.decls.set(node, b);
  }

  private resolveStructFields(s: A.StructDecl): void {
    const sym = this.r.structs.get(s);
    if (!sym) return;
    sym.fieldTypes = s.fields.map((f) => (f.type ? this.typeRef(f.type) : undefined));
  }

  private declareLocal(node: object, name: string, span: A.Span, mutable: boolean, type?: A.TypeName): LocalBinding | undefined {
    if (this.scope.names.has(name)) {
      this.error(span, "Redeclared", { name });
      return undefined;
    }
    const b: LocalBinding = { kind: "local", name, mutable, span, fn: this.scope.fn, captured: false, reg: -1, type: type ? this.typeRef(type) : undefined };
    this.scope.names.set(name, b);
    this.r.decls.set(node, b);
    return b;
  }

  private typeRef(t: A.TypeName): TypeRef | undefined {
    let ref: TypeRef | undefined;
    if (t.kind === "named" && PRIMITIVE_TYPES.has(t.name)) {
      ref = { code: TYPE_CODES.indexOf(t.name as (typeof TYPE_CODES)[number]), name: t.name };
    } else {
      const sym = t.kind === "named" ? this.lookupStruct(t.name, t.span) : this.qualifiedStruct(t.module, t.name, t.span);
      if (sym) ref = { code: TYPE_CODES.indexOf("struct"), struct: sym, name: sym.name };
    }
    if (ref) this.r.types.set(t, ref);
    return ref;
  }

  private lookupStruct(name: string, span: A.Span): StructSymbol | undefined {
    const sym = this.scope.lookup(name) ?? this.ctx.ambient?.get(name);
    if (sym?.kind === "struct") return sym;
    this.error(span, "UnknownStruct", { name });
    return undefined;
  }

  private qualifiedStruct(alias: string, name: string, span: A.Span): StructSymbol | undefined {
    const m = this.named(alias);
    if (m?.kind !== "module") {
      this.error(span, "UndeclaredName", { name: alias });
      return undefined;
    }
    const sym = m.module.exports.get(name);
    if (sym?.kind === "struct") return sym;
    this.error(span, "UnknownStruct", { name: `${alias}.${name}` });
    return undefined;
  }

  // ---------------------------------------------------------------- scopes

  private withScope(fn: FnScope | undefined, body: () => void): void {
    const saved = this.scope;
    this.scope = new Scope(saved, fn ?? saved.fn, false);
    try {
      body();
    } finally {
      this.scope = saved;
    }
  }

  private block(b: A.Block, before?: () => void): void {
    this.withScope(undefined, () => {
      before?.();
      this.hoistFunctions(b.body);
      for (const s of b.body) this.stmt(s);
    });
  }

  /** Local functions of a block are declared at its start (mutual recursion works). */
  private hoistFunctions(body: A.Stmt[]): void {
    for (const s of body) {
      if (s.kind === "Func") this.declareLocal(s, s.name, s.nameSpan, false);
      else if (s.kind === "Struct" || s.kind === "Import" || s.kind === "Actor") {
        this.error(s.span, "SyntaxError", { detail: `'${s.kind.toLowerCase()}' is only allowed at the top level of a file` });
      }
    }
  }

  // ---------------------------------------------------------------- statements

  private stmt(s: A.Stmt): void {
    switch (s.kind) {
      case "Let": {
        this.expr(s.init);
        if (this.scope.isModuleTop) {
          const b = this.r.decls.get(s);
          if (b && s.type) b.type = this.typeRef(s.type);
        } else {
          this.declareLocal(s, s.name, s.nameSpan, s.mutable, s.type);
        }
        if (s.type) this.checkLiteralType(this.r.types.get(s.type), s.init);
        break;
      }
      case "Func":
        this.func(s, s.name);
        break;
      case "Struct":
      case "Import":
        break;
      case "Actor":
        this.func(actorConstructor(s), s.name);
        break;
      case "ExprStmt":
        this.expr(s.expr);
        break;
      case "Assign":
        this.assign(s);
        break;
      case "If":
        for (const br of s.branches) {
          this.expr(br.cond);
          this.block(br.body);
        }
        if (s.elseBody) this.block(s.elseBody);
        break;
      case "While":
        this.expr(s.cond);
        this.loop(() => this.block(s.body));
        break;
      case "For":
        this.expr(s.iterable);
        this.loop(() =>
          this.block(s.body, () => {
            this.declareLocal(s, s.first, s.firstSpan, false);
            if (s.second !== undefined) {
              const b = this.declareLocal({}, s.second, s.secondSpan ?? s.firstSpan, false);
              if (b) this.r.secondDecls.set(s, b);
            }
          }),
        );
        break;
      case "Return":
        if (this.scope.fn.isModule) this.error(s.span, "ReturnOutsideFunction");
        if (s.value) this.expr(s.value);
        break;
      case "Break":
      case "Continue":
        if (this.loopDepth === 0) this.error(s.span, "BreakOutsideLoop", { keyword: s.kind === "Break" ? "break" : "continue" });
        break;
      case "Throw":
        this.expr(s.value);
        break;
      case "Try":
        this.block(s.body);
        if (s.catchBody) {
          const body = s.catchBody;
          this.block(body, () => {
            if (s.catchName !== undefined) this.declareLocal(s, s.catchName, s.catchSpan ?? s.span, false);
          });
        }
        if (s.finallyBody) this.block(s.finallyBody);
        break;
      case "Region":
        this.block(s.body);
        break;
      case "Block":
        this.block(s);
        break;
    }
  }

  private loop(body: () => void): void {
    this.loopDepth++;
    try {
      body();
    } finally {
      this.loopDepth--;
    }
  }

  private func(f: A.FuncDecl | A.Lambda, name: string): void {
    const fn: FnScope = { name, parent: this.scope.fn, isModule: false };
    this.r.functions.set(f, fn);
    const savedLoop = this.loopDepth;
    this.loopDepth = 0;
    this.withScope(fn, () => {
      // a default sees the parameters before it, which are given or defaulted by then
      for (const p of f.params) {
        if (p.default) this.expr(p.default);
        this.declareLocal(p, p.name, p.span, true, p.type);
      }
      if (f.kind === "Func" && f.returnType) this.typeRef(f.returnType);
      if (f.body.kind === "Block") {
        const body = f.body;
        this.hoistFunctions(body.body);
        for (const s of body.body) this.stmt(s);
      } else {
        this.expr(f.body);
      }
    });
    this.loopDepth = savedLoop;
  }

  private assign(s: A.AssignStmt): void {
    this.expr(s.value);
    const t = s.target;
    if (t.kind === "Ident") {
      const res = this.use(t);
      if (!res) return;
      if (res.kind !== "binding") this.error(t.span, "AssignImmutable", { name: t.name });
      else if (!res.binding.mutable) this.error(t.span, "AssignImmutable", { name: t.name });
      else if (s.op === "=") this.checkLiteralType(res.binding.type, s.value);
    } else if (t.kind === "Index" || t.kind === "Member") {
      if (t.kind === "Member" && this.qualifiedMember(t)) {
        const g = this.r.qualified.get(t);
        if (g && !g.mutable) this.error(t.span, "AssignImmutable", { name: t.name });
        return;
      }
      this.expr(t);
    } else {
      this.error(t.span, "InvalidAssignTarget");
    }
  }

  /** 2007 when a literal initialiser cannot have the declared type. */
  private checkLiteralType(ref: TypeRef | undefined, init: A.Expr): void {
    if (!ref || ref.name === "any") return;
    const literal: string | undefined =
      init.kind === "Number"
        ? Number.isInteger(init.value)
          ? "int"
          : "number"
        : init.kind === "String" || init.kind === "Interp"
          ? "string"
          : init.kind === "Bool"
            ? "bool"
            : init.kind === "Nil"
              ? "nil"
              : init.kind === "List"
                ? "list"
                : init.kind === "Map"
                  ? "map"
                  : init.kind === "Lambda"
                    ? "func"
                    : undefined;
    if (literal === undefined) return;
    const fits = literal === ref.name || (literal === "int" && ref.name === "number") || (ref.name === "int" && literal === "int");
    if (!fits) this.error(init.span, "TypeMismatch", { detail: `expected ${ref.name}, found a ${literal === "int" ? "number" : literal} literal` });
  }

  // ---------------------------------------------------------------- expressions

  private use(id: A.Ident): Resolution | undefined {
    const sym = this.scope.lookup(id.name);
    if (sym) {
      if (sym.kind === "struct") {
        this.error(id.span, "UndeclaredName", { name: id.name });
        return undefined;
      }
      if (sym.kind === "module") {
        this.error(id.span, "ModuleAsValue", { name: id.name });
        return undefined;
      }
      if (sym.kind === "global" && !sym.hoisted && this.scope.fn.isModule && sym.declaredAt > id.span.start) {
        this.error(id.span, "UndeclaredName", { name: id.name });
        return undefined;
      }
      if (sym.kind === "local" && sym.fn !== this.scope.fn) sym.captured = true;
      if (sym.kind === "global" && sym.actor && !this.spawning) this.actorMisuse(id.span, id.name);
      const res: Resolution = { kind: "binding", binding: sym };
      this.r.uses.set(id, res);
      return res;
    }
    const ambient = this.ctx.ambient?.get(id.name);
    if (ambient?.kind === "module") {
      this.error(id.span, "ModuleAsValue", { name: id.name });
      return undefined;
    }
    if (ambient && ambient.kind === "global") {
      if (ambient.actor && !this.spawning) this.actorMisuse(id.span, id.name);
      const res: Resolution = { kind: "binding", binding: ambient };
      this.r.uses.set(id, res);
      return res;
    }
    if (PRELUDE_NAMES.has(id.name)) {
      const res: Resolution = { kind: "prelude", name: id.name };
      this.r.uses.set(id, res);
      return res;
    }
    const builtin = BUILTIN_ID.get(id.name);
    if (builtin !== undefined && (this.module.standard || !isHostOnlyName(id.name))) {
      const res: Resolution = { kind: "builtin", id: builtin, name: id.name };
      this.r.uses.set(id, res);
      return res;
    }
    this.error(id.span, "UndeclaredName", { name: id.name });
    return undefined;
  }

  /** A call of a builtin with a number of arguments it does not take is a compile error. */
  private checkArity(id: number, call: A.Call): void {
    const { name, min, max } = BUILTINS[id];
    const n = call.args.length;
    if (n >= min && (max < 0 || n <= max)) return;
    const expected = max < 0 ? `at least ${min}` : min === max ? String(min) : `${min} to ${max}`;
    this.error(call.span, "BuiltinArity", { name, expected, got: n });
  }

  /** `alias.name` where alias is an imported module: records the export it names. */
  private qualifiedMember(m: A.Member): boolean {
    if (m.target.kind !== "Ident") return false;
    const sym = this.named(m.target.name);
    if (sym?.kind !== "module") return false;
    const exp = sym.module.exports.get(m.name);
    if (exp?.kind !== "global") {
      this.error(m.nameSpan, "UnknownMember", { detail: `module '${m.target.name}' has no export '${m.name}'` });
      return true;
    }
    if (exp.actor && !this.spawning) this.actorMisuse(m.span, `${m.target.name}.${m.name}`);
    this.r.qualified.set(m, exp);
    return true;
  }

  /** A name in scope, or else one an earlier entry of the session declared (a REPL's). */
  private named(name: string): Symbol | undefined {
    return this.scope.lookup(name) ?? this.ctx.ambient?.get(name);
  }

  private actorMisuse(span: A.Span, name: string): void {
    this.error(span, "ActorMisuse", { detail: `actor '${name}' can only be created with 'spawn ${name}()'` });
  }

  /** Whether `callee` names an actor (here or in an imported module). */
  private isActor(callee: A.Expr): boolean {
    if (callee.kind === "Ident") {
      const sym = this.named(callee.name);
      return sym?.kind === "global" && sym.actor === true;
    }
    if (callee.kind === "Member" && callee.target.kind === "Ident") {
      const m = this.named(callee.target.name);
      const exp = m?.kind === "module" ? m.module.exports.get(callee.name) : undefined;
      return exp?.kind === "global" && exp.actor === true;
    }
    return false;
  }

  private expr(e: A.Expr): void {
    const links = chainLinks(e);
    if (!links) return this.single(e);
    // a chain, link by link from the innermost: no recursion along its length
    this.single(links[0]);
    for (let i = 1; i < links.length; i++) this.linkRest(links[i]);
  }

  /** What a chain link holds besides its head (a head that is a link has no special meaning). */
  private linkRest(e: ChainLink): void {
    switch (e.kind) {
      case "Binary":
      case "Logical":
        this.expr(e.right);
        return;
      case "Call":
        e.args.forEach((a) => this.expr(a));
        return;
      case "Index":
        for (const i of e.indices) {
          if (i.kind === "SliceBounds") {
            if (i.from) this.expr(i.from);
            if (i.to) this.expr(i.to);
          } else this.expr(i);
        }
        return;
      case "Member":
      case "Transpose":
        return;
    }
  }

  private single(e: A.Expr): void {
    switch (e.kind) {
      case "Number":
      case "String":
      case "Bool":
      case "Nil":
      case "ErrorExpr":
        return;
      case "Interp":
        for (const p of e.parts) if (typeof p !== "string") this.expr(p);
        return;
      case "Ident": {
        const res = this.use(e);
        // `sort` as a value is the prelude's form that takes an optional comparison
        if (res?.kind === "builtin" && res.name === "sort") this.r.uses.set(e, { kind: "prelude", name: SORT_VALUE });
        return;
      }
      case "List":
        e.items.forEach((x) => this.expr(x));
        return;
      case "Matrix":
        e.rows.forEach((row) => row.forEach((x) => this.expr(x)));
        return;
      case "Map":
        e.entries.forEach((en) => {
          this.expr(en.key);
          this.expr(en.value);
        });
        return;
      case "StructLit": {
        const sym = e.module !== undefined ? this.qualifiedStruct(e.module, e.name, e.nameSpan) : this.lookupStruct(e.name, e.nameSpan);
        if (sym) {
          this.r.structs.set(e, sym);
          const given = new Set<string>();
          for (const f of e.fields) {
            if (!sym.fields.includes(f.name)) this.error(f.span, "StructFields", { detail: `struct ${sym.name} has no field '${f.name}'` });
            else if (given.has(f.name)) this.error(f.span, "StructFields", { detail: `field '${f.name}' is given twice` });
            given.add(f.name);
          }
          const missing = sym.fields.filter((f) => !given.has(f));
          if (missing.length)
            this.error(e.nameSpan, "StructFields", {
              detail: `missing field${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")} of struct ${sym.name}`,
            });
        }
        e.fields.forEach((f) => this.expr(f.value));
        return;
      }
      case "Unary":
        this.expr(e.operand);
        return;
      case "Binary":
      case "Logical":
        this.expr(e.left);
        return this.linkRest(e);
      case "Range":
        this.expr(e.from);
        this.expr(e.to);
        return;
      case "Call": {
        if (e.callee.kind === "Ident") this.use(e.callee);
        else this.expr(e.callee);
        e.args.forEach((a) => this.expr(a));
        const callee = e.callee.kind === "Ident" ? this.r.uses.get(e.callee) : undefined;
        if (callee?.kind !== "builtin") return;
        if (callee.name === "sort" && e.args.length === 2) this.r.needsPrelude = true;
        else this.checkArity(callee.id, e);
        return;
      }
      case "Index":
        this.expr(e.target);
        return this.linkRest(e);
      case "Member":
        if (!this.qualifiedMember(e)) this.expr(e.target);
        return;
      case "Transpose":
        this.expr(e.operand);
        return;
      case "Lambda":
        this.func(e, "<lambda>");
        return;
      case "Match":
        this.expr(e.subject);
        for (const c of e.cases) {
          this.withScope(undefined, () => {
            this.pattern(c.pattern);
            if (c.guard) this.expr(c.guard);
            if (c.body.kind === "Block") this.block(c.body);
            else this.expr(c.body);
          });
        }
        return;
      case "Spawn": {
        const callee = e.call.callee;
        if (!this.isActor(callee)) {
          this.expr(e.call);
          return;
        }
        this.spawning = true;
        if (callee.kind === "Ident") this.use(callee);
        else this.expr(callee);
        this.spawning = false;
        e.call.args.forEach((a) => this.expr(a));
        if (e.call.args.length > 0) this.error(e.call.span, "ActorMisuse", { detail: "an actor is created without arguments: 'spawn Name()'" });
        this.r.actorSpawns.add(e);
        return;
      }
      case "Await":
        this.expr(e.operand);
        return;
    }
  }

  private pattern(p: A.Pattern): void {
    switch (p.kind) {
      case "PWildcard":
      case "PLiteral":
        return;
      case "PBind":
        this.declareLocal(p, p.name, p.span, false);
        return;
      case "PList":
        p.items.forEach((x) => this.pattern(x));
        return;
      case "PStruct": {
        const sym = p.module !== undefined ? this.qualifiedStruct(p.module, p.name, p.span) : this.lookupStruct(p.name, p.span);
        if (sym) {
          this.r.structs.set(p, sym);
          for (const f of p.fields) {
            if (!sym.fields.includes(f.name)) this.error(f.span, "StructFields", { detail: `struct ${sym.name} has no field '${f.name}'` });
          }
        }
        p.fields.forEach((f) => this.pattern(f.pattern));
        return;
      }
    }
  }
}
