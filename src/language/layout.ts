// The canonical layout of a parsed file, as a document for the printer (doc.ts). It changes only
// the space between tokens, never a token: where a line break means something to the parser (in
// blocks and at the top level) the lines stay as written and only their indentation and spacing
// change; inside ( ), [ ] and literal { } line breaks mean nothing, so there the width decides.
import type { Token } from "../compiler/tokens.js";
import { choice, type Doc, group, hardline, ifBreak, indent, line, lineSuffix, printDoc, softline } from "./doc.js";
import type { Comment, Trivia } from "./trivia.js";

/** What a pair of brackets holds: a block of lines, or a list laid out by width. */
type GroupType = "block" | "paren" | "list" | "matrix" | "index" | "map" | "struct";

interface Group {
  type: GroupType;
  open: number;
  close: number;
  children: Node[];
}

/** A token (its index) or a bracketed group. */
type Node = number | Group;

/** One entry of a list: its nodes and the `,` or `;` after it. */
interface Item {
  children: Node[];
  sep?: number;
}

/** What the layout needs to know about the parse: which `{` open literals, where statements start. */
export interface ParseFacts {
  /** Offsets of the `{` of map literals ("map") and of struct literals and patterns ("struct"). */
  literalBraces: ReadonlyMap<number, "map" | "struct">;
  /** Offsets where a statement, an actor member, a struct field or a match case begins. */
  statementStarts: ReadonlySet<number>;
}

/** Keywords that continue a statement on a line of their own: `} else {` may be `}\nelse {`. */
const CLAUSES: ReadonlySet<string> = new Set(["elif", "else", "catch", "finally"]);

/** Tokens after which `(` calls, `[` indexes and `-` subtracts. */
const OPERAND_ENDS: ReadonlySet<string> = new Set(["ident", "number", "string", "template", "true", "false", "nil", ")", "]", "'"]);

/** A cell of a matrix that is a number (maybe negative): such columns align to the right. */
const NUMERIC_CELL = /^-?[0-9][0-9a-zA-Z_.+-]*$/;

const first = (n: Node) => (typeof n === "number" ? n : n.open);
const last = (n: Node) => (typeof n === "number" ? n : n.close);

/** A document with whether it holds something (a `//` comment) that forces its lists to break. */
interface Laid {
  doc: Doc;
  forced: boolean;
}

export class Layout {
  private readonly tokens: Token[];
  /** For each token, the type of the innermost group around it ("block" at the top level). */
  private readonly context: GroupType[];
  /** For each closing `}`, whether it closes a literal (then it ends an operand). */
  private readonly literalClose: boolean[];
  private readonly unaryMinus: boolean[];
  private readonly root: Node[];

  constructor(
    tokens: Token[],
    private readonly trivia: Trivia[],
    private readonly facts: ParseFacts,
  ) {
    this.tokens = tokens;
    this.context = tokens.map(() => "block" as GroupType);
    this.literalClose = tokens.map(() => false);
    this.unaryMinus = tokens.map(() => false);
    this.root = this.buildTree();
  }

  /** The formatted text, ending with one line break (an empty file stays empty). */
  print(width: number): string {
    const eof = this.tokens.length - 1;
    const body = this.blockLines(this.root, eof, false);
    const text = printDoc(body.doc, width).replace(/^\n+/, "");
    return text.length > 0 ? text + "\n" : "";
  }

  // ---------- the bracket tree ----------

  private buildTree(): Node[] {
    const root: Node[] = [];
    const stack: { group: Group; into: Node[] }[] = [];
    let into = root;
    const tokens = this.tokens;
    for (let i = 0; i < tokens.length - 1; i++) {
      const kind = tokens[i].kind;
      const ctx: GroupType = stack.length ? stack[stack.length - 1].group.type : "block";
      this.context[i] = ctx;
      if (kind === "-") {
        const newStatement = ctx === "block" && tokens[i].newlineBefore;
        this.unaryMinus[i] = i === 0 || !this.endsOperand(i - 1) || newStatement;
      }
      if (kind === "(" || kind === "[" || kind === "{") {
        let type: GroupType = "paren";
        if (kind === "[") type = i > 0 && this.endsOperand(i - 1) && !(ctx === "block" && tokens[i].newlineBefore) ? "index" : "list";
        if (kind === "{") type = this.facts.literalBraces.get(tokens[i].span.start) ?? "block";
        const g: Group = { type, open: i, close: -1, children: [] };
        into.push(g);
        stack.push({ group: g, into });
        into = g.children;
      } else if (kind === ")" || kind === "]" || kind === "}") {
        const top = stack.pop();
        if (!top) throw new Error(`unbalanced '${kind}' in a parsed file`);
        const g = top.group;
        g.close = i;
        this.context[i] = g.type;
        if (g.type === "list" && g.children.some((c) => typeof c === "number" && tokens[c].kind === ";")) g.type = "matrix";
        this.literalClose[i] = g.type === "map" || g.type === "struct";
        into = top.into;
      } else {
        into.push(i);
      }
    }
    if (stack.length) throw new Error("unclosed bracket in a parsed file");
    return root;
  }

  private endsOperand(i: number): boolean {
    const kind = this.tokens[i].kind;
    return OPERAND_ENDS.has(kind) || (kind === "}" && this.literalClose[i]);
  }

  /** The space between two tokens on one line. */
  private space(p: number, n: number): string {
    const P = this.tokens[p].kind;
    const N = this.tokens[n].kind;
    if (N === "," || N === ";" || N === ")" || N === "]" || N === "'" || N === ":") return "";
    if (P === "(" || P === "[" || P === "." || N === ".") return "";
    if (P === ".." || P === "..=" || N === ".." || N === "..=") return "";
    if (P === ":") return this.context[p] === "index" ? "" : " ";
    if ((P === "-" && this.unaryMinus[p]) || P === "!") return "";
    if (N === "(") return this.endsOperand(p) || P === "var" ? "" : " ";
    if (N === "[") return this.context[n + 1] === "index" ? "" : " ";
    if (P === "{" && N === "}") return "";
    return " ";
  }

  // ---------- comments ----------

  /** Comments on the line of the token before: a `//` one waits for the end of the line. */
  private trailing(comments: Comment[]): Laid {
    const docs: Doc[] = [];
    let forced = false;
    for (const c of comments) {
      if (c.line) {
        docs.push(lineSuffix(` ${c.text}`));
        forced = true;
      } else docs.push(` ${c.text}`);
    }
    return { doc: docs, forced };
  }

  // ---------- blocks and the top level: lines as written ----------

  /**
   * The lines of a block (or of the file, `braced` false), up to the token `close`. A block with
   * no line break inside stays on one line.
   */
  private blockLines(children: Node[], close: number, braced: boolean): Laid {
    interface Line {
      parts: Doc[];
      /** The first token on the line (undefined: only comments). */
      firstToken?: number;
      lastToken?: number;
      blank: boolean;
    }
    const lines: Line[] = [];
    // what follows the opening brace on its line: comments only
    const head: Line = { parts: [], blank: false };
    let current = head;
    let oneLine = braced;
    let commented = false;
    const startLine = (breaks: number, firstToken?: number) => {
      current = { parts: [], blank: breaks > 1 && lines.length > 0, firstToken };
      lines.push(current);
    };
    const addTrivia = (t: Trivia) => {
      if (t.trailing.length > 0) current.parts.push(this.trailing(t.trailing).doc);
      for (const c of t.leading) {
        if (c.breaksBefore > 0 || current === head) startLine(c.breaksBefore);
        else current.parts.push(" ");
        current.parts.push(c.text);
      }
      if (t.anyBreak) oneLine = false;
      if (t.trailing.length > 0 || t.leading.length > 0) commented = true;
    };
    for (const child of children) {
      const at = first(child);
      const t = this.trivia[at];
      addTrivia(t);
      let space = "";
      if (t.breaksBefore > 0 || current === head) startLine(t.breaksBefore, at);
      else if (current.lastToken !== undefined) space = this.space(current.lastToken, at);
      else {
        // after a /* comment */ on the same line
        space = " ";
        current.firstToken = at;
      }
      const laid = this.node(child).doc;
      current.parts.push(typeof laid === "string" ? space + laid : space === "" ? laid : [space, laid]);
      current.lastToken = last(child);
    }
    addTrivia(this.trivia[close]);

    if (braced && oneLine) {
      const inner = lines.map((l) => l.parts);
      const filled = inner.length > 0 || commented;
      return { doc: ["{", head.parts, inner.length ? [" ", inner] : [], filled ? " }" : "}"], forced: false };
    }

    // statements at the block's indentation; the lines that continue one, one level deeper
    const body: Doc[] = [];
    // a comment line goes with the code line after it
    let code: Line | undefined;
    const continues = new Array<boolean>(lines.length);
    for (let i = lines.length - 1; i >= 0; i--) {
      if (lines[i].firstToken !== undefined) code = lines[i];
      continues[i] = code !== undefined && !this.startsStatement(code.firstToken!);
    }
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      const breaks = l.blank ? [hardline, hardline] : [hardline];
      body.push(continues[i] ? indent([...breaks, l.parts]) : [...breaks, l.parts]);
    }
    if (!braced) return { doc: [head.parts, body], forced: false };
    return { doc: group(["{", head.parts, indent(body), hardline, "}"], true), forced: false };
  }

  private startsStatement(token: number): boolean {
    const t = this.tokens[token];
    return this.facts.statementStarts.has(t.span.start) || CLAUSES.has(t.kind);
  }

  // ---------- lists: laid out by width ----------

  private node(n: Node): Laid {
    if (typeof n === "number") return { doc: this.tokens[n].text, forced: false };
    if (n.type === "block") return this.blockLines(n.children, n.close, true);
    return this.list(n);
  }

  /**
   * A bracketed list: on one line when it fits, else one item per line (a matrix: one row per
   * line, its columns aligned). Items end at a `,` (and rows at a `;`) of the list itself.
   */
  private list(g: Group): Laid {
    const open = this.tokens[g.open].text;
    const close = this.tokens[g.close].text;
    const matrix = g.type === "matrix";
    const items: Item[] = [];
    let item: Node[] = [];
    for (const c of g.children) {
      const kind = typeof c === "number" ? this.tokens[c].kind : "";
      if (kind === "," || (matrix && kind === ";")) {
        items.push({ children: item, sep: c as number });
        item = [];
      } else item.push(c);
    }
    if (item.length) items.push({ children: item });

    // comments after the opening bracket stay on its line
    const afterOpen = this.trailing(this.trivia[g.open + 1].trailing);
    let forced = afterOpen.forced;
    // comments after an item's `,` (on its line) go with the item, before the line breaks
    const laid = items.map(({ children, sep }, i) => {
      const parts = this.sequence(sep === undefined ? children : [...children, sep]);
      const next = items[i + 1];
      const after = next ? this.trailing(this.trivia[first(next.children[0] ?? next.sep!)].trailing) : { doc: "", forced: false };
      forced ||= parts.forced || after.forced;
      return { doc: [parts.doc, after.doc], forced: parts.forced || after.forced };
    });
    const closing = this.trivia[g.close];
    const tail: Doc[] = items.length ? [this.trailing(closing.trailing).doc] : [];
    if (items.length) forced ||= closing.trailing.some((c) => c.line);
    for (const c of closing.leading) {
      tail.push(hardline, c.text);
      forced = true;
    }
    if (items.length === 0 && closing.leading.length === 0 && closing.trailing.length === 0) return { doc: open + close, forced: false };

    if (items.length === 0 && !forced) return { doc: [open, afterOpen.doc, " ", close], forced };
    const padding = g.type === "struct" ? line : softline;
    let inner: Doc[];
    if (matrix) inner = this.matrixRows(g, items, laid);
    else {
      inner = [];
      laid.forEach((l, i) => inner.push(i > 0 ? line : "", l.doc));
    }
    const laidOut = group([open, afterOpen.doc, indent(items.length ? [padding, inner, tail] : tail), padding, close], forced);
    const hug = forced ? undefined : this.hugged(g, items, laid);
    return { doc: hug ? choice([laidOut, hug, laidOut]) : laidOut, forced };
  }

  /**
   * `f(a, {` ... `})`: a call whose last argument is a literal list, map or struct, and whose
   * others are plain, may keep its parentheses on the literal's lines.
   */
  private hugged(g: Group, items: Item[], laid: Laid[]): Doc | undefined {
    const lastItem = items[items.length - 1];
    if (g.type !== "paren" || lastItem.sep !== undefined || lastItem.children.length !== 1) return undefined;
    const literal = lastItem.children[0];
    if (typeof literal === "number" || !["list", "matrix", "map", "struct"].includes(literal.type)) return undefined;
    if (items.slice(0, -1).some((it) => it.children.some((c) => typeof c !== "number"))) return undefined;
    if (this.hasComments(g.open + 1, g.close)) return undefined;
    const docs: Doc[] = [this.tokens[g.open].text];
    laid.forEach((l, i) => docs.push(i > 0 ? " " : "", l.doc));
    docs.push(this.tokens[g.close].text);
    return docs;
  }

  /** A matrix's rows, one per line when broken, the columns aligned when no cell has a comment. */
  private matrixRows(g: Group, items: Item[], laid: Laid[]): Doc[] {
    const rows: number[][] = [[]];
    items.forEach((it, i) => {
      rows[rows.length - 1].push(i);
      if (it.sep !== undefined && this.tokens[it.sep].kind === ";") rows.push([]);
    });
    if (rows[rows.length - 1].length === 0) rows.pop();
    let cells: string[] | undefined;
    if (!this.hasComments(g.open + 1, g.close)) {
      const texts = items.map((it) => printDoc(this.sequence(it.children).doc, Number.POSITIVE_INFINITY));
      if (texts.every((t) => !t.includes("\n"))) cells = texts;
    }
    const columns = Math.max(...rows.map((r) => r.length));
    const widths: number[] = [];
    const numeric: boolean[] = [];
    for (let c = 0; c < columns && cells; c++) {
      const column = rows.filter((r) => c < r.length).map((r) => cells![r[c]]);
      widths.push(Math.max(...column.map((t) => t.length)));
      numeric.push(column.every((t) => NUMERIC_CELL.test(t)));
    }
    const out: Doc[] = [];
    rows.forEach((r, ri) => {
      if (ri > 0) out.push(line);
      r.forEach((i, c) => {
        // after a `//` comment the row goes on on the next line
        if (c > 0) out.push(laid[r[c - 1]].forced ? hardline : " ");
        if (!cells) {
          out.push(laid[i].doc);
          return;
        }
        const sep = items[i].sep;
        const text = cells[i] + (sep === undefined ? "" : this.tokens[sep].text);
        const pad = " ".repeat(widths[c] - cells[i].length);
        const lastInRow = c === r.length - 1;
        out.push(ifBreak(numeric[c] ? pad + text : text + (lastInRow ? "" : pad), laid[i].doc));
      });
    });
    return out;
  }

  private hasComments(from: number, to: number): boolean {
    for (let i = from; i <= to; i++) if (this.trivia[i].leading.length > 0 || this.trivia[i].trailing.length > 0) return true;
    return false;
  }

  /**
   * Nodes on one line with their spaces and comments. A comment on a line of its own keeps a
   * line of its own (and makes the list around it break).
   */
  private sequence(nodes: Node[]): Laid {
    const out: Doc[] = [];
    let forced = false;
    let prev: number | undefined;
    // whether the output so far ends with a line break
    let broke = false;
    nodes.forEach((n, k) => {
      const at = first(n);
      const t = this.trivia[at];
      // the first node's are the comments after the item before (see list)
      if (k > 0) {
        for (const c of t.trailing) {
          // inside an item, a line break must follow a `//` comment right away
          out.push(` ${c.text}`);
          if (c.line) out.push(hardline);
          broke = c.line;
          forced ||= c.line;
        }
      }
      t.leading.forEach((c, j) => {
        if (!broke && (j > 0 || prev !== undefined)) out.push(j > 0 && c.breaksBefore === 0 ? " " : hardline);
        out.push(c.text);
        broke = c.line || (j === t.leading.length - 1 && t.breaksBefore > 0);
        if (broke) out.push(hardline);
        else if (j === t.leading.length - 1) out.push(" ");
        forced = true;
      });
      const space = prev !== undefined && !broke && t.leading.length === 0 ? this.space(prev, at) : "";
      const laid = this.node(n);
      forced ||= laid.forced;
      out.push(typeof laid.doc === "string" ? space + laid.doc : space === "" ? laid.doc : [space, laid.doc]);
      prev = last(n);
      broke = false;
    });
    return { doc: out, forced };
  }
}
