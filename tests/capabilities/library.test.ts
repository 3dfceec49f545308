// The library takes the same permissions as options (spec section 8): `run()`, `Noodle.create()`
// and `VM.create()`. Without them a program touches nothing outside its VM: no file reads, no
// writes, no environment, stores only in memory.
import { existsSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, Noodle, type RunOptions, run, VM } from "../../src/node/main.js";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "noodle-caps-lib-")));
const other = realpathSync(mkdtempSync(join(tmpdir(), "noodle-caps-other-")));
writeFileSync(join(dir, "in.txt"), "inside");
writeFileSync(join(other, "out.txt"), "elsewhere");
const q = (path: string): string => JSON.stringify(path);

async function printed(source: string, options: RunOptions = {}): Promise<string> {
  let out = "";
  const r = await run(source, { file: "lib.nc", ...options, stdout: (t) => (out += t) });
  if (r.diagnostics) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.ok ? out : `${out}error ${r.error?.code}: ${r.error?.message}`;
}

const attempts = `import "std/fs" as fs
import "std/sys" as sys
import "std/db" as db
func try_(label, f) {
  try { print(label, f()) } catch e { print(label, e.code) }
}
try_("read", () => fs.read(${q(join(dir, "in.txt"))}))
try_("write", () => fs.write(${q(join(dir, "new.txt"))}, "x"))
try_("env", () => sys.env("PATH") != nil)
try_("store", () => db.open(${q(join(dir, "s.db"))}).path != nil)
try_("memory store", () => db.open().path == nil)`;

describe("permissions in the library", () => {
  it("deny everything outside the VM by default: files, environment, stores with a path", async () => {
    expect(await printed(attempts)).toBe("read 6001\nwrite 6001\nenv 6001\nstore 6001\nmemory store true\n");
    expect(existsSync(join(dir, "new.txt"))).toBe(false);
    expect(existsSync(join(dir, "s.db"))).toBe(false);
  });

  it("allow what the options allow, and nothing more", async () => {
    expect(await printed(attempts, { permissions: { read: [dir] } })).toBe("read inside\nwrite 6001\nenv 6001\nstore 6001\nmemory store true\n");
    expect(await printed(attempts, { permissions: { write: [dir], env: true } })).toBe("read inside\nwrite nil\nenv true\nstore true\nmemory store true\n");
    expect(existsSync(join(dir, "s.db"))).toBe(true);
    const outside = `import "std/fs" as fs\nprint(fs.read(${q(join(other, "out.txt"))}))`;
    expect(await printed(outside, { permissions: { read: [dir], write: [dir] } })).toMatch(/^error 6001: reading '.*out\.txt' is not allowed/);
    expect(await printed(outside, { permissions: { all: true } })).toBe("elsewhere\n");
  });

  it("resolve `..` in the paths a program gives", async () => {
    const climb = `import "std/fs" as fs\nprint(fs.read(${q(join(dir, "..", other.split("/").pop()!, "out.txt"))}))`;
    expect(await printed(climb, { permissions: { read: [dir] } })).toMatch(/^error 6001/);
  });

  it("hold in a Noodle session and in a VM", async () => {
    let out = "";
    const session = await Noodle.create({ permissions: { read: [dir] }, args: ["one"], stdout: (t) => (out += t) });
    const use = `import "std/fs" as fs\nimport "std/sys" as sys\n`;
    expect(session.eval(`${use}fs.read(${q(join(dir, "in.txt"))})`).value).toBe("inside");
    expect(session.eval(`${use}sys.args`).value).toEqual(["one"]);
    const refused = session.eval(`${use}fs.read(${q(join(other, "out.txt"))})`);
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe(6001);
    const noStore = await session.evalAsync(`import "std/db" as db\ndb.open(${q(join(dir, "session.db"))})`);
    expect(noStore.error?.code).toBe(6001);

    const c = compile(`import "std/fs" as fs\nprint(fs.exists(${q(join(dir, "in.txt"))}))`);
    const denied = await VM.create({ stdout: (t) => (out += t) });
    expect((await denied.runAsync(c.module!)).ok).toBe(false);
    const allowed = await VM.create({ permissions: { read: [dir] }, stdout: (t) => (out += t) });
    expect((await allowed.runAsync(c.module!)).ok).toBe(true);
    expect(out).toBe("true\n");
  });

  it("leave imports to the caller's readFile, but only of .nc paths", async () => {
    const files: Record<string, string> = { "lib/util.nc": "func twice(x) { return 2 * x }", "notes.txt": "secret words" };
    const readFile = (path: string) => files[path];
    expect(await printed(`import "lib/util.nc" as u\nprint(u.twice(21))`, { readFile })).toBe("42\n");
    const r = await run(`import "notes.txt" as n`, { readFile });
    expect(r.diagnostics?.[0]).toMatchObject({ code: 2008 });
    expect(JSON.stringify(r.diagnostics)).not.toContain("secret words");
  });
});
