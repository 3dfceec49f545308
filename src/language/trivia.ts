// The text between tokens: comments and line breaks, which the lexer skips. The formatter keeps
// every comment, so it reads them back from the gaps between the tokens' spans.
import type { Token } from "../compiler/tokens.js";

export interface Comment {
  /** The comment's source text, `//` or `/*` included. */
  text: string;
  /** A `//` comment: the line ends with it. */
  line: boolean;
  /** Line breaks between the comment and what comes before it. */
  breaksBefore: number;
}

export interface Trivia {
  /** Comments on the line of the token before, after it. */
  trailing: Comment[];
  /** Comments on lines of their own (or after those), before the token. */
  leading: Comment[];
  /** Line breaks between the last comment (or the token before) and the token. */
  breaksBefore: number;
  /** Line breaks anywhere in the gap, comments included: what the parser sees as newlineBefore. */
  anyBreak: boolean;
}

const countBreaks = (text: string) => text.split("\n").length - 1;

/** The trivia before each token (the last one, before the end of input, included). */
export function triviaOf(text: string, tokens: Token[]): Trivia[] {
  const out: Trivia[] = [];
  let prevEnd = 0;
  for (let i = 0; i < tokens.length; i++) {
    out.push(scanGap(text, prevEnd, tokens[i].span.start, i === 0));
    prevEnd = tokens[i].span.end;
  }
  return out;
}

/** The trivia of gaps without comments, by their line breaks (0, 1, 2 or more: all the layout tells apart). */
const PLAIN: readonly Trivia[] = [0, 1, 2].map((breaks) => Object.freeze({ trailing: [], leading: [], breaksBefore: breaks, anyBreak: breaks > 0 }));

function scanGap(text: string, start: number, end: number, first: boolean): Trivia {
  // most gaps are a space or a line's indentation: one shared object each
  let breaks = 0;
  let plain = true;
  for (let i = start; i < end && plain; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) breaks++;
    else if (c === 47) plain = false; // "/"
  }
  return plain ? PLAIN[Math.min(breaks, 2)] : scanComments(text, start, end, first);
}

function scanComments(text: string, start: number, end: number, first: boolean): Trivia {
  const trivia: Trivia = { trailing: [], leading: [], breaksBefore: 0, anyBreak: false };
  let pos = start;
  let breaks = 0;
  // at the very start of a file nothing precedes a comment: it is leading
  let sameLine = !first;
  while (pos < end) {
    const c = text[pos];
    if (c === "\n") {
      breaks++;
      sameLine = false;
      pos++;
    } else if (c === "/" && (text[pos + 1] === "/" || text[pos + 1] === "*")) {
      const line = text[pos + 1] === "/";
      let stop: number;
      if (line) {
        stop = text.indexOf("\n", pos);
        if (stop < 0 || stop > end) stop = end;
      } else {
        const close = text.indexOf("*/", pos + 2);
        stop = close < 0 || close + 2 > end ? end : close + 2;
      }
      // a `//` comment's line may end in \r, which belongs to the line break
      const body = text.slice(pos, stop).replace(/\s+$/, "");
      const comment: Comment = { text: body, line, breaksBefore: breaks };
      (sameLine ? trivia.trailing : trivia.leading).push(comment);
      if (countBreaks(body) > 0) {
        trivia.anyBreak = true;
        sameLine = false;
      }
      breaks = 0;
      pos = stop;
    } else {
      pos++;
    }
  }
  trivia.breaksBefore = breaks;
  trivia.anyBreak ||= trivia.leading.length > 0 || breaks > 0 || trivia.trailing.some((c) => c.line);
  return trivia;
}
