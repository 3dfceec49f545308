// `noodle run` output as it streams (spec section 8): printed text reaches the reader while the
// program still runs, survives SIGINT and SIGTERM, and a reader that goes away or a device that
// is full ends the run without a JavaScript stack trace. Every test runs the real command.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, scratchFolder } from "../helpers.js";

const NOODLE = join(ROOT, "bin/noodle.js");
const JS_STACK = /^\s+at .*(\.js|\.ts|node:internal)|^\w*Error: /m;

const scratch = scratchFolder("noodle-stream-");
const file = scratch.file;

/** A running `noodle run`, with what it has written so far. */
interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout satisfies `ok`; rejects if the process ends first. */
  until: (ok: (out: string) => boolean) => Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(path: string, flags: string[] = []): Running {
  const child = spawn(process.execPath, [NOODLE, "run", ...flags, path], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let waiters: (() => boolean)[] = [];
  child.stdout!.setEncoding("utf8").on("data", (t: string) => {
    out += t;
    waiters = waiters.filter((w) => !w());
  });
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (err += t));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const until = (ok: (out: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (ok(out)) resolve();
        return ok(out);
      };
      if (!check()) waiters.push(check);
      void exit.then(() => (ok(out) ? resolve() : reject(new Error(`the program ended first; stdout:\n${out.slice(0, 500)}\nstderr:\n${err}`))));
    });
  return { child, stdout: () => out, stderr: () => err, until, exit };
}

// prints, then computes without end: only streaming shows the line before the process is stopped
const PRINT_THEN_LOOP = `print("first line")\nvar i = 0\nwhile true { i += 1 }\n`;

describe("noodle run streams its output", () => {
  it("shows a line printed before a long computation while the program still runs", async () => {
    const r = start(file("print-then-loop.nc", PRINT_THEN_LOOP));
    await r.until((o) => o.includes("first line\n"));
    expect(r.child.exitCode).toBe(null);
    r.child.kill("SIGTERM");
    await r.exit;
  }, 60_000);

  it("stops a tight loop on SIGINT with what it printed, and exits 130", async () => {
    const r = start(file("sigint.nc", PRINT_THEN_LOOP));
    await r.until((o) => o.includes("first line\n"));
    r.child.kill("SIGINT");
    expect(await r.exit).toEqual({ code: 130, signal: null });
    expect(r.stdout()).toBe("first line\n");
    expect(r.stderr()).toBe("");
  }, 60_000);

  it("stops on SIGTERM with what it printed, and exits 143", async () => {
    const r = start(file("sigterm.nc", PRINT_THEN_LOOP));
    await r.until((o) => o.includes("first line\n"));
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual({ code: 143, signal: null });
    expect(r.stdout()).toBe("first line\n");
    expect(r.stderr()).toBe("");
  }, 60_000);

  it("writes everything a program printed before SIGINT, up to the last line, while it keeps printing", async () => {
    const r = start(file("counting.nc", `var i = 0\nwhile true {\n  print(i)\n  i += 1\n}\n`));
    await r.until((o) => o.length > 10_000);
    r.child.kill("SIGINT");
    expect((await r.exit).code).toBe(130);
    const lines = r.stdout().split("\n");
    // whole lines only, in order, none missing
    expect(lines.pop()).toBe("");
    expect(lines.every((l, k) => l === String(k))).toBe(true);
  }, 60_000);

  it("stops a program that waits for a task on a worker", async () => {
    const src = `func forever() {\n  var i = 0\n  while true { i += 1 }\n}\nlet t = spawn forever()\nprint("waiting")\nawait t\n`;
    const r = start(file("waiting.nc", src), ["--workers", "1"]);
    await r.until((o) => o.includes("waiting\n"));
    r.child.kill("SIGINT");
    expect(await r.exit).toEqual({ code: 130, signal: null });
    expect(r.stdout()).toBe("waiting\n");
    expect(r.stderr()).toBe("");
  }, 60_000);
});

describe("noodle run when its output goes nowhere", () => {
  const MANY = `for i in 0..1000000 { print(i) }\nprint("done")\n`;

  it("ends quietly with 0 when the reader closes the pipe (| head -1)", () => {
    const path = file("many.nc", MANY);
    const r = spawnSync("bash", ["-c", `'${process.execPath}' '${NOODLE}' run '${path}' | head -1; echo "status \${PIPESTATUS[0]}" >&2`], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stdout).toBe("0\n");
    expect(r.stderr).toBe("status 0\n");
  });

  it("ends with 1007 and exit 1 when the device is full", () => {
    const path = file("full.nc", MANY);
    const r = spawnSync("bash", ["-c", `'${process.execPath}' '${NOODLE}' run '${path}' > /dev/full; echo "status $?" >&2`], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stderr).toMatch(/^error\[1007\]: cannot write to standard output: .*ENOSPC.*\nstatus 1\n$/);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("ends with 1007 when a short output fails at the last write", () => {
    const path = file("short-full.nc", `print("one line")\n`);
    const r = spawnSync("bash", ["-c", `'${process.execPath}' '${NOODLE}' run '${path}' > /dev/full; echo "status $?" >&2`], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stderr).toMatch(/^error\[1007\]: .*\nstatus 1\n$/);
  });

  it("the other commands end quietly on a closed pipe and with 1007 on a full device", () => {
    const path = file("listing.nc", `for i in 0..1000 { print(i * 2) }\n`);
    const sh = (command: string) => spawnSync("bash", ["-c", command], { encoding: "utf8", timeout: 60_000 });
    const noodle = `'${process.execPath}' '${NOODLE}'`;
    // a session whose reader leaves after three bytes, while it has far more than a pipe holds to write
    const repl = sh(`printf 'for i in 0..100000 { print(i) }\\n' | ${noodle} repl | head -c 3; echo " status \${PIPESTATUS[1]}" >&2`);
    expect(repl.stdout).toBe("noo");
    expect(repl.stderr).toBe(" status 0\n");
    const disasm = sh(`${noodle} disasm '${path}' > /dev/full; echo "status $?" >&2`);
    expect(disasm.stderr).toMatch(/^error\[1007\]: cannot write to standard output: .*ENOSPC.*\nstatus 1\n$/);
  });
});
