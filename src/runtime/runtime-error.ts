// Runtime errors as the host reports them: code, message, and the stack of frames where the
// error was raised, printed the way the spec's section 8 shows them.
import { errorSpec, fillPositional } from "../errors/table.js";
import { displayValue, type JsValue } from "./values.js";

export interface TraceFrame {
  name: string;
  file: string;
  line: number;
  col: number;
}

export class NoodleRuntimeError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly trace: TraceFrame[],
    /**
     * The trace as the VM keeps it (function index, word offset, ...): meaningful in any VM with
     * the same modules loaded in the same order (a replica on a worker and its caller).
     */
    readonly frames?: number[],
  ) {
    super(message);
    this.name = "NoodleRuntimeError";
  }

  /** error[CODE]: MESSAGE, then one `  at NAME (FILE:LINE:COL)` line per frame. */
  render(): string {
    return [`error[${this.code}]: ${this.message}`, ...this.trace.map(renderFrame)].join("\n");
  }
}

export function renderFrame(f: TraceFrame): string {
  return `  at ${f.name} (${f.file}:${f.line}:${f.col})`;
}

/** A message from the error table for a code the VM raised with these argument values. */
export function runtimeMessage(code: number, args: JsValue[]): string {
  const spec = errorSpec(code);
  if (!spec) return args.map((a) => displayValue(a)).join(" ") || `error ${code}`;
  const names = [...spec.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  // values named as data are shown as they would be inside a container (strings quoted)
  const quotedNames = new Set(["key", "value"]);
  const text = args.filter((a) => a !== null || args.length === 1).map((a, i) => displayValue(a, quotedNames.has(names[i] ?? "")));
  if (args.length === 1 && args[0] === null) return spec.name;
  return fillPositional(spec, text);
}
