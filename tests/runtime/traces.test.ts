// Traces of deep stacks stay short: a run of identical consecutive frames shows its first ones and
// a line counting the rest, and the VM keeps at most a few dozen records of any trace.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, runSource } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "noodle-traces-"));
function file(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

describe("traces of deep stacks", () => {
  it("an overflowing recursion prints its first frames and the count of the rest", () => {
    const path = file("deep.nc", "func f(n) { return f(n + 1) + 1 }\nf(0)\n");
    const r = cli(["run", path]);
    expect(r.code).toBe(1);
    const at = `  at f (${path}:1:20)`;
    expect(r.stderr).toBe(
      ["error[1001]: stack overflow (call depth limit 10000)", ...Array(10).fill(at), "  ... 9 989 more calls of f", `  at <main> (${path}:2:1)`, ""].join(
        "\n",
      ),
    );
  });

  it("the collapsed count is the exact number of frames, at any depth limit", () => {
    const path = file("depth.nc", "func f(n) { return f(n + 1) + 1 }\nfunc start() { return f(0) }\nstart()\n");
    const r = cli(["run", "--max-depth", "500", path]);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("error[1001]: stack overflow (call depth limit 500)");
    expect(lines.slice(11)).toEqual(["  ... 488 more calls of f", `  at start (${path}:2:23)`, `  at <main> (${path}:3:1)`]);
  });

  it("short runs of repeated frames are shown whole", async () => {
    const r = await runSource("func f(n) { if n == 0 { return 1 / 0 } return f(n - 1) }\nf(11)");
    expect(r.error?.code).toBe(3001);
    const lines = r.error!.render().split("\n");
    expect(lines.filter((l) => l === "  at f (test.nc:1:47)")).toHaveLength(11);
    expect(lines.some((l) => l.includes("more calls"))).toBe(false);
  });

  it("e.trace in the program is collapsed the same way", async () => {
    const r = await runSource("func f(n) { if n == 0 { return 1 / 0 } return f(n - 1) }\ntry { f(5000) } catch e { print(e.trace) }");
    const lines = ["f (test.nc:1:34)", ...Array(10).fill("f (test.nc:1:47)"), "... 4 990 more calls of f", "<main> (test.nc:2:7)"];
    expect(r.output).toBe(lines.join("\n") + "\n");
  });

  it("mutual recursion keeps both ends of the stack and counts the frames left out", async () => {
    const r = await runSource("func h(n) { return k(n) }\nfunc k(n) { return h(n) }\nh(1)");
    expect(r.error?.code).toBe(1001);
    const lines = r.error!.render().split("\n");
    expect(lines.length).toBeLessThan(40);
    const gap = lines.find((l) => l.startsWith("  ... "));
    expect(gap).toMatch(/^ {2}\.\.\. [\d ]+ more frames$/);
    const left = Number(gap!.replace(/\D/g, ""));
    // every frame is either shown or counted
    expect(left + lines.filter((l) => l.startsWith("  at ")).length).toBe(10000);
    expect(lines[lines.length - 1]).toBe("  at <main> (test.nc:3:1)");
  });

  it("the VM records a bounded trace, however deep the stack", async () => {
    const r = await runSource("func h(n) { return k(n) }\nfunc k(n) { return h(n) }\nh(1)", { maxDepth: 200000 });
    expect(r.error?.code).toBe(1001);
    expect(r.error!.frames!.length).toBeLessThanOrEqual(3 * 33);
  });
});
