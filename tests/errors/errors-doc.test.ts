// docs/errors.md is generated from the one error table; it must be current.

import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript build script
import { renderErrorsDoc } from "../../scripts/gen-errors-doc.js";
import { ROOT } from "../helpers.js";

it("docs/errors.md matches src/errors/table.ts (run: node scripts/gen-errors-doc.js)", async () => {
  expect(readFileSync(ROOT + "docs/errors.md", "utf8")).toBe(await renderErrorsDoc());
});
