// One document as the compiler sees it: compiled up to name resolution (no code), with its
// imports, and the indexes the features read, each made on first use. Completion of the names in
// scope needs only the parser's tree, so it does not wait for name resolution. The parse reuses
// the previous text's where the edit left it unchanged (reparse.ts), for the features and the
// compilation alike.
import type { Program } from "../compiler/ast.js";
import { type CompileResult, compile, type FrontEnd } from "../compiler/compile.js";
import { DiagnosticBag, SourceFile } from "../compiler/diagnostics.js";
import { lex } from "../compiler/lexer.js";
import type { Token } from "../compiler/tokens.js";
import { type Parse, type ParseState, reparse } from "./reparse.js";
import { type DeclaredName, declaredNames } from "./scopes.js";
import { SymbolIndex } from "./symbol-index.js";

export class Analysis {
  private compiled?: CompileResult;
  private symbolIndex?: SymbolIndex;
  private names?: DeclaredName[];
  private namesFrom?: Program;
  private tokenList?: Token[];
  private parse?: Parse;

  constructor(
    readonly path: string,
    readonly text: string,
    private readonly readFile: (path: string) => string | undefined,
    /** The previous text's parse, to reuse (and so to give no other analysis). */
    private previous?: ParseState,
  ) {}

  /** The compilation up to name resolution, made on first need. */
  get result(): CompileResult {
    this.compiled ??= compile(this.text, {
      file: this.path,
      readFile: this.readFile,
      frontEnd: true,
      parseMain: (_file, diags) => {
        const p = this.parsedAgain();
        diags.adopt(p.diagnostics);
        return p.program;
      },
    });
    return this.compiled;
  }

  /** What the parse of the next text can reuse: this one's, or the one before if this text was never parsed. */
  get parseState(): ParseState | undefined {
    return this.parse ? this.parse.state : this.previous;
  }

  private parsedAgain(): Parse {
    if (!this.parse) {
      const previous = this.previous;
      this.previous = undefined;
      this.parse = reparse(this.path, this.text, previous);
    }
    return this.parse;
  }

  /** Parsed and resolved modules; undefined only when the compiler itself failed (2017, 1002). */
  get frontEnd(): FrontEnd | undefined {
    return this.result.frontEnd;
  }

  get index(): SymbolIndex | undefined {
    if (!this.symbolIndex && this.frontEnd) this.symbolIndex = new SymbolIndex(this.frontEnd);
    return this.symbolIndex;
  }

  /** Names the document declares, with where each is visible (from the compilation's tree when there is one, else a parse). */
  get declared(): DeclaredName[] {
    if (!this.names) {
      this.namesFrom = this.compiled?.frontEnd?.main.program ?? this.parsed();
      this.names = declaredNames(this.namesFrom);
    }
    return this.names;
  }

  /** The declared names with the compilation's own nodes, which the resolver's tables know. */
  get resolvedDeclared(): DeclaredName[] {
    const program = this.frontEnd?.main.program;
    if (program && this.namesFrom !== program) this.names = undefined;
    return this.declared;
  }

  private parsed(): Program {
    try {
      return this.parsedAgain().program;
    } catch {
      // nesting past the host's stack: the compilation reports it (2017)
      return { kind: "Program", body: [], span: { start: 0, end: this.text.length }, deepest: { depth: 0, at: 0 } };
    }
  }

  get tokens(): Token[] {
    this.tokenList ??= lex(new SourceFile(this.path, this.text), new DiagnosticBag());
    return this.tokenList;
  }

  /** The text of a file of this analysis (the document, an import, a standard module). */
  textOf = (file: string): string | undefined => (file === this.path ? this.text : this.result.sources.get(file)?.text);
}
