// The parser: recursive descent for statements, precedence climbing for expressions.
//
// Errors: a syntax error is reported as 2001 at the offending token and thrown as a ParseError,
// which the nearest statement list (or match-case list) catches; it then skips to the next
// statement boundary and goes on. The aim is one diagnostic per broken statement: follow-on
// errors of the same mistake are kept quiet (see `statements` and `synchronize`).
import type {
  BinaryOp,
  Block,
  Expr,
  FuncDecl,
  Index,
  LetStmt,
  MatchCase,
  MatchExpr,
  Param,
  Pattern,
  Program,
  SliceBounds,
  Span,
  Stmt,
  StructLit,
  TypeName,
} from "./ast.js";
import type { DiagnosticBag, SourceFile } from "./diagnostics.js";
import { lex } from "./lexer.js";
import type { Token, TokenKind } from "./tokens.js";

export function parse(source: SourceFile, diags: DiagnosticBag): Program {
  const before = diags.items.length;
  const tokens = lex(source, diags);
  const lexicalErrorLines = new Set(diags.items.slice(before).map((d) => d.line));
  return new Parser(source, diags, tokens, lexicalErrorLines, true, 0).program();
}

/**
 * A top-level statement that parsed with no error, with what its parse depended on: the tokens
 * from `first` to `lookahead` (indexes into the token list). Given the same tokens (all moved
 * alike), a parse at `first` makes the same statement, so an editor's language service can take
 * it from an earlier parse instead (src/language/reparse.ts).
 */
export interface TopStatement {
  stmt: Stmt;
  first: number;
  /** The index after its last token (before the newline or `;` that ends it). */
  end: number;
  /** The furthest token it or its end can have looked at. */
  lookahead: number;
  /** Its deepest nesting, and where it is first reached. */
  depth: number;
  depthAt: number;
}

/**
 * Parses lexed tokens (`lexicalErrorLines`: the 1-based lines of the lexer's errors) as `parse`
 * does, taking a top-level statement from `reuse` where it offers one for the token index the
 * statement starts at. `tops` are the statements that parsed with no error (none when the host
 * stack ran out).
 */
export function parseTokens(
  source: SourceFile,
  diags: DiagnosticBag,
  tokens: Token[],
  lexicalErrorLines: ReadonlySet<number>,
  reuse?: (first: number) => TopStatement | undefined,
): { program: Program; tops?: TopStatement[] } {
  const parser = new Parser(source, diags, tokens, lexicalErrorLines, true, 0);
  parser.reuse = reuse;
  const program = parser.program();
  return { program, tops: parser.tops };
}

/** Thrown to abandon a construct after its error is reported; not an Error, so no stack is captured. */
class ParseError {}

/**
 * Nesting deeper than this is reported (2017) rather than recursed into: each level costs host
 * stack here and in the tree walks after, and a default Node.js stack holds about twice this.
 */
export const MAX_NESTING = 500;

/** The furthest the parser looks past the token it is at (`peek(2)`). */
const LOOKAHEAD = 2;

// Binding powers, lowest to highest (spec section 4). Prefix `not` and `-` parse their operand at
// their own level, so `not a == b` is `not (a == b)` and `-2 ** 2` is `-(2 ** 2)`.
const OR = 1,
  AND = 2,
  NOT = 3,
  COMPARE = 4,
  RANGE = 5,
  ADD = 6,
  MUL = 7,
  PREFIX = 8,
  POWER = 9;

const BINARY_PREC: Partial<Record<TokenKind, number>> = {
  or: OR,
  "||": OR,
  and: AND,
  "&&": AND,
  "==": COMPARE,
  "!=": COMPARE,
  "<": COMPARE,
  "<=": COMPARE,
  ">": COMPARE,
  ">=": COMPARE,
  "..": RANGE,
  "..=": RANGE,
  "+": ADD,
  "-": ADD,
  "*": MUL,
  "/": MUL,
  "%": MUL,
  ".*": MUL,
  "./": MUL,
  "\\": MUL,
  "**": POWER,
  ".^": POWER,
};

const ASSIGN_OPS: ReadonlySet<TokenKind> = new Set<TokenKind>(["=", "+=", "-=", "*=", "/="]);

/** Keywords that only start statements; error recovery resumes at one that begins a line. */
const STATEMENT_KEYWORDS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  "let",
  "var",
  "func",
  "async",
  "struct",
  "actor",
  "import",
  "if",
  "while",
  "for",
  "return",
  "break",
  "continue",
  "throw",
  "try",
  "region",
]);

/** Tokens that can begin a statement. */
const STATEMENT_STARTS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  ...STATEMENT_KEYWORDS,
  "ident",
  "number",
  "string",
  "template",
  "invalid",
  "(",
  "[",
  "{",
  "-",
  "!",
  "not",
  "true",
  "false",
  "nil",
  "match",
  "spawn",
  "await",
]);

/** After these a `{` opens a map literal (unless it ends its line), elsewhere mostly a block; for error recovery. */
const OPERAND_EXPECTED: ReadonlySet<TokenKind> = new Set<TokenKind>([
  ...(Object.keys(BINARY_PREC) as TokenKind[]),
  ...ASSIGN_OPS,
  "(",
  "[",
  ",",
  ":",
  "not",
  "!",
  "return",
  "throw",
  "await",
]);

const OPENERS: Partial<Record<TokenKind, TokenKind>> = { ")": "(", "]": "[", "}": "{" };

interface Context {
  /** Newlines end expressions (statement level and blocks; not inside ( ) [ ] or literals). */
  newlines: boolean;
  /** `Name {` is not a struct literal (if/elif/while conditions, for iterables, match subjects). */
  noStruct: boolean;
  /** `x =>` and `(...) =>` are not lambdas (a match guard, which is followed by `=>`). */
  noLambda: boolean;
}

function describe(t: Token): string {
  if (t.kind === "eof") return t.text ? `'${t.text}'` : "end of file";
  if (t.kind === "string" || t.kind === "template") return "a string";
  return `'${t.text}'`;
}

class Parser {
  private pos = 0;
  private prevEnd = 0;
  private prevKind: TokenKind | undefined;
  private lastErrorAt = -1;
  /** The deepest nesting reached, and where. */
  private deepest = 0;
  private deepestAt = 0;
  /** Set while skipping what is most likely the rest of an already reported error. */
  private silent = false;
  private ctx: Context;
  /** For each opening bracket, the index of its matching closing bracket (or -1). */
  private readonly closeOf: number[];
  /** How many errors there were, reported or not: a top-level statement is reused only when it had none. */
  private troubles = 0;
  /** The top-level statement being parsed, until the next one starts, with the troubles before it. */
  private openTop: (Partial<TopStatement> & { first: number; troubles: number }) | undefined;
  tops: TopStatement[] | undefined = [];
  reuse: ((first: number) => TopStatement | undefined) | undefined;

  constructor(
    private readonly source: SourceFile,
    private readonly diags: DiagnosticBag,
    private readonly tokens: Token[],
    /** Lines with a lexical error: the parser's view of them is unreliable, so it stays quiet there. */
    private readonly lexicalErrorLines: ReadonlySet<number>,
    newlines: boolean,
    private depth: number,
  ) {
    this.ctx = { newlines, noStruct: false, noLambda: false };
    this.closeOf = new Array<number>(tokens.length).fill(-1);
    const open: number[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const kind = tokens[i].kind;
      if (kind === "(" || kind === "[" || kind === "{") open.push(i);
      const opener = OPENERS[kind];
      if (opener && open.length && tokens[open[open.length - 1]].kind === opener) this.closeOf[open.pop()!] = i;
    }
  }

  // ---------- token helpers ----------

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private at(kind: TokenKind): boolean {
    return this.peek().kind === kind;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    this.prevEnd = t.span.end;
    this.prevKind = t.kind;
    return t;
  }

  private eat(kind: TokenKind): boolean {
    if (!this.at(kind)) return false;
    this.next();
    return true;
  }

  private expect(kind: TokenKind): Token {
    if (!this.at(kind)) this.fail(`expected '${kind}' but found ${describe(this.peek())}`);
    return this.next();
  }

  private expectIdent(what: string): Token {
    if (!this.at("ident")) this.fail(`expected ${what} but found ${describe(this.peek())}`);
    return this.next();
  }

  private spanFrom(start: number): Span {
    return { start, end: Math.max(start, this.prevEnd) };
  }

  /** Reports a syntax error without interrupting the parse. */
  private error(span: Span, detail: string): void {
    this.troubles++;
    if (this.silent || span.start === this.lastErrorAt) return;
    if (this.lexicalErrorLines.has(this.line(span.start) + 1)) return;
    this.lastErrorAt = span.start;
    this.diags.report(this.source, span, "SyntaxError", { detail });
  }

  /** Reports a syntax error at a token (unless the lexer already did) and abandons the construct. */
  private fail(detail: string, at: Token = this.peek()): never {
    this.troubles++;
    if (at.kind !== "invalid") this.error(at.span, detail);
    throw new ParseError();
  }

  /** Runs `fn` in a context; `( )`, `[ ]` and literals start a fresh one, blocks another. */
  private within<T>(ctx: Partial<Context>, fn: () => T): T {
    const saved = this.ctx;
    this.ctx = { newlines: false, noStruct: false, noLambda: false, ...ctx };
    try {
      return fn();
    } finally {
      this.ctx = saved;
    }
  }

  /**
   * One more level of nesting, or 2017 past the limit. Callers undo it with `this.depth--` in a
   * `finally` (inline, not through a callback: every host frame per level counts).
   */
  private enter(): void {
    if (this.depth >= MAX_NESTING) {
      this.troubles++;
      const at = this.peek();
      if (!this.silent) this.diags.report(this.source, at.span, "NestingTooDeep", { detail: `more than ${MAX_NESTING} levels` });
      this.silent = true;
      throw new ParseError();
    }
    this.depth++;
    if (this.depth > this.deepest) {
      this.deepest = this.depth;
      this.deepestAt = this.peek().span.start;
    }
  }

  /** The 0-based line of an offset. */
  private line(offset: number): number {
    const starts = this.source.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The 0-based column of a token, in UTF-16 units (enough to compare indentation). */
  private column(t: Token): number {
    return t.span.start - this.source.lineStarts[this.line(t.span.start)];
  }

  /** Whether a `{` here may open a struct literal after a name. */
  private structAllowed(): boolean {
    return this.at("{") && !this.ctx.noStruct && !(this.ctx.newlines && this.peek().newlineBefore);
  }

  // ---------- statements ----------

  program(): Program {
    let body: Stmt[] = [];
    try {
      body = this.statements(() => this.topStatement(), false);
      this.closeTop();
    } catch (e) {
      // the host stack ran out before the nesting limit (a smaller stack than Node's default)
      if (!(e instanceof RangeError)) throw e;
      this.tops = undefined;
      this.diags.report(this.source, { start: this.deepestAt, end: this.deepestAt }, "NestingTooDeep", { detail: "the compiler ran out of stack here" });
    }
    return { kind: "Program", body, span: { start: 0, end: this.source.text.length }, deepest: { depth: this.deepest, at: this.deepestAt } };
  }

  /** A top-level statement, parsed or taken from `reuse`, recorded for a later parse to take. */
  private topStatement(): Stmt {
    this.closeTop();
    const reused = this.reuse?.(this.pos);
    if (reused) {
      const last = this.tokens[reused.end - 1];
      this.pos = reused.end;
      this.prevEnd = last.span.end;
      this.prevKind = last.kind;
      if (reused.depth > this.deepest) {
        this.deepest = reused.depth;
        this.deepestAt = reused.depthAt;
      }
      this.openTop = { ...reused, troubles: this.troubles };
      return reused.stmt;
    }
    const top: Partial<TopStatement> & { first: number; troubles: number } = { first: this.pos, troubles: this.troubles };
    this.openTop = top;
    // the statement's own deepest point, then the file's
    const outer = this.deepest;
    const outerAt = this.deepestAt;
    this.deepest = 0;
    try {
      top.stmt = this.statement();
      top.end = this.pos;
      return top.stmt;
    } finally {
      top.depth = this.deepest;
      top.depthAt = this.deepestAt;
      if (outer >= this.deepest) {
        this.deepest = outer;
        this.deepestAt = outerAt;
      }
    }
  }

  /** Records the last top-level statement when it and its end parsed with no error. */
  private closeTop(): void {
    const top = this.openTop;
    this.openTop = undefined;
    if (!top || !this.tops || top.stmt === undefined || this.troubles !== top.troubles) return;
    // the parser goes only forward, looking at most LOOKAHEAD tokens past the one it is at
    top.lookahead = Math.min(this.pos + LOOKAHEAD, this.tokens.length - 1);
    this.tops.push(top as TopStatement);
  }

  /**
   * Statements up to a `}` or the end, each ended by a newline, `;`, `}` or a `}` of its own.
   * `inBlock` says whether a `}` may close an enclosing block (everywhere but the top level);
   * `ends` may end the list early.
   */
  private statements<T>(parseOne: () => T, inBlock = true, ends?: () => boolean): T[] {
    const out: T[] = [];
    let failed = false;
    for (;;) {
      while (this.eat(";"));
      if (this.at("eof") || (inBlock && this.at("}")) || ends?.()) return out;
      const start = this.pos;
      // Right after a broken statement, one that cannot begin like a statement (`case ...`,
      // `=> x`, `}`) is most likely the rest of the broken one: it is skipped without a report.
      const silent = this.silent;
      this.silent ||= failed && !STATEMENT_STARTS.has(this.peek().kind);
      try {
        if (this.at("}")) this.fail("unexpected '}' with no block to close");
        out.push(parseOne());
        this.endStatement();
        failed = false;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        failed = true;
        this.synchronize(start, inBlock);
        if (this.pos === start && !(inBlock && this.at("}")) && !this.at("eof")) this.next();
      } finally {
        this.silent = silent;
      }
    }
  }

  private endStatement(): void {
    if (this.eat(";")) return;
    const t = this.peek();
    if (t.kind === "}" || t.kind === "eof" || t.newlineBefore || this.prevKind === "}") return;
    this.fail(`expected a newline or ';' after the statement but found ${describe(t)}`);
  }

  /**
   * Skips what is left of a broken statement that began at token `start`: up to the next line at
   * bracket depth 0 (or past a `;`), or to a `}` closing the enclosing block (at the top level,
   * where there is none, a stray `}` inside the statement is skipped too). While brackets are
   * left open (say a missing `)`), it also stops at a line that begins with a statement keyword or
   * is indented no deeper than the statement, unless a block opened inside the statement.
   */
  private synchronize(start: number, inBlock: boolean): void {
    const stack: ("(" | "[" | "{" | "block")[] = [];
    const track = (i: number) => {
      const kind = this.tokens[i].kind;
      if (kind === "(" || kind === "[") stack.push(kind);
      else if (kind === "{") {
        const literal = i > 0 && OPERAND_EXPECTED.has(this.tokens[i - 1].kind) && !this.tokens[i + 1].newlineBefore;
        stack.push(literal ? "{" : "block");
      } else if (kind === ")" || kind === "]" || kind === "}") {
        const opener = OPENERS[kind];
        for (let j = stack.length - 1; j >= 0; j--) {
          const braced = stack[j] === "{" || stack[j] === "block";
          if (kind === "}" ? braced : stack[j] === opener) {
            stack.length = j;
            break;
          }
          if (braced) break;
        }
      }
    };
    const startColumn = this.column(this.tokens[start]);
    const errorAt = this.pos;
    for (let i = start; i < errorAt; i++) track(i);
    let i = errorAt;
    for (; ; i++) {
      const t = this.tokens[i];
      if (t.kind === "eof") break;
      if (t.kind === "}" && inBlock && !stack.some((s) => s === "{" || s === "block")) break;
      if (t.newlineBefore && i > errorAt && stack.length === 0) break;
      if (t.newlineBefore && i > start && !stack.includes("block")) {
        if (STATEMENT_KEYWORDS.has(t.kind)) break;
        if (!(t.kind in OPENERS) && this.column(t) <= startColumn) break;
      }
      if (t.kind === ";" && stack.length === 0) {
        i++;
        break;
      }
      track(i);
    }
    this.pos = i;
    this.prevKind = undefined;
  }

  private statement(): Stmt {
    this.enter();
    try {
      switch (this.peek().kind) {
        case "var":
          // `var(x)` calls the builtin variance; a declaration names its variable first
          if (this.peek(1).kind === "(") return this.exprOrAssign();
          return this.letStmt();
        case "let":
          return this.letStmt();
        case "func":
        case "async":
          return this.funcDecl();
        case "struct":
          return this.structDecl();
        case "actor":
          return this.actorDecl();
        case "import":
          return this.importStmt();
        case "if":
          return this.ifStmt();
        case "while": {
          const start = this.next().span.start;
          const cond = this.condition();
          const body = this.block();
          return { kind: "While", cond, body, span: this.spanFrom(start) };
        }
        case "for":
          return this.forStmt();
        case "return": {
          const start = this.next().span.start;
          const t = this.peek();
          const bare = t.kind === ";" || t.kind === "}" || t.kind === "eof" || t.newlineBefore;
          const value = bare ? undefined : this.expr();
          return { kind: "Return", value, span: this.spanFrom(start) };
        }
        case "break":
          return { kind: "Break", span: this.next().span };
        case "continue":
          return { kind: "Continue", span: this.next().span };
        case "throw": {
          const start = this.next().span.start;
          const value = this.expr();
          return { kind: "Throw", value, span: this.spanFrom(start) };
        }
        case "try":
          return this.tryStmt();
        case "region": {
          const start = this.next().span.start;
          const body = this.block();
          return { kind: "Region", body, span: this.spanFrom(start) };
        }
        case "{":
          return this.block();
        default:
          return this.exprOrAssign();
      }
    } finally {
      this.depth--;
    }
  }

  private exprOrAssign(): Stmt {
    const start = this.peek().span.start;
    const target = this.expr();
    const op = this.peek();
    if (!ASSIGN_OPS.has(op.kind) || op.newlineBefore) return { kind: "ExprStmt", expr: target, span: this.spanFrom(start) };
    this.next();
    // Whether the target can be assigned to (2012) is checked by the resolver.
    const value = this.expr();
    return { kind: "Assign", op: op.kind as "=" | "+=" | "-=" | "*=" | "/=", target, value, span: this.spanFrom(start) };
  }

  private letStmt(): LetStmt {
    const start = this.peek().span.start;
    const mutable = this.next().kind === "var";
    const name = this.expectIdent("a name");
    const type = this.eat(":") ? this.typeName() : undefined;
    this.expect("=");
    const init = this.expr();
    return { kind: "Let", mutable, name: name.text, nameSpan: name.span, type, init, span: this.spanFrom(start) };
  }

  private funcDecl(): FuncDecl {
    const start = this.peek().span.start;
    const isAsync = this.eat("async");
    this.expect("func");
    const name = this.expectIdent("a function name");
    const params = this.params();
    const returnType = this.eat("->") ? this.typeName() : undefined;
    const body = this.block();
    return { kind: "Func", name: name.text, nameSpan: name.span, params, returnType, body, isAsync, span: this.spanFrom(start) };
  }

  /** `(a, b: number, c = 1)`, for functions and lambdas; defaulted parameters come last. */
  private params(): Param[] {
    this.expect("(");
    return this.within({}, () => {
      const params: Param[] = [];
      while (!this.at(")")) {
        const p = this.param();
        if (this.eat("=")) p.default = this.expr();
        else if (params.some((q) => q.default)) this.fail(`parameter '${p.name}' needs a default value: it follows a parameter that has one`);
        p.span = this.spanFrom(p.span.start);
        params.push(p);
        if (!this.eat(",")) break;
      }
      this.expect(")");
      return params;
    });
  }

  private param(): Param {
    const name = this.expectIdent("a parameter name");
    const type = this.eat(":") ? this.typeName() : undefined;
    return { name: name.text, type, span: this.spanFrom(name.span.start) };
  }

  private typeName(): TypeName {
    const t = this.peek();
    if (t.kind !== "ident" && t.kind !== "nil" && t.kind !== "func") this.fail(`expected a type but found ${describe(t)}`);
    this.next();
    if (t.kind === "ident" && this.at(".") && this.peek(1).kind === "ident") {
      this.next();
      const name = this.next();
      return { kind: "qualified", module: t.text, name: name.text, span: this.spanFrom(t.span.start) };
    }
    return { kind: "named", name: t.text, span: t.span };
  }

  /** `struct Name { field: type, ... }`, fields separated by commas or newlines. */
  private structDecl(): Stmt {
    const start = this.next().span.start;
    const name = this.expectIdent("a struct name");
    this.expect("{");
    const fields: Param[] = [];
    while (!this.at("}")) {
      fields.push(this.param());
      if (this.eat(",") || this.at("}")) continue;
      if (!this.peek().newlineBefore) this.fail(`expected ',' or a newline between fields but found ${describe(this.peek())}`);
    }
    this.next();
    return { kind: "Struct", name: name.text, nameSpan: name.span, fields, span: this.spanFrom(start) };
  }

  private actorDecl(): Stmt {
    const keyword = this.next();
    const start = keyword.span.start;
    const name = this.expectIdent("an actor name");
    this.expect("{");
    const member = (): LetStmt | FuncDecl => {
      const t = this.peek();
      if (t.kind === "let" || t.kind === "var") return this.letStmt();
      if (t.kind === "func" || t.kind === "async") return this.funcDecl();
      return this.fail(`expected 'var', 'let' or 'func' in an actor but found ${describe(t)}`);
    };
    // A line that cannot start a member, indented no deeper than `actor`, means the `}` is missing.
    const ends = () => {
      const t = this.peek();
      const memberStart = ["let", "var", "func", "async"].includes(t.kind);
      return t.newlineBefore && !memberStart && this.column(t) <= this.column(keyword);
    };
    const members = this.within({ newlines: true }, () => this.statements(member, true, ends));
    if (!this.eat("}")) this.error(this.peek().span, `expected '}' to close actor '${name.text}' but found ${describe(this.peek())}`);
    return {
      kind: "Actor",
      name: name.text,
      nameSpan: name.span,
      state: members.filter((m): m is LetStmt => m.kind === "Let"),
      methods: members.filter((m): m is FuncDecl => m.kind === "Func"),
      span: this.spanFrom(start),
    };
  }

  private importStmt(): Stmt {
    const start = this.next().span.start;
    const path = this.peek();
    if (path.kind !== "string") this.fail(`expected a module path string but found ${describe(path)}`);
    this.next();
    this.expect("as");
    const alias = this.expectIdent("a module alias");
    return {
      kind: "Import",
      path: path.value as string,
      pathSpan: path.span,
      alias: alias.text,
      aliasSpan: alias.span,
      span: this.spanFrom(start),
    };
  }

  private ifStmt(): Stmt {
    const start = this.next().span.start;
    const branches = [{ cond: this.condition(), body: this.block() }];
    while (this.eat("elif")) branches.push({ cond: this.condition(), body: this.block() });
    let elseBody: Block | undefined;
    if (this.eat("else")) {
      if (this.at("if")) this.fail("expected '{' but found 'if' (write 'elif' for else-if)");
      elseBody = this.block();
    }
    return { kind: "If", branches, elseBody, span: this.spanFrom(start) };
  }

  private forStmt(): Stmt {
    const start = this.next().span.start;
    const first = this.expectIdent("a loop variable");
    const second = this.eat(",") ? this.expectIdent("a second loop variable") : undefined;
    this.expect("in");
    const iterable = this.condition();
    const body = this.block();
    return {
      kind: "For",
      first: first.text,
      firstSpan: first.span,
      second: second?.text,
      secondSpan: second?.span,
      iterable,
      body,
      span: this.spanFrom(start),
    };
  }

  private tryStmt(): Stmt {
    const start = this.next().span.start;
    const body = this.block();
    let catchName: Token | undefined;
    let catchBody: Block | undefined;
    let finallyBody: Block | undefined;
    if (this.eat("catch")) {
      if (this.at("ident")) catchName = this.next();
      catchBody = this.block();
    }
    if (this.eat("finally")) finallyBody = this.block();
    if (!catchBody && !finallyBody) this.fail(`expected 'catch' or 'finally' but found ${describe(this.peek())}`);
    return {
      kind: "Try",
      body,
      catchName: catchName?.text,
      catchSpan: catchName?.span,
      catchBody,
      finallyBody,
      span: this.spanFrom(start),
    };
  }

  private block(): Block {
    this.enter();
    try {
      const start = this.expect("{").span.start;
      const body = this.within({ newlines: true }, () => this.statements(() => this.statement()));
      this.expect("}");
      return { kind: "Block", body, span: this.spanFrom(start) };
    } finally {
      this.depth--;
    }
  }

  /** The condition of if/elif/while, the iterable of for, the subject of match. */
  private condition(): Expr {
    return this.within({ newlines: this.ctx.newlines, noStruct: true }, () => this.expr());
  }

  // ---------- expressions ----------

  private expr(minPrec = OR): Expr {
    this.enter();
    try {
      const start = this.peek().span.start;
      let left = this.prefix(minPrec);
      let lastNonAssoc = 0;
      for (;;) {
        const op = this.peek();
        const prec = BINARY_PREC[op.kind];
        if (prec === undefined || prec < minPrec || (this.ctx.newlines && op.newlineBefore)) return left;
        this.next();
        // `**` is right-associative and its right side may be negated: 2 ** -1.
        const right = this.expr(prec === POWER ? PREFIX : prec + 1);
        const span = this.spanFrom(start);
        if ((prec === COMPARE || prec === RANGE) && lastNonAssoc === prec) {
          // one report per chain, however long
          const what = prec === COMPARE ? "comparison operators cannot be chained; combine them with 'and'" : "range operators cannot be chained";
          if (left.kind !== "ErrorExpr") this.error(op.span, what);
          left = { kind: "ErrorExpr", span };
          continue;
        }
        lastNonAssoc = prec === COMPARE || prec === RANGE ? prec : 0;
        left = this.binary(op, left, right, span);
      }
    } finally {
      this.depth--;
    }
  }

  private binary(op: Token, left: Expr, right: Expr, span: Span): Expr {
    switch (op.kind) {
      case "or":
      case "||":
        return { kind: "Logical", op: "or", left, right, span };
      case "and":
      case "&&":
        return { kind: "Logical", op: "and", left, right, span };
      case "..":
      case "..=":
        return { kind: "Range", from: left, to: right, inclusive: op.kind === "..=", span };
      default:
        return { kind: "Binary", op: op.kind as BinaryOp, left, right, opSpan: op.span, span };
    }
  }

  private prefix(minPrec: number): Expr {
    const t = this.peek();
    const start = t.span.start;
    switch (t.kind) {
      case "not":
      case "!": {
        if (minPrec > NOT) this.fail(`'${t.text}' binds looser than this operator: wrap it in parentheses`);
        this.next();
        const operand = this.expr(NOT);
        return { kind: "Unary", op: "not", operand, span: this.spanFrom(start) };
      }
      case "-": {
        this.next();
        const operand = this.expr(PREFIX);
        return { kind: "Unary", op: "-", operand, span: this.spanFrom(start) };
      }
      case "await": {
        this.next();
        const operand = this.expr(PREFIX);
        return { kind: "Await", operand, span: this.spanFrom(start) };
      }
      case "spawn": {
        this.next();
        const call = this.postfix(this.primary());
        const span = this.spanFrom(start);
        if (call.kind !== "Call") {
          this.error(call.span, "'spawn' must be followed by a call, as in 'spawn f(x)'");
          return { kind: "ErrorExpr", span };
        }
        return { kind: "Spawn", call, span };
      }
      default:
        return this.postfix(this.primary());
    }
  }

  private postfix(target: Expr): Expr {
    let e = target;
    const start = target.span.start;
    for (;;) {
      const t = this.peek();
      // The lexer only makes a `'` token when it directly follows an operand.
      if (t.kind === "'") {
        this.next();
        e = { kind: "Transpose", operand: e, span: this.spanFrom(start) };
        continue;
      }
      if (this.ctx.newlines && t.newlineBefore) return e;
      if (t.kind === "(") {
        this.next();
        const args = this.within({}, () => this.list(")", () => this.expr()));
        e = { kind: "Call", callee: e, args, span: this.spanFrom(start) };
      } else if (t.kind === "[") {
        e = this.index(e);
      } else if (t.kind === ".") {
        this.next();
        const name = this.expectIdent("a field name");
        e =
          e.kind === "Ident" && this.structAllowed()
            ? this.structLit(start, e.name, name)
            : { kind: "Member", target: e, name: name.text, nameSpan: name.span, span: this.spanFrom(start) };
      } else {
        return e;
      }
    }
  }

  /** Comma-separated items up to `close` (a trailing comma is allowed); consumes `close`. */
  private list<T>(close: TokenKind, item: () => T): T[] {
    const items: T[] = [];
    while (!this.at(close)) {
      items.push(item());
      if (!this.eat(",")) break;
    }
    this.expect(close);
    return items;
  }

  private index(target: Expr): Index {
    this.next();
    const indices = this.within({}, () => {
      const entries: (Expr | SliceBounds)[] = [this.indexEntry()];
      while (this.eat(",")) entries.push(this.indexEntry());
      this.expect("]");
      return entries;
    });
    return { kind: "Index", target, indices, span: this.spanFrom(target.span.start) };
  }

  /** `i`, or a slice `a:b`, `a:`, `:b`, `:`. */
  private indexEntry(): Expr | SliceBounds {
    const start = this.peek().span.start;
    const from = this.at(":") ? undefined : this.expr();
    if (!this.eat(":")) return from!;
    const to = this.at(",") || this.at("]") ? undefined : this.expr();
    return { kind: "SliceBounds", from, to, span: this.spanFrom(start) };
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case "number":
        this.next();
        return { kind: "Number", value: t.value as number, span: t.span };
      case "string":
        this.next();
        return { kind: "String", value: t.value as string, span: t.span };
      case "template":
        this.next();
        return this.interpolation(t);
      case "true":
      case "false":
        this.next();
        return { kind: "Bool", value: t.kind === "true", span: t.span };
      case "nil":
        this.next();
        return { kind: "Nil", span: t.span };
      case "var":
        // the builtin variance, `var(x)`; elsewhere `var` only starts a declaration
        if (this.peek(1).kind !== "(") return this.fail(`expected an expression but found ${describe(t)}`);
        this.next();
        return { kind: "Ident", name: "var", span: t.span };
      case "ident":
        if (!this.ctx.noLambda && this.peek(1).kind === "=>") {
          this.next();
          return this.lambda(t.span.start, [{ name: t.text, span: t.span }]);
        }
        this.next();
        if (this.structAllowed()) return this.structLit(t.span.start, undefined, t);
        return { kind: "Ident", name: t.text, span: t.span };
      case "(": {
        const close = this.closeOf[this.pos];
        if (!this.ctx.noLambda && close >= 0 && this.tokens[close + 1]?.kind === "=>") {
          return this.lambda(t.span.start, this.params());
        }
        this.next();
        return this.within({}, () => {
          const inner = this.expr();
          this.expect(")");
          return inner;
        });
      }
      case "[":
        return this.bracket();
      case "{":
        return this.mapLit();
      case "match":
        return this.matchExpr();
      default:
        return this.fail(`expected an expression but found ${describe(t)}`);
    }
  }

  /** Parses each `${...}` with its own parser; parts alternate text and expression. */
  private interpolation(t: Token): Expr {
    const parts: (string | Expr)[] = [];
    for (const part of t.parts ?? []) {
      if (part.kind === "text") {
        parts.push(part.value);
        continue;
      }
      const sub = new Parser(this.source, this.diags, part.tokens, this.lexicalErrorLines, false, this.depth);
      sub.silent = this.silent;
      parts.push(sub.embedded(part.span));
      this.troubles += sub.troubles;
    }
    return { kind: "Interp", parts, span: t.span };
  }

  /** The whole token list as one expression; a broken one becomes an ErrorExpr. */
  private embedded(span: Span): Expr {
    try {
      const e = this.expr();
      if (!this.at("eof")) this.fail(`expected '}' but found ${describe(this.peek())}`);
      return e;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      return { kind: "ErrorExpr", span };
    }
  }

  private lambda(start: number, params: Param[]): Expr {
    this.expect("=>");
    const body = this.lambdaBody();
    return { kind: "Lambda", params, body, span: this.spanFrom(start) };
  }

  /** After `=>`: `{` opens a block, unless it starts a map like `{"k": v}`. */
  private lambdaBody(): Expr | Block {
    const mapLike = ["string", "number", "ident"].includes(this.peek(1).kind) && this.peek(2).kind === ":";
    return this.at("{") && !mapLike ? this.block() : this.expr();
  }

  /** `[a, b]` is a list; a `;` at bracket level makes a matrix: `[1, 2; 3, 4]`, `[1, 2;]`, `[;]`. */
  private bracket(): Expr {
    const start = this.next().span.start;
    return this.within({}, () => {
      if (this.eat("]")) return { kind: "List", items: [], span: this.spanFrom(start) };
      if (this.at(";") && this.peek(1).kind === "]") {
        this.next();
        this.next();
        return { kind: "Matrix", rows: [], span: this.spanFrom(start) };
      }
      const rows: Expr[][] = [];
      let row: Expr[] = [];
      let matrix = false;
      for (;;) {
        row.push(this.expr());
        const comma = this.eat(",");
        if (this.eat(";")) {
          matrix = true;
          rows.push(row);
          row = [];
          if (this.at("]")) break;
          continue;
        }
        if (!comma || this.at("]")) break;
      }
      this.expect("]");
      const span = this.spanFrom(start);
      if (!matrix) return { kind: "List", items: row, span };
      if (row.length) rows.push(row);
      const bad = rows.findIndex((r) => r.length !== rows[0].length);
      if (bad > 0) {
        const r = rows[bad];
        this.error(
          { start: r[0].span.start, end: r[r.length - 1].span.end },
          `matrix rows must have equal lengths: row 1 has ${rows[0].length} elements, row ${bad + 1} has ${r.length}`,
        );
      }
      return { kind: "Matrix", rows, span };
    });
  }

  private mapLit(): Expr {
    const start = this.next().span.start;
    const entries = this.within({}, () =>
      this.list("}", () => {
        const key = this.expr();
        this.expect(":");
        return { key, value: this.expr() };
      }),
    );
    return { kind: "Map", entries, span: this.spanFrom(start) };
  }

  /** `Name { x: 1, y }` (the name already consumed); a field without a value takes the variable. */
  private structLit(start: number, module: string | undefined, name: Token): StructLit {
    this.expect("{");
    const fields = this.within({}, () =>
      this.list("}", () => {
        const field = this.expectIdent("a field name");
        const value: Expr = this.eat(":") ? this.expr() : { kind: "Ident", name: field.text, span: field.span };
        return { name: field.text, value, span: this.spanFrom(field.span.start) };
      }),
    );
    return { kind: "StructLit", module, name: name.text, nameSpan: name.span, fields, span: this.spanFrom(start) };
  }

  // ---------- match ----------

  private matchExpr(): MatchExpr {
    const start = this.next().span.start;
    const subject = this.condition();
    this.expect("{");
    const cases = this.within({ newlines: true }, () => {
      const out: MatchCase[] = [];
      while (!this.at("}") && !this.at("eof")) {
        if (!this.at("case")) this.fail(`expected 'case' or '}' but found ${describe(this.peek())}`);
        const caseStart = this.pos;
        try {
          out.push(this.matchCase());
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          this.skipCase(caseStart);
        }
      }
      return out;
    });
    this.expect("}");
    return { kind: "Match", subject, cases, span: this.spanFrom(start) };
  }

  private matchCase(): MatchCase {
    const start = this.next().span.start;
    const pattern = this.pattern();
    const guard = this.eat("if") ? this.within({ newlines: true, noLambda: true }, () => this.expr()) : undefined;
    this.expect("=>");
    const body = this.lambdaBody();
    return { pattern, guard, body, span: this.spanFrom(start) };
  }

  /**
   * After a broken case that began at token `start`: skip to the next `case` or the `}` of the
   * match. Only braces count, as `case` cannot occur inside ( ) or [ ] (a `(` may be left open).
   */
  private skipCase(start: number): void {
    const errorAt = Math.max(this.pos, start + 1);
    let braces = 0;
    let i = start;
    for (; i < this.tokens.length; i++) {
      const kind = this.tokens[i].kind;
      if (kind === "eof" || (i >= errorAt && braces === 0 && (kind === "case" || kind === "}"))) break;
      if (kind === "{") braces++;
      else if (kind === "}") braces = Math.max(0, braces - 1);
    }
    this.pos = Math.min(i, this.tokens.length - 1);
  }

  private pattern(): Pattern {
    this.enter();
    try {
      const t = this.peek();
      switch (t.kind) {
        case "number":
          this.next();
          return { kind: "PLiteral", value: t.value as number, span: t.span };
        case "-": {
          this.next();
          const n = this.peek();
          if (n.kind !== "number") this.fail(`expected a number after '-' in a pattern but found ${describe(n)}`);
          this.next();
          return { kind: "PLiteral", value: -(n.value as number), span: this.spanFrom(t.span.start) };
        }
        case "string":
          this.next();
          return { kind: "PLiteral", value: t.value as string, span: t.span };
        case "true":
        case "false":
          this.next();
          return { kind: "PLiteral", value: t.kind === "true", span: t.span };
        case "nil":
          this.next();
          return { kind: "PLiteral", value: null, span: t.span };
        case "[": {
          this.next();
          const items = this.within({}, () => this.list("]", () => this.pattern()));
          return { kind: "PList", items, span: this.spanFrom(t.span.start) };
        }
        case "ident": {
          this.next();
          if (this.at(".") && this.peek(1).kind === "ident" && this.peek(2).kind === "{") {
            this.next();
            return this.structPattern(t.span.start, t.text, this.next());
          }
          if (this.at("{")) return this.structPattern(t.span.start, undefined, t);
          if (t.text === "_") return { kind: "PWildcard", span: t.span };
          return { kind: "PBind", name: t.text, span: t.span };
        }
        default:
          return this.fail(`expected a pattern but found ${describe(t)}`);
      }
    } finally {
      this.depth--;
    }
  }

  /** `Point { x, y: 0 }`: a field without a pattern binds a variable of the same name. */
  private structPattern(start: number, module: string | undefined, name: Token): Pattern {
    this.expect("{");
    const fields = this.within({}, () =>
      this.list("}", () => {
        const field = this.expectIdent("a field name");
        const pattern: Pattern = this.eat(":") ? this.pattern() : { kind: "PBind", name: field.text, span: field.span };
        return { name: field.text, pattern, span: this.spanFrom(field.span.start) };
      }),
    );
    return { kind: "PStruct", module, name: name.text, fields, span: this.spanFrom(start) };
  }
}
