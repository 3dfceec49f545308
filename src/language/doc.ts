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

type Mode = "flat" | "break";
interface Command {
  indent: number;
  mode: Mode;
  doc: Doc;
}

/** Prints a document; lines longer than `width` are broken where its groups allow. */
export function printDoc(doc: Doc, width: number): string {
  const out: string[] = [];
  let column = 0;
  let suffixes: string[] = [];
  const stack: Command[] = [{ indent: 0, mode: "break", doc }];
  const newline = (level: number) => {
    if (suffixes.length) {
      out.push(...suffixes);
      suffixes = [];
    }
    trimLineEnd(out);
    out.push("\n", INDENT.repeat(level));
    column = INDENT.length * level;
  };
  while (stack.length > 0) {
    const { indent: level, mode, doc: d } = stack.pop()!;
    if (typeof d === "string") {
      out.push(d);
      const nl = d.lastIndexOf("\n");
      column = nl < 0 ? column + d.length : d.length - nl - 1;
    } else if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) stack.push({ indent: level, mode, doc: d[i] });
    } else if (d.kind === "indent") {
      // a flat group's lines are its opener's line: a block inside it indents from there
      stack.push({ indent: mode === "break" ? level + 1 : level, mode, doc: d.content });
    } else if (d.kind === "ifBreak") {
      stack.push({ indent: level, mode, doc: mode === "break" ? d.broken : d.flat });
    } else if (d.kind === "group") {
      const flat: Command = { indent: level, mode: "flat", doc: d.content };
      const fitsFlat = !d.broken && (mode === "flat" || fits(flat, stack, width - column));
      stack.push(fitsFlat ? flat : { indent: level, mode: "break", doc: d.content });
    } else if (d.kind === "choice") {
      const flat: Command = { indent: level, mode: "flat", doc: d.layouts[0] };
      if (mode === "flat" || fits(flat, stack, width - column)) stack.push(flat);
      else {
        const broken = d.layouts.slice(1).map((doc): Command => ({ indent: level, mode: "break", doc }));
        stack.push(broken.find((c, i) => i === broken.length - 1 || fits(c, stack, width - column)) ?? flat);
      }
    } else if (d.kind === "line") {
      if (mode === "flat") {
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
    const trimmed = last.replace(/ +$/, "");
    if (trimmed.length > 0) {
      out[out.length - 1] = trimmed;
      return;
    }
    out.pop();
  }
}

/**
 * Whether `next`, printed flat, and what follows it up to the next line break fit in `room`
 * columns. A hard line break inside (a block's) ends the measure: what follows is another line.
 */
function fits(next: Command, rest: Command[], room: number): boolean {
  const todo: { mode: Mode; doc: Doc }[] = [{ mode: next.mode, doc: next.doc }];
  let restIndex = rest.length;
  while (room >= 0) {
    let item = todo.pop();
    if (item === undefined) {
      if (restIndex === 0) return true;
      const r = rest[--restIndex];
      item = { mode: r.mode, doc: r.doc };
    }
    const { mode, doc: d } = item;
    if (typeof d === "string") {
      const nl = d.indexOf("\n");
      if (nl >= 0) return room - nl >= 0;
      room -= d.length;
    } else if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) todo.push({ mode, doc: d[i] });
    } else if (d.kind === "indent") {
      todo.push({ mode, doc: d.content });
    } else if (d.kind === "ifBreak") {
      todo.push({ mode, doc: mode === "break" ? d.broken : d.flat });
    } else if (d.kind === "choice") {
      todo.push({ mode, doc: d.layouts[0] });
    } else if (d.kind === "group") {
      todo.push({ mode: d.broken ? "break" : mode, doc: d.content });
    } else if (d.kind === "line") {
      if (mode === "break") return true;
      if (!d.soft) room--;
    } else if (d.kind === "hardline") {
      return true;
    }
  }
  return false;
}
