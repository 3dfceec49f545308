// Writes docs/errors.md from the one error table (src/errors/table.ts); tests/errors checks the
// document is current.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { importTs } from "./load-ts.js";

const root = fileURLToPath(new URL("..", import.meta.url));

const RANGES = {
  1: "VM and runtime",
  2: "compilation",
  3: "execution",
  4: "memory and limits",
  5: "types and shapes",
  6: "security",
  7: "network and distribution",
  8: "storage and queries",
  9: "configuration",
};

export async function renderErrorsDoc() {
  const { ERROR_LIST } = await importTs(root + "src/errors/table.ts");
  const lines = [
    "# Error codes",
    "",
    "Every error Noodle reports has a four-digit code; the first digit names its range. This page is",
    "generated from `src/errors/table.ts` by `node scripts/gen-errors-doc.js`. In messages, `{name}`",
    "stands for a detail filled in when the error happens.",
    "",
    "Errors raised while a program runs can be caught with `try`/`catch` (`e.code`, `e.message`,",
    "`e.trace`), except 4001 and 4002, which end the run: a program cannot catch its way past its limits.",
  ];
  for (const [digit, title] of Object.entries(RANGES)) {
    const rows = ERROR_LIST.filter((e) => Math.floor(e.code / 1000) === Number(digit));
    if (rows.length === 0) continue;
    lines.push("", `## ${digit}xxx: ${title}`, "", "| code | name | message |", "| --- | --- | --- |");
    for (const e of rows) lines.push(`| ${e.code} | ${e.name} | ${e.template.replace(/\|/g, "\\|")} |`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(root + "docs/errors.md", await renderErrorsDoc());
}
