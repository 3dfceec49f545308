// The one-opcode-table rule: the AssemblyScript core takes its opcode and builtin numbers from a
// file generated from the TypeScript tables, and the host takes its heap offsets from a file
// generated from the core. These tests fail when a generated file is stale or when the core
// leaves an opcode or builtin without a handler.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error build scripts are plain JavaScript without declarations
import { renderLayoutModule } from "../../scripts/gen-layout.js";
// @ts-expect-error build scripts are plain JavaScript without declarations
import { renderOpcodesModule } from "../../scripts/gen-opcodes.js";
import { BUILTINS } from "../../src/bytecode/builtin-table.js";
import { OPCODES } from "../../src/bytecode/opcode-table.js";
import { ROOT, tsFiles } from "../helpers.js";

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Source text with comments removed, so a handler that is commented out does not count. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
}

/** `export const PREFIX_NAME: u32 = N;` constants of the generated opcode module, in order. */
function generatedConstants(prefix: string): [string, number][] {
  const re = new RegExp(`^export const ${prefix}_(\\w+): u32 = (\\d+);$`, "gm");
  return [...read("assembly/vm/opcodes.ts").matchAll(re)].filter((m) => m[1] !== "COUNT" && m[1] !== "FIRST_HOST").map((m) => [m[1], Number(m[2])]);
}

describe("generated files are current", () => {
  it("assembly/vm/opcodes.ts is what scripts/gen-opcodes.js renders (run `npm run build:opcodes`)", async () => {
    expect(read("assembly/vm/opcodes.ts")).toBe(await renderOpcodesModule());
  });

  it("src/runtime/heap-layout.generated.ts is what scripts/gen-layout.js renders (run `npm run build:opcodes`)", () => {
    expect(read("src/runtime/heap-layout.generated.ts")).toBe(renderLayoutModule());
  });
});

describe("opcodes", () => {
  it("numbers the generated constants in table order", () => {
    expect(generatedConstants("OP")).toEqual(OPCODES.map((o, i) => [o.name, i]));
    expect(read("assembly/vm/opcodes.ts")).toContain(`export const OP_COUNT: u32 = ${OPCODES.length};`);
  });

  it("has no two opcodes with the same name", () => {
    const names = OPCODES.map((o) => o.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it("fits every opcode number in the instruction's 8-bit opcode field", () => {
    expect(OPCODES.length).toBeLessThanOrEqual(256);
  });

  it("has a `case O.OP_<NAME>` for every opcode in the dispatch loop", () => {
    const interp = withoutComments(read("assembly/vm/interp.ts"));
    // the alias under which interp.ts imports the generated module
    const alias = /import \* as (\w+) from "\.\/opcodes"/.exec(interp)?.[1];
    expect(alias, "assembly/vm/interp.ts imports ./opcodes as a namespace").toBeDefined();
    const handled = new Set([...interp.matchAll(new RegExp(`case ${alias}\\.OP_(\\w+)\\s*:`, "g"))].map((m) => m[1]));
    const missing = OPCODES.map((o) => o.name).filter((n) => !handled.has(n));
    expect(missing, "opcodes without a case in assembly/vm/interp.ts").toEqual([]);
    const unknown = [...handled].filter((n) => !OPCODES.some((o) => o.name === n));
    expect(unknown, "cases for opcodes that are not in the table").toEqual([]);
  });
});

describe("builtins", () => {
  it("numbers the generated constants in the order of src/bytecode/builtin-table.ts", () => {
    expect(generatedConstants("BI")).toEqual(BUILTINS.map((b, i) => [b.name.toUpperCase(), i]));
    expect(read("assembly/vm/opcodes.ts")).toContain(`export const BI_COUNT: u32 = ${BUILTINS.length};`);
  });

  it("has no two builtins with the same name", () => {
    const names = BUILTINS.map((b) => b.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it("lists the host builtins last, and the core hands every id from the first of them to the host", () => {
    const first = BUILTINS.findIndex((b) => b.host);
    expect(first).toBeGreaterThan(0);
    expect(BUILTINS.slice(first).every((b) => b.host && b.name.startsWith("__"))).toBe(true);
    expect(read("assembly/vm/opcodes.ts")).toContain(`export const BI_FIRST_HOST: u32 = ${first};`);
    expect(withoutComments(read("assembly/vm/builtins.ts"))).toMatch(/if \(id >= B\.BI_FIRST_HOST\) return callHost\(/);
  });

  it("has a `case <alias>.BI_<NAME>` for every builtin the core implements", () => {
    // assembly/vm/builtins.ts handles most builtins and hands some families (linear algebra) to
    // other folders of the core; any `case` on the generated constant counts as a handler
    const handled = new Set<string>();
    for (const [path, text] of tsFiles("assembly")) {
      if (path.endsWith("vm/opcodes.ts")) continue;
      const code = withoutComments(text);
      for (const m of code.matchAll(/import \* as (\w+) from "[./]*(?:vm\/)?opcodes"/g)) {
        for (const c of code.matchAll(new RegExp(`case ${m[1]}\\.BI_(\\w+)\\s*:`, "g"))) handled.add(c[1]);
      }
      for (const c of code.matchAll(/case BI_(\w+)\s*:/g)) handled.add(c[1]);
    }
    const missing = BUILTINS.filter((b) => !b.host)
      .map((b) => b.name.toUpperCase())
      .filter((n) => !handled.has(n));
    expect(missing, "builtins with no case in assembly/").toEqual([]);
  });

  it("gives every builtin a sane argument range", () => {
    for (const b of BUILTINS) {
      expect(b.min, b.name).toBeGreaterThanOrEqual(0);
      if (b.max !== -1) expect(b.max, b.name).toBeGreaterThanOrEqual(b.min);
    }
  });
});
