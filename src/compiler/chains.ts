// Chains: `a + b + c`, `f()()`, `x[0][0]`, `m.a.a` and `x''` nest to the left, so a flat chain
// of thousands of links is a tree thousands of levels deep. The tree walks (optimizer, resolver,
// code generator) follow such a chain with a loop rather than by recursion, so its length never
// costs host stack: only nesting in the source does, and the parser bounds that.
import type * as A from "./ast.js";

/** A link of a chain: an expression that continues the one returned by `chainHead`. */
export type ChainLink = A.Binary | A.Logical | A.Call | A.Index | A.Member | A.Transpose;

/** The expression a link continues (its left side, callee, target or operand), or undefined. */
export function chainHead(e: A.Expr): A.Expr | undefined {
  switch (e.kind) {
    case "Binary":
    case "Logical":
      return e.left;
    case "Call":
      return e.callee;
    case "Index":
    case "Member":
      return e.target;
    case "Transpose":
      return e.operand;
    default:
      return undefined;
  }
}

export function setChainHead(e: ChainLink, head: A.Expr): void {
  switch (e.kind) {
    case "Binary":
    case "Logical":
      e.left = head;
      return;
    case "Call":
      e.callee = head;
      return;
    case "Index":
    case "Member":
      e.target = head;
      return;
    case "Transpose":
      e.operand = head;
      return;
  }
}

/**
 * The links of the chain that ends at `e`, innermost first, when it has at least two (else
 * undefined): each link's head is the link before it; the first link's head is not a link.
 */
export function chainLinks(e: A.Expr): ChainLink[] | undefined {
  const head = chainHead(e);
  if (head === undefined || chainHead(head) === undefined) return undefined;
  const links: ChainLink[] = [];
  for (let x: A.Expr | undefined = e; x !== undefined && chainHead(x) !== undefined; x = chainHead(x)) links.push(x as ChainLink);
  return links.reverse();
}
