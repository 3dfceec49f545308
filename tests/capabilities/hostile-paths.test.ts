// Paths a hostile program (or a hostile folder) might use to get past the capability checks:
// symbolic links whose target does not exist yet, devices and FIFOs, files too big to hold, and
// refusals that must not tell anything about what lies outside the roots.
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, existsSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run, type PermissionOptions } from "../../src/node/main.js";

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
});

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
    expect(r.output).toBe(`6001\n6001\n6001 writing '${join(root, "relative.txt")}' is not allowed: ${join(outside, "relative.txt")} is outside the allowed write roots (allow it with --allow-write ${join(outside, "relative.txt")})\n6001\n`);
    for (const f of ["planted.txt", "relative.txt", "planted.db"]) expect(existsSync(join(outside, f))).toBe(false);
  });

  it("still leads where it points when that is inside a root", async () => {
    symlinkSync(join(root, "later.txt"), join(root, "to-later.txt"));
    const r = await runIn(`fs.write(${q(join(root, "to-later.txt"))}, "made")\nprint(fs.read(${q(join(root, "later.txt"))}))`);
    expect(r.error).toBeUndefined();
    expect(r.output).toBe("made\n");
  });
});
