// `noodle run --watch`: the running program is upgraded whenever its file changes; stderr says so.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { cli, ROOT, scratchFolder } from "../helpers.js";

const folder = scratchFolder("noodle-watch-");

// runs until a version other than 1 answers `version()`, then prints what its counter says
const program = (version: number, get = "count", extra = "") => `
actor Counter {
  var count = 0
  func inc() { count += 1 }
  func get() { return ${get} }
  ${extra}
}
func version() { return ${version} }
let c = spawn Counter()
print("running")
var sent = 0
while version() == 1 {
  c.inc()
  sent += 1
  await sleep(2)
}
print("version", version(), "sent", sent, "counted", await c.get())
`;

interface Watched {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves when stderr has matched `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves once the program runs (and the file is watched): it printed its first line. */
  started: Promise<void>;
  exit: Promise<number | null>;
}

let running: ChildProcess | undefined;
afterEach(() => {
  running?.kill();
  running = undefined;
});

function watch(path: string, ...options: string[]): Watched {
  const child = spawn(process.execPath, [`${ROOT}bin/noodle.js`, "run", "--watch", ...options, path], { cwd: folder.dir });
  running = child;
  let out = "";
  let err = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  let begun: () => void = () => {};
  const started = new Promise<void>((resolve) => (begun = resolve));
  child.stdout!.on("data", (d) => {
    out += d;
    if (out.startsWith("running\n")) begun();
  });
  child.stderr!.on("data", (d) => {
    err += d;
    for (const w of waiters.splice(0)) (w.pattern.test(err) ? w.resolve : () => waiters.push(w))();
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    waitFor: (pattern) => new Promise((resolve) => (pattern.test(err) ? resolve() : waiters.push({ pattern, resolve }))),
    exit,
    started,
  };
}

describe("noodle run --watch", () => {
  it.each([
    ["in one VM", "counter.nc", []],
    ["whose actors live on the workers of a pool", "pooled.nc", ["--workers", "2"]],
  ])(
    "upgrades the running program %s when its file changes, and says so on stderr",
    async (_, file, options) => {
      const path = folder.file(file, program(1));
      const w = watch(path, ...options);
      await w.started;
      writeFileSync(path, program(2, "count * 10"));
      await w.waitFor(/upgraded to version 2\n/);
      expect(await w.exit).toBe(0);
      const m = /^running\nversion 2 sent (\d+) counted (\d+)\n$/.exec(w.stdout());
      expect(m).not.toBeNull();
      // every message counted once, and the answer comes from the new get
      expect(Number(m![2])).toBe(Number(m![1]) * 10);
      expect(w.stderr()).toBe("upgraded to version 2\n");
    },
    30_000,
  );

  it("reports a refused upgrade (1005) and a compile error, keeps running version 1, and takes the next good version", async () => {
    const path = folder.file("refused.nc", program(1));
    const w = watch(path);
    await w.started;
    // the live Counter exposes inc, get: a version without inc is refused
    writeFileSync(path, program(3).replace("func inc() { count += 1 }", ""));
    await w.waitFor(/error\[1005\]: upgrade refused: actor Counter of the new version drops handler inc/);
    writeFileSync(path, `${program(3)}\nlet broken = `);
    await w.waitFor(/not upgraded: version 1 keeps running\n/);
    expect(w.stderr()).toMatch(/error\[2001\]/);
    expect(w.child.exitCode).toBeNull();
    writeFileSync(path, program(2));
    await w.waitFor(/upgraded to version 2\n/);
    expect(await w.exit).toBe(0);
    const m = /^running\nversion 2 sent (\d+) counted (\d+)\n$/.exec(w.stdout());
    expect(m?.[1]).toBe(m?.[2]);
  }, 30_000);

  it("takes only a source file", () => {
    const r = cli(["run", "--watch", "prog.nbc"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--watch upgrades from source: it takes a FILE\.nc/);
  });

  it("does not go with a cluster, whose programs noodle upgrade reaches", () => {
    const r = cli(["run", "--watch", "--cluster", "nats://127.0.0.1:1", "prog.nc"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--watch upgrades a program running on this machine: with --cluster, upgrade it with noodle upgrade --cluster URL FILE\.nc/);
  });
});
