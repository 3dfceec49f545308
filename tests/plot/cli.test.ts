// plot.show under `noodle run`: each figure is written as DIR/plot-N.svg (--plots DIR, the
// working directory by default) and its path printed as a line of the output; numbers count from
// 1 in each run and pass over files already there; a folder that cannot take files is 9007
// without a stack trace; tasks and actors on workers write the same files and print the same
// lines as one VM. The library's Node entry writes into the working directory only when the
// run may write there.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/node/main.js";
import { plotFiles } from "../../src/node/plot-files.js";
import { ROOT, scratchFolder } from "../helpers.js";

const scratch = scratchFolder("noodle-plot-cli-");

/** `noodle ARGS` run in folder `cwd`. */
function noodle(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/noodle.js"), ...args], { encoding: "utf8", timeout: 60_000, cwd });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder in the scratch folder with `program.nc` in it. */
function folderWith(name: string, program: string): string {
  const dir = join(scratch.dir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "program.nc"), program);
  return dir;
}

const TWO_FIGURES = `import "std/plot" as plot
print("before")
plot.show(plot.scatter([1, 2, 3, 4, 5], [2, 4, 1, 5, 3], {"title": "Five points"}))
plot.show(plot.hist([1, 2, 2, 3], 3))
print("after")
`;

describe("noodle run and plot.show", () => {
  it("writes plot-1.svg and plot-2.svg into the working directory and prints their paths", () => {
    const dir = folderWith("default", TWO_FIGURES);
    const r = noodle(["run", "program.nc"], dir);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe("before\nplot-1.svg\nplot-2.svg\nafter\n");
    const svg = readFileSync(join(dir, "plot-1.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain(">Five points<");
    expect(readFileSync(join(dir, "plot-2.svg"), "utf8")).toContain(">count<");
  });

  it("writes into --plots DIR, made when missing, and never over a file already there", () => {
    const dir = folderWith("given", TWO_FIGURES);
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out", "plot-1.svg"), "kept");
    const r = noodle(["run", "--plots", "out", "program.nc"], dir);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe(`before\n${join("out", "plot-2.svg")}\n${join("out", "plot-3.svg")}\nafter\n`);
    expect(readFileSync(join(dir, "out", "plot-1.svg"), "utf8")).toBe("kept");
    const made = noodle(["run", "--plots", "new/deeper", "program.nc"], dir);
    expect(made.stdout).toBe(`before\n${join("new/deeper", "plot-1.svg")}\n${join("new/deeper", "plot-2.svg")}\nafter\n`);
    expect(readdirSync(join(dir, "new/deeper")).sort()).toEqual(["plot-1.svg", "plot-2.svg"]);
    // the working directory gets nothing
    expect(existsSync(join(dir, "plot-1.svg"))).toBe(false);
  });

  it("a --plots DIR that cannot be written is 9007, before the program runs, without a stack trace", () => {
    const dir = folderWith("unwritable", TWO_FIGURES);
    writeFileSync(join(dir, "a-file"), "");
    const r = noodle(["run", "--plots", "a-file/plots", "program.nc"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("noodle: error[9007]: cannot write plots to 'a-file/plots': it is not a folder\n");
  });

  it("--help names --plots", () => {
    expect(noodle(["run", "--help"], ROOT).stdout).toMatch(/--plots DIR +write plot\.show's figures to DIR\/plot-N\.svg/);
  });
});

const ON_WORKERS = `import "std/plot" as plot
func draw(k) {
  plot.show(plot.line([1, 2, 3], [k, 2 * k, 3 * k], {"title": "task \${k}"}))
  return k
}
actor Painter {
  func paint(M) {
    plot.show(plot.heatmap(M, {"title": "from an actor"}))
    return "painted"
  }
}
print(await spawn draw(1))
let futures = [spawn draw(2), spawn draw(3)]
print(await futures[0], await futures[1])
let p = spawn Painter()
print(await p.paint([1, 2; 3, 4]))
try { await spawn (() => plot.show(plot.line([1], [])))() } catch e { print(e.code, e.message) }
`;

describe("plot.show from tasks and actors on workers", () => {
  it("writes the same files and prints the same lines as one VM", () => {
    const dir = folderWith("workers", ON_WORKERS);
    const runs = ["", "1", "2", "4"].map((workers) => {
      const out = `out${workers || "0"}`;
      const r = noodle(["run", ...(workers ? ["--workers", workers] : []), "--plots", out, "program.nc"], dir);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const files = readdirSync(join(dir, out)).sort();
      return { stdout: r.stdout.replaceAll(out, "OUT"), files: files.map((f) => [f, readFileSync(join(dir, out, f), "utf8")]) };
    });
    expect(runs[0].stdout).toMatch(/^OUT\/plot-1\.svg\n1\nOUT\/plot-[23]\.svg\nOUT\/plot-[23]\.svg\n2 3\nOUT\/plot-4\.svg\npainted\n5002 /);
    expect(runs[0].files).toHaveLength(4);
    for (const r of runs.slice(1)) {
      // two tasks at once may finish in either order: the lines and files are compared as sets
      expect(r.stdout.split("\n").sort()).toEqual(runs[0].stdout.split("\n").sort());
      expect(new Set(r.files.map(([, svg]) => svg))).toEqual(new Set(runs[0].files.map(([, svg]) => svg)));
    }
  });
});

describe("plot.show in a function pmap runs on workers", () => {
  it("is 3018: the figure cannot reach the program's display from there", () => {
    const dir = folderWith("pmap", 'import "std/plot" as plot\nprint(len(pmap(range(0, 64), x => { plot.show(plot.line([x], [x])); return x })))\n');
    const r = noodle(["run", "--workers", "2", "--plots", "out", "program.nc"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(
      "error[3018]: plot.show cannot show the figure: a function pmap runs on workers cannot show figures; show them after pmap",
    );
  });
});

describe("the library in Node", () => {
  const program = 'import "std/plot" as plot\nplot.show(plot.heatmap([1, 2; 3, 4], {"title": "M"}))\nprint("done")';

  it("gives figures to onPlot, as plain JSON, and prints the path it answers with", async () => {
    const seen: unknown[] = [];
    let out = "";
    const r = await run(program, {
      stdout: (t) => (out += t),
      onPlot: (figure) => {
        seen.push(figure);
        return "shown/there.svg";
      },
    });
    expect(r.ok).toBe(true);
    expect(out).toBe("shown/there.svg\ndone\n");
    expect(seen).toEqual([
      {
        type: "figure",
        kind: "heatmap",
        matrix: [
          [1, 2],
          [3, 4],
        ],
        title: "M",
        xlabel: "column",
        ylabel: "row",
      },
    ]);
  });

  it("a folder that cannot take the file when the figure is shown is 9007, which the program can catch", async () => {
    const blocked = join(scratch.dir, "blocked");
    writeFileSync(blocked, "");
    let out = "";
    const r = await run('import "std/plot" as plot\ntry { plot.show(plot.line([1], [2])) } catch e { print(e.code, e.message) }', {
      stdout: (t) => (out += t),
      onPlot: plotFiles(join(blocked, "plots")),
    });
    expect(r.ok).toBe(true);
    expect(out).toBe(`9007 cannot write plots to '${join(blocked, "plots")}': it is not a folder\n`);
  });

  it("without onPlot writes into the working directory only with write permission there (6001)", async () => {
    const refused = await run(program, { stdout: () => {} });
    expect([refused.ok, refused.error?.code]).toEqual([false, 6001]);
    expect(refused.error?.message).toMatch(/^writing 'plot-1\.svg' is not allowed/);
    const dir = join(scratch.dir, "library");
    mkdirSync(dir);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      let out = "";
      const r = await run(program, { stdout: (t) => (out += t), permissions: { write: ["."] } });
      expect(r.ok).toBe(true);
      expect(out).toBe("plot-1.svg\ndone\n");
      expect(readFileSync(join(dir, "plot-1.svg"), "utf8")).toContain(">M<");
    } finally {
      process.chdir(cwd);
    }
  });
});
