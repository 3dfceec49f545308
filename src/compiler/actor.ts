// An actor declaration is compiled as its constructor: a function that runs the state
// initialisers and returns a map from handler names to the handlers, closures that share the
// state. The VM keeps that map as the actor's current incarnation and runs the constructor again
// to restart it with fresh state.
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

/** Marks the actors of `program` named in `names` as persistent (before it is resolved). */
export function markPersistentActors(program: A.Program, names: readonly string[]): void {
  for (const s of program.body) if (s.kind === "Actor" && names.includes(s.name)) persistent.add(s);
}

/** The constructor of an actor (the same node on every call, so resolver and codegen agree). */
export function actorConstructor(decl: A.ActorDecl): A.FuncDecl {
  let f = constructors.get(decl);
  if (f) return f;
  const span = decl.span;
  const methods = persistent.has(decl) ? [...decl.methods, ...stateHandlers(decl)] : decl.methods;
  const handlers: A.MapLit = {
    kind: "Map",
    entries: methods.map((m) => ({
      key: { kind: "String", value: m.name, span: m.nameSpan },
      value: { kind: "Ident", name: m.name, span: m.nameSpan },
    })),
    span,
  };
  const body: A.Block = { kind: "Block", body: [...decl.state, ...methods, { kind: "Return", value: handlers, span }], span };
  f = { kind: "Func", name: decl.name, nameSpan: decl.nameSpan, params: [], body, isAsync: false, span };
  constructors.set(decl, f);
  return f;
}

/** `func __state() { return {"a": a, ...} }` and `func __restore(__saved) { a = __saved["a"] ... }`. */
function stateHandlers(decl: A.ActorDecl): A.FuncDecl[] {
  const span = decl.span;
  const ident = (name: string): A.Ident => ({ kind: "Ident", name, span });
  const text = (value: string): A.StringLit => ({ kind: "String", value, span });
  const block = (body: A.Stmt[]): A.Block => ({ kind: "Block", body, span });
  const fields: A.MapLit = { kind: "Map", entries: decl.state.map((s) => ({ key: text(s.name), value: ident(s.name) })), span };
  const saved = "__saved";
  const restores: A.Stmt[] = decl.state
    .filter((s) => s.mutable)
    .map((s) => ({ kind: "Assign", op: "=", target: ident(s.name), value: { kind: "Index", target: ident(saved), indices: [text(s.name)], span }, span }));
  const handler = (name: string, params: A.Param[], body: A.Stmt[]): A.FuncDecl => ({
    kind: "Func",
    name,
    nameSpan: span,
    params,
    body: block(body),
    isAsync: false,
    span,
  });
  return [
    handler(STATE_HANDLER, [], [{ kind: "Return", value: fields, span }]),
    handler(RESTORE_HANDLER, [{ name: saved, span }], [...restores, { kind: "Return", span }]),
  ];
}
