// The lsp suite's cases on the language service (src/language/, docs/language-services.md), on a
// generated file of 5 000 lines (500 blocks of a struct, a function with a loop, a matrix and a
// call), in-process through the service as `noodle lsp` calls it:
//
//   hover-5k          100 hovers a run, on names spread over the file (the file analysed once
//                     before: the service keeps the analysis until some text changes); p50_ms, p95_ms
//   completion-5k     100 completions a run, in function bodies spread over the file, each after
//                     an edit (one character typed, so each one analyses the file again); p50_ms, p95_ms
//   diagnostics-edit  20 edits a run (a line changed in the middle of the file, alternately broken
//                     and fixed), each followed by the document's diagnostics; p50_ms, p95_ms
//
// `ms` is a whole run.

const LINES_PER_BLOCK = 10;
const BLOCKS = 500;
const FILE = "/bench/big.nc";

function block(i) {
  return [
    `struct Point${i} { x, y: number }`,
    `func area${i}(w, h: number) {`,
    `  let p = Point${i} { x: w, y: h }`,
    "  var total = 0",
    "  for k in 0..10 {",
    "    total += p.x * k + h",
    "  }",
    "  return total + len(str(w))",
    "}",
    `let m${i} = [1, 2; 3, ${i}]`,
  ].join("\n");
}

export const SOURCE = `${Array.from({ length: BLOCKS }, (_, i) => block(i)).join("\n")}\n`;
const LINE_STARTS = [0];
for (let i = 0; i < SOURCE.length; i++) if (SOURCE[i] === "\n") LINE_STARTS.push(i + 1);

/** The offset of column `col` of line `line` (0-based) of the generated file. */
const offset = (line, col) => LINE_STARTS[line] + col;
/** Blocks spread evenly over the file. */
const spread = (n) => Array.from({ length: n }, (_, k) => Math.floor(((k + 0.5) * BLOCKS) / n));

let samples = [];
const quantile = (s, q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
const round2 = (x) => Math.round(x * 100) / 100;
const derive = (line) => {
  const s = samples.splice(0).slice(-line.runs * perRun[line.case]);
  s.sort((a, b) => a - b);
  return { p50_ms: round2(quantile(s, 0.5)), p95_ms: round2(quantile(s, 0.95)), max_ms: round2(s[s.length - 1]), lines: SOURCE.split("\n").length - 1 };
};
const perRun = { "hover-5k": 100, "completion-5k": 100, "diagnostics-edit": 20 };

function timed(f) {
  const t0 = performance.now();
  const r = f();
  samples.push(performance.now() - t0);
  return r;
}

const runs = {
  "hover-5k": (service) => {
    service.open(FILE, SOURCE);
    service.diagnostics(FILE);
    let found = 0;
    // `p.x` in the loop (a local) and `area` in its declaration, in turn
    for (const [k, b] of spread(perRun["hover-5k"]).entries()) {
      const at = k % 2 === 0 ? offset(b * LINES_PER_BLOCK + 5, 14) : offset(b * LINES_PER_BLOCK + 1, 6);
      if (timed(() => service.hover(FILE, at))) found++;
    }
    return found === perRun["hover-5k"] ? "ok\n" : `${found} hovers\n`;
  },
  "completion-5k": (service) => {
    let text = SOURCE;
    let found = 0;
    for (const b of spread(perRun["completion-5k"])) {
      // type `t` at the start of the return line, then ask
      const at = offset(b * LINES_PER_BLOCK + 7, 2);
      text = `${SOURCE.slice(0, at)}t${SOURCE.slice(at)}`;
      service.update(FILE, text);
      const c = timed(() => service.completion(FILE, at + 1));
      if (c.items.some((i) => i.label === "total")) found++;
    }
    service.update(FILE, SOURCE);
    return found === perRun["completion-5k"] ? "ok\n" : `${found} completions\n`;
  },
  "diagnostics-edit": (service) => {
    service.open(FILE, SOURCE);
    let right = 0;
    const at = offset(Math.floor(BLOCKS / 2) * LINES_PER_BLOCK + 3, 0);
    for (let k = 0; k < perRun["diagnostics-edit"]; k++) {
      const broken = k % 2 === 0;
      const text = broken ? `${SOURCE.slice(0, at)}  var = \n${SOURCE.slice(at)}` : SOURCE;
      const d = timed(() => {
        service.update(FILE, text);
        return service.diagnostics(FILE);
      });
      if (d.length > 0 === broken) right++;
    }
    return right === perRun["diagnostics-edit"] ? "ok\n" : `${right} right\n`;
  },
};

export const peers = [
  {
    name: "noodle",
    lang: "lsp",
    /** @type {any} */
    language: undefined,
    async init() {
      try {
        this.language = await import(new URL("../../../dist/language/index.js", import.meta.url).href);
        return { ok: true };
      } catch (e) {
        return { ok: false, reason: `the language service is not built (npm install): ${e instanceof Error ? e.message : e}` };
      }
    },
    async prepare(c) {
      const service = new this.language.LanguageService();
      service.open(FILE, SOURCE);
      const errors = service.diagnostics(FILE);
      if (errors.length) throw new Error(`the generated file does not compile: ${errors[0].message}`);
      samples = [];
      return { run: () => runs[c.name](service) };
    },
  },
];

const SOURCES = { lsp: "suites/lsp/service-cases.js" };

export const cases = Object.keys(runs).map((name) => ({ name, params: { lines: BLOCKS * LINES_PER_BLOCK }, sources: SOURCES, expected: "ok\n", derive }));
