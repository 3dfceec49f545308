// The string functions of spec section 5 (split, join, trim, upper, lower, replace, find,
// starts_with, ends_with, fixed): host builtins `__str_*` behind the prelude's functions of the
// same names. The JavaScript engine's own string operations do the work (Unicode case mapping
// included), the same in Node and in browsers; indices are code points, as everywhere in Noodle.
import { ERRORS } from "../errors/table.js";
import { Matrix, Tensor } from "../math/arrays.js";
import { HostError } from "../runtime/host-calls.js";
import type { JsValue } from "../runtime/values.js";
import type { VM } from "../runtime/vm.js";

/** A value's type as Noodle names it, for messages. */
function typeName(v: unknown): string {
  if (v === null) return "nil";
  if (typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v === true || v === false ? "bool" : typeof v;
  if (Array.isArray(v)) return "list";
  if (v instanceof Map) return "map";
  if (v instanceof Matrix) return "matrix";
  if (v instanceof Tensor) return "tensor";
  const kind = (v as { kind?: unknown }).kind;
  return typeof kind === "string" ? kind : "struct";
}

/** The arguments as strings, or 5001 naming the function and their types. */
function texts(name: string, args: unknown[]): string[] {
  if (args.every((a) => typeof a === "string")) return args as string[];
  throw new HostError(ERRORS.OperandTypes.code, [], `unsupported operand types for ${name}: ${args.map(typeName).join(", ")}`);
}

/** The code-point index of UTF-16 index `i` of `s`. */
function codePoints(s: string, i: number): number {
  let n = 0;
  for (let k = 0; k < i; k++) {
    const c = s.charCodeAt(k);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** `fixed(x, digits)`: exactly `digits` decimals, half away from zero on the number's exact value, never "-0". */
function fixed(x: unknown, digits: unknown): string {
  if (typeof x !== "number" || typeof digits !== "number")
    throw new HostError(ERRORS.OperandTypes.code, [], `unsupported operand types for fixed: ${typeName(x)}, ${typeName(digits)}`);
  if (!Number.isInteger(digits) || digits < 0 || digits > 100)
    throw HostError.of("ArgumentRange", "fixed", "digits", "a whole number from 0 to 100", String(digits));
  if (!Number.isFinite(x)) return String(x);
  const text = x.toFixed(digits);
  return /^-[0.]+$/.test(text) ? text.slice(1) : text;
}

export function installStrings(vm: VM): void {
  const host = (name: string, fn: (...args: string[]) => JsValue) => vm.registerHost(`__str_${name}`, (args) => fn(...texts(name, args)));
  host("split", (s, sep) => (sep === "" ? [...s] : s.split(sep)));
  host("trim", (s) => s.trim());
  host("upper", (s) => s.toUpperCase());
  host("lower", (s) => s.toLowerCase());
  host("replace", (s, old, by) => (old === "" ? by + [...s].join(by) + (s === "" ? "" : by) : s.replaceAll(old, by)));
  host("find", (s, sub) => {
    const i = s.indexOf(sub);
    return i < 0 ? -1 : codePoints(s, i);
  });
  host("starts_with", (s, p) => s.startsWith(p));
  host("ends_with", (s, p) => s.endsWith(p));
  vm.registerHost("__str_join", ([xs, sep]) => {
    if (!Array.isArray(xs) || typeof sep !== "string" || !xs.every((x) => typeof x === "string"))
      throw new HostError(
        ERRORS.OperandTypes.code,
        [],
        `unsupported operand types for join: ${typeName(xs)}${Array.isArray(xs) ? ` of ${[...new Set(xs.map(typeName))].join(", ") || "nothing"}` : ""}, ${typeName(sep)}`,
      );
    return xs.join(sep);
  });
  vm.registerHost("__str_fixed", ([x, digits]) => fixed(x, digits));
}
