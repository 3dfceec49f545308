// Capabilities through the real command (spec section 8): reads under the program's folder, the
// working directory and --allow-read; writes and stores under the working directory and
// --allow-write; the environment with --allow-env; --allow-all; `..` and symbolic links resolved
// before the check; imports only of .nc files, and never a line of another file printed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

/** Runs `noodle ARGS` with working directory `cwd`. */
function noodle(args: string[], cwd: string, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", ...args], { encoding: "utf8", timeout: 60_000, cwd, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// base/work: the working directory; base/prog: the program's folder; base/outside: neither
let base: string, work: string, prog: string, outside: string;
const write = (path: string, text: string): string => {
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "noodle-caps-")));
  [work, prog, outside] = ["work", "prog", "outside"].map((d) => join(base, d));
  for (const d of [work, prog, outside]) mkdirSync(d);
  write(join(outside, "secret.txt"), "top secret line\n");
  write(join(outside, "lib.nc"), "func f() { return 41 }\n");
  write(join(prog, "data.txt"), "beside the program\n");
  write(join(work, "here.txt"), "in the working directory\n");
  // a link inside the program's folder that leads out of every root
  symlinkSync(join(outside, "secret.txt"), join(prog, "link.txt"));
  symlinkSync(outside, join(prog, "door"));
  symlinkSync(join(outside, "lib.nc"), join(prog, "linked.nc"));
});

const program = (name: string, source: string): string => write(join(prog, name), `import "std/fs" as fs\nimport "std/sys" as sys\n${source}`);

describe("reading files", () => {
  it("reads under the program's folder and the working directory", () => {
    const p = program("reads.nc", `print(fs.read(${JSON.stringify(join(prog, "data.txt"))}))\nprint(fs.read("here.txt"))`);
    expect(noodle(["run", p], work)).toEqual({ code: 0, stdout: "beside the program\n\nin the working directory\n\n", stderr: "" });
  });

  it("refuses a file outside the roots with 6001, naming the path and the flag", () => {
    const secret = join(outside, "secret.txt");
    const p = program("refused.nc", `fs.read(${JSON.stringify(secret)})`);
    const r = noodle(["run", p], work);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[6001]: reading '${secret}' is not allowed`);
    expect(r.stderr).toContain(`--allow-read ${secret}`);
    expect(r.stderr).not.toContain("top secret");
  });

  it("resolves `..` before the check", () => {
    const p = program("dots.nc", `fs.read(${JSON.stringify(join(prog, "..", "outside", "secret.txt"))})`);
    const r = noodle(["run", p], work);
    expect(r.stderr).toContain("error[6001]");
    expect(r.stderr).toContain(`${join(outside, "secret.txt")} is outside the allowed read roots`);
  });

  it("follows symbolic links before the check: a link in a root cannot lead out of it", () => {
    for (const path of [join(prog, "link.txt"), join(prog, "door", "secret.txt")]) {
      const p = program("links.nc", `fs.read(${JSON.stringify(path)})`);
      const r = noodle(["run", p], work);
      expect(r.stderr).toContain("error[6001]");
      expect(r.stdout + r.stderr).not.toContain("top secret");
    }
  });

  it("reads outside with --allow-read PATH or --allow-all", () => {
    const p = program("allowed.nc", `print(fs.read(${JSON.stringify(join(prog, "link.txt"))}))`);
    expect(noodle(["run", "--allow-read", outside, p], work).stdout).toBe("top secret line\n\n");
    expect(noodle(["run", "--allow-all", p], work).stdout).toBe("top secret line\n\n");
    // a write root may be read too
    expect(noodle(["run", "--allow-write", outside, p], work).stdout).toBe("top secret line\n\n");
  });

  it("checks fs.exists and fs.list like reads", () => {
    const p = program("look.nc", `print(fs.exists("here.txt"))\nprint(fs.list(${JSON.stringify(outside)}))`);
    const r = noodle(["run", p], work);
    expect(r.stdout).toBe("true\n");
    expect(r.stderr).toContain("error[6001]: reading");
  });
});

describe("writing files and opening stores", () => {
  it("writes under the working directory, and elsewhere only with --allow-write", () => {
    const target = join(prog, "made.txt");
    const p = program("writes.nc", `fs.write("out.txt", "ok")\nprint(fs.read("out.txt"))\nfs.write(${JSON.stringify(target)}, "no")`);
    const r = noodle(["run", p], work);
    expect(r.stdout).toBe("ok\n");
    expect(r.stderr).toContain(`error[6001]: writing '${target}' is not allowed`);
    expect(r.stderr).toContain(`--allow-write ${target}`);
    expect(existsSync(target)).toBe(false);
    expect(noodle(["run", "--allow-write", prog, p], work).code).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("no");
  });

  it("does not let a write climb out of the working directory through `..` or a link", () => {
    for (const path of ["../outside/climb.txt", join(prog, "door", "climb.txt")]) {
      const p = program("climb.nc", `fs.append(${JSON.stringify(path)}, "x")`);
      expect(noodle(["run", p], work).stderr).toContain("error[6001]");
      expect(existsSync(join(outside, "climb.txt"))).toBe(false);
    }
  });

  it("opens stores only under the write roots", () => {
    const store = join(outside, "kept.db");
    const p = write(join(prog, "store.nc"), `import "std/db" as db\nlet s = db.open(${JSON.stringify(store)})\ns.put("n", 1)\nprint(s.get("n"))\ns.close()`);
    const r = noodle(["run", p], work);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[6001]: writing '${store}' is not allowed`);
    expect(existsSync(store)).toBe(false);
    expect(noodle(["run", "--allow-write", outside, p], work).stdout).toBe("1\n");
    expect(existsSync(store)).toBe(true);
    // in the working directory, and in memory, it needs no flag
    const local = write(
      join(prog, "local.nc"),
      `import "std/db" as db\nlet s = db.open("here.db")\ns.put("k", 2)\nlet m = db.open()\nm.put("k", 3)\nprint(s.get("k"), m.get("k"))`,
    );
    expect(noodle(["run", local], work).stdout).toBe("2 3\n");
  });
});

describe("the environment", () => {
  it("is read only with --allow-env (or --allow-all); unset variables are nil", () => {
    const p = program("env.nc", `print(sys.env("NOODLE_CAPS_TEST"), sys.env("NOODLE_CAPS_UNSET"))`);
    const env = { NOODLE_CAPS_TEST: "visible" };
    const refused = noodle(["run", p], work, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error[6001]: reading the environment variable 'NOODLE_CAPS_TEST' is not allowed");
    expect(refused.stderr).toContain("--allow-env");
    expect(noodle(["run", "--allow-env", p], work, env).stdout).toBe("visible nil\n");
    expect(noodle(["run", "--allow-all", p], work, env).stdout).toBe("visible nil\n");
  });
});

describe("imports", () => {
  it("refuses a path that is not a .nc file without reading it, and prints none of its lines", () => {
    const p = write(join(prog, "passwd.nc"), `import "/etc/passwd" as p\nprint(1)\n`);
    const r = noodle(["run", "--allow-all", p], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error[2008]: cannot import '/etc/passwd'");
    expect(r.stderr).not.toMatch(/root:|nologin/);
    const secret = write(join(prog, "secret.nc"), `import "../outside/secret.txt" as s\n`);
    const s = noodle(["check", "--allow-all", secret], work);
    expect(s.stderr).toContain("error[2008]");
    expect(s.stderr).not.toContain("top secret");
  });

  it("refuses a .nc link that leads to another kind of file", () => {
    symlinkSync(join(outside, "secret.txt"), join(prog, "fake.nc"));
    const p = write(join(prog, "fake-import.nc"), `import "fake.nc" as f\n`);
    const r = noodle(["run", "--allow-all", p], work);
    expect(r.stderr).toContain(`error[2008]: cannot import '${join(prog, "fake.nc")}': it leads to`);
    expect(r.stderr).not.toContain("top secret");
    // nor can such a link be the program itself
    const direct = noodle(["run", "--allow-all", join(prog, "fake.nc")], work);
    expect(direct.code).toBe(64);
    expect(direct.stderr).not.toContain("top secret");
  });

  it("refuses a program that is not a .nc or .nbc file, without printing it", () => {
    const r = noodle(["run", join(outside, "secret.txt")], work);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("is not a Noodle program");
    expect(r.stderr).not.toContain("top secret");
  });

  it("reads imports only under the read roots: 6001 at the import, through `..` and links too", () => {
    const viaDots = write(join(prog, "dots-import.nc"), `import "../outside/lib.nc" as l\nprint(l.f())\n`);
    const r = noodle(["run", viaDots], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[6001]: reading '${join(outside, "lib.nc")}' is not allowed`);
    expect(r.stderr).toContain("dots-import.nc:1:8");
    const viaLink = write(join(prog, "link-import.nc"), `import "linked.nc" as l\nprint(l.f())\n`);
    expect(noodle(["run", viaLink], work).stderr).toContain("error[6001]");
    expect(noodle(["run", "--allow-read", outside, viaLink], work).stdout).toBe("41\n");
    expect(noodle(["run", "--allow-read", outside, viaDots], work).stdout).toBe("41\n");
  });
});
