// Layout documents and their printer (after Wadler's "prettier printer", as in Prettier): a
// group is printed on one line when it fits in the width, and otherwise its lines break.
// The printer is iterative, so a deeply nested program costs heap, not stack.

export type Doc =
  | string
  | Doc[]
  | { kind: "indent"; content: Doc }
  | { kind: "group"; content: Doc; broken: boolean }
  /** A space (`soft`: nothing) when its group is flat, a line break when it is broken. */
  | { kind: "line"; soft: boolean }
  /** Always a line break. */
  | { kind: "hardline" }
  /** Text put at the end of the line, just before its break: where a `//` comment goes. */
  | { kind: "lineSuffix"; text: string }
  /** One document when the enclosing group is broken, another when it is flat. */
  | { kind: "ifBreak"; broken: Doc; flat: Doc }
  /** The first of these layouts that fits: flat, else each in turn up to its first line break; the last anyway. */
  | { kind: "choice"; layouts: Doc[] };

export const line: Doc = { kind: "line", soft: false };
export const softline: Doc = { kind: "line", soft: true };
export const hardline: Doc = { kind: "hardline" };
export const indent = (content: Doc): Doc => ({ kind: "indent", content });
export const group = (content: Doc, broken = false): Doc => ({ kind: "group", content, broken });
export const lineSuffix = (text: string): Doc => ({ kind: "lineSuffix", text });
export const ifBreak = (broken: Doc, flat: Doc): Doc => ({ kind: "ifBreak", broken, flat });
export const choice = (layouts: Doc[]): Doc => ({ kind: "choice", layouts });

export const INDENT = "  ";

const FLAT = 0;
const BREAK = 1;
type Mode = typeof FLAT | typeof BREAK;

const indentations: string[] = [];
const indentation = (level: number) => (indentations[level] ??= INDENT.repeat(level));

/** What is left to print: documents with their indentation and mode, in parallel arrays (no object per entry). */
class Stack {
  readonly docs: Doc[] = [];
  readonly levels: number[] = [];
  readonly modes: Mode[] = [];
  push(level: number, mode: Mode, doc: Doc): void {
    this.docs.push(doc);
    this.levels.push(level);
    this.modes.push(mode);
  }
  get length(): number {
    return this.docs.length;
  }
}

/** Prints a document; lines longer than `width` are broken where its groups allow. */
export function printDoc(doc: Doc, width: number): string {
  const out: string[] = [];
  let column = 0;
  let suffixes: string[] = [];
  const stack = new Stack();
  stack.push(0, BREAK, doc);
  const newline = (level: number) => {
    if (suffixes.length) {
      out.push(...suffixes);
      suffixes = [];
    }
    trimLineEnd(out);
    out.push("\n", indentation(level));
    column = INDENT.length * level;
  };
  while (stack.length > 0) {
    const d = stack.docs.pop()!;
    const level = stack.levels.pop()!;
    const mode = stack.modes.pop()!;
    if (typeof d === "string") {
      out.push(d);
      const nl = d.lastIndexOf("\n");
      column = nl < 0 ? column + d.length : d.length - nl - 1;
    } else if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) stack.push(level, mode, d[i]);
    } else if (d.kind === "indent") {
      // a flat group's lines are its opener's line: a block inside it indents from there
      stack.push(mode === BREAK ? level + 1 : level, mode, d.content);
    } else if (d.kind === "ifBreak") {
      stack.push(level, mode, mode === BREAK ? d.broken : d.flat);
    } else if (d.kind === "group") {
      const flat = !d.broken && (mode === FLAT || fits(d.content, FLAT, stack, width - column));
      stack.push(level, flat ? FLAT : BREAK, d.content);
    } else if (d.kind === "choice") {
      if (mode === FLAT || fits(d.layouts[0], FLAT, stack, width - column)) stack.push(level, FLAT, d.layouts[0]);
      else {
        const n = d.layouts.length;
        let i = 1;
        while (i < n - 1 && !fits(d.layouts[i], BREAK, stack, width - column)) i++;
        stack.push(level, BREAK, d.layouts[i]);
      }
    } else if (d.kind === "line") {
      if (mode === FLAT) {
        if (!d.soft) {
          out.push(" ");
          column++;
        }
      } else newline(level);
    } else if (d.kind === "hardline") {
      newline(level);
    } else {
      suffixes.push(d.text);
    }
  }
  if (suffixes.length) out.push(...suffixes);
  trimLineEnd(out);
  return out.join("");
}

/** Drops the spaces at the end of the output's last line (an empty line keeps no indentation). */
function trimLineEnd(out: string[]): void {
  while (out.length > 0) {
    const last = out[out.length - 1];
    if (last.length > 0 && last.charCodeAt(last.length - 1) !== 32) return;
    const trimmed = last.replace(/ +$/, "");
    if (trimmed.length > 0) {
      out[out.length - 1] = trimmed;
      return;
    }
    out.pop();
  }
}

/**
 * Whether `next`, printed in `mode`, and what follows it up to the next line break fit in `room`
 * columns. A hard line break inside (a block's) ends the measure: what follows is another line.
 */
function fits(next: Doc, nextMode: Mode, rest: Stack, room: number): boolean {
  const docs: Doc[] = [next];
  const modes: Mode[] = [nextMode];
  let restIndex = rest.length;
  while (room >= 0) {
    if (docs.length === 0) {
      if (restIndex === 0) return true;
      restIndex--;
      docs.push(rest.docs[restIndex]);
      modes.push(rest.modes[restIndex]);
    }
    const d = docs.pop()!;
    const mode = modes.pop()!;
    if (typeof d === "string") {
      const nl = d.indexOf("\n");
      if (nl >= 0) return room - nl >= 0;
      room -= d.length;
    } else if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) {
        docs.push(d[i]);
        modes.push(mode);
      }
    } else if (d.kind === "indent") {
      docs.push(d.content);
      modes.push(mode);
    } else if (d.kind === "ifBreak") {
      docs.push(mode === BREAK ? d.broken : d.flat);
      modes.push(mode);
    } else if (d.kind === "choice") {
      docs.push(d.layouts[0]);
      modes.push(mode);
    } else if (d.kind === "group") {
      docs.push(d.content);
      modes.push(d.broken ? BREAK : mode);
    } else if (d.kind === "line") {
      if (mode === BREAK) return true;
      if (!d.soft) room--;
    } else if (d.kind === "hardline") {
      return true;
    }
  }
  return false;
}
