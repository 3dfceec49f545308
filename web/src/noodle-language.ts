// Noodle highlighting for CodeMirror: a stream tokenizer over the lexer's own keyword list, so a
// keyword added to the language is highlighted without a second list to keep in step.
import { LanguageSupport, StreamLanguage, type StringStream } from "@codemirror/language";
import { BUILTINS, isHostOnlyName } from "../../src/bytecode/builtin-table.js";
import { KEYWORDS } from "../../src/compiler/tokens.js";

const keywords: ReadonlySet<string> = new Set(KEYWORDS);
const atoms: ReadonlySet<string> = new Set(["true", "false", "nil"]);
const builtins: ReadonlySet<string> = new Set(BUILTINS.map((b) => b.name).filter((n) => !isHostOnlyName(n)));

interface State {
  /** Inside a block comment that continues on the next line. */
  inComment: boolean;
  /** Inside a string that continues (interpolations may hold newlines). */
  inString: boolean;
}

function stringBody(stream: StringStream, state: State): string {
  while (!stream.eol()) {
    const ch = stream.next();
    if (ch === "\\") stream.next();
    else if (ch === '"') {
      state.inString = false;
      return "string";
    }
  }
  return "string";
}

const noodle = StreamLanguage.define<State>({
  name: "noodle",
  startState: () => ({ inComment: false, inString: false }),
  token(stream, state) {
    if (state.inComment) {
      if (stream.skipTo("*/")) {
        stream.match("*/");
        state.inComment = false;
      } else stream.skipToEnd();
      return "blockComment";
    }
    if (state.inString) return stringBody(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "lineComment";
    }
    if (stream.match("/*")) {
      state.inComment = true;
      return this.token!(stream, state);
    }
    if (stream.eat('"')) {
      state.inString = true;
      return stringBody(stream, state);
    }
    if (stream.match(/^(0x[0-9a-fA-F_]+|0b[01_]+|\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?)/)) return "number";
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (word) {
      const w = word[0];
      if (atoms.has(w)) return "atom";
      if (keywords.has(w)) return "keyword";
      if (builtins.has(w) && stream.peek() === "(") return "variableName.standard";
      return stream.peek() === "(" ? "variableName.function" : "variableName";
    }
    if (stream.match(/^(\.\.=|\*\*|\.\*|\.\/|\.\.|==|!=|<=|>=|\+=|-=|\*=|\/=|=>|->|&&|\|\||[-+*/%\\<>=!'])/)) return "operator";
    if (stream.match(/^[()[\]{}]/)) return "bracket";
    stream.next();
    return null;
  },
  languageData: {
    commentTokens: { line: "//", block: { open: "/*", close: "*/" } },
    closeBrackets: { brackets: ["(", "[", "{", '"'] },
  },
});

export function noodleLanguage(): LanguageSupport {
  return new LanguageSupport(noodle);
}
