// The lsp suite's cases on the language service (src/language/, docs/language-services.md), on a
// generated file of 5 000 lines (500 blocks of a struct, a function with a loop, a matrix and a
// call), in-process through the service as `noodle lsp` calls it:
//
//   hover-5k          100 hovers a run, on names spread over the file (the file analysed once
//                     before: the service keeps the analysis until some text changes); p50_ms, p95_ms
//   hover-after-edit  the same hovers, each after an edit (one character typed elsewhere, so each
//                     one analyses the file again and indexes its names); p50_ms, p95_ms
//   completion-5k     100 completions a run, in function bodies spread over the file, each after
//                     an edit (one character typed, so each one analyses the file again); p50_ms, p95_ms
//   diagnostics-edit  20 edits a run (a line changed in the middle of the file, alternately broken
//                     and fixed), each followed by the document's diagnostics; p50_ms, p95_ms
//   diagnostics-stdio the same edits sent to `noodle lsp` as incremental didChange notifications,
//                     from the sending to the diagnostics published (the server's wait of
//                     DIAGNOSTICS_DELAY_MS, 50 ms, after the last edit included); p50_ms, p95_ms
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
const perRun = { "hover-5k": 100, "hover-after-edit": 100, "completion-5k": 100, "diagnostics-edit": 20, "diagnostics-stdio": 20 };

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
  "hover-after-edit": (service) => {
    let found = 0;
    for (const [k, b] of spread(perRun["hover-after-edit"]).entries()) {
      // a space typed at the end of the file, then a hover far from it
      service.update(FILE, SOURCE + " ".repeat(1 + (k % 2)));
      const at = offset(b * LINES_PER_BLOCK + 5, 14);
      if (timed(() => service.hover(FILE, at))) found++;
    }
    return found === perRun["hover-after-edit"] ? "ok\n" : `${found} hovers\n`;
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
  "diagnostics-stdio": async (_service, server) => {
    let right = 0;
    const line = Math.floor(BLOCKS / 2) * LINES_PER_BLOCK + 3;
    for (let k = 0; k < perRun["diagnostics-stdio"]; k++) {
      const broken = k % 2 === 0;
      const range = broken
        ? { start: { line, character: 0 }, end: { line, character: 0 } }
        : { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
      const t0 = performance.now();
      const published = server.nextDiagnostics();
      await server.connection.sendNotification("textDocument/didChange", {
        textDocument: { uri: server.uri, version: ++server.version },
        contentChanges: [{ range, text: broken ? "  var = \n" : "" }],
      });
      const d = await published;
      samples.push(performance.now() - t0);
      if (d.diagnostics.length > 0 === broken) right++;
    }
    return right === perRun["diagnostics-stdio"] ? "ok\n" : `${right} right\n`;
  },
};

/** `noodle lsp` as a child process, with the generated file open, spoken to as an editor does. */
async function startServer() {
  const { spawn } = await import("node:child_process");
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = await import("vscode-languageserver-protocol/node.js");
  const child = spawn(process.execPath, [new URL("../../../bin/noodle.js", import.meta.url).pathname, "lsp"], { stdio: ["pipe", "pipe", "ignore"] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  /** @type {((p: any) => void)[]} */
  const waiting = [];
  connection.onNotification("textDocument/publishDiagnostics", (p) => waiting.shift()?.(p));
  connection.listen();
  const uri = "file:///bench/big.nc";
  const server = {
    child,
    connection,
    uri,
    version: 1,
    /** @returns {Promise<any>} */
    nextDiagnostics: () => new Promise((resolve) => waiting.push(resolve)),
  };
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendNotification("initialized", {});
  const opened = server.nextDiagnostics();
  await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "noodle", version: 1, text: SOURCE } });
  await opened;
  return server;
}

export const peers = [
  {
    name: "noodle",
    lang: "lsp",
    /** @type {any} */
    language: undefined,
    /** @type {{ child: import("node:child_process").ChildProcess }[]} */
    servers: [],
    async close() {
      for (const s of this.servers.splice(0)) s.child.kill();
    },
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
      const server = c.name === "diagnostics-stdio" ? await startServer() : undefined;
      if (server) this.servers.push(server);
      return { run: () => runs[c.name](service, server) };
    },
  },
];

const SOURCES = { lsp: "suites/lsp/service-cases.js" };

export const cases = Object.keys(runs).map((name) => ({ name, params: { lines: BLOCKS * LINES_PER_BLOCK }, sources: SOURCES, expected: "ok\n", derive }));
