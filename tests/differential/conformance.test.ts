// Every conformance program, the project's and (when it is beside the project) the spec's, prints
// the same with workers as in one VM: stdout, stderr and exit code.
import { describe, expect, it } from "vitest";
import { describePrograms } from "./program-cases.js";
import { conformancePrograms } from "./program-files.js";

const suites = conformancePrograms();

for (const { suite, programs } of suites) describePrograms(`differential: conformance programs of ${suite}`, programs);

describe("differential: conformance suites", () => {
  // a plain clone has no ../shared: the run says so and passes
  if (suites.length === 1) it.skip("../shared/conformance is not present beside the project", () => {});

  it("find the project's programs", () => {
    expect(suites[0].programs.length).toBeGreaterThanOrEqual(40);
  });
});
