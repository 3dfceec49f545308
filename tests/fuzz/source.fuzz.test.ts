import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { decodeModule, encodeModule } from "../../src/bytecode/codec.js";
import { verifyModule } from "../../src/bytecode/verifier.js";
import { compile } from "../../src/compiler/compile.js";
import { MAX_ERRORS } from "../../src/compiler/diagnostics.js";
import { PUNCTUATORS } from "../../src/compiler/tokens.js";
import { VM } from "../../src/runtime/vm.js";
import { OWN_CONFORMANCE, ROOT, SHARED_CONFORMANCE } from "../helpers.js";
import { edited, FUZZ_RUNS, FUZZ_SEED, programsIn, sourceEdit } from "./fuzz.js";

const RUNS = FUZZ_RUNS;
const SEED = FUZZ_SEED;
const LIMITS = { maxSteps: 20_000, maxDepth: 64, maxMemory: 32 * 1024 * 1024 };
/** A run ends by its step budget long before this; only a hang would take it. */
const RUN_LIMIT_MS = 10_000;
const TIMEOUT = Math.max(60_000, RUNS * 60);

// ---------------------------------------------------------------- seeds

const SEEDS = [
  ...programsIn(join(ROOT, "examples")),
  ...programsIn(join(ROOT, "bench/programs")),
  ...programsIn(OWN_CONFORMANCE),
  ...programsIn(SHARED_CONFORMANCE),
];

const TOKENS = [
  "let ",
  "var ",
  "func ",
  "async ",
  "struct ",
  "actor ",
  "import ",
  "if ",
  "elif ",
  "else ",
  "while ",
  "for ",
  " in ",
  "return ",
  "break",
  "continue",
  "throw ",
  "try ",
  "catch ",
  "finally ",
  "region ",
  "match ",
  "case ",
  "spawn ",
  "await ",
  "not ",
  " and ",
  " or ",
  "true",
  "false",
  "nil",
  "x",
  "y",
  "f",
  "print",
  "len",
  "_",
  "0",
  "1",
  "2.5",
  "1e309",
  '"s"',
  '"${x}"',
  "\n",
  " ",
  "\t",
  "#",
  "//",
  "/*",
  "*/",
  "`",
  "@",
  "\u{1F35C}",
  "\ud800",
  ...PUNCTUATORS,
];

// ---------------------------------------------------------------- the properties

const tally = { cases: 0, compiled: 0, rejected: 0, ran: 0, runErrors: 0, maxDiagnostics: 0, slowestCompileMs: 0 };

/** The start of a source, for a failure message. */
const excerpt = (text: string) => `\n--- source (${text.length} chars) ---\n${text.slice(0, 400)}`;

/** Checks everything the properties require of one source text. */
async function check(text: string): Promise<void> {
  tally.cases++;
  const t0 = performance.now();
  let r: ReturnType<typeof compile>;
  try {
    r = compile(text, { file: "fuzz.nc", readFile: () => undefined });
  } catch (e) {
    throw new Error(`compile() threw ${String(e)}${excerpt(text)}`);
  }
  tally.slowestCompileMs = Math.max(tally.slowestCompileMs, performance.now() - t0);
  if (!r.ok) {
    tally.rejected++;
    tally.maxDiagnostics = Math.max(tally.maxDiagnostics, r.diagnostics.length);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.length).toBeLessThanOrEqual(MAX_ERRORS + 1);
    for (const d of r.diagnostics) {
      const where = `${d.code} ${d.file}:${d.line}:${d.col} ${d.message}${excerpt(text)}`;
      expect(d.code >= 2000 && d.code < 3000, where).toBe(true);
      const source = r.sources.get(d.file);
      expect(source, where).toBeDefined();
      expect(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= source!.text.length, where).toBe(true);
      expect(d.line >= 1 && d.line <= source!.lineStarts.length && d.col >= 1, where).toBe(true);
    }
    return;
  }
  tally.compiled++;
  const m = r.module!;
  verifyModule(m);
  const bytes = encodeModule(m);
  expect(encodeModule(decodeModule(bytes, "fuzz.nbc"))).toEqual(bytes);
  const vm = await VM.create({ ...LIMITS, stdout: () => {}, stderr: () => {} });
  const started = performance.now();
  let outcome: Awaited<ReturnType<VM["run"]>>;
  try {
    outcome = vm.run(m);
  } catch (e) {
    throw new Error(`the run threw ${String(e)}${excerpt(text)}`);
  }
  expect(performance.now() - started).toBeLessThan(RUN_LIMIT_MS);
  tally.ran++;
  if (!outcome.ok) {
    tally.runErrors++;
    expect(Number.isInteger(outcome.error.code), excerpt(text)).toBe(true);
  }
}

const options = (offset: number) => ({ numRuns: RUNS, seed: SEED + offset, endOnFailure: true });

// random text: characters of the language's alphabet, tokens, any code points, bytes
const randomText = fc.oneof(
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join("")),
  fc.string({ unit: fc.constantFrom(..."abxyz019_ \n\t(){}[],.;:=+-*/%<>!'\"$\\#&|"), maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString("latin1")),
);

// a mutation of a seed program: cut, copy, move or insert pieces
const edit = sourceEdit(["delete", "duplicate", "insert", "replace", "swap"], TOKENS, 40);

// one level of nesting around an inner expression or statement
const WRAPPERS: ((inner: string) => string)[] = [
  (s) => `(${s})`,
  (s) => `[${s}]`,
  (s) => `[1, ${s}, 2]`,
  (s) => `{"k": ${s}}`,
  (s) => `-${s}`,
  (s) => `not ${s}`,
  (s) => `(x => ${s})(1)`,
  (s) => `(() => { return ${s} })()`,
  (s) => `len([${s}])`,
  (s) => `[${s}][0]`,
  (s) => `match 1 { case _ => ${s} }`,
  (s) => `"<\${${s}}>"`,
  (s) => `1 + ${s}`,
  (s) => `${s} * 2`,
  (s) => `2 ** ${s}`,
];
const STATEMENT_WRAPPERS: ((inner: string) => string)[] = [
  (s) => `if true {\n${s}\n}`,
  (s) => `{\n${s}\n}`,
  (s) => `while false {\n${s}\n}`,
  (s) => `for i in [1] {\n${s}\n}`,
  (s) => `func g() {\n${s}\n}\ng()`,
  (s) => `try {\n${s}\n} catch e {\nprint(e)\n}`,
  (s) => `region {\n${s}\n}`,
];

const nested = fc
  .record({
    // mostly within the nesting limit (500), often near it, sometimes far past it
    depth: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 200 }) },
      { weight: 2, arbitrary: fc.integer({ min: 200, max: 600 }) },
      { weight: 1, arbitrary: fc.integer({ min: 600, max: 3000 }) },
    ),
    kinds: fc.array(fc.nat(WRAPPERS.length - 1), { minLength: 1, maxLength: 4 }),
    statements: fc.array(fc.nat(STATEMENT_WRAPPERS.length - 1), { maxLength: 3 }),
    statementDepth: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 50 }) }, { weight: 1, arbitrary: fc.integer({ min: 50, max: 2000 }) }),
  })
  .map(({ depth, kinds, statements, statementDepth }) => {
    let e = "1";
    for (let i = 0; i < depth; i++) e = WRAPPERS[kinds[i % kinds.length]](e);
    let s = `print(${e})`;
    if (statements.length) for (let i = 0; i < statementDepth; i++) s = STATEMENT_WRAPPERS[statements[i % statements.length]](s);
    return s;
  });

describe("fuzzing source text", () => {
  afterAll(() => {
    console.log(
      `source fuzz: ${JSON.stringify({ runsPerProperty: RUNS, seed: SEED, seeds: SEEDS.length, ...tally, slowestCompileMs: Math.round(tally.slowestCompileMs) })}`,
    );
  });

  it("random text compiles or is rejected with positioned 2xxx errors", { timeout: TIMEOUT }, async () => {
    await fc.assert(fc.asyncProperty(randomText, check), options(0));
  });

  it("mutated programs compile and run, or are rejected", { timeout: TIMEOUT }, async () => {
    expect(SEEDS.length).toBeGreaterThan(10);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 5 }), (s, edits) => check(edited(SEEDS[s % SEEDS.length], edits))),
      options(1),
    );
  });

  it("programs nested thousands of levels deep compile or are rejected", { timeout: TIMEOUT }, async () => {
    // a case here is a program of hundreds of levels, tens of times the work of one above
    await fc.assert(fc.asyncProperty(nested, check), { ...options(2), numRuns: Math.ceil(RUNS / 4) });
  });
});
