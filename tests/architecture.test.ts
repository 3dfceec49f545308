// The design rule that keeps one core for Node and the browser: nothing in src/ outside src/node/
// and src/cli/ (and the few Node-only files named below) imports a Node-only module or touches
// Node's globals.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const NODE_ONLY_FOLDERS = ["src/node", "src/cli"];
/** Node-only files beside portable ones: a local nats-server, and reaching a cluster over TCP. */
const NODE_ONLY_FILES = ["src/cluster/local-server.ts", "src/cluster/connect.ts"];

/** Node's built-in module names (fs, path, os, ...), with or without the `node:` scheme. */
const NODE_MODULES = new Set(builtinModules.flatMap((m) => [m, m.split("/")[0]]));

function isNodeModule(specifier: string): boolean {
  return specifier.startsWith("node:") || NODE_MODULES.has(specifier) || NODE_MODULES.has(specifier.split("/")[0]);
}

function portableSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(ROOT, path).split(sep).join("/");
      if (statSync(path).isDirectory()) {
        if (!NODE_ONLY_FOLDERS.includes(rel)) walk(path);
      } else if (name.endsWith(".ts") && !NODE_ONLY_FILES.includes(rel)) out.push(rel);
    }
  };
  walk(join(ROOT, "src"));
  return out;
}

/**
 * Blanks out comments, and also the text of string and template literals when `strings` is set,
 * keeping every line break so offsets still map to the original lines. The code inside a
 * template's `${...}` stays visible, since it runs. Regular expression literals are skipped over
 * so a quote inside one does not start a string.
 */
function blank(text: string, strings: boolean): string {
  const out = text.split("");
  const hide = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  // brace depth at which each open template substitution closes
  const substitutions: number[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      hide(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      hide(i, stop);
      i = stop;
    } else if (c === "/" && /[(,=:[!&|?{};]\s*$|^\s*$|\breturn\s*$/.test(text.slice(Math.max(0, i - 20), i))) {
      // a regular expression literal: up to the closing slash outside a character class
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== "\n" && (inClass || text[j] !== "/")) {
        if (text[j] === "\\") j++;
        else if (text[j] === "[") inClass = true;
        else if (text[j] === "]") inClass = false;
        j++;
      }
      i = j + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      if (strings) hide(i + 1, j);
      i = j + 1;
    } else if (c === "`" || (c === "}" && substitutions.at(-1) === depth)) {
      // template text runs to the closing backtick or to the next substitution
      if (c === "}") substitutions.pop();
      let j = i + 1;
      while (j < text.length && text[j] !== "`" && !(text[j] === "$" && text[j + 1] === "{")) j += text[j] === "\\" ? 2 : 1;
      if (strings) hide(i + 1, j);
      if (text[j] === "$") {
        substitutions.push(depth);
        i = j + 2;
      } else {
        i = j + 1;
      }
    } else {
      if (c === "{") depth++;
      else if (c === "}") depth--;
      i++;
    }
  }
  return out.join("");
}

interface Violation {
  at: string;
  what: string;
}

function violations(path: string): Violation[] {
  const text = readFileSync(join(ROOT, path), "utf8");
  const found: Violation[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
  // module specifiers are strings, so imports are read from the text without comments only
  const code = blank(text, false);
  const importForms = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]+\s+from\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of importForms) {
    for (const m of code.matchAll(re)) {
      if (isNodeModule(m[1])) found.push({ at: `${path}:${lineOf(m.index)}`, what: `imports '${m[1]}'` });
    }
  }
  // globals are read from the code alone: a message that mentions "process" is fine
  const bare = blank(text, true);
  for (const m of bare.matchAll(/(?<![\w$.])(process|Buffer|require|__dirname|__filename)\b(?!\s*:)/g)) {
    found.push({ at: `${path}:${lineOf(m.index)}`, what: `uses the Node global '${m[1]}'` });
  }
  return found;
}

describe("portable sources", () => {
  const files = portableSources();

  it("finds the sources it is meant to check", () => {
    expect(files).toContain("src/index.ts");
    expect(files.some((f) => f.startsWith("src/compiler/"))).toBe(true);
    expect(files.some((f) => f.startsWith("src/node/") || f.startsWith("src/cli/"))).toBe(false);
  });

  it("exempts only Node-only files that exist", () => {
    for (const f of NODE_ONLY_FILES) expect(statSync(join(ROOT, f)).isFile(), f).toBe(true);
  });

  it("recognises the Node built-in names the rule is about", () => {
    for (const name of [
      "fs",
      "path",
      "os",
      "child_process",
      "worker_threads",
      "util",
      "url",
      "http",
      "crypto",
      "stream",
      "events",
      "readline",
      "process",
      "node:fs",
      "fs/promises",
    ]) {
      expect(isNodeModule(name), name).toBe(true);
    }
    expect(isNodeModule("./values.js")).toBe(false);
  });

  it("detects the forms it forbids, and ignores comments and strings", () => {
    const sample = [
      `import { readFileSync } from "node:fs";`,
      `import * as path from 'path';`,
      `export { x } from "os";`,
      `const w = await import("worker_threads");`,
      `const n = process.env.N;`,
      `const b = Buffer.from("x");`,
      `// import fs from "fs"; process.exit()`,
      `const msg = "use process.stdout or Buffer";`,
      "const t = `in ${process.argv} text`;",
      `const o = { process: 1 }; o.process; new ArrayBuffer(8);`,
    ].join("\n");
    const code = blank(sample, false);
    const imports = [...code.matchAll(/from\s+["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']/g)].map((m) => m[1] ?? m[2]);
    expect(imports).toEqual(["node:fs", "path", "os", "worker_threads"]);
    const globals = [...blank(sample, true).matchAll(/(?<![\w$.])(process|Buffer)\b(?!\s*:)/g)].map((m) => sample.slice(0, m.index).split("\n").length);
    expect(globals).toEqual([5, 6, 9]);
  });

  it("import nothing Node-only and use no Node globals outside src/node/ and src/cli/", () => {
    const all = files.flatMap(violations).map((v) => `${v.at}: ${v.what}`);
    expect(all).toEqual([]);
  });
});
