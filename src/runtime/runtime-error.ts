// Runtime errors as the host reports them: code, message, and the stack of frames where the
// error was raised, printed the way the spec's section 8 shows them.
import { errorSpec, fillPositional, formatError, parsedTemplate } from "../errors/table.js";
import { displayValue, type JsValue } from "./values.js";

export interface TraceFrame {
  name: string;
  file: string;
  line: number;
  col: number;
  /** How many identical consecutive frames this one stands for (deep recursion); 1 when absent. */
  calls?: number;
  /** Set on an entry that stands for this many frames left out of a very deep trace. */
  omitted?: number;
}

export class NoodleRuntimeError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly trace: TraceFrame[],
    /**
     * The trace as the VM keeps it (function index, word offset, count, ...): meaningful in any
     * VM with the same modules loaded in the same order (a replica on a worker and its caller).
     */
    readonly frames?: number[],
  ) {
    super(message);
    this.name = "NoodleRuntimeError";
  }

  /** error[CODE]: MESSAGE, then one `  at NAME (FILE:LINE:COL)` line per frame, repeats collapsed. */
  render(): string {
    return [`error[${this.code}]: ${this.message}`, ...traceLines(this.trace, "  at ")].join("\n");
  }
}

export function renderFrame(f: TraceFrame): string {
  return `  at ${f.name} (${f.file}:${f.line}:${f.col})`;
}

/** Frames of a run of identical ones that are shown before the rest is summed up in one line. */
const REPEATS_SHOWN = 10;

/** 9990 as "9 990": counts of frames are easier to read in groups. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, " ");
}

/**
 * The lines of a trace, each frame as `{at}NAME (FILE:LINE:COL)`: a run of more than a few
 * identical consecutive frames shows its first ones and then `... N more calls of NAME`, and
 * frames left out of a very deep trace show as `... N more frames`.
 */
export function traceLines(trace: TraceFrame[], at: string): string[] {
  const indent = at.startsWith("  ") ? "  " : "";
  // frames at the same place merge, wherever the trace was cut (a task's, then its awaiter's)
  const runs: TraceFrame[] = [];
  for (const f of trace) {
    const prev = runs[runs.length - 1];
    if (
      prev &&
      f.omitted === undefined &&
      prev.omitted === undefined &&
      prev.name === f.name &&
      prev.file === f.file &&
      prev.line === f.line &&
      prev.col === f.col
    ) {
      runs[runs.length - 1] = { ...prev, calls: (prev.calls ?? 1) + (f.calls ?? 1) };
    } else runs.push(f);
  }
  const lines: string[] = [];
  for (const f of runs) {
    if (f.omitted !== undefined) {
      lines.push(`${indent}... ${grouped(f.omitted)} more frames`);
      continue;
    }
    const calls = f.calls ?? 1;
    const shown = calls > REPEATS_SHOWN + 1 ? REPEATS_SHOWN : calls;
    for (let i = 0; i < shown; i++) lines.push(`${at}${f.name} (${f.file}:${f.line}:${f.col})`);
    if (shown < calls) lines.push(`${indent}... ${grouped(calls - shown)} more calls of ${f.name}`);
  }
  return lines;
}

/**
 * The message of 4001: the limit when one was set, else how far the heap grew before memory
 * could not be had (WebAssembly's 4 GiB, or less where the engine gives less).
 */
export function memoryLimitMessage(limit: number | undefined, reached: number): string {
  const detail = limit ? `${limit} bytes` : `no limit was set; the heap reached ${reached} bytes and could not grow`;
  return formatError("MemoryLimit", { detail });
}

/** A message from the error table for a code the VM raised with these argument values. */
export function runtimeMessage(code: number, args: JsValue[]): string {
  const spec = errorSpec(code);
  if (!spec) return args.map((a) => displayValue(a)).join(" ") || `error ${code}`;
  const names = parsedTemplate(spec).pieces.filter((_, i) => i % 2 === 1);
  // values named as data are shown as they would be inside a container (strings quoted)
  const quotedNames = new Set(["key", "value"]);
  const text = args.filter((a) => a !== null || args.length === 1).map((a, i) => displayValue(a, quotedNames.has(names[i] ?? "")));
  if (args.length === 1 && args[0] === null) return spec.name;
  return fillPositional(spec, text);
}
