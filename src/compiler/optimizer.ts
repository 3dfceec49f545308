// The optimizer: folds constant arithmetic, comparisons, string joins and logic on literals, and
// drops statements that can never run (after return, throw, break or continue, and the branches
// of `if` on a literal condition). It runs after the resolver, so code it removes has still been
// checked, and it rewrites the tree in place, so every node it keeps keeps its resolution. It
// never changes what a program does: operations that would fail at run time are left alone.
import type * as A from "./ast.js";
import { type ChainLink, chainLinks, setChainHead } from "./chains.js";

export function optimize(p: A.Program): void {
  p.body = statements(p.body);
}

const ENDS_BLOCK = new Set(["Return", "Throw", "Break", "Continue"]);

function statements(body: A.Stmt[]): A.Stmt[] {
  const out: A.Stmt[] = [];
  for (const s of body) {
    const t = stmt(s);
    if (t) out.push(t);
    if (ENDS_BLOCK.has(s.kind)) break;
  }
  return out;
}

function block(b: A.Block): A.Block {
  b.body = statements(b.body);
  return b;
}

/** The statement optimised in place, a replacement, or undefined when it can never run. */
function stmt(s: A.Stmt): A.Stmt | undefined {
  switch (s.kind) {
    case "Let":
      s.init = expr(s.init);
      return s;
    case "Func":
      defaults(s.params);
      block(s.body);
      return s;
    case "ExprStmt":
      s.expr = expr(s.expr);
      return s;
    case "Assign":
      s.value = expr(s.value);
      if (s.target.kind !== "Ident") s.target = expr(s.target);
      return s;
    case "If": {
      const branches: A.IfStmt["branches"] = [];
      for (const br of s.branches) {
        br.cond = expr(br.cond);
        const known = literalTruth(br.cond);
        if (known === false) continue;
        block(br.body);
        if (known === true) {
          // this branch always runs: it becomes the else of what came before
          if (branches.length === 0) return br.body;
          s.branches = branches;
          s.elseBody = br.body;
          return s;
        }
        branches.push(br);
      }
      if (s.elseBody) block(s.elseBody);
      if (branches.length === 0) return s.elseBody;
      s.branches = branches;
      return s;
    }
    case "While":
      s.cond = expr(s.cond);
      if (literalTruth(s.cond) === false) return undefined;
      block(s.body);
      return s;
    case "For":
      s.iterable = expr(s.iterable);
      block(s.body);
      return s;
    case "Return":
      if (s.value) s.value = expr(s.value);
      return s;
    case "Throw":
      s.value = expr(s.value);
      return s;
    case "Try":
      block(s.body);
      if (s.catchBody) block(s.catchBody);
      if (s.finallyBody) block(s.finallyBody);
      return s;
    case "Region":
      block(s.body);
      return s;
    case "Block":
      return block(s);
    case "Actor":
      s.methods.forEach((m) => block(m.body));
      return s;
    default:
      return s;
  }
}

function defaults(params: A.Param[]): void {
  for (const p of params) if (p.default) p.default = expr(p.default);
}

/** true/false when e is a literal whose truth is known (only false and nil are false). */
function literalTruth(e: A.Expr): boolean | undefined {
  switch (e.kind) {
    case "Bool":
      return e.value;
    case "Nil":
      return false;
    case "Number":
    case "String":
      return true;
    default:
      return undefined;
  }
}

function num(value: number, span: A.Span): A.Expr {
  return { kind: "Number", value, span };
}

function fold(op: A.BinaryOp, l: A.Expr, r: A.Expr, span: A.Span): A.Expr | undefined {
  if (l.kind === "Number" && r.kind === "Number") {
    const x = l.value,
      y = r.value;
    switch (op) {
      case "+":
        return num(x + y, span);
      case "-":
        return num(x - y, span);
      case "*":
        return num(x * y, span);
      case "/":
        return y === 0 ? undefined : num(x / y, span);
      case "%":
        return y === 0 ? undefined : num(x % y, span);
      case "**":
        return num(x ** y, span);
      case "<":
        return { kind: "Bool", value: x < y, span };
      case "<=":
        return { kind: "Bool", value: x <= y, span };
      case ">":
        return { kind: "Bool", value: x > y, span };
      case ">=":
        return { kind: "Bool", value: x >= y, span };
      case "==":
        return { kind: "Bool", value: x === y, span };
      case "!=":
        return { kind: "Bool", value: x !== y, span };
      default:
        return undefined;
    }
  }
  if (l.kind === "String" && r.kind === "String") {
    switch (op) {
      case "+":
        return { kind: "String", value: l.value + r.value, span };
      case "==":
        return { kind: "Bool", value: l.value === r.value, span };
      case "!=":
        return { kind: "Bool", value: l.value !== r.value, span };
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The expression optimised in place, or a literal that replaces it. */
function expr(e: A.Expr): A.Expr {
  const links = chainLinks(e);
  if (!links) return single(e);
  // a chain, link by link from the innermost: no recursion along its length
  let value = single(links[0]);
  for (let i = 1; i < links.length; i++) {
    setChainHead(links[i], value);
    value = linkRest(links[i]);
  }
  return value;
}

/** A chain link whose head is already optimised: the rest of it, folded when it can be. */
function linkRest(e: ChainLink): A.Expr {
  switch (e.kind) {
    case "Binary":
      e.right = expr(e.right);
      return fold(e.op, e.left, e.right, e.span) ?? e;
    case "Logical": {
      e.right = expr(e.right);
      const t = literalTruth(e.left);
      if (t !== undefined) return (e.op === "and") === t ? e.right : e.left;
      return e;
    }
    case "Call":
      e.args = e.args.map(expr);
      return e;
    case "Index":
      e.indices = e.indices.map((i) => {
        if (i.kind !== "SliceBounds") return expr(i);
        if (i.from) i.from = expr(i.from);
        if (i.to) i.to = expr(i.to);
        return i;
      });
      return e;
    case "Member":
    case "Transpose":
      return e;
  }
}

function single(e: A.Expr): A.Expr {
  switch (e.kind) {
    case "Binary":
    case "Logical":
      e.left = expr(e.left);
      return linkRest(e);
    case "Call":
      e.callee = expr(e.callee);
      return linkRest(e);
    case "Index":
    case "Member":
      e.target = expr(e.target);
      return linkRest(e);
    case "Transpose":
      e.operand = expr(e.operand);
      return linkRest(e);
    case "Unary": {
      e.operand = expr(e.operand);
      if (e.op === "-" && e.operand.kind === "Number") return num(-e.operand.value, e.span);
      const t = e.op === "not" ? literalTruth(e.operand) : undefined;
      return t === undefined ? e : { kind: "Bool", value: !t, span: e.span };
    }
    case "Interp":
      e.parts = e.parts.map((p) => (typeof p === "string" ? p : expr(p)));
      return e;
    case "List":
      e.items = e.items.map(expr);
      return e;
    case "Matrix":
      e.rows = e.rows.map((r) => r.map(expr));
      return e;
    case "Map":
      e.entries.forEach((en) => {
        en.key = expr(en.key);
        en.value = expr(en.value);
      });
      return e;
    case "StructLit":
      e.fields.forEach((f) => {
        f.value = expr(f.value);
      });
      return e;
    case "Range":
      e.from = expr(e.from);
      e.to = expr(e.to);
      return e;
    case "Lambda":
      defaults(e.params);
      if (e.body.kind === "Block") block(e.body);
      else e.body = expr(e.body);
      return e;
    case "Match":
      e.subject = expr(e.subject);
      for (const c of e.cases) {
        if (c.guard) c.guard = expr(c.guard);
        if (c.body.kind === "Block") block(c.body);
        else c.body = expr(c.body);
      }
      return e;
    default:
      return e;
  }
}
