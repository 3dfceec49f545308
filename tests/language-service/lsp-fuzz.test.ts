// Malformed input does not bring `noodle lsp` down: random bytes, broken headers, bodies that are
// not JSON-RPC and requests with bad parameters are answered with errors or ignored, and a hover
// afterwards is still answered.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Hover } from "vscode-languageserver-protocol";
import { ROOT } from "../helpers.js";
import { CLIENT_CAPABILITIES, fileUri, startLsp } from "./lsp-client.js";

const dir = mkdtempSync(join(tmpdir(), "noodle-lsp-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("noodle lsp on malformed input", () => {
  it("answers errors for bad requests and still answers a hover", async () => {
    const lsp = startLsp(dir);
    const c = lsp.connection;
    await c.sendRequest("initialize", { processId: process.pid, rootUri: fileUri(dir), capabilities: CLIENT_CAPABILITIES });
    await c.sendNotification("initialized", {});
    const uri = fileUri(join(dir, "f.nc"));
    await c.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "noodle", version: 1, text: "func twice(n) { return n * 2 }\nprint(twice(3))\n" },
    });
    // requests with parameters of the wrong shape, on unknown documents, and unknown methods
    const bad: [string, unknown][] = [
      ["textDocument/hover", {}],
      ["textDocument/hover", { textDocument: { uri }, position: { line: -5, character: "x" } }],
      ["textDocument/completion", { textDocument: { uri: "file:///nowhere.nc" }, position: { line: 0, character: 0 } }],
      ["textDocument/rename", { textDocument: { uri }, position: { line: 0, character: 6 }, newName: 42 }],
      ["textDocument/definition", null],
      ["textDocument/semanticTokens/full", { textDocument: {} }],
      ["no/such/method", { x: 1 }],
    ];
    const answers = [];
    for (const [method, params] of bad) answers.push(await c.sendRequest(method, params).catch((e: { code: number; message: string }) => e));
    // refused as bad parameters or an unknown method, never a failure inside the server
    const codes = answers.map((a) => (a as { code?: number } | null)?.code);
    expect(codes).toEqual([-32602, -32602, undefined, -32602, -32602, -32602, -32601]);
    await c.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 99, character: 0 } } }],
    });
    const h: Hover = await c.sendRequest("textDocument/hover", { textDocument: { uri }, position: { line: 1, character: 7 } });
    expect(JSON.stringify(h.contents)).toContain("func twice(n)");
    await c.sendRequest("shutdown");
    await c.sendNotification("exit");
    expect(await lsp.exited).toBe(0);
    expect(lsp.stderr()).not.toMatch(/at .*\.js:\d+/);
  });

  it("survives random bytes, broken headers and bodies that are not JSON-RPC", async () => {
    const child = spawn(process.execPath, [join(ROOT, "bin/noodle.js"), "lsp"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const next = random(18);
    const garbage: string[] = [
      frame("{not json"),
      frame('{"jsonrpc":"2.0","id":"a","method":7}'),
      frame("[1,2,3]"),
      frame('{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":"nonsense"}'),
      "Content-Type: text/plain\r\n\r\n",
    ];
    for (let i = 0; i < 20; i++) {
      const bytes = Array.from({ length: 1 + Math.floor(next() * 40) }, () => String.fromCharCode(32 + Math.floor(next() * 90))).join("");
      garbage.push(frame(bytes));
    }
    const text = "let answer = 42\nprint(answer)\n";
    const uri = fileUri(join(dir, "g.nc"));
    const valid = [
      frame(JSON.stringify({ jsonrpc: "2.0", id: 100, method: "initialize", params: { processId: null, rootUri: null, capabilities: CLIENT_CAPABILITIES } })),
      frame(JSON.stringify({ jsonrpc: "2.0", method: "initialized", params: {} })),
      frame(JSON.stringify({ jsonrpc: "2.0", method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "noodle", version: 1, text } } })),
      frame(JSON.stringify({ jsonrpc: "2.0", id: 101, method: "textDocument/hover", params: { textDocument: { uri }, position: { line: 1, character: 8 } } })),
    ];
    for (const g of garbage) child.stdin.write(g);
    for (const v of valid) child.stdin.write(v);
    const deadline = Date.now() + 20_000;
    while (!out.includes('"id":101') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('"id":101');
    expect(out).toContain("let answer");
    child.stdin.end();
    expect(await exited).not.toBeNull();
  });
});
