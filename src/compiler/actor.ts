// An actor declaration is compiled as its constructor: a function that runs the state
// initialisers and returns a map from handler names to the handlers, closures that share the
// state. The VM keeps that map as the actor's current incarnation and runs the constructor again
// to restart it with fresh state.
//
// Every actor's map has one more entry, `#state`: a function returning a map of its fields (no
// message can name it: it is not an identifier). Its constructor takes
// three optional parameters for upgrades (docs/upgrade.md): `__prev`, the incarnation of the
// version it replaces, whose `var` fields of the same name it takes over before `migrate(old)`
// runs; `__keep`, on a rollback, the incarnation whose fields it takes instead (the state at the
// switch); and `__dry`, which makes it work on a copy of the old state (a trial that keeps nothing).
//
// A persistent actor (a compile option: the cluster checkpoints its state) has two more handlers,
// hidden from programs by their names: `__state()`, a map of its state fields, and
// `__restore(saved)`, which sets its `var` fields from such a map (its `let` fields are constants
// its constructor sets again).
import type * as A from "./ast.js";

const constructors = new WeakMap<A.ActorDecl, A.FuncDecl>();
const persistent = new WeakSet<A.ActorDecl>();

/** The handlers a persistent actor gets: the state, and its restoring. */
export const STATE_HANDLER = "__state";
export const RESTORE_HANDLER = "__restore";
/** The entry of every incarnation that gives its state to the next version's constructor. */
const UPGRADE_STATE = "#state";

/** Marks the actors of `program` named in `names` as persistent (before it is resolved). */
export function markPersistentActors(program: A.Program, names: readonly string[]): void {
  for (const s of program.body) if (s.kind === "Actor" && names.includes(s.name)) persistent.add(s);
}

/** The constructor of an actor (the same node on every call, so resolver and codegen agree). */
export function actorConstructor(decl: A.ActorDecl): A.FuncDecl {
  let f = constructors.get(decl);
  if (f) return f;
  const span = decl.span;
  const state = stateHandler(decl);
  const methods = persistent.has(decl) ? [...decl.methods, state, restoreHandler(decl)] : [...decl.methods, state];
  const entry = (key: string, m: A.FuncDecl) => ({
    key: { kind: "String", value: key, span: m.nameSpan } as A.StringLit,
    value: { kind: "Ident", name: m.name, span: m.nameSpan } as A.Ident,
  });
  const visible = persistent.has(decl) ? methods : decl.methods;
  const handlers: A.MapLit = { kind: "Map", entries: [...visible.map((m) => entry(m.name, m)), entry(UPGRADE_STATE, state)], span };
  const body: A.Block = { kind: "Block", body: [...decl.state, ...methods, carryOver(decl), { kind: "Return", value: handlers, span }], span };
  const optional = (name: string, value: A.Expr): A.Param => ({ name, default: value, span });
  const params = [optional(PREV, { kind: "Nil", span }), optional(KEEP, { kind: "Nil", span }), optional(DRY, { kind: "Bool", value: false, span })];
  f = { kind: "Func", name: decl.name, nameSpan: decl.nameSpan, params, body, isAsync: false, span };
  constructors.set(decl, f);
  return f;
}

const PREV = "__prev";
const KEEP = "__keep";
const DRY = "__dry";
const OLD = "__old";

/**
 * In the constructor, after the initialisers: when it replaces an incarnation, the fields it takes
 * over, then `migrate(old)` when the actor has one.
 *
 *   if __prev != nil {
 *     var __old = __prev["#state"]()
 *     if __dry { __old = copy(__old) }
 *     var __from = __old
 *     if __keep != nil { __from = __keep["#state"]() }
 *     if has(__from, "a") { a = __from["a"] } ...
 *     migrate(__old)
 *   }
 */
function carryOver(decl: A.ActorDecl): A.IfStmt {
  const span = decl.span;
  const ident = (name: string): A.Ident => ({ kind: "Ident", name, span });
  const text = (value: string): A.StringLit => ({ kind: "String", value, span });
  const block = (body: A.Stmt[]): A.Block => ({ kind: "Block", body, span });
  const call = (callee: A.Expr, args: A.Expr[]): A.Call => ({ kind: "Call", callee, args, span });
  const stateOf = (name: string): A.Call => call({ kind: "Index", target: ident(name), indices: [text(UPGRADE_STATE)], span }, []);
  const notNil = (name: string): A.Binary => ({ kind: "Binary", op: "!=", left: ident(name), right: { kind: "Nil", span }, opSpan: span, span });
  const assign = (name: string, value: A.Expr): A.AssignStmt => ({ kind: "Assign", op: "=", target: ident(name), value, span });
  const from = "__from";
  const takes: A.Stmt[] = decl.state
    .filter((s) => s.mutable)
    .map((s) => ({
      kind: "If",
      branches: [
        {
          cond: call(ident("has"), [ident(from), text(s.name)]),
          body: block([assign(s.name, { kind: "Index", target: ident(from), indices: [text(s.name)], span })]),
        },
      ],
      span,
    }));
  const migrate = decl.methods.some((m) => m.name === "migrate") ? [{ kind: "ExprStmt", expr: call(ident("migrate"), [ident(OLD)]), span } as A.ExprStmt] : [];
  const body: A.Stmt[] = [
    { kind: "Let", mutable: true, name: OLD, nameSpan: span, init: stateOf(PREV), span },
    { kind: "If", branches: [{ cond: ident(DRY), body: block([assign(OLD, call(ident("copy"), [ident(OLD)]))]) }], span },
    { kind: "Let", mutable: true, name: from, nameSpan: span, init: ident(OLD), span },
    { kind: "If", branches: [{ cond: notNil(KEEP), body: block([assign(from, stateOf(KEEP))]) }], span },
    ...takes,
    ...migrate,
  ];
  return { kind: "If", branches: [{ cond: notNil(PREV), body: block(body) }], span };
}

/** `func __state() { return {"a": a, ...} }` */
function stateHandler(decl: A.ActorDecl): A.FuncDecl {
  const span = decl.span;
  const fields: A.MapLit = {
    kind: "Map",
    entries: decl.state.map((s) => ({ key: { kind: "String", value: s.name, span } as A.StringLit, value: { kind: "Ident", name: s.name, span } as A.Ident })),
    span,
  };
  return {
    kind: "Func",
    name: STATE_HANDLER,
    nameSpan: span,
    params: [],
    body: { kind: "Block", body: [{ kind: "Return", value: fields, span }], span },
    isAsync: false,
    span,
  };
}

/** A persistent actor's `func __restore(__saved) { a = __saved["a"] ... }` (its var fields). */
function restoreHandler(decl: A.ActorDecl): A.FuncDecl {
  const span = decl.span;
  const ident = (name: string): A.Ident => ({ kind: "Ident", name, span });
  const text = (value: string): A.StringLit => ({ kind: "String", value, span });
  const saved = "__saved";
  const restores: A.Stmt[] = decl.state
    .filter((s) => s.mutable)
    .map((s) => ({ kind: "Assign", op: "=", target: ident(s.name), value: { kind: "Index", target: ident(saved), indices: [text(s.name)], span }, span }));
  return {
    kind: "Func",
    name: RESTORE_HANDLER,
    nameSpan: span,
    params: [{ name: saved, span }],
    body: { kind: "Block", body: [...restores, { kind: "Return", span }], span },
    isAsync: false,
    span,
  };
}
