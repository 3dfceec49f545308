// Errors say what went wrong and what was expected: each case here once gave a bare or wrong
// message ("operand types", "(0 bytes)", 1002 "internal error") or no error at all.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileLog } from "../../src/node/file-log.js";
import { prepareStorage } from "../../src/store/index.js";
import { cli, runSource } from "../helpers.js";

/** What a program prints, each caught error printed as `error[CODE]: MESSAGE`. */
async function printed(source: string): Promise<string> {
  const r = await runSource(source);
  if (!r.ok) throw new Error(r.error?.render() ?? r.diagnostics?.map((d) => d.message).join("\n"));
  return r.output;
}

describe("messages", () => {
  it("a negative or fractional size is a value error naming the argument", async () => {
    expect(
      await printed(`
      try { zeros(-1, 2) } catch e { print(e) }
      try { ones(2, 1.5) } catch e { print(e) }
      try { eye(-2) } catch e { print(e) }
      try { rand(3, -4, 7) } catch e { print(e) }
      try { zeros("2", 2) } catch e { print(e) }
    `),
    ).toBe(
      "error[3017]: zeros: the number of rows must be a non-negative integer, got -1\n" +
        "error[3017]: ones: the number of columns must be a non-negative integer, got 1.5\n" +
        "error[3017]: eye: the size must be a non-negative integer, got -2\n" +
        "error[3017]: rand: the number of columns must be a non-negative integer, got -4\n" +
        "error[5001]: unsupported operand types for zeros: string\n",
    );
  });

  it("a negative timeout is a value error", async () => {
    expect(await printed("try { timeout(spawn clock(), -1) } catch e { print(e) }")).toBe(
      "error[3017]: timeout: the time in milliseconds must be a non-negative number, got -1\n",
    );
  });

  it("storing something that is not a number in a matrix or tensor says what was expected", async () => {
    expect(
      await printed(`
      let A = zeros(2, 2)
      try { A[0, 0] = "x" } catch e { print(e) }
      try { A[1, 1] = nil } catch e { print(e) }
      let T = tensor([2, 2, 2])
      try { T[1, 0, 1] = [1] } catch e { print(e) }
      try { let xs = [1]; xs[0, 0] = 1 } catch e { print(e) }
      A[1, 0] = 5
      print(A)
    `),
    ).toBe(
      "error[5005]: matrix elements are numbers: cannot store a value of type string at [0, 0]\n" +
        "error[5005]: matrix elements are numbers: cannot store a value of type nil at [1, 1]\n" +
        "error[5005]: tensor elements are numbers: cannot store a value of type list at [1, 0, 1]\n" +
        "error[5001]: unsupported operand types for []: list\n" +
        "[0, 0; 5, 0]\n",
    );
  });

  it("a matrix divided by the number 0 is 3001, as 1 / 0 is; ./ stays elementwise", async () => {
    expect(
      await printed(`
      try { print(1 / 0) } catch e { print(e) }
      try { print([1, 2; 3, 4] / 0) } catch e { print(e) }
      try { print(tensor([2, 2], 1) / 0) } catch e { print(e) }
      print([1, 2; 3, 4] / 2)
      print([1, -1;] ./ 0)
    `),
    ).toBe("error[3001]: division by zero\nerror[3001]: division by zero\nerror[3001]: division by zero\n" + "[0.5, 1; 1.5, 2]\n[Infinity, -Infinity;]\n");
  });

  it("an actor whose initialiser throws tells its callers why it stopped", async () => {
    const r = await runSource(`
      actor Broken {
        var table = load()
        func get() { return table }
      }
      func load() { return 1 / 0 }
      let b = spawn Broken()
      try { await b.get() } catch e { print(e) }
      await b.get()
    `);
    expect(r.output).toBe("error[7003]: actor Broken is stopped: its initialiser failed with error[3001]: division by zero\n");
    expect(r.error?.code).toBe(7003);
    expect(r.error?.message).toBe("actor Broken is stopped: its initialiser failed with error[3001]: division by zero");
  });

  it("an actor placed on a worker reports its initialiser's error the same way", () => {
    const path = join(mkdtempSync(join(tmpdir(), "noodle-messages-")), "actor.nc");
    writeFileSync(path, "actor A {\n  var x = 1 / 0\n  func get() { return x }\n}\nlet a = spawn A()\ntry { await a.get() } catch e { print(e) }\n");
    const expected = "error[7003]: actor A is stopped: its initialiser failed with error[3001]: division by zero\n";
    expect(cli(["run", path]).stdout).toBe(expected);
    expect(cli(["run", "--workers", "2", path]).stdout).toBe(expected);
  });

  it("storing a value that contains itself is 8007, not an internal error", async () => {
    const storage = await prepareStorage((path) => FileLog.open(path));
    const r = await runSource(
      `import "std/db" as db
      let s = db.open(nil)
      let xs = [1]
      push(xs, xs)
      try { s.put("k", xs) } catch e { print(e) }
      var deep = []
      for i in 0..150 { deep = [deep] }
      try { s.put("d", deep) } catch e { print(e) }
      s.put("ok", [1, [2]])
      print(s.get("ok"))`,
      { storage },
    );
    expect(r.error?.render()).toBeUndefined();
    expect(r.output).toBe(
      "error[8007]: cannot store the value: it contains itself\n" +
        "error[8007]: cannot store the value: it is nested more than 100 levels deep\n" +
        "[1, [2]]\n",
    );
  });
});
