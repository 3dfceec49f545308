// The library where the platform has no file system (a browser, or src/index.ts without the Node
// entry point): std/fs fails with 6003 whatever the permissions, sys.args are what the caller
// gives, and store names are still checked against the write roots.
import { describe, expect, it } from "vitest";
import { runSource } from "../helpers.js";

describe("without a file system", () => {
  it("fails every std/fs call with 6003, catchable", async () => {
    const r = await runSource(
      `import "std/fs" as fs
for f in [() => fs.read("a.txt"), () => fs.write("a.txt", "x"), () => fs.exists("a.txt"), () => fs.list(".")] {
  try { f() } catch e { print(e.code) }
}
try { fs.read("a.txt") } catch e { print(e.message) }`,
      { permissions: { all: true } },
    );
    expect(r.output).toBe("6003\n6003\n6003\n6003\ncannot read 'a.txt': there is no file system on this platform\n");
  });

  it("gives the caller's arguments and the clock; the environment is empty but still needs the permission", async () => {
    const source = `import "std/sys" as sys\nprint(sys.args, sys.now() > 0)\ntry { print(sys.env("HOME")) } catch e { print(e.code) }`;
    expect((await runSource(source, { args: ["a"] })).output).toBe(`["a"] true\n6001\n`);
    expect((await runSource(source, { permissions: { env: true } })).output).toBe(`[] true\nnil\n`);
  });

  it("checks store names against the write roots, with `..` taken out", async () => {
    const source = (name: string) => `import "std/db" as db\ntry { db.open(${JSON.stringify(name)}) } catch e { print(e.code) }`;
    // no storage is configured here either, so an allowed name fails later, with 8003
    expect((await runSource(source("stores/../../notebook"), { permissions: { write: ["stores"] } })).output).toBe("6001\n");
    expect((await runSource(source("stores/notebook"), { permissions: { write: ["stores"] } })).output).toBe("8003\n");
  });
});
