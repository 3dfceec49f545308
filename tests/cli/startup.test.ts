// What `noodle run` loads before a program's first line runs: the bundle's chunks that its entry
// imports statically, and Node's own modules. Work that only some programs need (compiling to
// WebAssembly, stores, serving metrics, threads, bytecode files) is loaded when first used, so a
// short program never pays for parsing it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const BUNDLE = join(ROOT, "dist", "bundle");

/** The source files (as esbuild names them in its output) in the chunks the CLI imports statically. */
function startupSources(): Set<string> {
  const files = new Set<string>();
  const sources = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(join(BUNDLE, file), "utf8");
    for (const m of text.matchAll(/^\/\/ (src\/\S+)$/gm)) sources.add(m[1]);
    for (const m of text.matchAll(/^import\s(?:[^;]*?from\s*)?"\.\/([^"]+)"/gm)) visit(m[1]);
  };
  visit("noodle-cli.js");
  return sources;
}

describe("noodle run at start-up", () => {
  it("loads the interpreter's path and leaves the rest to first use", () => {
    const sources = startupSources();
    // the path every run takes is there (the test would pass on an empty set otherwise)
    for (const needed of ["src/cli/main.ts", "src/compiler/parser.ts", "src/runtime/vm.ts", "src/runtime/core.ts"]) expect(sources).toContain(needed);
    for (const deferred of [
      "src/jit/emit.ts",
      "src/jit/analysis.ts",
      "src/jit/compile-job.ts",
      "src/store/store.ts",
      "src/store/db-host.ts",
      "src/node/metrics-server.ts",
      "src/bytecode/codec.ts",
      "src/bytecode/disasm.ts",
      "src/codec/value-codec.ts",
      "src/concurrency/pool.ts",
      "src/cluster/cluster.ts",
    ])
      expect(sources, deferred).not.toContain(deferred);
  });

  it("starts no thread and no server of Node's for a program that needs none", () => {
    // a preload that reports, once the run has ended, the built-in modules Node loaded
    const report = "process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList)))";
    const run = spawnSync(
      process.execPath,
      ["--import", `data:text/javascript,${encodeURIComponent(report)}`, join(ROOT, "bin", "noodle.js"), "run", join(ROOT, "examples", "hello.nc")],
      {
        encoding: "utf8",
      },
    );
    expect(run.stdout).toBe("hello, noodle\nfib(20) = 6765\n");
    const loaded: string[] = JSON.parse(run.stderr);
    expect(loaded).toContain("NativeModule fs");
    for (const unused of ["NativeModule worker_threads", "NativeModule http"]) expect(loaded, unused).not.toContain(unused);
  });
});
