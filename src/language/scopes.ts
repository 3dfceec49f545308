// The names a file declares and where each is visible, from the parser's tree (so it works on
// whatever part of a broken file parsed): what completion offers at a position. Scopes follow
// the language: a block's names are visible in the block, parameters in their function, a loop's
// variables in the loop, a catch's name in its body; a `let` or an import from the end of its
// statement; functions, structs and actors are hoisted, so they count from the start of their
// scope.
import type * as A from "../compiler/ast.js";

export type DeclaredKind = "variable" | "constant" | "function" | "struct" | "actor" | "module" | "parameter";

export interface DeclaredName {
  name: string;
  kind: DeclaredKind;
  /** Where the name is written in its declaration. */
  at: number;
  /** The declaring node (Let, Func, a Param, Struct, Actor, Import, For, Try, PBind). */
  node: object;
  scopeFrom: number;
  scopeTo: number;
}

type Node = { kind?: string; span?: A.Span } & Record<string, unknown>;

const TO_END = Number.MAX_SAFE_INTEGER;

/** Where top-level names are visible: from the start of the text to its end, whatever follows the last statement. */
const TOP: A.Span = { start: 0, end: TO_END };

/** The names of a program, in the order a walk of the whole tree finds them (the last statement's first). */
export function declaredNames(program: A.Program): DeclaredName[] {
  const names: DeclaredName[] = [];
  for (let i = program.body.length - 1; i >= 0; i--) for (const n of statementNames(program.body[i])) names.push(n);
  return names;
}

/**
 * A top-level statement's names, kept with the statement: a statement reused by a later parse,
 * moved by an edit before it, has its names moved by as much rather than found again.
 */
const byStatement = new WeakMap<A.Stmt, { start: number; names: DeclaredName[] }>();

function statementNames(stmt: A.Stmt): DeclaredName[] {
  const known = byStatement.get(stmt);
  const start = stmt.span.start;
  if (known?.start === start) return known.names;
  const names = known ? known.names.map((n) => moved(n, start - known.start)) : walk(stmt, TOP);
  byStatement.set(stmt, { start, names });
  return names;
}

/** A name moved with its statement; a top-level name's visibility keeps its ends at the start and end of the text. */
function moved(n: DeclaredName, delta: number): DeclaredName {
  const hoisted = n.scopeFrom === 0 && n.scopeTo === TO_END;
  return { ...n, at: n.at + delta, scopeFrom: hoisted ? 0 : n.scopeFrom + delta, scopeTo: n.scopeTo === TO_END ? TO_END : n.scopeTo + delta };
}

function walk(root: object, rootScope: A.Span): DeclaredName[] {
  const names: DeclaredName[] = [];
  let node: object = root;
  const add = (name: string | undefined, kind: DeclaredKind, at: number | undefined, scope: A.Span | undefined, decl = node) => {
    if (name && scope && at !== undefined) names.push({ name, kind, at, node: decl, scopeFrom: scope.start, scopeTo: scope.end });
  };
  const params = (n: Node) => {
    for (const p of n.params as A.Param[]) add(p.name, "parameter", p.span.start, n.span, p);
  };
  // without recursion: chains can be thousands of links long
  const stack: { node: unknown; scope: A.Span | undefined }[] = [{ node: root, scope: rootScope }];
  while (stack.length > 0) {
    const { node: top, scope } = stack.pop()!;
    if (Array.isArray(top)) {
      for (const n of top) stack.push({ node: n, scope });
      continue;
    }
    if (top === null || typeof top !== "object") continue;
    const n = top as Node;
    node = n;
    let inner = scope;
    switch (n.kind) {
      case "Block":
        inner = n.span;
        break;
      case "Let": {
        const s = n as unknown as A.LetStmt;
        const kind = s.init.kind === "Lambda" ? "function" : s.mutable ? "variable" : "constant";
        add(s.name, kind, s.nameSpan.start, scope && { start: s.span.end, end: scope.end });
        break;
      }
      case "Func":
        add(n.name as string, "function", (n.nameSpan as A.Span).start, scope);
        params(n);
        break;
      case "Lambda":
        params(n);
        break;
      case "Struct":
        add(n.name as string, "struct", (n.nameSpan as A.Span).start, scope);
        continue;
      case "Actor":
        add(n.name as string, "actor", (n.nameSpan as A.Span).start, scope);
        // its state is visible in its handlers
        inner = n.span;
        break;
      case "Import":
        add(n.alias as string, "module", (n.aliasSpan as A.Span).start, scope && { start: n.span!.end, end: scope.end });
        continue;
      case "For":
        add(n.first as string, "variable", (n.firstSpan as A.Span).start, n.span);
        add(n.second as string | undefined, "variable", (n.secondSpan as A.Span | undefined)?.start, n.span);
        break;
      case "Try":
        add(n.catchName as string | undefined, "variable", (n.catchSpan as A.Span | undefined)?.start, (n.catchBody as Node | undefined)?.span);
        break;
      case "PBind":
        add(n.name as string, "variable", n.span!.start, scope);
        continue;
    }
    for (const key in n) {
      if (key.endsWith("pan")) continue;
      const value = n[key];
      if (value !== null && typeof value === "object") stack.push({ node: value, scope: inner });
    }
  }
  return names;
}

/** The names visible at `offset`, the innermost of each name only. */
export function visibleAt(names: readonly DeclaredName[], offset: number): DeclaredName[] {
  const best = new Map<string, DeclaredName>();
  for (const n of names) {
    if (n.scopeFrom > offset || offset > n.scopeTo) continue;
    const seen = best.get(n.name);
    // the narrower scope is the inner one, which shadows
    if (!seen || n.scopeTo - n.scopeFrom < seen.scopeTo - seen.scopeFrom) best.set(n.name, n);
  }
  return [...best.values()];
}
