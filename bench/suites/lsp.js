// The `lsp` suite: language services on a file of a realistic size. Each group of cases lives in
// its own file under suites/lsp/ with the implementations it runs on (each its own `lang`, the
// key of its cases' sources); this file lists them:
//
//   suites/lsp/format-cases.js   format-5000 (formatting a generated 5 000-line program)
//
// suites/lsp/program.js generates the program.

import * as formatting from "./lsp/format-cases.js";

export const name = "lsp";
export const defaults = { warmup: 3, runs: 10 };

export const peers = [...formatting.peers];
export const cases = [...formatting.cases];
