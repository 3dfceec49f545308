// One document as the compiler sees it: compiled up to name resolution (no code), with its
// imports, and the indexes the features read, each made on first use. Completion of the names in
// scope needs only the parser's tree, so it does not wait for name resolution.
import type { Program } from "../compiler/ast.js";
import { type CompileResult, compile, type FrontEnd } from "../compiler/compile.js";
import { DiagnosticBag, SourceFile } from "../compiler/diagnostics.js";
import { lex } from "../compiler/lexer.js";
import { parse } from "../compiler/parser.js";
import type { Token } from "../compiler/tokens.js";
import { type DeclaredName, declaredNames } from "./scopes.js";
import { SymbolIndex } from "./symbol-index.js";

export class Analysis {
  private compiled?: CompileResult;
  private symbolIndex?: SymbolIndex;
  private names?: DeclaredName[];
  private namesFrom?: Program;
  private tokenList?: Token[];

  constructor(
    readonly path: string,
    readonly text: string,
    private readonly readFile: (path: string) => string | undefined,
  ) {}

  /** The compilation up to name resolution, made on first need. */
  get result(): CompileResult {
    this.compiled ??= compile(this.text, { file: this.path, readFile: this.readFile, frontEnd: true });
    return this.compiled;
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
      return parse(new SourceFile(this.path, this.text), new DiagnosticBag());
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
