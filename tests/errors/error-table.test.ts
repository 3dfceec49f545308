// The one-error-table rule (spec section 8): every code lives in src/errors/table.ts, is four
// digits in the range its first digit names, keeps the meaning the spec fixes, and every code the
// compiler, the host or the WebAssembly core raises is one of them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_LIST, ERRORS, type ErrorName, errorSpec, fillPositional, formatError } from "../../src/errors/table.js";
import { ROOT, tsFiles } from "../helpers.js";

/** What each leading digit stands for. */
const RANGES: Record<string, RegExp> = {
  "1": /VM|runtime/i,
  "2": /compil/i,
  "3": /execution/i,
  "4": /memory|limit/i,
  "5": /type|shape/i,
  "6": /security/i,
  "7": /network|distribut/i,
  "8": /storage|quer/i,
  "9": /configuration/i,
};

/** Codes whose meaning the spec fixes, each with words its name or message must carry. */
const FIXED: [number, RegExp][] = [
  [1001, /stack overflow|call depth/i],
  [1004, /malformed bytecode/i],
  [2001, /syntax/i],
  [2002, /undeclared/i],
  [2003, /immutable|cannot assign/i],
  [2004, /redeclared|already declared/i],
  [2005, /break.*outside.*loop/i],
  [2006, /return.*outside.*function/i],
  [2007, /type/i],
  [3001, /division by zero/i],
  [3002, /index/i],
  [3003, /missing key|key .*not found/i],
  [3004, /not callable/i],
  [3005, /wrong number of arguments|expects .*argument/i],
  [3006, /thrown/i],
  [3007, /assert/i],
  [3008, /no match|no case matches/i],
  [3009, /not a number|parse .* as a number/i],
  [3010, /singular/i],
  [4001, /memory limit/i],
  [4002, /instruction budget/i],
  [5001, /operand types/i],
  [5002, /shape/i],
  [5004, /annotation|expected .*got/i],
];

describe("the error table", () => {
  it("gives every error a unique code", () => {
    const codes = ERROR_LIST.map((e) => e.code);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
  });

  it("gives every error a unique name", () => {
    const names = ERROR_LIST.map((e) => e.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it("uses four-digit codes from 1000 to 9999", () => {
    for (const e of ERROR_LIST) {
      expect(Number.isInteger(e.code), e.name).toBe(true);
      expect(String(e.code), e.name).toMatch(/^[1-9]\d{3}$/);
    }
  });

  it("files each code under the section of the table its first digit names", () => {
    // table.ts groups its entries under `// Nxxx <range>` comments
    const text = readFileSync(join(ROOT, "src/errors/table.ts"), "utf8");
    let section: string | undefined;
    let seen = 0;
    for (const line of text.split("\n")) {
      const heading = /^\s*\/\/ ([1-9])xxx (.+)$/.exec(line);
      if (heading) {
        section = heading[1];
        expect(heading[2], `heading '${line.trim()}'`).toMatch(RANGES[section]);
        continue;
      }
      const entry = /^\s*(\w+): spec\((\d+),/.exec(line);
      if (!entry) continue;
      seen++;
      expect(section, `${entry[1]} comes before any range heading`).toBeDefined();
      expect(entry[2][0], `${entry[1]} (${entry[2]}) sits under the ${section}xxx heading`).toBe(section);
    }
    expect(seen).toBe(ERROR_LIST.length);
  });

  it("keys each entry by a name that looks up the same entry", () => {
    for (const [key, spec] of Object.entries(ERRORS)) expect(errorSpec(spec.code), key).toBe(spec);
    expect(errorSpec(1)).toBeUndefined();
  });

  it.each(FIXED)("has the spec's fixed code %i with its meaning", (code, meaning) => {
    const spec = errorSpec(code);
    expect(spec, `code ${code}`).toBeDefined();
    expect(`${spec!.name} / ${spec!.template}`).toMatch(meaning);
  });

  it("renders the spec's fixed messages", () => {
    expect(formatError("DivisionByZero")).toBe("division by zero");
    expect(fillPositional(ERRORS.DivisionByZero, [])).toBe("division by zero");
  });

  it("fills every placeholder of every template", () => {
    for (const [key, spec] of Object.entries(ERRORS)) {
      const names = [...spec.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const filled = formatError(key as ErrorName, Object.fromEntries(names.map((n) => [n, "X"])));
      expect(filled, key).not.toMatch(/\{\w+\}/);
    }
  });
});

/**
 * The ways source code names an error code by number: a constant named E_ / ERR_, a call of the
 * core's raise helpers, a runtime error built in the host, an `error[NNNN]` written out, a FAIL
 * instruction, and `error(NNNN, ...)` in Noodle source embedded in TypeScript (the prelude).
 */
const CODE_USES: RegExp[] = [
  // four digits or more: ERR_CODE, ERR_SIZE and the like in the heap layout are byte offsets
  /\b(?:const|let|var)\s+(?:E|ERR)_\w+\s*(?::\s*\w+)?\s*=\s*(\d{4,})\b/g,
  /\braise\d*\(\s*(\d+)\b/g,
  /\bnew\s+NoodleRuntimeError\(\s*(\d+)\b/g,
  /\berror\[(\d+)\]/g,
  /\bemit\(\s*["']FAIL["']\s*,\s*\[[^\]]*?,\s*(\d+)\s*\]/g,
  /\berror\(\s*(\d{4})\s*,/g,
];

function codeUses(): { code: number; at: string }[] {
  const uses: { code: number; at: string }[] = [];
  const sources = [...tsFiles("src"), ...tsFiles("assembly")].filter(([path]) => !path.endsWith(".generated.ts"));
  for (const [path, text] of sources) {
    // comments may quote codes that are not (or no longer) raised; only code counts
    const code = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
    for (const re of CODE_USES) {
      for (const m of code.matchAll(re)) {
        uses.push({ code: Number(m[1]), at: `${path}:${code.slice(0, m.index).split("\n").length}` });
      }
    }
  }
  return uses;
}

/** The one known stray code, kept out of the general check so it is reported on its own. */
const isStrayShapeCode = (u: { code: number; at: string }) => u.code === 3999 && u.at.startsWith("assembly/linalg/ops.ts:");

describe("codes used in the sources", () => {
  const uses = codeUses();
  const unknown = uses.filter((u) => errorSpec(u.code) === undefined);
  const describeUse = (u: { code: number; at: string }) => `${u.at}: ${u.code}`;

  it("finds the core's error constants and raise calls", () => {
    // the scan must see the codes the core is known to raise, or it proves nothing
    const seen = new Set(uses.map((u) => u.code));
    for (const code of [1001, 3001, 3002, 4001, 4002, 5001]) expect(seen.has(code), String(code)).toBe(true);
    expect(uses.some((u) => u.at.startsWith("assembly/"))).toBe(true);
    expect(uses.some((u) => u.at.startsWith("src/"))).toBe(true);
  });

  it("are all in the error table", () => {
    expect(unknown.filter((u) => !isStrayShapeCode(u)).map(describeUse)).toEqual([]);
  });

  // A code outside the table would be reported as an unknown error.
  it("include no stray shape code 3999 in assembly/linalg/ops.ts", () => {
    expect(unknown.filter(isStrayShapeCode).map(describeUse)).toEqual([]);
  });
});
