// The shape of a matrix where the source says it: a matrix literal, or a constructor called with
// literal sizes. Nothing is inferred through operations; hover shows what this finds.
import type * as A from "../compiler/ast.js";

/** Constructors whose first two arguments are the rows and columns, and how many arguments they take. */
const SIZED: Record<string, number> = { zeros: 2, ones: 2, rand: 3, randn: 3 };

/** `2×3 matrix`, or undefined when the expression does not say. */
export function matrixShape(e: A.Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === "Matrix") {
    const cols = e.rows[0]?.length ?? 0;
    if (e.rows.some((r) => r.length !== cols)) return undefined;
    return `${e.rows.length}×${cols} matrix`;
  }
  if (e.kind !== "Call" || e.callee.kind !== "Ident") return undefined;
  const size = (a: A.Expr | undefined) => (a?.kind === "Number" && Number.isInteger(a.value) && a.value >= 0 ? a.value : undefined);
  const name = e.callee.name;
  const [r, c] = [size(e.args[0]), size(e.args[1])];
  if (name === "eye" && e.args.length === 1 && r !== undefined) return `${r}×${r} matrix`;
  if (Object.hasOwn(SIZED, name) && e.args.length === SIZED[name] && r !== undefined && c !== undefined) return `${r}×${c} matrix`;
  return undefined;
}
