// The build stamp tells which build a changed source needs, so the test run's global setup
// rebuilds a stale dist/ before any CLI test runs it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript shared with the npm build scripts
import { readStamp, staleBuild, writeStamp } from "../scripts/build-stamp.js";
import { ROOT } from "./helpers.js";

let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "noodle-stamp-"));
  write("src/cli/main.ts", "export {};\n");
  write("src/bytecode/opcode-table.ts", "export const OPCODES = [];\n");
  write("assembly/index.ts", "export function f(): i32 { return 1; }\n");
  write("scripts/gen-opcodes.js", "// generator\n");
  write("package.json", JSON.stringify({ scripts: { build: "tsc", test: "vitest run" } }));
  write("tsconfig.json", "{}\n");
  write("asconfig.json", "{}\n");
  write("dist/bundle/noodle-cli.js", "// built\n");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the build stamp", () => {
  it("is current right after a build", () => {
    writeStamp(root);
    expect(staleBuild(root)).toBeUndefined();
  });

  it("asks for a full build without a stamp or a bundle", () => {
    expect(staleBuild(root)).toBe("build");
    writeStamp(root);
    rmSync(join(root, "dist/bundle/noodle-cli.js"));
    expect(staleBuild(root)).toBe("build");
  });

  it("asks for build:ts when only TypeScript sources changed, or a new one appeared", () => {
    writeStamp(root);
    write("src/cli/main.ts", "export const changed = 1;\n");
    expect(staleBuild(root)).toBe("build:ts");
    writeStamp(root, ["ts"]);
    expect(staleBuild(root)).toBeUndefined();
    write("src/cli/extra.ts", "export {};\n");
    expect(staleBuild(root)).toBe("build:ts");
  });

  it("asks for a full build when the core, a generator, the opcode table or a build config changed", () => {
    for (const path of ["assembly/index.ts", "scripts/gen-opcodes.js", "src/bytecode/opcode-table.ts", "asconfig.json", "package.json"]) {
      writeStamp(root);
      write(path, "// changed\n");
      expect(staleBuild(root), path).toBe("build");
    }
    writeStamp(root);
    write("package.json", JSON.stringify({ scripts: { build: "tsc -p ." } }));
    expect(staleBuild(root)).toBe("build");
  });

  it("ignores package.json's other scripts", () => {
    writeStamp(root);
    write("package.json", JSON.stringify({ scripts: { build: "tsc", test: "vitest run", fuzz: "vitest run fuzz" } }));
    expect(staleBuild(root)).toBeUndefined();
  });

  it("ignores the files the build generates", () => {
    writeStamp(root);
    write("assembly/vm/opcodes.ts", "// generated\n");
    write("src/runtime/core-simd.generated.ts", "// generated\n");
    write("src/runtime/heap-layout.generated.ts", "// generated\n");
    expect(staleBuild(root)).toBeUndefined();
  });

  it("a TypeScript build leaves the core part as it was", () => {
    writeStamp(root);
    write("assembly/index.ts", "// changed\n");
    writeStamp(root, ["ts"]);
    expect(staleBuild(root)).toBe("build");
  });

  it("is current for this project after the test run's setup", () => {
    expect(readStamp(ROOT)).toBeDefined();
    expect(staleBuild(ROOT)).toBeUndefined();
  });
});
