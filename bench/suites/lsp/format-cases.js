// The lsp suite's formatting case (docs/formatting.md).
//
//   format-5000   formatting a generated program of 5 000 lines written carelessly (indentation of
//                 four, no spaces around operators or after commas, long calls on one line); the
//                 run checks that the result is the canonical text of the program. `ms` is one
//                 whole format (parse, layout, printing); target 200 ms.

import { nodeHost } from "../../impls/node-host.js";
import { carelessProgram, generatedProgram } from "./program.js";

const LINES = 5000;

export const peers = [
  {
    name: "noodle",
    // its own key of a case's sources: the suite's other groups have theirs
    lang: "format",
    /** @type {((source: string, file: string) => any) | undefined} */
    formatSource: undefined,
    async init() {
      const { moduleUrl } = await nodeHost();
      this.formatSource = (await import(moduleUrl("../dist/language/format.js"))).formatSource;
      return { ok: true };
    },
    async prepare() {
      const source = carelessProgram(LINES);
      const canonical = generatedProgram(LINES);
      const format = this.formatSource;
      if (!format) throw new Error("the formatter is not loaded");
      return {
        run: () => {
          const r = format(source, "lsp-bench.nc");
          if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.message} (${d.line}:${d.col})`).join("; "));
          return r.text === canonical ? "canonical\n" : "not the canonical text\n";
        },
        fields: { lines: source.split("\n").length },
      };
    },
  },
];

export const cases = [
  {
    name: "format-5000",
    params: { lines: LINES },
    sources: { format: "suites/lsp/format-cases.js" },
    expected: "canonical\n",
  },
];
