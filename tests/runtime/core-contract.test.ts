// The host-core contract, each part declared once: what the WebAssembly core exports and imports
// (the CoreExports and HostFunctions interfaces of src/runtime/core.ts), the statuses a run returns
// (src/runtime/core-status.ts) and the error codes (src/errors/table.ts), the last two reaching the
// core through the generated assembly/vm/contract.ts; and what compiled code imports of the core
// (CORE_FUNCTIONS and CORE_GLOBALS of src/jit/emit.ts). These tests fail when the built core or
// its sources disagree with a declaration.
import { readdirSync, readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
// @ts-expect-error build scripts are plain JavaScript without declarations
import { renderContractModule } from "../../scripts/gen-contract.js";
import { ERROR_LIST } from "../../src/errors/table.js";
import { CORE_FUNCTIONS, CORE_GLOBALS } from "../../src/jit/emit.js";
import { coreModule } from "../../src/runtime/core.js";
import { ROOT } from "../helpers.js";

/** Method name -> parameter count of an interface declared in `file`. */
function interfaceMethods(file: string, name: string): Map<string, number> {
  const source = ts.createSourceFile(file, readFileSync(ROOT + file, "utf8"), ts.ScriptTarget.ES2022, true);
  const methods = new Map<string, number>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) return;
    for (const member of node.members) {
      if (ts.isMethodSignature(member)) methods.set(member.name.getText(source), member.parameters.length);
    }
  });
  return methods;
}

/** Import name -> parameter count, from the text form of the release build. */
function watImports(): Map<string, number> {
  const wat = readFileSync(ROOT + "build/core.wat", "utf8");
  const imports = new Map<string, number>();
  for (const m of wat.matchAll(/\(import "host" "(\w+)" \(func \$\S+((?: \(param[^)]*\))?)/g)) {
    imports.set(
      m[1],
      m[2].trim() === ""
        ? 0
        : m[2]
            .replace(/^ \(param|\)$/g, "")
            .trim()
            .split(/\s+/).length,
    );
  }
  return imports;
}

describe("host-core contract", async () => {
  const module = await coreModule("simd");
  const exported = WebAssembly.Module.exports(module);
  const declaredExports = interfaceMethods("src/runtime/core.ts", "CoreExports");
  const declaredImports = interfaceMethods("src/runtime/core.ts", "HostFunctions");

  it("reads the declarations", () => {
    expect(declaredExports.size).toBeGreaterThan(40);
    expect(declaredImports.size).toBeGreaterThan(10);
  });

  it("the core exports exactly the declared functions, its memory and the globals compiled code uses", () => {
    const functions = exported
      .filter((e) => e.kind === "function")
      .map((e) => e.name)
      .sort();
    // the table is the host's (imported by the core), so CoreExports declares it without the core exporting it
    const declared = [...declaredExports.keys(), ...CORE_FUNCTIONS.map(([name]) => name)].filter((n) => n !== "table");
    expect(functions).toEqual(declared.sort());
    expect(exported.filter((e) => e.kind === "memory")).toEqual([{ name: "memory", kind: "memory" }]);
    expect(
      exported
        .filter((e) => e.kind === "global")
        .map((e) => e.name)
        .sort(),
    ).toEqual(CORE_GLOBALS.map(([name]) => name).sort());
  });

  it("each export takes the declared number of parameters", async () => {
    // an exported WebAssembly function's length is its parameter count
    const table = new WebAssembly.Table({ initial: 1, element: "anyfunc" });
    const instance = await WebAssembly.instantiate(module, { host: new Proxy({}, { get: () => () => 0 }), env: { table } });
    const arity = Object.fromEntries(Object.entries(instance.exports).map(([name, fn]) => [name, (fn as { length?: number }).length]));
    for (const [name, count] of declaredExports) if (name !== "table") expect([name, arity[name]]).toEqual([name, count]);
    for (const [name, params] of CORE_FUNCTIONS) expect([name, arity[name]]).toEqual([name, params.length]);
  });

  it("the core imports exactly the declared host functions, with their parameter counts", () => {
    const imported = WebAssembly.Module.imports(module).filter((i) => i.module !== "env");
    expect(WebAssembly.Module.imports(module).filter((i) => i.module === "env")).toEqual([{ module: "env", name: "table", kind: "table" }]);
    expect(imported.every((i) => i.module === "host" && i.kind === "function")).toBe(true);
    expect(imported.map((i) => i.name).sort()).toEqual([...declaredImports.keys()].sort());
    expect(new Map([...watImports()].sort())).toEqual(new Map([...declaredImports].sort()));
  });
});

describe("statuses and error codes", () => {
  const read = (path: string) => readFileSync(ROOT + path, "utf8");
  const coreSources = () => {
    const out: [string, string][] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(ROOT + dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(`${dir}/${entry.name}`);
        else if (entry.name.endsWith(".ts") && entry.name !== "contract.ts") out.push([`${dir}/${entry.name}`, read(`${dir}/${entry.name}`)]);
      }
    };
    walk("assembly");
    return out;
  };

  it("assembly/vm/contract.ts is what scripts/gen-contract.js renders (run `npm run build:opcodes`)", async () => {
    expect(read("assembly/vm/contract.ts")).toBe(await renderContractModule());
  });

  it("the core takes every status and error code from the generated contract", () => {
    for (const [file, text] of coreSources()) {
      // a code of its own, or a literal code where an error is raised, would escape the error table
      expect([file, text.match(/const (?:(?:E|ERR)_\w*: u32 = \d{4}\b|STATUS_\w*: u32 = \d+)/)?.[0]]).toEqual([file, undefined]);
      expect([file, text.match(/raise\d?\(\d+/)?.[0]]).toEqual([file, undefined]);
    }
  });

  it("every error code the core names is in the error table", () => {
    const codes = new Set(ERROR_LIST.map((e) => e.code));
    for (const m of read("assembly/vm/contract.ts").matchAll(/E_\w+: u32 = (\d+)/g)) expect(codes.has(Number(m[1]))).toBe(true);
  });
});
