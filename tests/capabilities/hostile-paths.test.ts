// Paths a hostile program (or a hostile folder) might use to get past the capability checks or to
// hang the host: symbolic links whose target does not exist yet, devices and FIFOs (for files,
// stores and their lock files), files too big to hold, NUL characters, names too long, paths of
// very many parts, the environment as a file, and refusals that must not tell anything about what
// lies outside the roots.

import { constants as buffers } from "node:buffer";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PermissionOptions, run } from "../../src/node/main.js";
import { ROOT } from "../helpers.js";

// base/root: the only root; base/outside: outside every root
let base: string, root: string, outside: string;
const q = (path: string): string => JSON.stringify(path);

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "noodle-hostile-")));
  [root, outside] = ["root", "outside"].map((d) => join(base, d));
  for (const d of [root, outside]) mkdirSync(d);
  // links inside the root to files outside that do not exist yet
  symlinkSync(join(outside, "planted.txt"), join(root, "dangling.txt"));
  symlinkSync(join(outside, "planted.db"), join(root, "dangling.db"));
  symlinkSync("../outside/relative.txt", join(root, "relative.txt"));
  // a chain: a dangling link to a dangling link
  symlinkSync(join(root, "dangling.txt"), join(root, "chain.txt"));
  spawnSync("mkfifo", [join(root, "fifo.txt")]);
  // links outside every root, whose targets are nobody's business
  mkdirSync(join(outside, "hidden-folder"));
  writeFileSync(join(outside, "hidden-folder", "hidden-name.nc"), "let x = 1\n");
  symlinkSync(join(outside, "hidden-folder", "hidden-name.nc"), join(outside, "link.nc"));
  symlinkSync(join(outside, "hidden-folder"), join(outside, "door"));
});

// the sparse files of several gigabytes are not left behind
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Runs source with std/fs and std/db imported, allowed to read and write `root` only. */
async function runIn(source: string, permissions: PermissionOptions = { read: [root], write: [root] }) {
  let output = "";
  const r = await run(`import "std/fs" as fs\nimport "std/db" as db\n${source}`, { file: "hostile.nc", permissions, stdout: (t) => (output += t) });
  return { error: r.error, output };
}

describe("a symbolic link to a file that does not exist yet", () => {
  it("is followed before the check: writing, appending or opening a store through it is 6001", async () => {
    const r = await runIn(`
try { fs.write(${q(join(root, "dangling.txt"))}, "x") } catch e { print(e.code) }
try { fs.append(${q(join(root, "chain.txt"))}, "x") } catch e { print(e.code) }
try { fs.write(${q(join(root, "relative.txt"))}, "x") } catch e { print(e.code, e.message) }
try { db.open(${q(join(root, "dangling.db"))}) } catch e { print(e.code) }`);
    expect(r.error).toBeUndefined();
    expect(r.output).toBe(
      `6001\n6001\n6001 writing '${join(root, "relative.txt")}' is not allowed: ${join(root, "relative.txt")} leads outside the allowed write roots (allow it with --allow-write ${join(root, "relative.txt")})\n6001\n`,
    );
    for (const f of ["planted.txt", "relative.txt", "planted.db"]) expect(existsSync(join(outside, f))).toBe(false);
  });

  it("still leads where it points when that is inside a root", async () => {
    symlinkSync(join(root, "later.txt"), join(root, "to-later.txt"));
    const r = await runIn(`fs.write(${q(join(root, "to-later.txt"))}, "made")\nprint(fs.read(${q(join(root, "later.txt"))}))`);
    expect(r.error).toBeUndefined();
    expect(r.output).toBe("made\n");
  });
});

describe("a refusal", () => {
  it("never tells where a symbolic link leads: a path through a link is named as the program gave it", async () => {
    const r = await runIn(`
try { fs.read(${q(join(outside, "link.nc"))}) } catch e { print(e.message) }
try { fs.list(${q(join(outside, "door"))}) } catch e { print(e.message) }
try { fs.write(${q(join(outside, "door", "new.txt"))}, "x") } catch e { print(e.message) }
try { db.open(${q(join(outside, "door", "new.db"))}) } catch e { print(e.message) }`);
    expect(r.error).toBeUndefined();
    expect(r.output).toBe(
      [
        `reading '${join(outside, "link.nc")}' is not allowed: ${join(outside, "link.nc")} leads outside the allowed read roots (allow it with --allow-read ${join(outside, "link.nc")})`,
        `reading '${join(outside, "door")}' is not allowed: ${join(outside, "door")} leads outside the allowed read roots (allow it with --allow-read ${join(outside, "door")})`,
        `writing '${join(outside, "door", "new.txt")}' is not allowed: ${join(outside, "door", "new.txt")} leads outside the allowed write roots (allow it with --allow-write ${join(outside, "door", "new.txt")})`,
        `writing '${join(outside, "door", "new.db")}' is not allowed: ${join(outside, "door", "new.db")} leads outside the allowed write roots (allow it with --allow-write ${join(outside, "door", "new.db")})`,
        "",
      ].join("\n"),
    );
    expect(r.output).not.toContain("hidden");
  });

  it("of an import through a link does not tell where the link leads either", () => {
    const file = join(root, "imports.nc");
    writeFileSync(file, `import ${q(join(outside, "link.nc"))} as l\nprint(l.x)\n`);
    const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", file], { encoding: "utf8", timeout: 30_000, cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[6001]");
    expect(r.stderr).not.toContain("hidden");
  });

  it("lets the path as given be allowed", async () => {
    const r = await runIn(`print(fs.list(${q(join(outside, "door"))}))`, { read: [join(outside, "door")] });
    expect(r.output).toBe(`["hidden-name.nc"]\n`);
  });
});

describe("a path with a NUL character", () => {
  it("is 3011 for every file operation and for a store, whatever the roots", async () => {
    const r = await runIn(`
let nul = "\\u{0}"
try { fs.read("a" + nul + "b") } catch e { print(e.code, e.message) }
try { fs.write(${q(root)} + "/a" + nul, "x") } catch e { print(e.code) }
try { fs.exists("/etc/passwd" + nul) } catch e { print(e.code) }
try { fs.list(${q(root)} + nul) } catch e { print(e.code) }
try { db.open("s" + nul + ".db") } catch e { print(e.code, e.message) }`);
    expect(r.error).toBeUndefined();
    expect(r.output).toBe(
      "3011 invalid argument to fs.read (a path cannot contain a NUL character)\n3011\n3011\n3011\n3011 invalid argument to db.open (a path cannot contain a NUL character)\n",
    );
  });
});

describe("the environment as a file", () => {
  it.skipIf(process.platform !== "linux")("/proc/self/environ needs the env permission too, even where /proc may be read", async () => {
    const source = `
try { print(len(fs.read("/proc/self/environ")) > 0) } catch e { print(e.code, e.message) }
try { print(len(fs.read("/proc/" + ${q(String(process.pid))} + "/task/" + ${q(String(process.pid))} + "/environ")) > 0) } catch e { print(e.code) }
try { print(len(fs.read("/proc/thread-self/environ")) > 0) } catch e { print(e.code) }`;
    const refused = await runIn(source, { read: ["/"] });
    expect(refused.output).toBe(
      `6001 reading '/proc/self/environ' is not allowed: it holds the environment variables, and environment access is off (allow it with --allow-env)\n6001\n6001\n`,
    );
    expect((await runIn(source, { read: ["/"], env: true })).output).toBe("true\ntrue\ntrue\n");
  });
});

/** Runs `noodle run FLAGS FILE` in `root` (a process, so that a read that blocks is ended by the timeout). */
function noodleRun(flags: string[], source: string): { code: number | null; stdout: string; stderr: string } {
  const file = join(root, "prog.nc");
  writeFileSync(file, `import "std/fs" as fs\n${source}`);
  const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", ...flags, file], { encoding: "utf8", timeout: 30_000, cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("files that are not regular files", () => {
  it("a FIFO is 3015 for reading, writing and appending, at once rather than waiting for the other end", () => {
    const r = noodleRun(
      [],
      `
try { fs.read("fifo.txt") } catch e { print(e.code, e.message) }
try { fs.write("fifo.txt", "x") } catch e { print(e.code) }
try { fs.append("fifo.txt", "x") } catch e { print(e.code) }
print(fs.exists("fifo.txt"))`,
    );
    expect(r).toEqual({ code: 0, stdout: `3015 cannot read '${join(root, "fifo.txt")}': it is not a regular file\n3015\n3015\ntrue\n`, stderr: "" });
  });

  it("a device is 3015 even when everything is allowed: /dev/zero never ends", () => {
    const r = noodleRun(
      ["--allow-all"],
      `
try { fs.read("/dev/zero") } catch e { print(e.code, e.message) }
try { fs.append("/dev/null", "x") } catch e { print(e.code) }`,
    );
    expect(r).toEqual({ code: 0, stdout: "3015 cannot read '/dev/zero': it is not a regular file\n3015\n", stderr: "" });
  });
});

describe("a store at a path that is not a regular file", () => {
  it("is 8003 at once, not a wait for a FIFO's other end nor a failure inside the host", () => {
    const file = join(root, "store.nc");
    writeFileSync(
      file,
      `import "std/db" as db\ntry { db.open("fifo.txt") } catch e { print(e.code, e.message) }\ntry { db.open("/dev/zero") } catch e { print(e.code, e.message) }`,
    );
    const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", "--allow-all", file], { encoding: "utf8", timeout: 30_000, cwd: root });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 0,
      stdout: "8003 commit failed: cannot open 'fifo.txt': it is not a regular file\n8003 commit failed: cannot open '/dev/zero': it is not a regular file\n",
      stderr: "",
    });
  });
});

describe("a path of very many parts", () => {
  it("is looked at in a few steps, not one per part (which took minutes for 65 536 parts)", () => {
    const r = noodleRun(
      ["--max-steps", "100000"],
      `
var p = "a/"
for i in 0..16 { p = p + p }
print(len(p), fs.exists(p))
try { fs.read(p) } catch e { print(e.code) }
try { fs.read("/x/" + p) } catch e { print(e.code) }`,
    );
    expect(r).toEqual({ code: 0, stdout: "131072 false\n3015\n6001\n", stderr: "" });
  });
});

describe("a name the system cannot take", () => {
  it("is 3015 saying so, without the system's own message", async () => {
    symlinkSync("loop-b.txt", join(root, "loop-a.txt"));
    symlinkSync("loop-a.txt", join(root, "loop-b.txt"));
    const long = join(root, "n".repeat(300));
    const r = await runIn(`
try { fs.read(${q(long)}) } catch e { print(e.code, e.message) }
try { fs.write(${q(join(root, "loop-a.txt"))}, "x") } catch e { print(e.code, e.message) }`);
    expect(r.output).toBe(
      `3015 cannot read '${long}': its name is too long\n3015 cannot write '${join(root, "loop-a.txt")}': it leads through too many symbolic links\n`,
    );
  });
});

describe("a store whose lock file is not a regular file", () => {
  it("is 8003 at once: a FIFO is not waited on, and a link is not followed to what it leads to", () => {
    spawnSync("mkfifo", [join(root, "piped.db.lock")]);
    // a file outside the roots holding the id of a live process: the lock must not read it
    writeFileSync(join(outside, "pid.txt"), String(process.pid));
    symlinkSync(join(outside, "pid.txt"), join(root, "linked.db.lock"));
    const file = join(root, "locks.nc");
    writeFileSync(
      file,
      `import "std/db" as db\ntry { db.open("piped.db") } catch e { print(e.code, e.message) }\ntry { db.open("linked.db") } catch e { print(e.code, e.message) }`,
    );
    const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", file], { encoding: "utf8", timeout: 30_000, cwd: root });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 0,
      stdout:
        "8003 commit failed: cannot open 'piped.db': piped.db: could not take its lock file piped.db.lock\n" +
        "8003 commit failed: cannot open 'linked.db': linked.db: could not take its lock file linked.db.lock\n",
      stderr: "",
    });
  });
});

describe("a file too big to hold", () => {
  it("is 4001 when it is bigger than the memory limit, before it is read", async () => {
    const big = join(root, "big.txt");
    writeFileSync(big, "");
    truncateSync(big, 2 ** 31 + 1); // sparse; more than Node reads into one buffer
    const r = await run(`import "std/fs" as fs\nfs.read(${q(big)})`, { file: "big.nc", permissions: { read: [root] }, maxMemory: 16 * 1024 * 1024 });
    expect(r.error?.code).toBe(4001);
    expect(r.error?.message).toBe(`memory limit exceeded (${16 * 1024 * 1024} bytes)`);
  });

  it("is 3015 when it is longer than any text can be, before it is read", async () => {
    const huge = join(outside, "huge.txt");
    writeFileSync(huge, "");
    truncateSync(huge, buffers.MAX_STRING_LENGTH + 1);
    const r = await runIn(`try { fs.read(${q(huge)}) } catch e { print(e.code, e.message) }`, { read: [outside] });
    expect(r.output).toBe(`3015 cannot read '${huge}': it is too large to read as text (${buffers.MAX_STRING_LENGTH + 1} bytes)\n`);
  });
});
