// One document as the compiler sees it: compiled up to name resolution (no code), with its
// imports, and the indexes the features read, each made on first use.
import { type CompileResult, compile, type FrontEnd } from "../compiler/compile.js";
import { DiagnosticBag, SourceFile } from "../compiler/diagnostics.js";
import { lex } from "../compiler/lexer.js";
import type { Token } from "../compiler/tokens.js";
import { type DeclaredName, declaredNames } from "./scopes.js";
import { SymbolIndex } from "./symbol-index.js";

export class Analysis {
  readonly result: CompileResult;
  private symbolIndex?: SymbolIndex;
  private names?: DeclaredName[];
  private tokenList?: Token[];

  constructor(
    readonly path: string,
    readonly text: string,
    readFile: (path: string) => string | undefined,
  ) {
    this.result = compile(text, { file: path, readFile, frontEnd: true });
  }

  /** Parsed and resolved modules; undefined only when the compiler itself failed (2017, 1002). */
  get frontEnd(): FrontEnd | undefined {
    return this.result.frontEnd;
  }

  get index(): SymbolIndex | undefined {
    if (!this.symbolIndex && this.frontEnd) this.symbolIndex = new SymbolIndex(this.frontEnd);
    return this.symbolIndex;
  }

  /** Names the document declares, with where each is visible. */
  get declared(): DeclaredName[] {
    this.names ??= this.frontEnd ? declaredNames(this.frontEnd.main.program) : [];
    return this.names;
  }

  get tokens(): Token[] {
    this.tokenList ??= lex(new SourceFile(this.path, this.text), new DiagnosticBag());
    return this.tokenList;
  }

  /** The text of a file of this analysis (the document, an import, a standard module). */
  textOf = (file: string): string | undefined => (file === this.path ? this.text : this.result.sources.get(file)?.text);
}
