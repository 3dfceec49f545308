// `noodle repl`: driven through piped stdin (no terminal) for what a session keeps and prints,
// and through a real terminal under tmux, when tmux is installed, for line editing and history.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { needsMore } from "../../src/cli/repl.js";
import { ROOT } from "../helpers.js";

const NOODLE = join(ROOT, "bin/noodle.js");

let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "noodle-repl-home-"));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

/** Runs a session over piped input with HOME in a temporary folder, so history lands there. */
function session(lines: string[]): { code: number; stdout: string; stderr: string; out: string[] } {
  const r = spawnSync(process.execPath, [NOODLE, "repl"], {
    input: lines.map((l) => l + "\n").join(""),
    encoding: "utf8",
    timeout: 60_000,
    cwd: home,
    env: { ...process.env, HOME: home, USERPROFILE: home },
  });
  // prompts are written even without a terminal; what the session printed is what remains
  const out = r.stdout
    .replace(/noodle> |\.\.\. {5}/g, "")
    .split("\n")
    .filter((l) => l !== "");
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, out };
}

describe("repl over piped input", () => {
  it("goes on after entries that used to stop it: a 5 000-term chain, nesting past the limit", () => {
    const r = session([`let x = 1${" + 1".repeat(5000)}`, "x", `${"(".repeat(3000)}1${")".repeat(3000)}`, "x * 2"]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(["5001", "10002"]);
    expect(r.stderr).toContain("error[2017]: the program is nested too deeply: more than 500 levels");
  });

  it("keeps bindings between entries", () => {
    const r = session(["let x = 2", "x * 21"]);
    expect(r.out).toEqual(["42"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("keeps mutable bindings and sees assignments made by later entries", () => {
    const r = session(["var n = 1", "n += 4", "n", "n = n * 10", "n"]);
    expect(r.out).toEqual(["5", "50"]);
  });

  it("calls a function defined on an earlier line", () => {
    const r = session(["func twice(v) { return v * 2 }", "twice(21)", "let t = twice", "t(4)"]);
    expect(r.out).toEqual(["42", "8"]);
    expect(r.stderr).toBe("");
  });

  it("reads a function whose body spans several lines", () => {
    const r = session(["func sq(n) {", "  let m = n * n", "  return m", "}", "sq(7)"]);
    expect(r.out).toEqual(["49"]);
    expect(r.stderr).toBe("");
  });

  it("reads a list literal and a call spread over several lines", () => {
    const r = session(["let xs = [", "  1,", "  2,", "  3", "]", "len(xs)", "print(", '  "a",', "  xs", ")"]);
    expect(r.out).toEqual(["3", "a [1, 2, 3]"]);
  });

  it("continues an entry that ends with a binary operator", () => {
    expect(session(["1 +", "2"]).out).toEqual(["3"]);
  });

  it("prints the value of an expression, and nothing for nil or a statement", () => {
    const r = session(['"text"', '[1, "b"]', "nil", "let quiet = 5", 'print("said")', "true"]);
    expect(r.out).toEqual(['"text"', '[1, "b"]', "said", "true"]);
  });

  it("reports a runtime error on stderr and keeps the session going", () => {
    const r = session(["let a = 6", "a / 0", "a * 7"]);
    expect(r.stderr).toMatch(/^error\[3001\]: division by zero\n {2}at /);
    expect(r.out).toEqual(["42"]);
    expect(r.code).toBe(0);
  });

  it("reports a compile error on stderr, with its caret, and keeps the session going", () => {
    const r = session(["let a = 6", "print(nothing)", "a = 7", "a + 1"]);
    expect(r.stderr).toMatch(/error\[2002\]: undeclared name 'nothing'\n {2}--> \S+:1:7\n/);
    expect(r.stderr).toMatch(/\| {7}\^{7}/);
    expect(r.stderr).toMatch(/error\[2003\]/);
    // neither failed entry changed the session: `a` is still 6
    expect(r.out).toEqual(["7"]);
    expect(r.code).toBe(0);
  });

  it("does not define a function that failed to compile, and keeps the ones that did", () => {
    const r = session(["func ok() { return 1 }", "func broken() { return missing }", "ok()"]);
    expect(r.stderr).toMatch(/error\[2002\]/);
    expect(r.out).toEqual(["1"]);
  });

  it("exits 0 at the end of input, even after errors and with an entry left open", () => {
    expect(session(["1 / 0"]).code).toBe(0);
    expect(session(["let xs = [1,"]).code).toBe(0);
    expect(session([]).code).toBe(0);
  });

  it("writes the entries to ~/.noodle_history", () => {
    session(["let h = 1", "", "h + 1", "func f(v) {", "  return v", "}"]);
    const path = join(home, ".noodle_history");
    expect(existsSync(path)).toBe(true);
    const entries = readFileSync(path, "utf8").split("\n").filter(Boolean);
    // blank entries are not recorded; a multi-line entry keeps one history line per input line
    expect(entries).toEqual(["let h = 1", "h + 1", "func f(v) {", "  return v", "}"]);
  });

  it("appends to an existing history file", () => {
    writeFileSync(join(home, ".noodle_history"), "old entry\n");
    session(["2 + 2"]);
    expect(readFileSync(join(home, ".noodle_history"), "utf8")).toBe("old entry\n2 + 2\n");
  });
});

describe("repl: what one entry declares, the next can use", () => {
  it("uses a module imported by an earlier entry, which runs once, even when imported again", () => {
    writeFileSync(join(home, "lib.nc"), `print("lib runs")\nfunc sq(x) { return x * x }\nstruct Pt { x, y }\n`);
    const r = session([
      'import "lib.nc" as lib',
      "lib.sq(4)",
      'import "lib.nc" as again',
      "again.sq(5)",
      "lib.Pt { x: 1, y: 2 }",
      "func area(p: lib.Pt) { return p.x * p.y }",
      "area(lib.Pt { x: 3, y: 4 })",
    ]);
    expect(r.stderr).toBe("");
    expect(r.out).toEqual(["lib runs", "16", "25", "Pt { x: 1, y: 2 }", "12"]);
  });

  it("uses a standard module imported by an earlier entry", () => {
    const r = session(['import "std/category" as cat', "cat.compose != nil"]);
    expect(r.stderr).toBe("");
    expect(r.out).toEqual(["true"]);
  });

  it("reports a module used as a value in a later entry as it would in the same one", () => {
    const r = session(['import "std/category" as cat', "cat"]);
    expect(r.stderr).toMatch(/^error\[2014\]/);
  });

  it("builds a struct declared by an earlier entry", () => {
    const r = session(["struct P { x, y }", "let p = P { x: 1, y: 2 }", "p.x + p.y", "P { x: 3, y: 4 }"]);
    expect(r.stderr).toBe("");
    expect(r.out).toEqual(["3", "P { x: 3, y: 4 }"]);
  });

  it("spawns an actor declared by an earlier entry and keeps its state between entries", () => {
    const r = session([
      "actor Counter {",
      "  var n = 0",
      "  func inc() {",
      "    n += 1",
      "    return n",
      "  }",
      "}",
      "let c = spawn Counter()",
      "await c.inc()",
      "await c.inc()",
    ]);
    expect(r.stderr).toBe("");
    expect(r.out).toEqual(["1", "2"]);
  });

  it("refuses an actor of an earlier entry used other than by spawn, as in the same entry", () => {
    const r = session(["actor A {", "  func f() { return 1 }", "}", "A()"]);
    expect(r.stderr).toMatch(/^error\[2016\]: actor 'A' can only be created with 'spawn A\(\)'/);
  });
});

describe("repl: input that cannot be completed", () => {
  it("reports an unterminated string at the end of its line, and the session goes on", () => {
    const r = session(['let s = "abc', "1 + 1"]);
    expect(r.stderr).toMatch(/^error\[2001\]: unterminated string/);
    expect(r.out).toEqual(["2"]);
  });

  it("does not count a quote inside a comment or a closed string as open", () => {
    expect(needsMore('let s = "a\\"b"')).toBe(false);
    expect(needsMore('"abc')).toBe(false);
    expect(needsMore('print("a",')).toBe(true);
    expect(needsMore('let xs = ["a\n')).toBe(true);
  });
});

describe("repl: SIGINT without a terminal", () => {
  it("interrupts a running entry with 1006 and keeps the session", async () => {
    const child = spawn(process.execPath, [NOODLE, "repl"], { cwd: home, env: { ...process.env, HOME: home } });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (out += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (err += t));
    const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.stdin.write('let x = 41\nprint("looping")\nwhile true { }\n');
    const deadline = Date.now() + 30_000;
    while (!out.includes("looping") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    while (!err.includes("error[") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end("x + 1\n");
    expect(await exit).toBe(0);
    expect(err).toBe("error[1006]: interrupted\n");
    expect(
      out
        .replace(/noodle> /g, "")
        .split("\n")
        .filter(Boolean),
    ).toEqual(["looping", "42"]);
  }, 60_000);
});

// A real terminal: tmux runs the REPL in a pane, keys are sent to it and the screen is read back.
const HAVE_TMUX = spawnSync("tmux", ["-V"]).status === 0;

describe.skipIf(!HAVE_TMUX)("repl in a terminal", () => {
  // a private server on a socket in a folder of our own, so no one else's tmux is touched
  let socketDir: string;
  const tmux = (...args: string[]) => spawnSync("tmux", ["-S", join(socketDir, "tmux"), ...args], { encoding: "utf8" });

  beforeEach(() => {
    socketDir = mkdtempSync(join(tmpdir(), "noodle-tmux-"));
  });

  afterEach(() => {
    tmux("kill-server");
    rmSync(socketDir, { recursive: true, force: true });
  });

  function start(): void {
    const r = tmux("new-session", "-d", "-s", "repl", "-x", "100", "-y", "40", `env HOME='${home}' '${process.execPath}' '${NOODLE}' repl`);
    expect(r.status, r.stderr).toBe(0);
  }

  const screen = (): string => tmux("capture-pane", "-p", "-t", "repl").stdout ?? "";

  /** Waits until the screen satisfies `ok`, and returns it. */
  async function waitFor(ok: (text: string) => boolean, what: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const text = screen();
      if (ok(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // the screen capture drops trailing blanks, so an empty prompt reads "noodle>"
  const hasPrompt = (text: string) => /^noodle>/m.test(text);
  const keys = (...k: string[]) => tmux("send-keys", "-t", "repl", ...k);
  const count = (text: string, line: string) => text.split("\n").filter((l) => l.trim() === line).length;

  it("recalls the previous entry with Up and runs it again", async () => {
    start();
    await waitFor(hasPrompt, "the prompt");
    keys("let y = 10", "Enter");
    keys("y + 32", "Enter");
    await waitFor((t) => count(t, "42") === 1, "the first result");
    keys("Up", "Enter");
    const text = await waitFor((t) => count(t, "42") === 2, "the recalled entry's result");
    expect(count(text, "noodle> y + 32")).toBe(2);
  });

  it("recalls entries saved by an earlier session", async () => {
    writeFileSync(join(home, ".noodle_history"), "6 * 7\n");
    start();
    await waitFor(hasPrompt, "the prompt");
    keys("Up", "Enter");
    const text = await waitFor((t) => count(t, "42") === 1, "the recalled entry's result");
    expect(text).toContain("noodle> 6 * 7");
  });

  it("Ctrl-C stops a running entry with 1006, and the session keeps its names", async () => {
    start();
    await waitFor(hasPrompt, "the prompt");
    keys("let kept = 20", "Enter");
    keys("var i = 0", "Enter");
    await waitFor((t) => count(t, "noodle>") === 1, "the prompt after two entries");
    keys("while true { i += 1 }", "Enter");
    await waitFor((t) => count(t, "noodle> while true { i += 1 }") === 1, "the running entry");
    keys("C-c");
    await waitFor((t) => t.includes("error[1006]: interrupted"), "the interruption");
    keys("kept + 22", "Enter");
    await waitFor((t) => count(t, "42") === 1, "an entry after the interruption");
    keys("i > 0", "Enter");
    await waitFor((t) => count(t, "true") === 1, "the loop's progress, kept");
  });

  it("Ctrl-C at a continuation prompt drops the pending entry", async () => {
    start();
    await waitFor(hasPrompt, "the prompt");
    keys("let xs = [1,", "Enter");
    await waitFor((t) => /^\.\.\./m.test(t), "the continuation prompt");
    keys("2,", "Enter");
    keys("C-c");
    keys("40 + 2", "Enter");
    const text = await waitFor((t) => count(t, "42") === 1 || t.includes("error["), "the next entry's result");
    expect(text).not.toContain("error[");
    // xs was never declared
    keys("xs", "Enter");
    await waitFor((t) => t.includes("error[2002]: undeclared name 'xs'"), "xs undeclared");
  });

  it("Ctrl-C drops a line being typed, and an unterminated string is reported, not waited on", async () => {
    start();
    await waitFor(hasPrompt, "the prompt");
    keys("this is not noodle");
    keys("C-c");
    keys('"abc', "Enter");
    await waitFor((t) => t.includes("error[2001]: unterminated string"), "the unterminated string's error");
    keys("6 * 7", "Enter");
    const text = await waitFor((t) => count(t, "42") === 1, "the next entry's result");
    expect(text).not.toContain("error[2001]: expected");
    expect(text.match(/error\[/g)).toHaveLength(1);
  });

  it("leaves on Ctrl-D", async () => {
    start();
    await waitFor(hasPrompt, "the prompt");
    keys("C-d");
    const deadline = Date.now() + 15_000;
    while (tmux("has-session", "-t", "repl").status === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(tmux("has-session", "-t", "repl").status).not.toBe(0);
  });

  // History keeps one line per input line (as the line editor recalls them), so the lines of a
  // multi-line entry come back one at a time and re-entering them continues the entry.
  it("recalls the lines of a multi-line entry from an earlier session one by one", async () => {
    session(["func sq(n) {", "  let m = n * n", "  return m", "}"]);
    expect(readFileSync(join(home, ".noodle_history"), "utf8")).toContain("func sq(n) {\n  let m = n * n\n  return m\n}\n");
    start();
    await waitFor(hasPrompt, "the prompt");
    // each entered line goes to the front of the history, so the next line is again four back
    for (let i = 0; i < 4; i++) keys("Up", "Up", "Up", "Up", "Enter");
    keys("sq(9)", "Enter");
    const text = await waitFor((t) => t.includes("error[") || count(t, "81") === 1, "the call's result");
    expect(text).not.toContain("error[");
    expect(count(text, "81")).toBe(1);
  });
});
