// `noodle fmt` as a user meets it: files rewritten in place only when they change, --check that
// writes nothing and lists what it would change, syntax errors reported like `noodle run` does
// with the file left as it was, and coded errors for files that cannot be formatted.
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fmtCommand } from "../../src/cli/fmt.js";
import { cli, scratchFolder } from "../helpers.js";

const MESSY = "func f( a,b ){\nreturn a+b\n}\nprint( f(1,2) )\n";
const TIDY = "func f(a, b) {\n  return a + b\n}\nprint(f(1, 2))\n";
const BROKEN = "let a = 1\nlet b = [1, 2\nprint(a)\n";
const JS_STACK = /^\s+at .*(\.js|\.ts|node:internal)|^\w*Error: /m;

const scratch = scratchFolder("noodle-fmt-cli-");

describe("noodle fmt", () => {
  it("rewrites a file in the canonical layout, silently, and exits 0", () => {
    const path = scratch.file("messy.nc", MESSY);
    const r = cli(["fmt", path]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(path, "utf8")).toBe(TIDY);
  });

  it("does not write a file that is already formatted", () => {
    const path = scratch.file("tidy.nc", TIDY);
    const old = new Date(2001, 0, 1);
    utimesSync(path, old, old);
    expect(cli(["fmt", path]).code).toBe(0);
    expect(statSync(path).mtimeMs).toBe(old.getTime());
  });

  it("formats every .nc file under a directory, and several operands at once", () => {
    const dir = join(scratch.dir, "tree");
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(join(dir, "a.nc"), MESSY);
    writeFileSync(join(dir, "sub", "b.nc"), MESSY);
    writeFileSync(join(dir, "notes.txt"), MESSY);
    const other = scratch.file("other.nc", MESSY);
    expect(cli(["fmt", dir, other]).code).toBe(0);
    for (const p of [join(dir, "a.nc"), join(dir, "sub", "b.nc"), other]) expect(readFileSync(p, "utf8")).toBe(TIDY);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe(MESSY);
  });

  it("--check writes nothing, lists the files it would change and exits 1", () => {
    const messy = scratch.file("check-messy.nc", MESSY);
    const tidy = scratch.file("check-tidy.nc", TIDY);
    const r = cli(["fmt", "--check", tidy, messy]);
    expect(r).toEqual({ code: 1, stdout: `${messy}\n`, stderr: "" });
    expect(readFileSync(messy, "utf8")).toBe(MESSY);
  });

  it("--check exits 0 with nothing to say when every file is formatted", () => {
    expect(cli(["fmt", "--check", scratch.file("check-ok.nc", TIDY)])).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("prints a syntax error like noodle run, exits 2, leaves that file alone and formats the others", () => {
    const broken = scratch.file("broken.nc", BROKEN);
    const messy = scratch.file("next.nc", MESSY);
    const r = cli(["fmt", broken, messy]);
    expect(r.code).toBe(2);
    const run = cli(["run", broken]);
    expect(r.stderr).toBe(run.stderr);
    expect(r.stderr).toMatch(/^error\[2001\]: .*\n {2}--> .*broken\.nc:3:1\n/);
    expect(readFileSync(broken, "utf8")).toBe(BROKEN);
    expect(readFileSync(messy, "utf8")).toBe(TIDY);
    expect(cli(["fmt", "--check", broken]).code).toBe(2);
  });

  it("reports a missing file with 9004 and changes no file", () => {
    const messy = scratch.file("untouched.nc", MESSY);
    const r = cli(["fmt", messy, join(scratch.dir, "missing.nc")]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^noodle: error\[9004\]: cannot read '.*missing\.nc': no such file\n/);
    expect(r.stderr).not.toMatch(JS_STACK);
    expect(readFileSync(messy, "utf8")).toBe(MESSY);
  });

  it("refuses a file that is not a .nc file with 9003, and no operand with a usage error", () => {
    const r = cli(["fmt", scratch.file("prog.txt", MESSY)]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^noodle: error\[9003\]: .*prog\.txt' is not a Noodle program/);
    const none = cli(["fmt"]);
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/^noodle: error\[9003\]/);
    expect(cli(["fmt", "--frobnicate", "x.nc"]).stderr).toMatch(/^noodle: error\[9002\]: unknown option '--frobnicate' for 'fmt'/);
  });

  it("reports a file it cannot write with 9006, exit 1, and goes on with the others", () => {
    const a = scratch.file("unwritable.nc", MESSY);
    const b = scratch.file("writable.nc", MESSY);
    const err: string[] = [];
    const written: string[] = [];
    const writeFile = (path: string, text: string) => {
      if (path === a) throw Object.assign(new Error("EROFS: read-only file system"), { code: "EROFS" });
      written.push(path);
      writeFileSync(path, text);
    };
    const code = fmtCommand([a, b], false, { stdout: () => {}, stderr: (t) => err.push(t), writeFile });
    expect(code).toBe(1);
    expect(err.join("")).toBe(`noodle: error[9006]: cannot write '${a}': EROFS\n`);
    expect(written).toEqual([b]);
    expect(readFileSync(b, "utf8")).toBe(TIDY);
  });
});
