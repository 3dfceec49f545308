// The `lsp` suite: language services on a generated file of 5 000 lines. Each group of cases
// lives in its own file under suites/lsp/ with the implementations it runs on (each its own
// `lang`, the key of its cases' sources); this file lists them:
//
//   suites/lsp/format-cases.js   format-5000 (formatting a generated 5 000-line program)
//   suites/lsp/service-cases.js  hover-5k, completion-5k (p95 of one request) and
//                                diagnostics-edit (an edit, then the diagnostics)
//
// suites/lsp/program.js generates the program formatted.

import * as formatting from "./lsp/format-cases.js";
import * as service from "./lsp/service-cases.js";

export const name = "lsp";
export const defaults = { warmup: 2, runs: 8 };

export const peers = [...formatting.peers, ...service.peers];
export const cases = [...formatting.cases, ...service.cases];
