// std/fs and std/sys (spec section 9): files read, written, appended, looked for and listed, with
// 3012 for a missing file; the program's arguments after its file on the command line; sys.exit
// ending the whole run with its code after the output so far, past every try/catch; sys.now.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/node/main.js";
import { cli } from "../helpers.js";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "noodle-stdfs-")));
const q = (path: string): string => JSON.stringify(path);

/** Runs source with std/fs and std/sys imported, allowed to read and write `dir`. */
async function runIn(source: string, args: string[] = []) {
  let output = "";
  const r = await run(`import "std/fs" as fs\nimport "std/sys" as sys\n${source}`, {
    file: "fs.nc",
    args,
    permissions: { read: [dir], write: [dir] },
    stdout: (t) => (output += t),
  });
  return { ...r, output };
}

const programFile = (name: string, source: string): string => {
  const path = join(dir, name);
  writeFileSync(path, `import "std/sys" as sys\n${source}`);
  return path;
};

describe("std/fs", () => {
  it("writes, appends, reads, looks for and lists files", async () => {
    const f = join(dir, "notes.txt");
    mkdirSync(join(dir, "sub"));
    const r = await runIn(`
fs.write(${q(f)}, "one\\n")
fs.append(${q(f)}, "two\\n")
print(fs.read(${q(f)}))
fs.write(${q(join(dir, "sub", "b.txt"))}, "b")
fs.write(${q(join(dir, "sub", "a.txt"))}, "a")
print(fs.exists(${q(f)}), fs.exists(${q(join(dir, "absent.txt"))}), fs.exists(${q(join(dir, "sub"))}))
print(fs.list(${q(join(dir, "sub"))}))`);
    expect(r.error).toBeUndefined();
    expect(r.output).toBe(`one\ntwo\n\ntrue false true\n["a.txt", "b.txt"]\n`);
    expect(readFileSync(f, "utf8")).toBe("one\ntwo\n");
  });

  it("fails with 3012 for a missing file or folder, catchable", async () => {
    const r = await runIn(`
try { fs.read(${q(join(dir, "absent.txt"))}) } catch e { print(e.code, e.message) }
try { fs.list(${q(join(dir, "nowhere"))}) } catch e { print(e.code) }`);
    expect(r.output).toBe(`3012 no such file '${join(dir, "absent.txt")}'\n3012\n`);
  });

  it("fails with 3015 reading a folder, and 3011 for text that is not a string", async () => {
    const r = await runIn(`
try { fs.read(${q(dir)}) } catch e { print(e.code, e.message) }
try { fs.write(${q(join(dir, "n.txt"))}, 42) } catch e { print(e.code) }`);
    expect(r.output).toBe(`3015 cannot read '${dir}': it is a folder\n3011\n`);
  });
});

describe("std/sys", () => {
  it("gives the arguments after the program's file as sys.args; noodle's flags stop at the file", () => {
    const p = programFile("args.nc", `print(sys.args)\nprint(type(sys.args), len(sys.args))`);
    expect(cli(["run", p, "a", "b", "--x"]).stdout).toBe(`["a", "b", "--x"]\nlist 3\n`);
    expect(cli(["run", "--max-steps", "1000000", p, "--workers", "2"]).stdout).toBe(`["--workers", "2"]\nlist 2\n`);
    expect(cli(["run", p]).stdout).toBe(`[]\nlist 0\n`);
  });

  it("takes the arguments from the library's `args` option", async () => {
    expect((await runIn(`print(sys.args)`, ["x", "y"])).output).toBe(`["x", "y"]\n`);
    expect((await runIn(`print(sys.args)`)).output).toBe(`[]\n`);
  });

  it("exits with the code given, after everything printed before, and try/catch does not stop it", () => {
    const p = programFile(
      "exit.nc",
      `
for i in range(2000) { print("line", i) }
try {
  sys.exit(3)
} catch e {
  print("caught", e.code)
}
print("after exit")`,
    );
    const r = cli(["run", p]);
    expect(r.code).toBe(3);
    const lines = r.stdout.split("\n");
    expect(lines.length).toBe(2001);
    expect(lines[1999]).toBe("line 1999");
    expect(r.stdout).not.toContain("caught");
    expect(r.stdout).not.toContain("after exit");
    expect(r.stderr).toBe("");
  });

  it("exits with 0 by default, and ends every task with the run", () => {
    const quiet = programFile("exit0.nc", `print("bye")\nsys.exit()\nprint("no")`);
    expect(cli(["run", quiet])).toEqual({ code: 0, stdout: "bye\n", stderr: "" });
    const awaited = programFile(
      "exit-task.nc",
      `
func quit() { sys.exit(5) }
let t = spawn quit()
print("main")
try { await t } catch e { print("caught", e.code) }
print("not after the exit")`,
    );
    expect(cli(["run", awaited])).toEqual({ code: 5, stdout: "main\n", stderr: "" });
    // a task that never ends does not keep the run going past another task's exit
    const endless = programFile(
      "exit-endless.nc",
      `
func forever() { var i = 0\n while true { i += 1 } }
func quit() { sys.exit(6) }
spawn forever()
spawn quit()
print("main")`,
    );
    expect(cli(["run", endless])).toEqual({ code: 6, stdout: "main\n", stderr: "" });
  });

  it("reports the exit code in the library's result", async () => {
    const r = await runIn(`print("x")\nsys.exit(7)`);
    expect(r).toMatchObject({ ok: true, exitCode: 7, output: "x\n" });
    expect((await runIn(`print("y")`)).exitCode).toBeUndefined();
  });

  it("refuses an exit code that is not a whole number from 0 to 255 (3011)", async () => {
    for (const code of ["256", "-1", "1.5", `"1"`]) {
      const r = await runIn(`try { sys.exit(${code}) } catch e { print(e.code) }\nprint("still here")`);
      expect(r.output).toBe("3011\nstill here\n");
    }
  });

  it("gives wall-clock milliseconds since the Unix epoch", async () => {
    const before = Date.now();
    const r = await runIn(`print(sys.now())`);
    const after = Date.now();
    const now = Number(r.output);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });
});
