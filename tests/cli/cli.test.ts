// The `noodle` command as a user meets it (spec section 8): output, exit codes, the shape of
// runtime and compile error reports, bytecode files, limits and usage errors. Every test runs
// the real command in a child process.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPCODE_BY_NAME } from "../../src/bytecode/opcode-table.js";
import { cli } from "../helpers.js";

const EXIT_OK = 0;
const EXIT_RUNTIME = 1;
const EXIT_COMPILE = 2;
const EXIT_USAGE = 64;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "noodle-cli-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a file into the test's temporary folder and returns its absolute path. */
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A JavaScript stack trace: what a user must never see, whatever the input. */
const JS_STACK = /^\s+at .*(\.js|\.ts|node:internal)|^\w*Error: /m;

/** One compile diagnostic as printed: header, location, and the caret line under the source. */
interface Block {
  code: number;
  message: string;
  file: string;
  line: number;
  col: number;
  sourceLine: string;
  /** Zero-based column of the first caret within the source text, and how many carets. */
  caretAt: number;
  caretLen: number;
}

/** Splits compile-error output into its blocks, failing on any block that is not well formed. */
function blocks(stderr: string): Block[] {
  const parts = stderr.split(/^(?=error\[)/m).filter((p) => p.trim() !== "");
  return parts.map((part) => {
    const lines = part.replace(/\n$/, "").split("\n");
    const head = /^error\[(\d{4})\]: (.+)$/.exec(lines[0]);
    const loc = /^ {2}--> (.+):(\d+):(\d+)$/.exec(lines[1] ?? "");
    if (!head || !loc) throw new Error(`not a diagnostic block:\n${part}`);
    const line = Number(loc[2]);
    // the gutter holds the line number on the source line and blanks on the caret line
    const srcIndex = lines.findIndex((l) => l.startsWith(`${line} | `));
    if (srcIndex < 0) throw new Error(`no source line ${line} in block:\n${part}`);
    const prefix = `${line} | `.length;
    const caretLine = lines[srcIndex + 1] ?? "";
    const caret = /\^+/.exec(caretLine);
    if (!caret || !/^ *\| /.test(caretLine)) throw new Error(`no caret line in block:\n${part}`);
    return {
      code: Number(head[1]),
      message: head[2],
      file: loc[1],
      line,
      col: Number(loc[3]),
      sourceLine: lines[srcIndex].slice(prefix),
      caretAt: caret.index - prefix,
      caretLen: caret[0].length,
    };
  });
}

/** The frames of a runtime error report, in the order printed. */
function frames(stderr: string): { name: string; file: string; line: number; col: number }[] {
  return [...stderr.matchAll(/^ {2}at (\S+) \((.+):(\d+):(\d+)\)$/gm)].map((m) => ({
    name: m[1],
    file: m[2],
    line: Number(m[3]),
    col: Number(m[4]),
  }));
}

const FIB = `func fib(n) {
  if n < 2 { return n }
  return fib(n - 1) + fib(n - 2)
}
let xs = [1, 2.5, "three", nil]
print("fib", fib(15), xs, {"a": [1, true]})
for i in 0..4 { print(i * i) }
`;
const FIB_OUTPUT = `fib 610 [1, 2.5, "three", nil] {"a": [1, true]}\n0\n1\n4\n9\n`;

// Three calls deep; the division fails in the innermost one.
const CHAIN = `func outer(x) {
  return middle(x + 1)
}
func middle(y) {
  return inner(y * 2)
}
func inner(z) {
  let q = z / 0
  return q
}
print("before")
print(outer(1))
print("never")
`;

describe("noodle run", () => {
  it("prints the program's output and exits 0", () => {
    const r = cli(["run", file("fib.nc", FIB)]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(FIB_OUTPUT);
    expect(r.code).toBe(EXIT_OK);
  });

  it("reports an uncaught error with one frame per call and exits 1", () => {
    const path = file("chain.nc", CHAIN);
    const r = cli(["run", path]);
    expect(r.code).toBe(EXIT_RUNTIME);
    // output printed before the error is kept; nothing after it runs
    expect(r.stdout).toBe("before\n");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("error[3001]: division by zero");
    expect(lines.slice(1).every((l) => /^ {2}at \S+ \(.+:\d+:\d+\)$/.test(l))).toBe(true);
    const fs = frames(r.stderr);
    expect(fs.map((f) => f.name).slice(0, 3)).toEqual(["inner", "middle", "outer"]);
    expect(fs.map((f) => f.line)).toEqual([8, 5, 2, 12]);
    expect(fs.every((f) => f.file === path)).toBe(true);
    // call sites point at the callee's name; the failing frame points into `z / 0`
    expect(fs[1].col).toBe(10);
    expect(fs[2].col).toBe(10);
    expect(fs[3].col).toBe(7);
    expect(fs[0].col).toBeGreaterThanOrEqual(11);
    expect(fs[0].col).toBeLessThanOrEqual(15);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("reports a thrown value with its code and the frame that threw it", () => {
    const r = cli(["run", file("throw.nc", `func fail() {\n  throw "boom"\n}\nfail()\n`)]);
    expect(r.code).toBe(EXIT_RUNTIME);
    expect(r.stderr.split("\n")[0]).toBe("error[3006]: boom");
    const fs = frames(r.stderr);
    expect(fs.map((f) => f.line)).toEqual([2, 4]);
    expect(fs[0].name).toBe("fail");
  });
});

describe("noodle run with tasks", () => {
  it("an awaited task's error shows the task's frames, then the awaiting ones", () => {
    const source = `func inner(x) {\n  return x / 0\n}\nfunc task() {\n  return inner(1) + 1\n}\nlet t = spawn task()\nprint("waiting")\nawait t\n`;
    const r = cli(["run", file("task-error.nc", source)]);
    expect(r.code).toBe(EXIT_RUNTIME);
    expect(r.stdout).toBe("waiting\n");
    expect(r.stderr.split("\n")[0]).toBe("error[3001]: division by zero");
    expect(frames(r.stderr).map((f) => `${f.name}:${f.line}`)).toEqual(["inner:2", "task:5", "<main>:9"]);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("messages sent and never awaited are still handled before the program ends", () => {
    const source = `actor Log {\n  func say(x) { print(x) }\n}\nlet l = spawn Log()\nl.say("one")\nl.say("two")\nprint("main done")\n`;
    const r = cli(["run", file("fire-and-forget.nc", source)]);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toBe("main done\none\ntwo\n");
  });
});

describe("compile errors", () => {
  it("prints code, location, the source line and a caret under the column, and exits 2", () => {
    const path = file("undeclared.nc", `let a = 1\nprint(a + missing)\n`);
    const r = cli(["run", path]);
    expect(r.code).toBe(EXIT_COMPILE);
    expect(r.stdout).toBe("");
    const [b, ...more] = blocks(r.stderr);
    expect(more).toEqual([]);
    expect(b).toMatchObject({ code: 2002, file: path, line: 2, col: 11, sourceLine: "print(a + missing)" });
    expect(b.message).toContain("missing");
    expect(b.caretAt).toBe(b.col - 1);
    expect(b.sourceLine.slice(b.caretAt, b.caretAt + b.caretLen)).toBe("missing");
  });

  it("places the caret by code points, not UTF-16 units, after non-ASCII text", () => {
    const r = cli(["check", file("unicode.nc", `let s = "🍜é"; print(s, nope)\n`)]);
    expect(r.code).toBe(EXIT_COMPILE);
    const [b] = blocks(r.stderr);
    expect(b.code).toBe(2002);
    expect([...b.sourceLine].slice(b.caretAt, b.caretAt + b.caretLen).join("")).toBe("nope");
  });

  it("reports every error of the file, not only the first", () => {
    const path = file("three.nc", `let a = 1\nprint(undeclared)\na = 5\nvar ok = 2\nbreak\n`);
    const r = cli(["run", path]);
    expect(r.code).toBe(EXIT_COMPILE);
    const bs = blocks(r.stderr);
    expect(bs.map((b) => [b.code, b.line])).toEqual([
      [2002, 2],
      [2003, 3],
      [2005, 5],
    ]);
    for (const b of bs) expect(b.caretAt).toBe(b.col - 1);
  });

  it("recovers from syntax errors and reports each of them", () => {
    const r = cli(["check", file("syntax.nc", `let a = 1 +* 2\nprint(1)\nlet = 3\nprint(2)\nlet b = )\n`)]);
    expect(r.code).toBe(EXIT_COMPILE);
    const bs = blocks(r.stderr);
    expect(bs.map((b) => b.code)).toEqual([2001, 2001, 2001]);
    expect(bs.map((b) => b.line)).toEqual([1, 3, 5]);
    expect(bs.map((b) => b.sourceLine[b.caretAt])).toEqual(["*", "=", ")"]);
  });

  // The optimizer drops code that can never run; the resolver checks it first.
  it("reports errors inside code that can never run", () => {
    const r = cli(["check", file("dead.nc", `func f() {\n  return 1\n  print(gone)\n}\nif false { print(never) }\nprint(f(), nope)\n`)]);
    expect(r.code).toBe(EXIT_COMPILE);
    expect(blocks(r.stderr).map((b) => [b.code, b.line])).toEqual([
      [2002, 3],
      [2002, 5],
      [2002, 6],
    ]);
  });
});

describe("noodle compile, run FILE.nbc and disasm", () => {
  it("runs a compiled module with the same output as its source", () => {
    const src = file("prog.nc", FIB);
    const out = join(dir, "prog-out.nbc");
    const c = cli(["compile", src, "-o", out]);
    expect(c).toMatchObject({ code: EXIT_OK, stdout: "", stderr: "" });
    expect(existsSync(out)).toBe(true);
    const fromBytecode = cli(["run", out]);
    const fromSource = cli(["run", src]);
    expect(fromBytecode).toEqual(fromSource);
    expect(fromBytecode.stdout).toBe(FIB_OUTPUT);
  });

  it("writes FILE.nbc beside the source when -o is not given", () => {
    const src = file("beside.nc", `print("beside")\n`);
    expect(cli(["compile", src]).code).toBe(EXIT_OK);
    expect(cli(["run", join(dir, "beside.nbc")]).stdout).toBe("beside\n");
  });

  it("keeps source positions in the bytecode, so runtime errors report the same frames", () => {
    const src = file("chain2.nc", CHAIN);
    const out = join(dir, "chain2.nbc");
    expect(cli(["compile", src, "-o", out]).code).toBe(EXIT_OK);
    const fromBytecode = cli(["run", out]);
    expect(fromBytecode.code).toBe(EXIT_RUNTIME);
    expect(fromBytecode).toEqual(cli(["run", src]));
  });

  it("does not write bytecode for a file with compile errors", () => {
    const out = join(dir, "bad-out.nbc");
    const r = cli(["compile", file("bad.nc", `print(nope)\n`), "-o", out]);
    expect(r.code).toBe(EXIT_COMPILE);
    expect(blocks(r.stderr).map((b) => b.code)).toEqual([2002]);
    expect(existsSync(out)).toBe(false);
  });

  it("disassembles functions with mnemonics from the opcode table", () => {
    const out = join(dir, "dis.nbc");
    expect(cli(["compile", file("dis.nc", FIB), "-o", out]).code).toBe(EXIT_OK);
    const r = cli(["disasm", out]);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stderr).toBe("");
    const functions = [...r.stdout.matchAll(/^function f(\d+) ([^\s:]+)/gm)].map((m) => m[2]);
    expect(functions).toContain("fib");
    expect(functions.length).toBeGreaterThanOrEqual(2);
    const mnemonics = [...r.stdout.matchAll(/^\s+\d{4}\s+L\d+\s+([A-Z0-9]+)\b/gm)].map((m) => m[1]);
    expect(mnemonics.length).toBeGreaterThan(10);
    for (const m of mnemonics) expect(OPCODE_BY_NAME.has(m), m).toBe(true);
    expect(mnemonics).toEqual(expect.arrayContaining(["CALLG", "RETURN", "CALLB"]));
  });

  it("disassembles a source file as well", () => {
    const r = cli(["disasm", file("dis-src.nc", `print(1 + 2)\n`)]);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toMatch(/^function f0 /m);
  });

  it("reports an output path that cannot be written without a JS stack trace", () => {
    const r = cli(["compile", file("unwritable.nc", `print(1)\n`), "-o", join(dir, "no", "such", "folder", "x.nbc")]);
    expect(r.code).not.toBe(EXIT_OK);
    expect(r.stderr).toContain("x.nbc");
    expect(r.stderr).not.toMatch(JS_STACK);
  });
});

describe("malformed bytecode", () => {
  let good: Uint8Array;

  beforeAll(() => {
    const out = join(dir, "good.nbc");
    expect(cli(["compile", file("good.nc", FIB), "-o", out]).code).toBe(EXIT_OK);
    good = new Uint8Array(readFileSync(out));
  });

  const flipped = (at: (n: number) => number) => () => {
    const bytes = good.slice();
    bytes[at(bytes.length)] ^= 0xff;
    return bytes;
  };
  const cases: [string, () => Uint8Array][] = [
    ["a flipped magic byte", flipped(() => 0)],
    ["a flipped byte in the middle", flipped((n) => n >> 1)],
    ["a flipped last byte", flipped((n) => n - 1)],
    ["truncation to half", () => good.slice(0, good.length >> 1)],
    ["truncation by one byte", () => good.slice(0, good.length - 1)],
    ["an empty file", () => new Uint8Array(0)],
  ];

  for (const [what, bytes] of cases) {
    it(`reports ${what} as error 1004 without a JS stack trace`, () => {
      const path = file(`corrupt-${what.replace(/\W+/g, "-")}.nbc`, bytes());
      for (const command of ["run", "disasm"]) {
        const r = cli([command, path]);
        expect(r.code, command).toBe(EXIT_RUNTIME);
        expect(r.stdout, command).toBe("");
        expect(r.stderr, command).toMatch(/^error\[1004\]: /);
        expect(r.stderr, command).not.toMatch(JS_STACK);
      }
    });
  }
});

describe("noodle check", () => {
  it("exits 0 with no output for a good file, without running it", () => {
    const r = cli(["check", file("good-check.nc", `print("side effect")\nprint(1 / 0)\n`)]);
    expect(r).toEqual({ code: EXIT_OK, stdout: "", stderr: "" });
  });

  it("exits 2 and reports the errors of a bad file", () => {
    const r = cli(["check", file("bad-check.nc", `let k = 1\nk = 2\n`)]);
    expect(r.code).toBe(EXIT_COMPILE);
    expect(r.stdout).toBe("");
    expect(blocks(r.stderr).map((b) => [b.code, b.line, b.col])).toEqual([[2003, 2, 1]]);
  });
});

describe("limits", () => {
  it("--max-steps ends an endless loop with 4002", () => {
    const r = cli(["run", "--max-steps", "1000", file("forever.nc", `var i = 0\nwhile true { i += 1 }\n`)]);
    expect(r.code).toBe(EXIT_RUNTIME);
    expect(r.stderr).toMatch(/^error\[4002\]: /);
    expect(frames(r.stderr).map((f) => f.line)).toEqual([2]);
  });

  it("--max-depth ends deep recursion with 1001, the repeated frames counted", () => {
    const r = cli(["run", "--max-depth", "50", file("deep.nc", `func down(n) { return down(n + 1) + 1 }\nprint(down(0))\n`)]);
    expect(r.code).toBe(EXIT_RUNTIME);
    expect(r.stderr).toMatch(/^error\[1001\]: /);
    const fs = frames(r.stderr);
    expect(fs.map((f) => f.name)).toEqual([...Array(10).fill("down"), "<main>"]);
    expect(r.stderr).toContain("\n  ... 39 more calls of down\n");
  });

  it("--max-depth leaves recursion within the limit alone", () => {
    const r = cli(["run", "--max-depth", "50", file("shallow.nc", `func down(n) { if n == 0 { return 0 }\n return down(n - 1) + 1 }\nprint(down(40))\n`)]);
    expect(r).toMatchObject({ code: EXIT_OK, stdout: "40\n" });
  });

  it("--max-memory ends a program that keeps allocating with 4001", () => {
    const r = cli(["run", "--max-memory", "16m", file("hoard.nc", `var xs = []\nwhile true { push(xs, [1, 2, 3, 4, 5, 6, 7, 8]) }\n`)]);
    expect(r.code).toBe(EXIT_RUNTIME);
    expect(r.stderr).toMatch(/^error\[4001\]: /);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("--max-memory lets a loop that only makes garbage finish", () => {
    const src = `var i = 0\nwhile i < 200000 {\n  let xs = [i, i + 1, "s\${i}"]\n  i += 1\n}\nprint("done")\n`;
    const r = cli(["run", "--max-memory", "4m", file("garbage.nc", src)]);
    expect(r).toMatchObject({ code: EXIT_OK, stdout: "done\n", stderr: "" });
  });
});

describe("usage", () => {
  const usage = /usage: noodle/;
  const cases: [string, () => string[]][] = [
    ["no command", () => []],
    ["an unknown command", () => ["frobnicate"]],
    ["a missing file argument", () => ["run"]],
    // after run's file come the program's own arguments; check takes exactly one file
    ["two file arguments", () => ["check", file("u1.nc", ""), file("u2.nc", "")]],
    ["a non-numeric --max-steps", () => ["run", "--max-steps", "abc", file("u3.nc", `print(1)\n`)]],
    ["a bad --max-memory suffix", () => ["run", "--max-memory", "12q", file("u4.nc", `print(1)\n`)]],
    ["an unknown flag", () => ["run", "--bogus", file("u5.nc", `print(1)\n`)]],
    ["a source file that does not exist", () => ["run", join(dir, "absent.nc")]],
    ["a bytecode file that does not exist", () => ["run", join(dir, "absent.nbc")]],
    ["check of a file that does not exist", () => ["check", join(dir, "absent.nc")]],
  ];

  for (const [what, args] of cases) {
    it(`exits 64 with a usage message for ${what}`, () => {
      const r = cli(args());
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(usage);
      expect(r.stderr).not.toMatch(JS_STACK);
    });
  }

  it("names the missing file in its message", () => {
    expect(cli(["run", join(dir, "absent.nc")]).stderr).toContain("absent.nc");
  });

  it("--help prints the usage on stdout and exits 0", () => {
    for (const flag of ["--help", "-h"]) {
      const r = cli([flag]);
      expect(r.code).toBe(EXIT_OK);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(usage);
      for (const command of ["run", "compile", "disasm", "check", "repl"]) expect(r.stdout).toContain(command);
      for (const flag of ["--max-steps", "--max-memory", "--max-depth"]) expect(r.stdout).toContain(flag);
    }
  });
});
