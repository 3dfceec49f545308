#!/usr/bin/env node
// What compiling one function to WebAssembly costs, binaryen warm, in one process:
// node bench/jit-compile.js [--rounds N] [programs...]
//
// Every function of the given programs (by default the `vm` suite's and the numeric test
// programs in bench/programs/) is compiled `rounds` times, in turn, so load that comes and goes
// falls on all of them alike. One JSON line per function ({"program", "function",
// "instructions", "median_ms", "p95_ms", "cpu_median_ms", "cpu_p95_ms", "refused"}: wall time,
// and the process's CPU time, which a busy machine inflates less), then one summary line over
// all compilations of the functions under 200 instructions, the figure the compiled tier's goal
// names (p95 <= 2 ms).

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const roundsAt = args.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 40;
const programs = args.length > 0 ? args : ["fib30", "loop", "nbody", "spectralnorm", "binarytrees"].map((p) => join(root, "bench", "programs", `${p}.nc`));

const { compile } = await import(join(root, "dist", "node", "main.js"));
const { compileToBytes } = await import(join(root, "dist", "jit", "compile-job.js"));
const { instructionCount } = await import(join(root, "dist", "jit", "analysis.js"));
const binaryen = (await import("binaryen")).default;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const round = (x) => Math.round(x * 1000) / 1000;

/** @type {{ program: string, proto: any, constants: (number | string)[], instructions: number, ms: number[], cpu: number[], refused: boolean }[]} */
const functions = [];
for (const file of programs) {
  const c = compile(readFileSync(file, "utf8"), { file });
  if (!c.ok) throw new Error(`${file}: ${c.diagnostics.map((d) => d.message).join("; ")}`);
  const constants = c.module.constants.map((k) => k.value);
  for (const proto of c.module.functions)
    functions.push({ program: file.split("/").pop() ?? file, proto, constants, instructions: instructionCount(proto), ms: [], cpu: [], refused: false });
}

// warm binaryen and the engine's code for the compiler itself
for (let i = 0; i < 5; i++) for (const f of functions) compileToBytes(binaryen, f.proto, f.constants);
for (let r = 0; r < rounds; r++)
  for (const f of functions) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    const bytes = compileToBytes(binaryen, f.proto, f.constants);
    f.ms.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    f.cpu.push((c.user + c.system) / 1000);
    f.refused = bytes === null;
  }

/** @type {number[]} */
const small = [];
/** @type {number[]} */
const smallCpu = [];
for (const f of functions) {
  console.log(
    JSON.stringify({
      program: f.program,
      function: f.proto.name,
      instructions: f.instructions,
      median_ms: round(quantile(f.ms, 0.5)),
      p95_ms: round(quantile(f.ms, 0.95)),
      cpu_median_ms: round(quantile(f.cpu, 0.5)),
      cpu_p95_ms: round(quantile(f.cpu, 0.95)),
      refused: f.refused,
    }),
  );
  if (!f.refused && f.instructions < 200) {
    small.push(...f.ms);
    smallCpu.push(...f.cpu);
  }
}
console.log(
  JSON.stringify({
    summary: "functions under 200 instructions",
    functions: functions.filter((f) => !f.refused && f.instructions < 200).length,
    compilations: small.length,
    median_ms: round(quantile(small, 0.5)),
    p95_ms: round(quantile(small, 0.95)),
    cpu_median_ms: round(quantile(smallCpu, 0.5)),
    cpu_p95_ms: round(quantile(smallCpu, 0.95)),
    load_average: (await import("node:os")).loadavg().map((x) => Math.round(x * 100) / 100),
  }),
);
