// Upgrade requests come from anyone on the cluster: whatever the bytes (random, a valid request
// damaged, JSON of another shape), reading them never throws and gives a well-formed request or
// nothing; a valid request reads back as it was sent.
//
// NOODLE_FUZZ_RUNS sets the cases per property (2 000 by default), NOODLE_FUZZ_SEED other inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fileNameOf, readUpgradeRequest, type UpgradeRequest } from "../../src/cluster/upgrade-requests.js";
import { FUZZ_TIMEOUT, fuzzParameters, mutated } from "../fuzz/fuzz.js";

const request: fc.Arbitrary<UpgradeRequest> = fc.record(
  {
    file: fc.string({ minLength: 1, maxLength: 40 }),
    source: fc.string({ maxLength: 400 }),
    healthWindowMs: fc.integer({ min: 0, max: 3_600_000 }),
  },
  { requiredKeys: ["file", "source"] },
);
const bytesOf = (r: unknown) => new TextEncoder().encode(JSON.stringify(r));

/** A request as the program may use it: its fields of the right types and ranges. */
function wellFormed(r: UpgradeRequest): boolean {
  const window = r.healthWindowMs;
  return typeof r.file === "string" && r.file !== "" && typeof r.source === "string" && (window === undefined || (window >= 0 && window <= 3_600_000));
}

describe("upgrade requests from the network", () => {
  it("read back as they were sent", () => {
    fc.assert(
      fc.property(request, (r) => {
        expect(readUpgradeRequest(bytesOf(r))).toEqual({ healthWindowMs: undefined, ...r });
      }),
      fuzzParameters(1),
    );
  });

  it(
    "are read or refused, never thrown on, whatever the bytes",
    () => {
      const anyJson = fc.jsonValue().map(bytesOf);
      const damaged = mutated(request.map(bytesOf));
      const oddShapes = fc.record({ file: fc.anything(), source: fc.anything(), healthWindowMs: fc.anything() }, { requiredKeys: [] }).map((r) => bytesOf(r));
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), anyJson, damaged, oddShapes), (bytes) => {
          const r = readUpgradeRequest(bytes);
          if (r !== undefined) expect(wellFormed(r)).toBe(true);
        }),
        fuzzParameters(2),
      );
    },
    FUZZ_TIMEOUT,
  );

  it("refuses a source too large to be a request, and names files by their last segment", () => {
    expect(readUpgradeRequest(bytesOf({ file: "a.nc", source: "x".repeat(1024 * 1024) }))).toBeUndefined();
    expect(readUpgradeRequest(bytesOf({ file: "a.nc", source: "", healthWindowMs: -1 }))).toBeUndefined();
    expect(fileNameOf("/srv/app/main.nc")).toBe("main.nc");
    expect(fileNameOf("C:\\app\\main.nc")).toBe("main.nc");
    expect(fileNameOf("main.nc")).toBe("main.nc");
  });
});
