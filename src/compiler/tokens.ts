// Tokens produced by the lexer. Keywords and punctuators use their own text as their kind, so the
// parser can test `tok.kind === "while"` or `tok.kind === "=>"` directly.
import type { Span } from "./ast.js";

export const KEYWORDS = [
  "let",
  "var",
  "func",
  "return",
  "if",
  "elif",
  "else",
  "while",
  "for",
  "in",
  "break",
  "continue",
  "match",
  "case",
  "true",
  "false",
  "nil",
  "try",
  "catch",
  "finally",
  "throw",
  "import",
  "as",
  "struct",
  "actor",
  "spawn",
  "async",
  "await",
  "region",
  "and",
  "or",
  "not",
] as const;
export type Keyword = (typeof KEYWORDS)[number];

/** Every operator and delimiter, longest first so the scanner can match greedily. */
export const PUNCTUATORS = [
  "..=",
  "**",
  ".*",
  "./",
  ".^",
  "..",
  "==",
  "!=",
  "<=",
  ">=",
  "+=",
  "-=",
  "*=",
  "/=",
  "=>",
  "->",
  "&&",
  "||",
  "+",
  "-",
  "*",
  "/",
  "%",
  "\\",
  "<",
  ">",
  "=",
  "!",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ";",
  ":",
  ".",
  "'",
] as const;
export type Punctuator = (typeof PUNCTUATORS)[number];

export type TokenKind =
  | "number" // value: number
  | "string" // a string without interpolation; value: the decoded text
  | "template" // a string with ${...} parts; see `parts`
  | "ident"
  | "invalid" // characters that start no token; the lexer has already reported them
  | "eof" // end of input, or the `}` that closes an interpolation (then text is "}")
  | Keyword
  | Punctuator;

/**
 * One piece of an interpolated string. Parts alternate text and expression, beginning and ending
 * with text (possibly empty). An expression part holds the tokens between `${` and `}`, with
 * offsets into the whole source, terminated by an "eof" token placed on the closing `}`.
 */
export type TemplatePart = { kind: "text"; value: string; span: Span } | { kind: "expr"; tokens: Token[]; span: Span };

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** The number of a "number" token, the decoded text of a "string" token. */
  value?: number | string;
  /** The parts of a "template" token. */
  parts?: TemplatePart[];
  span: Span;
  /** A line break (possibly inside a comment) separates this token from the previous one. */
  newlineBefore: boolean;
}

const keywordSet: ReadonlySet<string> = new Set(KEYWORDS);

export function isKeyword(text: string): text is Keyword {
  return keywordSet.has(text);
}
