// The scanner: turns source text into tokens. Lexical errors are reported as 2001 and scanning
// goes on, so the parser still sees the rest of the file.
import type { Span } from "./ast.js";
import type { DiagnosticBag, SourceFile } from "./diagnostics.js";
import { isKeyword, PUNCTUATORS, type Punctuator, type TemplatePart, type Token, type TokenKind } from "./tokens.js";

/** Deeper interpolation than this ("${"${"${...}"}"}") is reported instead of recursed into. */
const MAX_INTERPOLATION_DEPTH = 32;

/** A `'` right after one of these (with no space) is a transpose. */
const TRANSPOSABLE: ReadonlySet<TokenKind> = new Set<TokenKind>(["ident", "number", ")", "]", "'"]);

const punctuatorsByLength: ReadonlySet<string>[] = [1, 2, 3].map((n) => new Set<string>(PUNCTUATORS.filter((p) => p.length === n)));

const isDigit = (c: string) => c >= "0" && c <= "9";
const isIdentStart = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);
const isLineBreak = (c: string) => c === "\n" || c === "\r";
const isSpace = (c: string) => c === " " || c === "\t" || c === "\f" || c === "\v" || c === "\ufeff";

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ["n", "\n"],
  ["t", "\t"],
  ["r", "\r"],
  ["\\", "\\"],
  ['"', '"'],
  ["$", "$"],
]);

export function lex(source: SourceFile, diags: DiagnosticBag): Token[] {
  return new Lexer(source, diags).run();
}

/**
 * Lexes from `start`, the end of `prev` (undefined at the start of the text), as `lex` would go
 * on from there, one token at a time until `enough` says so after a token, or to the end (an
 * "eof" token last): how an editor's language service lexes again only what an edit changed.
 */
export function lexFrom(source: SourceFile, diags: DiagnosticBag, start: number, prev: Token | undefined, enough: (t: Token) => boolean): Token[] {
  return new Lexer(source, diags).from(start, prev, enough);
}

class Lexer {
  private readonly text: string;
  private pos = 0;
  private interpolationDepth = 0;
  /** Where the last reported unterminated string stopped, so enclosing strings stay quiet. */
  private unterminatedAt = -1;

  constructor(
    private readonly source: SourceFile,
    private readonly diags: DiagnosticBag,
  ) {
    this.text = source.text;
  }

  run(): Token[] {
    const tokens: Token[] = [];
    this.scanTokens(tokens, false);
    return tokens;
  }

  from(start: number, prev: Token | undefined, enough: (t: Token) => boolean): Token[] {
    const out: Token[] = [];
    this.pos = start;
    for (;;) {
      const newline = this.skipTrivia(false);
      if (this.pos >= this.text.length) {
        out.push({ kind: "eof", text: "", span: { start: this.pos, end: this.pos }, newlineBefore: newline });
        return out;
      }
      const t = this.scanToken(out[out.length - 1] ?? prev, newline);
      out.push(t);
      if (enough(t)) return out;
    }
  }

  private error(span: Span, detail: string): void {
    this.diags.report(this.source, span, "SyntaxError", { detail });
  }

  private peekChar(offset = 0): string {
    return this.text[this.pos + offset] ?? "";
  }

  private token(kind: TokenKind, start: number, newlineBefore: boolean): Token {
    return { kind, text: this.text.slice(start, this.pos), span: { start, end: this.pos }, newlineBefore };
  }

  /**
   * Scans tokens into `out` and ends them with an "eof" token. Inside an interpolation it stops
   * before the `}` that closes it (returning true) or at a line break or the end of input (false).
   */
  private scanTokens(out: Token[], interpolation: boolean): boolean {
    let braces = 0;
    let newline = false;
    for (;;) {
      newline = this.skipTrivia(interpolation) || newline;
      const c = this.peekChar();
      const end = this.pos >= this.text.length || (interpolation && isLineBreak(c));
      if (end || (interpolation && c === "}" && braces === 0)) {
        const closed = !end;
        const length = closed ? 1 : 0;
        out.push({
          kind: "eof",
          text: closed ? "}" : "",
          span: { start: this.pos, end: this.pos + length },
          newlineBefore: newline,
        });
        return closed;
      }
      if (c === "{") braces++;
      else if (c === "}") braces--;
      out.push(this.scanToken(out[out.length - 1], newline));
      newline = false;
    }
  }

  /** Skips spaces and comments; returns whether a line break was crossed. */
  private skipTrivia(stopAtLineBreak: boolean): boolean {
    let newline = false;
    while (this.pos < this.text.length) {
      const c = this.peekChar();
      if (c === "\n" || c === "\r") {
        if (stopAtLineBreak) break;
        newline = true;
        this.pos++;
      } else if (isSpace(c)) {
        this.pos++;
      } else if (c === "/" && this.peekChar(1) === "/") {
        while (this.pos < this.text.length && !isLineBreak(this.peekChar())) this.pos++;
      } else if (c === "/" && this.peekChar(1) === "*") {
        const start = this.pos;
        const close = this.text.indexOf("*/", this.pos + 2);
        const end = close < 0 ? this.text.length : close + 2;
        if (/[\r\n]/.test(this.text.slice(start, end))) newline = true;
        this.pos = end;
        if (close < 0) this.error({ start, end: start + 2 }, "unterminated block comment");
      } else {
        break;
      }
    }
    return newline;
  }

  private scanToken(prev: Token | undefined, newlineBefore: boolean): Token {
    const start = this.pos;
    const c = this.peekChar();
    if (isDigit(c)) return this.scanNumber(newlineBefore);
    if (isIdentStart(c)) {
      while (isIdentPart(this.peekChar())) this.pos++;
      const word = this.text.slice(start, this.pos);
      return this.token(isKeyword(word) ? word : "ident", start, newlineBefore);
    }
    if (c === '"') return this.scanString(newlineBefore);
    if (c === "'") {
      this.pos++;
      if (prev && prev.span.end === start && TRANSPOSABLE.has(prev.kind)) return this.token("'", start, newlineBefore);
      this.error({ start, end: this.pos }, "unexpected \"'\": strings use double quotes, and a transpose ' must directly follow its operand");
      return this.token("invalid", start, newlineBefore);
    }
    for (let n = 3; n >= 1; n--) {
      const candidate = this.text.slice(start, start + n);
      if (candidate.length === n && punctuatorsByLength[n - 1].has(candidate)) {
        this.pos += n;
        return this.token(candidate as Punctuator, start, newlineBefore);
      }
    }
    // A run of characters that start no token becomes one invalid token with one diagnostic.
    while (this.pos < this.text.length && !this.startsToken()) {
      this.pos += (this.text.codePointAt(this.pos) ?? 0) > 0xffff ? 2 : 1;
    }
    const bad = this.text.slice(start, this.pos);
    this.error({ start, end: this.pos }, `unexpected ${[...bad].length > 1 ? "characters" : "character"} '${bad}'`);
    return this.token("invalid", start, newlineBefore);
  }

  private startsToken(): boolean {
    const c = this.peekChar();
    if (isIdentPart(c) || c === '"' || c === "'" || isSpace(c) || isLineBreak(c)) return true;
    return punctuatorsByLength[0].has(c) || punctuatorsByLength[1].has(this.text.slice(this.pos, this.pos + 2));
  }

  private scanNumber(newlineBefore: boolean): Token {
    const start = this.pos;
    let value: number;
    let valid: boolean;
    const prefix = this.text.slice(start, start + 2).toLowerCase();
    if (prefix === "0x" || prefix === "0b") {
      this.pos += 2;
      while (isIdentPart(this.peekChar())) this.pos++;
      const digits = this.text.slice(start + 2, this.pos);
      valid = (prefix === "0x" ? /^[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/ : /^[01]+(_[01]+)*$/).test(digits);
      value = valid ? Number(prefix + digits.replace(/_/g, "")) : NaN;
    } else {
      this.skipDigits();
      // `1..5` is a range and `1.x` a member access: a dot belongs to the number only before a digit.
      if (this.peekChar() === "." && isDigit(this.peekChar(1))) {
        this.pos++;
        this.skipDigits();
      }
      const e = this.peekChar();
      const sign = this.peekChar(1);
      if ((e === "e" || e === "E") && (isDigit(sign) || ((sign === "+" || sign === "-") && isDigit(this.peekChar(2))))) {
        this.pos += isDigit(sign) ? 1 : 2;
        this.skipDigits();
      }
      while (isIdentPart(this.peekChar())) this.pos++;
      const text = this.text.slice(start, this.pos);
      valid = /^\d+(_\d+)*(\.\d+(_\d+)*)?([eE][+-]?\d+(_\d+)*)?$/.test(text);
      value = valid ? Number(text.replace(/_/g, "")) : NaN;
    }
    const tok = this.token("number", start, newlineBefore);
    if (!valid) this.error(tok.span, `invalid number '${tok.text}'`);
    tok.value = value;
    return tok;
  }

  private skipDigits(): void {
    while (isDigit(this.peekChar()) || this.peekChar() === "_") this.pos++;
  }

  private scanString(newlineBefore: boolean): Token {
    const start = this.pos++;
    const parts: TemplatePart[] = [];
    let text = "";
    let chunkStart = this.pos;
    let interpolated = false;
    let terminated = true;
    const flush = (end: number) => {
      parts.push({ kind: "text", value: text, span: { start: chunkStart, end } });
      text = "";
    };
    for (;;) {
      const c = this.peekChar();
      if (c === "" || isLineBreak(c)) {
        flush(this.pos);
        if (this.unterminatedAt !== this.pos) this.error({ start, end: this.pos }, "unterminated string");
        this.unterminatedAt = this.pos;
        terminated = false;
        break;
      }
      if (c === '"') {
        flush(this.pos);
        this.pos++;
        break;
      }
      if (c === "\\") {
        text += this.scanEscape();
      } else if (c === "$" && this.peekChar(1) === "{" && this.interpolationDepth < MAX_INTERPOLATION_DEPTH) {
        flush(this.pos);
        interpolated = true;
        const open = this.pos;
        this.pos += 2;
        const tokens: Token[] = [];
        this.interpolationDepth++;
        const closed = this.scanTokens(tokens, true);
        this.interpolationDepth--;
        // An unclosed ${ leaves the string unterminated; the loop reports it on the next round.
        if (closed) {
          this.pos++;
          parts.push({ kind: "expr", tokens, span: { start: open, end: this.pos } });
        }
        chunkStart = this.pos;
      } else if (c === "$" && this.peekChar(1) === "{") {
        this.error({ start: this.pos, end: this.pos + 2 }, "string interpolation is nested too deeply");
        this.pos += 2;
      } else {
        text += c;
        this.pos++;
      }
    }
    // An unterminated string is "invalid", so the parser does not report the same mistake again.
    const tok = this.token(!terminated ? "invalid" : interpolated ? "template" : "string", start, newlineBefore);
    if (interpolated) tok.parts = parts;
    else tok.value = parts.map((p) => (p.kind === "text" ? p.value : "")).join("");
    return tok;
  }

  /** Decodes the escape sequence at the backslash under the cursor. */
  private scanEscape(): string {
    const start = this.pos;
    const c = this.peekChar(1);
    const simple = SIMPLE_ESCAPES.get(c);
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (c === "" || isLineBreak(c)) {
      // The string is unterminated; that is reported by the caller.
      this.pos++;
      return "";
    }
    if (c === "u") {
      let j = this.pos + 2;
      const braced = this.text[j] === "{";
      if (braced) j++;
      const digitsStart = j;
      while (j < this.text.length && /[0-9a-fA-F]/.test(this.text[j])) j++;
      const digits = this.text.slice(digitsStart, j);
      const closed = braced && this.text[j] === "}";
      const code = parseInt(digits, 16);
      this.pos = closed ? j + 1 : j;
      if (closed && digits.length >= 1 && digits.length <= 6 && code <= 0x10ffff) return String.fromCodePoint(code);
      this.error({ start, end: this.pos }, "invalid unicode escape: expected \\u{...} with 1 to 6 hex digits up to 10FFFF");
      return "";
    }
    const ch = String.fromCodePoint(this.text.codePointAt(this.pos + 1) ?? 0);
    this.pos += 1 + ch.length;
    this.error({ start, end: this.pos }, `unknown escape sequence '\\${ch}'`);
    return ch;
  }
}
