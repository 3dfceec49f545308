// Builtins as an editor shows them: the signature and the doc line of builtin-docs.ts, the one
// table of builtin docs ("name(a, b?) — what it does").
import { BUILTIN_DOCS } from "../bytecode/builtin-docs.js";

export interface BuiltinInfo {
  name: string;
  /** `range(a, b?, step?)` */
  signature: string;
  parameters: string[];
  doc: string;
}

const cache = new Map<string, BuiltinInfo>();

export function builtinNames(): string[] {
  return Object.keys(BUILTIN_DOCS);
}

export function builtinInfo(name: string): BuiltinInfo | undefined {
  if (!Object.hasOwn(BUILTIN_DOCS, name)) return undefined;
  let info = cache.get(name);
  if (!info) {
    const line = BUILTIN_DOCS[name];
    const dash = line.indexOf(" — ");
    const signature = dash < 0 ? name : line.slice(0, dash);
    const open = signature.indexOf("(");
    const inner = open < 0 ? "" : signature.slice(open + 1, signature.lastIndexOf(")"));
    info = { name, signature, parameters: splitTopLevel(inner), doc: dash < 0 ? line : line.slice(dash + 3) };
    cache.set(name, info);
  }
  return info;
}

/** `a, f(b, c), d` → its three parts (commas inside brackets do not split). */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  const last = text.slice(from).trim();
  if (last !== "" || parts.length > 0) parts.push(last);
  return parts;
}
