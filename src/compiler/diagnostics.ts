// Compile-time diagnostics: an error code, a message and a span in one source file, rendered the
// way the spec's section 8 shows them.

import { ERRORS, type ErrorName, formatError } from "../errors/table.js";
import type { Span } from "./ast.js";

export interface Diagnostic {
  code: number;
  message: string;
  file: string;
  span: Span;
  line: number; // 1-based
  col: number; // 1-based, in code points
}

/** A source file with its line starts, so offsets become line:col quickly. */
export class SourceFile {
  readonly lineStarts: number[] = [0];
  /** For each offset, how many surrogate pairs end before it; made on first need (null: the text has none). */
  private pairsBefore: Uint32Array | null | undefined;
  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  /** 1-based line and column (columns count code points) of a UTF-16 offset. */
  position(offset: number): { line: number; col: number } {
    let lo = 0,
      hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo];
    // constant time, not a scan of the line: a long line has many positions asked for
    const pairs = this.surrogatePairs();
    const end = Math.max(start, Math.min(offset, this.text.length));
    const col = end - start - (pairs ? pairs[end] - pairs[start] : 0) + 1;
    return { line: lo + 1, col };
  }

  private surrogatePairs(): Uint32Array | null {
    if (this.pairsBefore !== undefined) return this.pairsBefore;
    this.pairsBefore = null;
    if (/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(this.text)) {
      const text = this.text;
      const pairs = new Uint32Array(text.length + 1);
      for (let i = 0, n = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0xdc00 && c <= 0xdfff && i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800) n++;
        pairs[i + 1] = n;
      }
      this.pairsBefore = pairs;
    }
    return this.pairsBefore;
  }
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const end = line < this.lineStarts.length ? this.lineStarts[line] - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}

/**
 * At most this many errors are reported; a last one (2018) says how many more there were. Past
 * the first few, errors are mostly consequences of earlier ones (clang stops at 20 too).
 */
export const MAX_ERRORS = 20;

/** Collects the diagnostics of one compilation. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  private suppressed = 0;
  report(source: SourceFile, span: Span, name: ErrorName, args: Record<string, string | number> = {}): void {
    if (this.items.length >= MAX_ERRORS) {
      // the first error past the limit gives the summary its position; later ones only count
      this.suppressed++;
      if (this.items.length === MAX_ERRORS) this.items.push(this.make(source, span, "TooManyErrors", { count: 1 }));
      else this.items[MAX_ERRORS].message = formatError("TooManyErrors", { count: this.suppressed });
      return;
    }
    this.items.push(this.make(source, span, name, args));
  }
  private make(source: SourceFile, span: Span, name: ErrorName, args: Record<string, string | number>): Diagnostic {
    const { line, col } = source.position(span.start);
    return { code: ERRORS[name].code, message: formatError(name, args), file: source.name, span, line, col };
  }
  /**
   * Takes over another bag's diagnostics, and its count of those past the limit, as if they had
   * been reported here: a parse made earlier (an editor's) becomes the first part of a compilation.
   */
  adopt(other: DiagnosticBag): void {
    if (this.items.length > 0) throw new Error("diagnostics can be adopted only by an empty bag");
    for (const d of other.items) this.items.push({ ...d });
    this.suppressed = other.suppressed;
  }
  /** Reports an error whose message was made elsewhere (a refused import read, say). */
  reportMessage(source: SourceFile, span: Span, code: number, message: string): void {
    const { line, col } = source.position(span.start);
    this.items.push({ code, message, file: source.name, span, line, col });
  }
  get hasErrors(): boolean {
    return this.items.length > 0;
  }
}

/** error[CODE]: MESSAGE / --> FILE:LINE:COL / the source line / a caret under the span. */
export function renderDiagnostic(d: Diagnostic, source?: SourceFile): string {
  const lines = [`error[${d.code}]: ${d.message}`, `  --> ${d.file}:${d.line}:${d.col}`];
  if (source) {
    const text = source.lineText(d.line);
    const gutter = String(d.line);
    const pad = " ".repeat(gutter.length);
    const spanLen = Math.max(1, Math.min([...source.text.slice(d.span.start, d.span.end)].length, [...text].length - d.col + 1));
    lines.push(`${pad} |`, `${gutter} | ${text}`, `${pad} | ${" ".repeat(d.col - 1)}${"^".repeat(spanLen)}`);
  }
  return lines.join("\n");
}
