// The names a program declares and where each is visible, from the parser's tree: what the
// editor completes at a position. Scopes follow the language: a block's names are visible in
// the block, parameters in their function, a loop's variables in the loop, a catch's name in
// its body; a `let` or an import from the end of its statement; functions, structs and actors are
// hoisted, so they count from the start of their scope.
import type { Span } from "../../src/compiler/ast.js";
import type { DeclaredName } from "./protocol.js";

type Node = { kind?: unknown; span?: Span } & Record<string, unknown>;

export function declaredNames(program: Node): DeclaredName[] {
  const names: DeclaredName[] = [];
  const add = (name: string | undefined, kind: DeclaredName["kind"], scope: Span | undefined) => {
    if (name && scope) names.push({ name, kind, scopeFrom: scope.start, scopeTo: scope.end });
  };
  const visit = (node: unknown, scope: Span | undefined): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, scope);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as Node;
    let inner = scope;
    switch (n.kind) {
      case "Program":
        // top-level names are visible to the end of the text, whatever follows the last statement
        inner = { start: 0, end: Number.MAX_SAFE_INTEGER };
        break;
      case "Block":
        inner = n.span;
        break;
      case "Let":
        add(n.name as string, "variable", scope && { start: n.span!.end, end: scope.end });
        break;
      case "Func":
        add(n.name as string, "function", scope);
        for (const p of n.params as { name: string }[]) add(p.name, "parameter", n.span);
        break;
      case "Lambda":
        for (const p of n.params as { name: string }[]) add(p.name, "parameter", n.span);
        break;
      case "Struct":
        add(n.name as string, "struct", scope);
        return;
      case "Actor":
        add(n.name as string, "actor", scope);
        // its state is visible in its handlers
        inner = n.span;
        break;
      case "Import":
        add(n.alias as string, "module", scope && { start: n.span!.end, end: scope.end });
        return;
      case "For":
        add(n.first as string, "variable", n.span);
        add(n.second as string | undefined, "variable", n.span);
        break;
      case "Try":
        add(n.catchName as string | undefined, "variable", (n.catchBody as Node | undefined)?.span);
        break;
      case "PBind":
        add(n.name as string, "variable", scope);
        return;
    }
    for (const [key, value] of Object.entries(n)) {
      if (key !== "span" && typeof value === "object") visit(value, inner);
    }
  };
  visit(program, undefined);
  return names;
}
