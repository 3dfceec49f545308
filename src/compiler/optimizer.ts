// The optimizer: folds constant arithmetic, comparisons, string joins and logic on literals,
// and drops statements that can never run (after return, throw, break or continue, and the
// branches of `if` on a literal condition). It rewrites the tree before code generation and
// never changes what a program does: operations that would fail at run time are left alone.
import type * as A from "./ast.js";

export function optimize(p: A.Program): A.Program {
  return { ...p, body: statements(p.body) };
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
  return { ...b, body: statements(b.body) };
}

function stmt(s: A.Stmt): A.Stmt | undefined {
  switch (s.kind) {
    case "Let": return { ...s, init: expr(s.init) };
    case "Func": return { ...s, body: block(s.body) };
    case "ExprStmt": return { ...s, expr: expr(s.expr) };
    case "Assign": return { ...s, value: expr(s.value), target: s.target.kind === "Ident" ? s.target : expr(s.target) };
    case "If": {
      const branches: A.IfStmt["branches"] = [];
      for (const br of s.branches) {
        const cond = expr(br.cond);
        const known = literalTruth(cond);
        if (known === false) continue;
        if (known === true) {
          // this branch always runs: it becomes the else of what came before
          if (branches.length === 0) return block(br.body);
          return { ...s, branches, elseBody: block(br.body) };
        }
        branches.push({ cond, body: block(br.body) });
      }
      const elseBody = s.elseBody && block(s.elseBody);
      if (branches.length === 0) return elseBody;
      return { ...s, branches, elseBody };
    }
    case "While": {
      const cond = expr(s.cond);
      if (literalTruth(cond) === false) return undefined;
      return { ...s, cond, body: block(s.body) };
    }
    case "For": return { ...s, iterable: expr(s.iterable), body: block(s.body) };
    case "Return": return s.value ? { ...s, value: expr(s.value) } : s;
    case "Throw": return { ...s, value: expr(s.value) };
    case "Try": return { ...s, body: block(s.body), catchBody: s.catchBody && block(s.catchBody), finallyBody: s.finallyBody && block(s.finallyBody) };
    case "Region": return { ...s, body: block(s.body) };
    case "Block": return block(s);
    case "Actor": return { ...s, methods: s.methods.map((m) => ({ ...m, body: block(m.body) })) };
    default: return s;
  }
}

/** true/false when e is a literal whose truth is known (only false and nil are false). */
function literalTruth(e: A.Expr): boolean | undefined {
  switch (e.kind) {
    case "Bool": return e.value;
    case "Nil": return false;
    case "Number": case "String": return true;
    default: return undefined;
  }
}

function num(value: number, span: A.Span): A.Expr {
  return { kind: "Number", value, span };
}

function fold(op: A.BinaryOp, l: A.Expr, r: A.Expr, span: A.Span): A.Expr | undefined {
  if (l.kind === "Number" && r.kind === "Number") {
    const x = l.value, y = r.value;
    switch (op) {
      case "+": return num(x + y, span);
      case "-": return num(x - y, span);
      case "*": return num(x * y, span);
      case "/": return y === 0 ? undefined : num(x / y, span);
      case "%": return y === 0 ? undefined : num(x % y, span);
      case "**": return num(x ** y, span);
      case "<": return { kind: "Bool", value: x < y, span };
      case "<=": return { kind: "Bool", value: x <= y, span };
      case ">": return { kind: "Bool", value: x > y, span };
      case ">=": return { kind: "Bool", value: x >= y, span };
      case "==": return { kind: "Bool", value: x === y, span };
      case "!=": return { kind: "Bool", value: x !== y, span };
      default: return undefined;
    }
  }
  if (l.kind === "String" && r.kind === "String") {
    switch (op) {
      case "+": return { kind: "String", value: l.value + r.value, span };
      case "==": return { kind: "Bool", value: l.value === r.value, span };
      case "!=": return { kind: "Bool", value: l.value !== r.value, span };
      default: return undefined;
    }
  }
  return undefined;
}

function expr(e: A.Expr): A.Expr {
  switch (e.kind) {
    case "Binary": {
      const left = expr(e.left), right = expr(e.right);
      return fold(e.op, left, right, e.span) ?? { ...e, left, right };
    }
    case "Unary": {
      const operand = expr(e.operand);
      if (e.op === "-" && operand.kind === "Number") return num(-operand.value, e.span);
      if (e.op === "not") {
        const t = literalTruth(operand);
        if (t !== undefined) return { kind: "Bool", value: !t, span: e.span };
      }
      return { ...e, operand };
    }
    case "Logical": {
      const left = expr(e.left), right = expr(e.right);
      const t = literalTruth(left);
      if (t !== undefined) return (e.op === "and") === t ? right : left;
      return { ...e, left, right };
    }
    case "Interp": return { ...e, parts: e.parts.map((p) => (typeof p === "string" ? p : expr(p))) };
    case "List": return { ...e, items: e.items.map(expr) };
    case "Matrix": return { ...e, rows: e.rows.map((r) => r.map(expr)) };
    case "Map": return { ...e, entries: e.entries.map((en) => ({ key: expr(en.key), value: expr(en.value) })) };
    case "StructLit": return { ...e, fields: e.fields.map((f) => ({ ...f, value: expr(f.value) })) };
    case "Range": return { ...e, from: expr(e.from), to: expr(e.to) };
    case "Call": return { ...e, callee: expr(e.callee), args: e.args.map(expr) };
    case "Index": return { ...e, target: expr(e.target), indices: e.indices.map((i) => (i.kind === "SliceBounds" ? { ...i, from: i.from && expr(i.from), to: i.to && expr(i.to) } : expr(i))) };
    case "Member": return { ...e, target: expr(e.target) };
    case "Transpose": return { ...e, operand: expr(e.operand) };
    case "Lambda": return { ...e, body: e.body.kind === "Block" ? block(e.body) : expr(e.body) };
    case "Match": return { ...e, subject: expr(e.subject), cases: e.cases.map((c) => ({ ...c, guard: c.guard && expr(c.guard), body: c.body.kind === "Block" ? block(c.body) : expr(c.body) })) };
    default: return e;
  }
}

