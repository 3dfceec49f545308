// An actor declaration is compiled as its constructor: a function that runs the state
// initialisers and returns a map from handler names to the handlers, closures that share the
// state. The VM keeps that map as the actor's current incarnation and runs the constructor again
// to restart it with fresh state.
import type * as A from "./ast.js";

const constructors = new WeakMap<A.ActorDecl, A.FuncDecl>();

/** The constructor of an actor (the same node on every call, so resolver and codegen agree). */
export function actorConstructor(decl: A.ActorDecl): A.FuncDecl {
  let f = constructors.get(decl);
  if (f) return f;
  const span = decl.span;
  const handlers: A.MapLit = {
    kind: "Map",
    entries: decl.methods.map((m) => ({
      key: { kind: "String", value: m.name, span: m.nameSpan },
      value: { kind: "Ident", name: m.name, span: m.nameSpan },
    })),
    span,
  };
  const body: A.Block = { kind: "Block", body: [...decl.state, ...decl.methods, { kind: "Return", value: handlers, span }], span };
  f = { kind: "Func", name: decl.name, nameSpan: decl.nameSpan, params: [], body, isAsync: false, span };
  constructors.set(decl, f);
  return f;
}
