// The JSON parser of std/json reads untrusted text: random strings, mutations of valid JSON and
// deep nesting give a value (the one JavaScript's JSON.parse gives, when it gives one) or 3009,
// and nothing else, ever.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJson, stringifyJson } from "../../src/json/json-text.js";
import { HostError } from "../../src/runtime/host-calls.js";
import type { JsValue } from "../../src/runtime/values.js";
import { FUZZ_TIMEOUT, fuzzParameters } from "./fuzz.js";

/** JavaScript's reading of a JSON value, with objects as Maps as Noodle reads them. */
function asNoodle(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(asNoodle);
  if (v !== null && typeof v === "object") return new Map(Object.entries(v).map(([k, x]) => [k, asNoodle(x)]));
  return v;
}

/** What parsing does: ["value", v] or ["3009"]; anything else fails the property. */
function outcome(text: string): ["value", unknown] | ["3009"] {
  try {
    return ["value", parseJson(text)];
  } catch (e) {
    if (e instanceof HostError && e.code === 3009 && /^json\.parse: .* at line \d+, column \d+$/.test(e.message)) return ["3009"];
    throw e;
  }
}

function javascript(text: string): ["value", unknown] | ["3009"] {
  try {
    return ["value", asNoodle(JSON.parse(text))];
  } catch {
    return ["3009"];
  }
}

const mutated = fc
  .tuple(
    fc.json({ maxDepth: 4 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom("", "[", "]", "{", "}", ",", ":", '"', "\\", "-", "e", "0", " ", "\n", "\u0001", "n")), { maxLength: 4 }),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [at, piece] of edits) {
      const i = at % (t.length + 1);
      t = t.slice(0, i) + piece + t.slice(i + (piece === "" ? 1 : 0));
    }
    return t;
  });

describe("json.parse on hostile text", () => {
  it(
    "reads valid JSON as JavaScript does, and refuses anything else with 3009",
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.json({ maxDepth: 5 }), mutated, fc.string({ maxLength: 40 })), (text) => {
          expect(outcome(text)).toEqual(javascript(text));
        }),
        fuzzParameters(1),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "refuses nesting of any depth past the bound without exhausting the stack",
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 1001, max: 200_000 }), fc.constantFrom("[", '{"a":'), (depth, open) => {
          expect(outcome(open.repeat(depth))).toEqual(["3009"]);
        }),
        { ...fuzzParameters(2), numRuns: Math.max(20, Math.floor(fuzzParameters(2).numRuns! / 100)) },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "prints what it reads back to the same value",
    () => {
      fc.assert(
        fc.property(fc.json({ maxDepth: 5 }), fc.constantFrom(null, 2, "\t"), (text, indent) => {
          const v = parseJson(text) as JsValue;
          expect(parseJson(stringifyJson(v, indent))).toEqual(v);
        }),
        fuzzParameters(3),
      );
    },
    FUZZ_TIMEOUT,
  );
});
