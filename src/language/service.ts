// The language service: the open documents and what editors ask about them. Positions are UTF-16
// offsets into a document's text; files are the paths the compiler uses (imports are resolved
// against them). An import is read from the open documents first, then through the host, so an
// unsaved edit of an imported file is seen at once. Each document is analysed again only when
// some open document changed since its last analysis, and only when a feature asks.
import type * as A from "../compiler/ast.js";
import { isKeyword } from "../compiler/tokens.js";
import { Analysis } from "./analysis.js";
import { type Completions, complete } from "./completion.js";
import { hoverText } from "./describe.js";
import { documentSymbols, type OutlineSymbol } from "./document-symbols.js";
import { formatSource } from "./format.js";
import type { ParseState } from "./reparse.js";
import { visibleAt } from "./scopes.js";
import { type SemanticToken, semanticTokens } from "./semantic-tokens.js";
import { type SignatureHelp, signatureHelp } from "./signature-help.js";
import type { Occurrence } from "./symbol-index.js";

/** What the service needs from where it runs: files that are not open (Node reads the disk; a page may have none). */
export interface LanguageHost {
  readFile(path: string): string | undefined;
}

export interface ServiceDiagnostic {
  code: number;
  message: string;
  start: number;
  end: number;
}

export interface Location {
  file: string;
  start: number;
  end: number;
}

export interface Hover {
  start: number;
  end: number;
  /** Markdown: the declaration as a code block, then its doc, shape or exports. */
  markdown: string;
}

export interface TextEdit extends Location {
  text: string;
}

export type RenameResult = { ok: true; edits: TextEdit[] } | { ok: false; message: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Document {
  text: string;
  analysis?: Analysis;
  /** The last analysis's parse while the next is not made: the next one reuses it. */
  parsed?: ParseState;
  /** The generation of the open documents the analysis saw. */
  seen: number;
}

export class LanguageService {
  private readonly docs = new Map<string, Document>();
  private generation = 0;

  constructor(private readonly host: LanguageHost = { readFile: () => undefined }) {}

  open(path: string, text: string): void {
    this.docs.set(path, { text, seen: -1 });
    this.generation++;
  }

  /** The document's whole new text (an editor's incremental changes are applied by the caller). */
  update(path: string, text: string): void {
    const doc = this.docs.get(path);
    this.open(path, text);
    const parsed = doc?.analysis?.parseState ?? doc?.parsed;
    if (parsed) this.docs.get(path)!.parsed = parsed;
  }

  close(path: string): void {
    if (this.docs.delete(path)) this.generation++;
  }

  isOpen(path: string): boolean {
    return this.docs.has(path);
  }

  text(path: string): string | undefined {
    return this.docs.get(path)?.text;
  }

  /** The analysis of an open document, made again when an open document changed since. */
  analysis(path: string): Analysis | undefined {
    const doc = this.docs.get(path);
    if (!doc) return undefined;
    if (!doc.analysis || doc.seen !== this.generation) {
      const previous = doc.analysis?.parseState ?? doc.parsed;
      doc.parsed = undefined;
      doc.analysis = new Analysis(path, doc.text, (p) => this.docs.get(p)?.text ?? this.host.readFile(p), previous);
      doc.seen = this.generation;
    }
    return doc.analysis;
  }

  /**
   * The compile errors of a document, each with its code. An error inside a file it imports is
   * reported on the import that brings it in, naming its place there.
   */
  diagnostics(path: string): ServiceDiagnostic[] {
    const a = this.analysis(path);
    if (!a) return [];
    const viaImport = new Map<string, A.ImportStmt>();
    const fe = a.frontEnd;
    if (fe) for (const s of fe.main.program.body) if (s.kind === "Import") viaImport.set(fe.resolutions.modules.get(s)?.path ?? "", s);
    const out: ServiceDiagnostic[] = [];
    for (const d of a.result.diagnostics) {
      if (d.file === path) out.push({ code: d.code, message: d.message, start: d.span.start, end: d.span.end });
      else {
        const s = viaImport.get(d.file);
        const at = s?.pathSpan ?? { start: 0, end: 0 };
        out.push({ code: d.code, message: `${d.file}:${d.line}:${d.col}: ${d.message}`, start: at.start, end: at.end });
      }
    }
    return out;
  }

  hover(path: string, offset: number): Hover | undefined {
    const a = this.analysis(path);
    const o = a?.index?.at(path, offset);
    if (!a || !o) return undefined;
    return { start: o.start, end: o.end, markdown: hoverText(o.symbol, a.textOf) };
  }

  completion(path: string, offset: number): Completions {
    const a = this.analysis(path);
    return a ? complete(a, offset) : { from: offset, items: [] };
  }

  signatureHelp(path: string, offset: number): SignatureHelp | undefined {
    const a = this.analysis(path);
    return a && signatureHelp(a, offset);
  }

  /** Where the name at the offset is declared (in this file or one it imports; builtins and standard modules have no place). */
  definition(path: string, offset: number): Location[] {
    const s = this.analysis(path)?.index?.at(path, offset)?.symbol;
    if (!s?.file || !s.nameSpan || s.file.startsWith("std/")) return [];
    return [{ file: s.file, start: s.nameSpan.start, end: s.nameSpan.end }];
  }

  /** Every place the name at the offset is written, in the open documents and the files they import. */
  references(path: string, offset: number, includeDeclaration = true): Location[] {
    const o = this.analysis(path)?.index?.at(path, offset);
    if (!o) return [];
    return this.occurrences(o)
      .filter((l) => includeDeclaration || !l.declaration)
      .map(({ file, start, end }) => ({ file, start, end }));
  }

  /** The name a rename would change at the offset, or why it cannot be renamed. */
  prepareRename(path: string, offset: number): { ok: true; start: number; end: number } | { ok: false; message: string } {
    const o = this.analysis(path)?.index?.at(path, offset);
    if (!o) {
      const word = wordAt(this.docs.get(path)?.text ?? "", offset);
      return { ok: false, message: word && isKeyword(word) ? `'${word}' is a keyword: it cannot be renamed` : "there is no name here to rename" };
    }
    const refusal = refuse(o);
    return refusal ? { ok: false, message: refusal } : { ok: true, start: o.start, end: o.end };
  }

  /** Renames the symbol at the offset everywhere it is written, unless the new name would mean something else somewhere. */
  rename(path: string, offset: number, newName: string): RenameResult {
    const prepared = this.prepareRename(path, offset);
    if (!prepared.ok) return prepared;
    if (!IDENTIFIER.test(newName)) return { ok: false, message: `'${newName}' is not a name` };
    if (isKeyword(newName)) return { ok: false, message: `'${newName}' is a keyword` };
    const o = this.analysis(path)!.index!.at(path, offset)!;
    const places = this.occurrences(o);
    for (const p of places) {
      const a = this.docs.has(p.file) ? this.analysis(p.file) : undefined;
      if (!a || p.member) continue;
      const clash = visibleAt(a.declared, p.start).find((n) => n.name === newName);
      if (clash && a.index?.at(p.file, clash.at)?.symbol.key !== o.symbol.key)
        return { ok: false, message: `'${newName}' is already a name where '${o.symbol.name}' is used (${p.file}, offset ${p.start})` };
    }
    return { ok: true, edits: places.map(({ file, start, end }) => ({ file, start, end, text: newName })) };
  }

  documentSymbols(path: string): OutlineSymbol[] {
    const fe = this.analysis(path)?.frontEnd;
    return fe ? documentSymbols(fe.main.program) : [];
  }

  semanticTokens(path: string): SemanticToken[] {
    const a = this.analysis(path);
    return a ? semanticTokens(a) : [];
  }

  /** The open document in the canonical layout (docs/formatting.md); undefined when it does not parse, or is not open. */
  formatted(path: string): string | undefined {
    const text = this.text(path);
    if (text === undefined) return undefined;
    const r = formatSource(text, path);
    return r.ok ? r.text : undefined;
  }

  /** The occurrences of a symbol in every open document's analysis, each place once. */
  private occurrences(o: Occurrence): (Location & { declaration: boolean; member: boolean })[] {
    const key = o.symbol.key;
    const seen = new Set<string>();
    const out: (Location & { declaration: boolean; member: boolean })[] = [];
    for (const path of this.docs.keys()) {
      const a = this.analysis(path);
      for (const { file, occurrence } of a?.index?.occurrencesOf(key) ?? []) {
        const id = `${file}#${occurrence.start}`;
        if (file.startsWith("std/") || seen.has(id)) continue;
        seen.add(id);
        const text = a?.textOf(file) ?? "";
        const member = occurrence.start > 0 && text[occurrence.start - 1] === ".";
        out.push({ file, start: occurrence.start, end: occurrence.end, declaration: occurrence.declaration, member });
      }
    }
    return out.sort((x, y) => (x.file === y.file ? x.start - y.start : x.file < y.file ? -1 : 1));
  }
}

function refuse(o: Occurrence): string | undefined {
  const s = o.symbol;
  if (s.kind === "builtin") return `'${s.name}' is a builtin: it cannot be renamed`;
  if (s.kind === "field") return `'${s.name}' is a struct field: its uses as 'x.${s.name}' cannot all be found without types, so it is not renamed`;
  if (s.file?.startsWith("std/")) return `'${s.name}' belongs to a standard module: it cannot be renamed`;
  return undefined;
}

function wordAt(text: string, offset: number): string | undefined {
  let start = offset;
  let end = offset;
  while (start > 0 && /\w/.test(text[start - 1])) start--;
  while (end < text.length && /\w/.test(text[end])) end++;
  return start < end ? text.slice(start, end) : undefined;
}
