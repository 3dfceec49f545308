// The `vm` suite: speed on small classic programs, Noodle's interpreter (`noodle`) and its
// compiled tier (`noodle-jit`) against plain JavaScript (in-process, V8's JIT), Lua 5.4 (a
// bytecode interpreter) and LuaJIT. Each program exists three times: programs/NAME.nc,
// peers/js/NAME.js and peers/lua/NAME.lua (Lua 5.1 syntax, for both Luas), all printing `expected`. `print1m` runs through the real command
// line instead, its output read from a pipe (node/noodle-cli.js), on this tree's build and,
// when NOODLE_BASELINE_BIN names one, on another.

const sources = (name) => ({
  noodle: `programs/${name}.nc`,
  js: `peers/js/${name}.js`,
  lua: `peers/lua/${name}.lua`,
});

// Calls made by the naive fib(n): 2 * fib(n + 1) - 1.
const FIB30_CALLS = 2 * 1346269 - 1;
const LOOP_ITERATIONS = 1e8;
const PRINTS = 1e6;

export const name = "vm";

export const peers = ["noodle", "noodle-jit", "noodle-cli", "noodle-baseline", "js", "lua5.4", "luajit"];

// The case-independent start-up row: running a one-line program through the CLI.
export const startup = { sources: { noodle: "programs/hello.nc" }, expected: "hello\n" };

export const cases = [
  {
    name: "fib30",
    params: { n: 30 },
    sources: sources("fib30"),
    expected: "832040\n",
    derive: (line) => ({ mcalls_per_s: Math.round((FIB30_CALLS / line.ms / 1e3) * 10) / 10 }),
  },
  {
    name: "loop",
    params: { iterations: LOOP_ITERATIONS },
    sources: sources("loop"),
    expected: "3.333333283334632e+23\n",
    derive: (line) => ({ miters_per_s: Math.round((LOOP_ITERATIONS / line.ms / 1e3) * 10) / 10 }),
  },
  {
    name: "nbody",
    params: { bodies: 5, steps: 1000 },
    sources: sources("nbody"),
    expected: "-0.169075164\n-0.169087605\n",
  },
  {
    name: "binarytrees",
    params: { depth: 14 },
    sources: sources("binarytrees"),
    expected: [
      "stretch tree of depth 15\t check: 65535",
      "16384\t trees of depth 4\t check: 507904",
      "4096\t trees of depth 6\t check: 520192",
      "1024\t trees of depth 8\t check: 523264",
      "256\t trees of depth 10\t check: 524032",
      "64\t trees of depth 12\t check: 524224",
      "16\t trees of depth 14\t check: 524272",
      "long lived tree of depth 14\t check: 32767",
      "",
    ].join("\n"),
  },
  {
    name: "spectralnorm",
    params: { n: 100 },
    sources: sources("spectralnorm"),
    expected: "1.274219991\n",
  },
  {
    name: "print1m",
    params: { prints: PRINTS },
    sources: { noodle_cli: "programs/print1m.nc" },
    expected: Array.from({ length: PRINTS }, (_, i) => `${i}\n`).join(""),
    derive: (line) => ({ mprints_per_s: Math.round((PRINTS / line.ms / 1e3) * 100) / 100 }),
  },
];
