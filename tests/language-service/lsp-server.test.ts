// `noodle lsp` driven by a real LSP client over its stdio, through every feature it offers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionItem, DocumentSymbol, Hover, InitializeResult, Location, SignatureHelp, TextEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { ROOT } from "../helpers.js";
import { CLIENT_CAPABILITIES, fileUri, type LspSession, startLsp } from "./lsp-client.js";

const GEOMETRY = "struct Point { x: number, y }\nfunc norm2(p: Point) {\n  return p.x * p.x + p.y * p.y\n}\n";
const MAIN = ['import "geometry.nc" as geo', "let p = geo.Point { x: 3, y: 4 }", "let total = geo.norm2(p) + missing", "print(total)", ""].join("\n");

let dir: string;
let lsp: LspSession;
let mainUri: string;
let geometryUri: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "noodle-lsp-"));
  writeFileSync(join(dir, "geometry.nc"), GEOMETRY);
  mainUri = fileUri(join(dir, "main.nc"));
  geometryUri = fileUri(join(dir, "geometry.nc"));
  lsp = startLsp(dir);
});

afterAll(() => {
  lsp.child.kill();
  rmSync(dir, { recursive: true, force: true });
});

const pos = (line: number, character: number) => ({ line, character });
const doc = {
  get textDocument() {
    return { uri: mainUri };
  },
};

describe("noodle lsp", () => {
  it("initializes with its capabilities", async () => {
    const init: InitializeResult = await lsp.connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: fileUri(dir),
      capabilities: CLIENT_CAPABILITIES,
    });
    expect(init.capabilities).toMatchObject({
      textDocumentSync: { change: 2 },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
    });
    expect(init.capabilities.semanticTokensProvider?.legend.tokenTypes).toContain("parameter");
    expect(init.capabilities.documentFormattingProvider).toBe(true);
    await lsp.connection.sendNotification("initialized", {});
  });

  it("publishes diagnostics with their code after opening, and again after an incremental edit", async () => {
    const first = lsp.diagnostics(mainUri);
    await lsp.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: mainUri, languageId: "noodle", version: 1, text: MAIN } });
    const d = await first;
    expect(d.diagnostics).toHaveLength(1);
    expect(d.diagnostics[0]).toMatchObject({ code: 2002, range: { start: pos(2, 27), end: pos(2, 34) } });
    const fixed = lsp.diagnostics(mainUri, (p) => p.diagnostics.length === 0);
    // replace `missing` with `1` in place
    await lsp.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 2 },
      contentChanges: [{ range: { start: pos(2, 27), end: pos(2, 34) }, text: "1" }],
    });
    expect((await fixed).diagnostics).toEqual([]);
  });

  it("answers hover, with a function's parameters", async () => {
    const h: Hover = await lsp.connection.sendRequest("textDocument/hover", { ...doc, position: pos(2, 18) });
    expect(JSON.stringify(h.contents)).toContain("func norm2(p: Point)");
    const b: Hover = await lsp.connection.sendRequest("textDocument/hover", { ...doc, position: pos(3, 2) });
    expect(JSON.stringify(b.contents)).toContain("print(...values)");
  });

  it("completes a module's exports after its alias", async () => {
    await lsp.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 3 },
      contentChanges: [{ range: { start: pos(4, 0), end: pos(4, 0) }, text: "geo." }],
    });
    const items: CompletionItem[] = await lsp.connection.sendRequest("textDocument/completion", { ...doc, position: pos(4, 4) });
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(["Point", "norm2"]));
    await lsp.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 4 },
      contentChanges: [{ range: { start: pos(4, 0), end: pos(4, 4) }, text: "" }],
    });
  });

  it("goes to a definition in an imported file that is not open", async () => {
    const defs: Location[] = await lsp.connection.sendRequest("textDocument/definition", { ...doc, position: pos(2, 18) });
    expect(defs).toEqual([{ uri: geometryUri, range: { start: pos(1, 5), end: pos(1, 10) } }]);
  });

  it("finds references and renames across files", async () => {
    const refs: Location[] = await lsp.connection.sendRequest("textDocument/references", {
      ...doc,
      position: pos(1, 4),
      context: { includeDeclaration: true },
    });
    expect(refs.map((r) => r.range.start)).toEqual([pos(1, 4), pos(2, 22)]);
    const edit: WorkspaceEdit = await lsp.connection.sendRequest("textDocument/rename", { ...doc, position: pos(2, 18), newName: "length2" });
    expect(Object.keys(edit.changes ?? {}).sort()).toEqual([geometryUri, mainUri].sort());
    // refused as a failed request (LSP's RequestFailed), with the reason
    await expect(lsp.connection.sendRequest("textDocument/rename", { ...doc, position: pos(3, 2), newName: "show" })).rejects.toMatchObject({
      code: -32803,
      message: expect.stringContaining("builtin"),
    });
  });

  it("lists the document's symbols and helps with a call's signature", async () => {
    const symbols: DocumentSymbol[] = await lsp.connection.sendRequest("textDocument/documentSymbol", doc);
    expect(symbols.map((s) => s.name)).toEqual(["geo", "p", "total"]);
    const help: SignatureHelp = await lsp.connection.sendRequest("textDocument/signatureHelp", { ...doc, position: pos(2, 23) });
    expect(help.signatures[0].label).toBe("norm2(p: Point)");
  });

  it("gives semantic tokens", async () => {
    const tokens: { data: number[] } = await lsp.connection.sendRequest("textDocument/semanticTokens/full", doc);
    // five integers a token; the first is `import`, a keyword at 0:0
    expect(tokens.data.length % 5).toBe(0);
    expect(tokens.data.slice(0, 4)).toEqual([0, 0, 6, 7]);
  });

  it("formats a document in the canonical layout, and leaves one that does not parse", async () => {
    const uri = fileUri(join(dir, "messy.nc"));
    await lsp.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "noodle", version: 1, text: "let  x=1+2\nprint( x )\n" },
    });
    const edits: TextEdit[] = await lsp.connection.sendRequest("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toEqual([{ range: { start: pos(0, 0), end: pos(2, 0) }, newText: "let x = 1 + 2\nprint(x)\n" }]);
    await lsp.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: "let x = (\n" }],
    });
    const none: TextEdit[] = await lsp.connection.sendRequest("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(none).toEqual([]);
  });

  it("shuts down and exits when asked", async () => {
    await lsp.connection.sendRequest("shutdown");
    await lsp.connection.sendNotification("exit");
    expect(await lsp.exited).toBe(0);
  });
});

describe("noodle lsp's command line", () => {
  it("refuses an operand or an option it does not know, with a usage error", () => {
    for (const [args, code] of [
      [["lsp", "main.nc"], 9003],
      [["lsp", "--port", "3"], 9002],
    ] as const) {
      const r = spawnSync(process.execPath, [join(ROOT, "bin/noodle.js"), ...args], { encoding: "utf8", timeout: 30_000 });
      expect(r.status).toBe(64);
      expect(r.stderr).toContain(`error[${code}]`);
      expect(r.stderr).toContain("usage: noodle lsp");
    }
  });
});
