// Host builtins: builtins the core hands to TypeScript (storage, ...). The core calls `host.call`
// with the builtin's id and its arguments in VM memory; the VM reads them as JavaScript values,
// runs the registered function and writes its result back as a core value. A HostError becomes
// a Noodle error with its code, catchable like any other; any other exception is reported as
// an internal error (1002) rather than escaping into the dispatch loop.

import { BUILTIN_ID, BUILTINS } from "../bytecode/builtin-table.js";
import { ERRORS, type ErrorName, errorSpec, fillPositional } from "../errors/table.js";
import { Matrix, Tensor } from "../math/arrays.js";
import type { JsValue } from "./values.js";

/** A host builtin's implementation: JavaScript arguments in, a value for `toCore` out. */
export type HostFunction = (args: JsValue[]) => unknown;

/**
 * An error raised on the host side (storage, ...): a code from the error table and the arguments
 * of its template. Inside a program it becomes a Noodle error with the same code and message.
 */
export class HostError extends Error {
  constructor(
    readonly code: number,
    readonly args: string[],
    /** The whole message, when it was made elsewhere (a Noodle error passed on). */
    message?: string,
  ) {
    const spec = errorSpec(code);
    super(message ?? (spec ? fillPositional(spec, args) : args.join(" ")));
    this.name = "HostError";
  }

  static of(name: ErrorName, ...args: string[]): HostError {
    return new HostError(ERRORS[name].code, args);
  }
}

/** The id of host builtin `name`; throws when the table has no such host builtin. */
export function hostBuiltinId(name: string): number {
  const id = BUILTIN_ID.get(name);
  if (id === undefined || !BUILTINS[id].host) throw new RangeError(`'${name}' is not a host builtin`);
  return id;
}

/** Lets the VM collect matrices and tensors a host call was given, once the call is over. */
export function releaseArrays(v: unknown, depth = 0): void {
  if (depth > 100) return;
  if (v instanceof Matrix || v instanceof Tensor) v.dispose();
  else if (Array.isArray(v)) for (const x of v) releaseArrays(x, depth + 1);
  else if (v instanceof Map)
    for (const [k, x] of v) {
      releaseArrays(k, depth + 1);
      releaseArrays(x, depth + 1);
    }
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) releaseArrays(x, depth + 1);
}
