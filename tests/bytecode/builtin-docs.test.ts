import { describe, expect, it } from "vitest";
import { BUILTIN_DOCS } from "../../src/bytecode/builtin-docs.js";
import { BUILTINS, isHostOnlyName } from "../../src/bytecode/builtin-table.js";
import { PRELUDE_NAMES } from "../../src/compiler/prelude.js";

describe("builtin docs", () => {
  const callable: string[] = [...BUILTINS.map((b) => b.name as string).filter((n) => !isHostOnlyName(n)), ...PRELUDE_NAMES];

  it("has one line for every builtin a program can call, the prelude's included", () => {
    const missing = callable.filter((n) => !Object.hasOwn(BUILTIN_DOCS, n));
    expect(missing).toEqual([]);
  });

  it("documents nothing else, and each line starts with the builtin's call", () => {
    expect(Object.keys(BUILTIN_DOCS).filter((n) => !callable.includes(n))).toEqual([]);
    for (const [name, doc] of Object.entries(BUILTIN_DOCS)) {
      expect(doc.startsWith(`${name}(`), name).toBe(true);
      expect(doc).not.toContain("\n");
    }
  });
});
