// The VS Code extension of editors/vscode: its manifest contributes the language, its grammar is
// valid JSON whose scopes cover keywords, numbers, strings and comments, and a real TextMate
// tokenizer (vscode-textmate with the Oniguruma engine) colours a sample as expected.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";
import { KEYWORDS } from "../../src/compiler/tokens.js";
import { ROOT } from "../helpers.js";

const DIR = join(ROOT, "editors/vscode");
const json = (file: string) => JSON.parse(readFileSync(join(DIR, file), "utf8"));

async function grammar(): Promise<textmate.IGrammar> {
  const wasm = readFileSync(createRequire(import.meta.url).resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.noodle" ? textmate.parseRawGrammar(readFileSync(join(DIR, "syntaxes/noodle.tmLanguage.json"), "utf8"), "noodle.json") : null,
  });
  const g = await registry.loadGrammar("source.noodle");
  if (!g) throw new Error("the grammar did not load");
  return g;
}

/** Each token of each line with the most specific scope it got. */
function tokenize(g: textmate.IGrammar, text: string): [string, string][] {
  let state = textmate.INITIAL;
  const out: [string, string][] = [];
  for (const line of text.split("\n")) {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      if (piece.trim() !== "") out.push([piece, t.scopes[t.scopes.length - 1]]);
    }
    state = r.ruleStack;
  }
  return out;
}

describe("the VS Code extension", () => {
  it("contributes the language for .nc files, its grammar and its configuration", () => {
    const manifest = json("package.json");
    expect(manifest.contributes.languages[0]).toMatchObject({ id: "noodle", extensions: [".nc"], configuration: "./language-configuration.json" });
    expect(manifest.contributes.grammars[0]).toMatchObject({ language: "noodle", scopeName: "source.noodle" });
    expect(manifest.dependencies).toHaveProperty("vscode-languageclient");
    expect(json("language-configuration.json").comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(readFileSync(join(DIR, "extension.js"), "utf8")).toContain('"lsp"');
  });

  it("has a grammar with scopes for every keyword, numbers, strings and comments", () => {
    const g = json("syntaxes/noodle.tmLanguage.json");
    const text = JSON.stringify(g);
    for (const k of KEYWORDS) expect(text, k).toMatch(new RegExp(`[(|]${k}[|)]`));
    for (const scope of ["constant.numeric", "string.quoted", "comment.line", "comment.block", "keyword.control"]) expect(text).toContain(scope);
  });

  it("tokenizes a sample with a TextMate engine", async () => {
    const g = await grammar();
    const tokens = tokenize(g, 'func f(x) { // twice\n  return x * 2.5e3 /* big */ + len("a ${x} b")\n}');
    const scopeOf = (piece: string) => tokens.find(([p]) => p === piece)?.[1];
    expect(scopeOf("func")).toMatch(/^keyword/);
    expect(scopeOf("f")).toBe("entity.name.function.noodle");
    expect(scopeOf("return")).toBe("keyword.control.noodle");
    expect(scopeOf("2.5e3")).toBe("constant.numeric.decimal.noodle");
    expect(scopeOf("// twice")).toBe("comment.line.double-slash.noodle");
    expect(tokens.some(([p, s]) => p.includes("big") && s === "comment.block.noodle")).toBe(true);
    expect(scopeOf('"')).toBe("string.quoted.double.noodle");
    expect(scopeOf("len")).toBe("entity.name.function.call.noodle");
  });
});
