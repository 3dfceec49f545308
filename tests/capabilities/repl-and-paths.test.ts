// The REPL takes the same capability flags as `run`; the pure path logic of permissions.ts
// compares whole path components, so a root does not admit its namesakes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isWithin, Permissions } from "../../src/runtime/permissions.js";
import { ROOT } from "../helpers.js";

function repl(args: string[], lines: string[], cwd: string, status?: { code: number | null }): string {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/noodle.js"), "repl", ...args], {
    input: lines.map((l) => l + "\n").join(""),
    encoding: "utf8",
    timeout: 60_000,
    cwd,
    env: { ...process.env, HOME: cwd, USERPROFILE: cwd, NOODLE_REPL_CAPS: "seen" },
  });
  if (status) status.code = r.status;
  return r.stdout.replace(/noodle> |\.\.\. {5}/g, "") + r.stderr;
}

describe("noodle repl", () => {
  it("reads the working directory, and files elsewhere or the environment only with the flags", () => {
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), "noodle-repl-caps-")));
    const away = realpathSync(mkdtempSync(join(tmpdir(), "noodle-repl-away-")));
    writeFileSync(join(cwd, "here.txt"), "here");
    writeFileSync(join(away, "there.txt"), "there");
    // each entry imports what it uses (an entry's imports are its own)
    const use = `import "std/fs" as fs; import "std/sys" as sys; `;
    const lines = [
      `${use}print(fs.read("here.txt"))`,
      `${use}print(fs.read(${JSON.stringify(join(away, "there.txt"))}))`,
      `${use}print(sys.env("NOODLE_REPL_CAPS"))`,
    ];
    const plain = repl([], lines, cwd);
    expect(plain).toContain("here");
    expect(plain).not.toMatch(/^there$/m);
    expect(plain.match(/error\[6001\]/g)?.length).toBe(2);
    const allowed = repl(["--allow-read", away, "--allow-env"], lines, cwd);
    expect(allowed).toMatch(/^there$/m);
    expect(allowed).toMatch(/^seen$/m);
    expect(allowed).not.toContain("6001");
  });
  it("ends the session with sys.exit's code", () => {
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), "noodle-repl-exit-")));
    const status = { code: null as number | null };
    const out = repl([], [`print("one")`, `import "std/sys" as sys; sys.exit(4)`, `print("two")`], cwd, status);
    expect(status.code).toBe(4);
    expect(out).toContain("one");
    expect(out).not.toContain("two");
  });
});

describe("permission paths", () => {
  it("admit a root and what is inside it, not a sibling that shares its name's start", () => {
    expect(isWithin("/data", "/data")).toBe(true);
    expect(isWithin("/data/a/b.txt", "/data")).toBe(true);
    expect(isWithin("/data/a/b.txt", "/data/")).toBe(true);
    expect(isWithin("/database.txt", "/data")).toBe(false);
    expect(isWithin("/dat", "/data")).toBe(false);
    expect(isWithin("C:\\work\\x.txt", "C:\\work")).toBe(true);
    expect(isWithin("C:\\workshop", "C:\\work")).toBe(false);
  });

  it("let writes be read but not reads be written, and `all` lift both", () => {
    const p = Permissions.of({ read: ["/r"], write: ["/w"] });
    expect([p.allows("read", "/r/x"), p.allows("write", "/r/x"), p.allows("read", "/w/x"), p.allows("write", "/w/x")]).toEqual([true, false, true, true]);
    expect(Permissions.of({ all: true }).allows("write", "/anywhere")).toBe(true);
    expect(() => Permissions.NONE.check("read", "/etc/passwd")).toThrow(/6001|reading '\/etc\/passwd' is not allowed/);
    expect(() => Permissions.NONE.checkEnv("HOME")).toThrow(/--allow-env/);
  });
});
