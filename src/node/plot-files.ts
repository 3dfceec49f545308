// Figures as SVG files in Node: each plot.show writes DIR/plot-N.svg, N counting from 1 in each
// run and passing over names already taken (a file is never overwritten), and answers with its
// path, which plot.show prints. The CLI writes into `--plots DIR` (the working directory by
// default); the library's Node entry writes into the working directory when the run's
// permissions let it write there (see docs/plot.md).

import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Figure } from "../plot/figure.js";
import { type PlotDisplay, setDefaultPlotDisplay } from "../plot/plot-host.js";
import { absolutePath, resolvedPath } from "../runtime/file-system.js";
import { HostError } from "../runtime/host-calls.js";
import type { VM } from "../runtime/vm.js";

/** Why `dir` cannot take plots, in a user's words. */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "EACCES" || err.code === "EPERM" || err.code === "EROFS") return "permission denied";
  if (err.code === "ENOTDIR" || err.code === "EEXIST") return "it is not a folder";
  if (err.code === "ENOSPC") return "no space left on the device";
  return (err.message ?? String(e)).replace(/^\w+: /, "").split(",")[0];
}

/** Makes `dir` when it is missing and checks that files can be written in it; 9007 otherwise. */
export function preparePlotsDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw HostError.of("PlotsDirectory", dir, reason(e));
  }
}

/**
 * A display that writes each figure into `dir` (as given: the printed paths start with it);
 * `allow` may refuse a file's path (6001) before anything is written.
 */
export function plotFiles(dir: string, allow?: (path: string) => void): PlotDisplay {
  let next = 1;
  /** The first number from `next` whose file is not there, taken. */
  const reserve = (): number => {
    let n = next;
    while (existsSync(join(dir, `plot-${n}.svg`))) n++;
    next = n + 1;
    return n;
  };
  return async (figure: Figure) => {
    allow?.(join(dir, `plot-${next}.svg`));
    preparePlotsDirectory(dir);
    // the number is taken at the call, so figures are numbered in the order they are shown
    let n = reserve();
    const { figureSvg } = await import("../plot/render-svg.js");
    const svg = await figureSvg(figure);
    for (;;) {
      const path = join(dir, `plot-${n}.svg`);
      try {
        writeFileSync(path, svg, { flag: "wx" });
        return path;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw HostError.of("PlotsDirectory", dir, reason(e));
        // made meanwhile by another program: the next free number
        n = reserve();
      }
    }
  };
}

/** The library's display in Node: files in the working directory, under the run's write permissions (6001). */
function workingDirectoryPlots(vm: VM): PlotDisplay {
  return plotFiles(".", (path) => vm.permissions.check("write", resolvedPath(path), path, absolutePath(path)));
}

setDefaultPlotDisplay(workingDirectoryPlots);
