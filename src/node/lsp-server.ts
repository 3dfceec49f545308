// `noodle lsp`: the language service (src/language/) behind the Language Server Protocol on
// standard input and output. Documents sync incrementally; the diagnostics of the open documents
// are published a short while after the last edit (DIAGNOSTICS_DELAY_MS), so a burst of typing
// costs one analysis and requests in between are answered at once. Files that are not open are
// read from the disk (only `.nc` files: the compiler reads nothing else).
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CompletionItemKind,
  createConnection,
  DocumentSymbol,
  ErrorCodes,
  LSPErrorCodes,
  MarkupKind,
  type Range,
  ResponseError,
  SemanticTokensBuilder,
  StreamMessageReader,
  StreamMessageWriter,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  TextEdit,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CompletionKind } from "../language/completion.js";
import type { OutlineKind, OutlineSymbol } from "../language/document-symbols.js";
import { LanguageService, TOKEN_MODIFIERS, TOKEN_TYPES } from "../language/index.js";
import { FramingGuard } from "./lsp-framing.js";

/** Long enough to coalesce a burst of keys, short enough that errors show while the hands rest. */
export const DIAGNOSTICS_DELAY_MS = 50;

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  variable: CompletionItemKind.Variable,
  constant: CompletionItemKind.Constant,
  parameter: CompletionItemKind.Variable,
  function: CompletionItemKind.Function,
  struct: CompletionItemKind.Struct,
  actor: CompletionItemKind.Class,
  module: CompletionItemKind.Module,
  builtin: CompletionItemKind.Function,
  keyword: CompletionItemKind.Keyword,
  field: CompletionItemKind.Field,
  file: CompletionItemKind.File,
};

const OUTLINE_KIND: Record<OutlineKind, SymbolKind> = {
  function: SymbolKind.Function,
  variable: SymbolKind.Variable,
  constant: SymbolKind.Constant,
  struct: SymbolKind.Struct,
  field: SymbolKind.Field,
  class: SymbolKind.Class,
  method: SymbolKind.Method,
  module: SymbolKind.Module,
};

/** A document's path as the compiler sees it (a file URI's path; any other URI as it is). */
export function uriToPath(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri).split("\\").join("/") : uri;
}

function pathToUri(path: string): string {
  return path.startsWith("/") || /^[A-Za-z]:\//.test(path) ? pathToFileURL(path).href : path;
}

function readSource(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

export function startLanguageServer(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): void {
  const connection = createConnection(new StreamMessageReader(input.pipe(new FramingGuard())), new StreamMessageWriter(output));
  const documents = new TextDocuments(TextDocument);
  const service = new LanguageService({ readFile: readSource });
  let pending: ReturnType<typeof setTimeout> | undefined;

  /** A document of the analysis to convert offsets: the open one, else the file's text. */
  const documentOf = (path: string, text?: string): TextDocument | undefined => {
    const open = documents.get(pathToUri(path));
    if (open) return open;
    const source = text ?? service.text(path) ?? readSource(path);
    return source === undefined ? undefined : TextDocument.create(pathToUri(path), "noodle", 0, source);
  };
  const rangeIn = (doc: TextDocument, start: number, end: number): Range => ({ start: doc.positionAt(start), end: doc.positionAt(end) });
  const locate = (file: string, start: number, end: number) => {
    const doc = documentOf(file);
    return doc ? { uri: pathToUri(file), range: rangeIn(doc, start, end) } : undefined;
  };
  /** The request's open document (undefined for one that is not open); parameters of the wrong shape are InvalidParams. */
  const open = (params: unknown): TextDocument | undefined => {
    const uri = (params as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
    if (typeof uri !== "string") throw new ResponseError(ErrorCodes.InvalidParams, "the request needs textDocument.uri, a string");
    return documents.get(uri);
  };
  /** The request's document, its path and the offset of its position. */
  const at = (params: { textDocument: { uri: string }; position: { line: number; character: number } }) => {
    const doc = open(params);
    const { line, character } = (params.position ?? {}) as { line?: unknown; character?: unknown };
    if (!Number.isInteger(line) || !Number.isInteger(character) || (line as number) < 0 || (character as number) < 0)
      throw new ResponseError(ErrorCodes.InvalidParams, "the request needs a position: line and character, whole numbers from 0");
    if (!doc) return undefined;
    return { doc, path: uriToPath(doc.uri), offset: doc.offsetAt(params.position) };
  };

  const publish = () => {
    pending = undefined;
    for (const doc of documents.all()) {
      const diagnostics = service.diagnostics(uriToPath(doc.uri)).map((d) => ({
        range: rangeIn(doc, d.start, d.end),
        severity: 1 as const,
        code: d.code,
        source: "noodle",
        message: d.message,
      }));
      void connection.sendDiagnostics({ uri: doc.uri, diagnostics });
    }
  };
  const schedule = () => {
    clearTimeout(pending);
    pending = setTimeout(publish, DIAGNOSTICS_DELAY_MS);
  };

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      completionProvider: { triggerCharacters: [".", '"', "/"] },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      signatureHelpProvider: { triggerCharacters: ["(", ","] },
      semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true },
      documentFormattingProvider: true,
    },
    serverInfo: { name: "noodle" },
  }));

  documents.onDidOpen((e) => service.open(uriToPath(e.document.uri), e.document.getText()));
  documents.onDidChangeContent((e) => {
    service.update(uriToPath(e.document.uri), e.document.getText());
    schedule();
  });
  documents.onDidClose((e) => {
    service.close(uriToPath(e.document.uri));
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    schedule();
  });

  connection.onHover((params) => {
    const p = at(params);
    const h = p && service.hover(p.path, p.offset);
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: rangeIn(p.doc, h.start, h.end) } : null;
  });

  connection.onCompletion((params) => {
    const p = at(params);
    if (!p) return null;
    const c = service.completion(p.path, p.offset);
    const range = rangeIn(p.doc, c.from, p.offset);
    return c.items.map((item) => ({
      label: item.label,
      kind: COMPLETION_KIND[item.kind],
      detail: item.detail,
      documentation: item.documentation,
      textEdit: TextEdit.replace(range, item.label),
    }));
  });

  connection.onSignatureHelp((params) => {
    const p = at(params);
    const s = p && service.signatureHelp(p.path, p.offset);
    if (!s) return null;
    return {
      signatures: [{ label: s.label, documentation: s.documentation, parameters: s.parameters.map((label) => ({ label })) }],
      activeSignature: 0,
      activeParameter: s.activeParameter,
    };
  });

  connection.onDefinition((params) => {
    const p = at(params);
    return p ? service.definition(p.path, p.offset).flatMap((l) => locate(l.file, l.start, l.end) ?? []) : null;
  });

  connection.onReferences((params) => {
    const p = at(params);
    return p ? service.references(p.path, p.offset, params.context?.includeDeclaration !== false).flatMap((l) => locate(l.file, l.start, l.end) ?? []) : null;
  });

  connection.onPrepareRename((params) => {
    const p = at(params);
    if (!p) return null;
    const r = service.prepareRename(p.path, p.offset);
    if (!r.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, r.message);
    return rangeIn(p.doc, r.start, r.end);
  });

  connection.onRenameRequest((params) => {
    const p = at(params);
    if (!p) return null;
    if (typeof params.newName !== "string") throw new ResponseError(ErrorCodes.InvalidParams, "the rename needs newName, a string");
    const r = service.rename(p.path, p.offset, params.newName);
    if (!r.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, r.message);
    const changes: Record<string, TextEdit[]> = {};
    for (const e of r.edits) {
      const doc = documentOf(e.file);
      if (!doc) continue;
      (changes[pathToUri(e.file)] ??= []).push(TextEdit.replace(rangeIn(doc, e.start, e.end), e.text));
    }
    return { changes };
  });

  connection.onDocumentSymbol((params) => {
    const doc = open(params);
    if (!doc) return null;
    const convert = (s: OutlineSymbol): DocumentSymbol =>
      DocumentSymbol.create(
        s.name,
        s.detail,
        OUTLINE_KIND[s.kind],
        rangeIn(doc, s.span.start, s.span.end),
        rangeIn(doc, s.nameSpan.start, s.nameSpan.end),
        s.children.map(convert),
      );
    return service.documentSymbols(uriToPath(doc.uri)).map(convert);
  });

  connection.languages.semanticTokens.on((params) => {
    const doc = open(params);
    const builder = new SemanticTokensBuilder();
    if (!doc) return builder.build();
    for (const t of service.semanticTokens(uriToPath(doc.uri))) {
      const from = doc.positionAt(t.start);
      const to = doc.positionAt(t.end);
      // a token is on one line (a string across lines is left to the grammar)
      if (from.line === to.line) builder.push(from.line, from.character, to.character - from.character, TOKEN_TYPES.indexOf(t.type), t.modifiers);
    }
    return builder.build();
  });

  // the whole document in the canonical layout, as one edit; none when it is already so, or does not parse
  connection.onDocumentFormatting((params) => {
    const doc = open(params);
    if (!doc) return null;
    const text = service.formatted(uriToPath(doc.uri));
    if (text === undefined || text === doc.getText()) return [];
    return [TextEdit.replace(rangeIn(doc, 0, doc.getText().length), text)];
  });

  documents.listen(connection);
  connection.listen();
}
