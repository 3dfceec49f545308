// Parsing a document again after an edit, reusing the earlier parse: the text is lexed again
// from a little before the edit until the tokens meet the earlier ones again (the same token
// ending at the same place, shifted), and a top-level statement is taken from the earlier tree
// when it parsed with no error and every token it looked at is unchanged (all before the edit,
// or all after it); taken statements after the edit have their positions shifted. (Columns,
// which an edit earlier on a line changes, matter to the parser only where it reports an error.) The result is what a parse of the whole text gives: the same
// tree, tokens and diagnostics (tests/language-service/reparse.test.ts checks it on random edits).
import type { Program, Span, Stmt } from "../compiler/ast.js";
import { DiagnosticBag, MAX_ERRORS, SourceFile } from "../compiler/diagnostics.js";
import { lex, lexFrom } from "../compiler/lexer.js";
import { parse, parseTokens, type TopStatement } from "../compiler/parser.js";
import type { Token } from "../compiler/tokens.js";

/** A lexical error, kept to be reported again where the text around it did not change. */
interface LexicalError {
  span: Span;
  code: number;
  message: string;
}

/** What a later parse of an edited text can reuse. Its tree is shifted in place when reused: a state is reused once. */
export interface ParseState {
  source: SourceFile;
  tokens: Token[];
  lexical: LexicalError[];
  tops: TopStatement[];
}

export interface Parse {
  program: Program;
  /** The lexer's and the parser's diagnostics, as a parse of the whole text reports them. */
  diagnostics: DiagnosticBag;
  /** What the next parse can reuse; none after a failure of the host stack or a flood of lexical errors. */
  state?: ParseState;
}

const BLOCK = 256;

/** The lexer looks at most this many characters past a token's end to decide where it ends. */
const LEXER_LOOKAHEAD = 3;

export function reparse(path: string, text: string, previous?: ParseState): Parse {
  const source = new SourceFile(path, text);
  const lexed = (previous && relex(previous, source)) ?? lexWhole(source);
  if (!lexed) {
    // more lexical errors than are reported: parse as the compiler does, with nothing to keep
    const diagnostics = new DiagnosticBag();
    return { program: parse(source, diagnostics), diagnostics };
  }
  const diagnostics = new DiagnosticBag();
  for (const e of lexed.lexical) diagnostics.reportMessage(source, e.span, e.code, e.message);
  const lines = new Set(diagnostics.items.map((d) => d.line));
  const { program, tops } = parseTokens(source, diagnostics, lexed.tokens, lines, lexed.reuse);
  return { program, diagnostics, state: tops && { source, tokens: lexed.tokens, lexical: lexed.lexical, tops } };
}

interface Lexed {
  tokens: Token[];
  lexical: LexicalError[];
  reuse?: (first: number) => TopStatement | undefined;
}

function lexWhole(source: SourceFile): Lexed | undefined {
  const bag = new DiagnosticBag();
  const tokens = lex(source, bag);
  return bag.items.length > MAX_ERRORS ? undefined : { tokens, lexical: bag.items.map(lexicalError) };
}

const lexicalError = ({ span, code, message }: LexicalError): LexicalError => ({ span, code, message });

/** The tokens of the new text from the earlier ones, lexing again only around the edit; undefined when it must all be lexed. */
function relex(previous: ParseState, source: SourceFile): Lexed | undefined {
  const old = previous.tokens;
  const before = previous.source.text;
  const text = source.text;
  // the edit: old [from, length - tail) became new [from, newTo); compared a block at a time, natively
  const limit = Math.min(before.length, text.length);
  let from = 0;
  while (from + BLOCK <= limit && before.startsWith(text.slice(from, from + BLOCK), from)) from += BLOCK;
  while (from < limit && before.charCodeAt(from) === text.charCodeAt(from)) from++;
  let tail = 0;
  while (tail + BLOCK <= limit - from && before.endsWith(text.slice(text.length - tail - BLOCK, text.length - tail), before.length - tail)) tail += BLOCK;
  while (tail < limit - from && before.charCodeAt(before.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)) tail++;
  const newTo = text.length - tail;
  const delta = text.length - before.length;

  // keep the tokens whose lexing could not see the edit
  const kept = firstEndingAfter(old, from - LEXER_LOOKAHEAD);
  const prev = kept > 0 ? old[kept - 1] : undefined;
  const bag = new DiagnosticBag();
  let resumeAt = old.length;
  let j = kept;
  const region = lexFrom(source, bag, prev?.span.end ?? 0, prev, (t) => {
    if (t.span.end < newTo) return false;
    // the same token ending at the same place: from here on the old tokens follow, shifted
    const end = t.span.end - delta;
    while (j < old.length && old[j].span.end < end) j++;
    if (j < old.length - 1 && old[j].span.end === end && old[j].kind === t.kind) {
      resumeAt = j + 1;
      return true;
    }
    return false;
  });
  if (bag.items.length > MAX_ERRORS) return undefined;
  const tokens = old.slice(0, kept);
  for (const t of region) tokens.push(t);
  for (let i = resumeAt; i < old.length; i++) {
    if (delta !== 0) shiftToken(old[i], delta);
    tokens.push(old[i]);
  }

  const regionStart = prev?.span.end ?? 0;
  const resumeEnd = resumeAt < old.length ? old[resumeAt - 1].span.end : Number.POSITIVE_INFINITY;
  const lexical = previous.lexical.filter((e) => e.span.start < regionStart);
  for (const d of bag.items) lexical.push(lexicalError(d));
  for (const e of previous.lexical) if (e.span.start >= resumeEnd) lexical.push({ ...e, span: shift(e.span, delta) });
  if (lexical.length > MAX_ERRORS) return undefined;

  // old token i >= resumeAt is new token i + moved
  const moved = kept + region.length - resumeAt;
  const unmoved = new Map<number, TopStatement>();
  const after = new Map<number, TopStatement>();
  for (const top of previous.tops) {
    if (top.lookahead < kept) unmoved.set(top.first, top);
    else if (top.first >= resumeAt) after.set(top.first + moved, top);
  }
  const reuse = (first: number): TopStatement | undefined => {
    const top = after.get(first);
    if (!top) return unmoved.get(first);
    if (delta !== 0) shiftSpans(top.stmt, delta);
    return { stmt: top.stmt, first, end: top.end + moved, lookahead: top.lookahead + moved, depth: top.depth, depthAt: top.depthAt + delta };
  };
  return { tokens, lexical, reuse };
}

/** The index of the first token ending after `offset` (tokens end in order). */
function firstEndingAfter(tokens: Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].span.end > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const shift = (s: Span, delta: number): Span => ({ start: s.start + delta, end: s.end + delta });

/** Moves a token of the earlier parse, which no one else holds (its span objects are shared with the tree: replaced, not changed). */
function shiftToken(t: Token, delta: number): void {
  t.span = shift(t.span, delta);
  for (const p of t.parts ?? []) {
    p.span = shift(p.span, delta);
    if (p.kind === "expr") for (const u of p.tokens) shiftToken(u, delta);
  }
}

/** Moves every position in a statement's tree by `delta`, giving each node new span objects (tokens share them). */
function shiftSpans(stmt: Stmt, delta: number): void {
  // without recursion: chains can be thousands of links long
  const stack: unknown[] = [stmt];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const n of node) if (n !== null && typeof n === "object") stack.push(n);
      continue;
    }
    const o = node as Record<string, unknown>;
    for (const key in o) {
      const value = o[key];
      if (value === null || typeof value !== "object") continue;
      if (key.endsWith("pan")) o[key] = shift(value as Span, delta);
      else stack.push(value);
    }
  }
}
