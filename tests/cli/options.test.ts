// The `noodle` command line: each subcommand's options and help, the version, and the coded
// messages for what a subcommand does not take. Every test runs the real command.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT, scratchFolder } from "../helpers.js";

const EXIT_USAGE = 64;
const JS_STACK = /^\s+at .*(\.js|\.ts|node:internal)|^\w*Error: /m;
const COMMANDS = ["run", "compile", "disasm", "check", "repl", "db"];

const scratch = scratchFolder("noodle-options-");
const file = scratch.file;

/** A usage error: exit 64, the coded message first, then the command's usage line and where to find help. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, code: number, message: string, command?: string): void {
  expect(r.code).toBe(EXIT_USAGE);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines[0]).toBe(`noodle: error[${code}]: ${message}`);
  expect(lines[1]).toMatch(command ? new RegExp(`^usage: noodle ${command} `) : /^usage: noodle /);
  expect(lines[2]).toBe(`Run 'noodle ${command ? `${command} ` : ""}--help' for more.`);
  expect(r.stderr).not.toMatch(JS_STACK);
}

describe("help and version", () => {
  it("--version prints the package's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) expect(cli([flag])).toEqual({ code: 0, stdout: `noodle ${version}\n`, stderr: "" });
  });

  it("the general help names every subcommand and says how to get a subcommand's help", () => {
    const r = cli(["--help"]);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
    expect(r.stdout).toContain("noodle COMMAND --help");
    expect(r.stdout).toContain("--version");
  });

  for (const command of COMMANDS) {
    it(`'${command} --help' prints that subcommand's usage and options, and runs nothing`, () => {
      for (const flag of ["--help", "-h"]) {
        const r = cli([command, flag]);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe("");
        expect(r.stdout.split("\n")[0]).toMatch(new RegExp(`^usage: noodle ${command} `));
        expect(r.stdout).toMatch(/^options:$/m);
        expect(r.stdout).toMatch(/^ {2}-h, --help /m);
      }
    });
  }

  it("each subcommand's help lists its own options and not the others'", () => {
    const run = cli(["run", "--help"]).stdout;
    for (const o of ["--max-steps N", "--max-memory N", "--max-depth N", "--workers N"]) expect(run).toContain(o);
    expect(run).not.toContain("--output");
    const compile = cli(["compile", "--help"]).stdout;
    expect(compile).toContain("-o, --output OUT");
    expect(compile).not.toContain("--max-steps");
    const repl = cli(["repl", "--help"]).stdout;
    expect(repl).toContain("--max-steps N");
    expect(repl).not.toContain("--workers");
  });
});

describe("options a subcommand does not take", () => {
  it("an unknown option is refused with 9002 and the subcommand's usage", () => {
    const r = cli(["run", "--x", file("p1.nc", `print(1)\n`)]);
    expectUsageError(r, 9002, "unknown option '--x' for 'run'", "run");
  });

  const ignored: [string, string[]][] = [
    ["compile", ["--workers", "2"]],
    ["check", ["--max-steps", "5"]],
    ["disasm", ["-o", "out.nbc"]],
    ["compile", ["--max-memory", "1m"]],
  ];
  for (const [command, flags] of ignored) {
    it(`'${command}' refuses ${flags[0]}, which it would ignore`, () => {
      const r = cli([command, ...flags, file(`p-${command}.nc`, `print(1)\n`)]);
      expectUsageError(r, 9002, `unknown option '${flags[0]}' for '${command}'`, command);
    });
  }

  it("'repl' refuses --workers and 'db' refuses the limits", () => {
    expectUsageError(cli(["repl", "--workers", "2"]), 9002, "unknown option '--workers' for 'repl'", "repl");
    expectUsageError(cli(["db", "ls", "--max-steps", "3", join(scratch.dir, "s.db")]), 9002, "unknown option '--max-steps' for 'db'", "db");
  });

  it("an option before any subcommand is refused for 'noodle'", () => {
    expectUsageError(cli(["--workers", "2", "run"]), 9002, "unknown option '--workers' for 'noodle'");
  });

  it("an unknown subcommand is 9003", () => {
    expectUsageError(cli(["frobnicate"]), 9003, "unknown command 'frobnicate'");
  });

  it("an option without its value is 9001", () => {
    expectUsageError(cli(["run", "--max-steps"]), 9001, "--max-steps needs a value (N)", "run");
  });

  it("an option given twice is 9001", () => {
    expectUsageError(cli(["run", "--max-steps", "5", "--max-steps", "6", file("p2.nc", "")]), 9001, "--max-steps is given twice", "run");
  });
});

describe("noodle run's arguments", () => {
  it("takes an option's value after '='", () => {
    const r = cli(["run", "--max-steps=1000", file("eq.nc", `var i = 0\nwhile true { i += 1 }\n`)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[4002\]/);
  });

  it("leaves everything after the file to the program, flags included", () => {
    const r = cli(["run", file("args.nc", `print("ran")\n`), "--x", "a", "--max-steps", "1"]);
    expect(r).toEqual({ code: 0, stdout: "ran\n", stderr: "" });
  });

  it("reads a file named like an option after '--'", () => {
    file("-dash.nc", `print("dash")\n`);
    expect(spawnIn(scratch.dir, ["run", "--", "-dash.nc"])).toEqual({ code: 0, stdout: "dash\n", stderr: "" });
  });
});

describe("noodle compile's output path", () => {
  it("refuses to write the bytecode over its source (9005), which stays as it was", () => {
    const src = file("self.nc", `print("self")\n`);
    expectUsageError(cli(["compile", src, "-o", src]), 9005, `'${src}' is the source file; write the bytecode elsewhere (-o OUT)`, "compile");
    expect(readFileSync(src, "utf8")).toBe(`print("self")\n`);
    // the same file by another spelling
    const r = spawnIn(scratch.dir, ["compile", "self.nc", "-o", "./self.nc"]);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toMatch(/^noodle: error\[9005\]/);
    expect(readFileSync(src, "utf8")).toBe(`print("self")\n`);
  });

  it("reports an output path that is a directory with 9006, exit 1, and writes nothing into it", () => {
    const out = join(scratch.dir, "outdir");
    mkdirSync(out);
    const r = cli(["compile", file("todir.nc", `print(1)\n`), "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`noodle: error[9006]: cannot write '${out}': it is a directory\n`);
    expect(readdirSync(out)).toEqual([]);
  });

  it("reports a source that is a directory with 9004", () => {
    const folder = join(scratch.dir, "folder.nc");
    mkdirSync(folder, { recursive: true });
    expectUsageError(cli(["check", folder]), 9004, `cannot read '${folder}': it is a directory`, "check");
  });

  it("refuses a file that is not Noodle source with 9003, unread", () => {
    expectUsageError(cli(["check", scratch.dir]), 9003, `'${scratch.dir}' is not a Noodle program: expected a .nc file`, "check");
  });
});

describe("noodle db on a directory", () => {
  it("is a coded error (8004), exit 1, not an EISDIR trace", () => {
    const r = cli(["db", "ls", scratch.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`error[8004]: corrupt data: ${scratch.dir}: a directory, not a Noodle store\n`);
    expect(r.stderr).not.toContain("EISDIR");
  });
});

/** Runs the command in another working directory. */
function spawnIn(cwd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/noodle.js"), ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
