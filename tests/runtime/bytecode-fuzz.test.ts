// The VM trusts verified bytecode, so the verifier and the VM together must hold against any
// module: whatever the mutation, the verifier rejects it with a BytecodeError (1004) or the VM
// runs it to an outcome — a value or a Noodle error with a numeric code — within its limits.
// A JavaScript exception out of `vm.run` (a WebAssembly trap such as "memory access out of
// bounds" or "unreachable", a host-stack overflow, a TypeError in the host) is a failure, and
// so is a run that takes far longer than its instruction budget allows.
//
// Mutants start from real compiled programs (and the hand-built module that uses every opcode)
// and change code words, operands, jump offsets, register counts, constants, handler records,
// capture descriptors, struct fields, the entry and the globals; a second property damages the
// encoded .nbc bytes and decodes them. Runs are seeded, so a failure reproduces. Every module the
// verifier accepts also runs with every function compiled, and ends the same way.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ID, BUILTINS } from "../../src/bytecode/builtin-table.js";
import { decodeModule, encodeModule } from "../../src/bytecode/codec.js";
import { BytecodeError } from "../../src/bytecode/errors.js";
import { decodeAt, encode, extRole, FIELDS, jumpTarget } from "../../src/bytecode/instruction.js";
import { CAPTURE_FROM_PARENT, type Constant, type NbcModule } from "../../src/bytecode/module.js";
import { OPCODES, type Role, TYPE_CODES } from "../../src/bytecode/opcode-table.js";
import { verifyModule } from "../../src/bytecode/verifier.js";
import { compile } from "../../src/compiler/compile.js";
import { ERROR_LIST } from "../../src/errors/table.js";
import { analyse } from "../../src/jit/analysis.js";
import type { JitMode } from "../../src/jit/compiled-tier.js";
import { VM } from "../../src/runtime/vm.js";
import { code, everyOpcodeModule, fn, mod, reseal } from "../bytecode/build.js";
import { runSource } from "../helpers.js";

const LIMITS = { maxSteps: 200_000, maxDepth: 200, maxMemory: 64 * 1024 * 1024 };
/** Printed text kept per run: enough to see what happened, never unbounded. */
const OUTPUT_CAP = 4096;
/**
 * 200 000 steps take a few milliseconds; builtins are charged one step however much work they
 * do, so allow generous slack before calling a run a hang: on a machine busy with other builds
 * the slowest mutants took up to 5.4 s, which is no hang.
 */
const RUN_LIMIT_MS = 30_000;
// Fixed by default so that a failure reproduces; NOODLE_FUZZ_SEED explores further and
// NOODLE_FUZZ_RUNS sets the cases of each property, as for every fuzzer (`npm run fuzz` runs
// 100 000), e.g. NOODLE_FUZZ_SEED=7 NOODLE_FUZZ_RUNS=20000 npx vitest run tests/runtime/bytecode-fuzz.test.ts
const SEED = Number(process.env.NOODLE_FUZZ_SEED) || 0x5eed_2024;
const RUNS = Number(process.env.NOODLE_FUZZ_RUNS) || 0;
const STRUCTURED_RUNS = RUNS || 6_000;
const BYTE_RUNS = RUNS || 2_000;
/** A property's time limit, in proportion to its cases. */
const PROPERTY_TIMEOUT = 300_000 + Math.max(STRUCTURED_RUNS, BYTE_RUNS) * 10;

// ---------------------------------------------------------------- seed programs

const PROGRAMS: Record<string, string> = {
  closures: `
    func counter(start) {
      var n = start
      let inc = (k) => { n += k; return n }
      let get = () => n
      return [inc, get]
    }
    let c = counter(10)
    c[0](1)
    c[0](2)
    func compose(f, g) { return x => f(g(x)) }
    let h = compose(x => x * 2, x => x + 1)
    func outer() {
      var x = 1
      func middle() { return () => { x += 10; return x } }
      return middle()
    }
    let f = outer()
    f()
    print(c[1](), h(5), f())`,
  loops: `
    var xs = []
    for i in 0..50 { push(xs, i * i) }
    var s = 0
    var i = 0
    while i < len(xs) {
      if xs[i] % 3 == 0 { s += xs[i] }
      i += 1
    }
    for x in xs[10:20] { s -= x }
    for k in 0..=4 { if k == 3 { break } ; s += k }
    print(s, len(xs), xs[-1], pop(xs), range(0, 10, 3))`,
  errors: `
    func risky(n) {
      if n % 3 == 0 { throw error(100 + n, "bad \${n}") }
      if n % 3 == 1 { return [1, 2][n] }
      return n
    }
    var log = []
    for n in 0..9 {
      try { push(log, risky(n)) } catch e { push(log, e.code) } finally { push(log, "f") }
    }
    func nested() {
      try {
        try { throw "inner" } finally { push(log, "in") }
      } catch e { return e.message }
    }
    func early() {
      for j in 0..3 { try { if j == 1 { return j } } finally { push(log, j) } }
    }
    print(log, nested(), early())`,
  maps: `
    var m = {"a": 1, "b": 2}
    for i in 0..30 { m["k" + str(i)] = i }
    remove(m, "a")
    m[7] = "seven"
    var total = 0
    for k, v in m { if type(v) == "number" { total += v } }
    print(len(m), total, has(m, "b"), keys(m)[0], values(m)[1], m == copy(m))`,
  structs: `
    struct Point { x: number, y: number }
    struct Line { a: Point, b: Point }
    func describe(v) {
      return match v {
        case 0 => "zero"
        case [a, b] => "pair \${a}/\${b}"
        case Point { x, y: 0 } => "on axis \${x}"
        case Point { x, y } => "point \${x},\${y}"
        case s if type(s) == "string" => "text " + s
        case _ => "other"
      }
    }
    let l = Line { a: Point { x: 1, y: 0 }, b: Point { x: 3, y: 4 } }
    l.b.x = 5
    func norm(p: Point) -> number { return p.x * p.x + p.y * p.y }
    print(describe(0), describe([1, 2]), describe(l.a), describe(l.b), describe("hi"), describe(nil), l, norm(l.b))`,
  strings: `
    let s = "añb🍜c"
    var out = ""
    for ch in s { out = ch + out }
    let n = num("42") + len(s)
    print(out, s[1:4], n, str([1, "x"]), "x=\${n * 2}", s[-1], "abc" < "abd", len(str(3.25)))`,
  recursion: `
    func fib(n) { if n < 2 { return n } return fib(n - 1) + fib(n - 2) }
    func tree(d) { if d == 0 { return [nil, nil] } return [tree(d - 1), tree(d - 1)] }
    func check(t) { if t[0] == nil { return 1 } return 1 + check(t[0]) + check(t[1]) }
    func even(k) { if k == 0 { return true } return odd(k - 1) }
    func odd(k) { if k == 0 { return false } return even(k - 1) }
    print(fib(14), check(tree(6)), even(21))`,
  regions: `
    var keep = []
    var total = 0
    var last = nil
    for i in 0..100 {
      region {
        let tmp = [i, [i, i], {"k": i}]
        total += tmp[1][0]
        if i % 25 == 0 { push(keep, tmp) }
        last = tmp[2]
      }
    }
    print(total, len(keep), map(keep, t => t[0]), filter(1..=10, x => x % 2 == 0),
      reduce([1, 2, 3], (a, b) => a + b, 0), sort([3, 1, 2]), last)`,
  concurrency: `
    func work(n) { var s = 0; for i in 0..n { s += i } return s }
    async func twice(x) { return x * 2 }
    func boom() { throw error(4243, "task failed") }
    actor Counter {
      var count = 0
      func inc(k) { count += k; if count > 100 { throw error(4244, "crash") } return count }
      func get() { return count }
    }
    let c = spawn Counter()
    c.inc(5)
    let rs = await all([spawn work(10), twice(3), c.inc(10), c.get()])
    try { await spawn boom() } catch e { print(e.code) }
    var g = nil
    func waitG() { return await g }
    g = spawn waitG()
    try { await timeout(g, 1) } catch e { print(e.code) }
    var f = nil
    func waitF() { return await f }
    f = spawn waitF()
    try { await f } catch e { print(e.code) }
    print(rs, c, type(c.get))`,
};

const SEEDS: { name: string; module: NbcModule }[] = [];

function compiled(name: string, source: string): NbcModule {
  const c = compile(source, { file: `${name}.nc` });
  if (!c.ok || !c.module) throw new Error(`seed ${name} does not compile: ${c.diagnostics.map((d) => d.message).join("; ")}`);
  return c.module;
}

// ---------------------------------------------------------------- running one module

/** What the mutants came to, for the summary. */
const tally = {
  structured: 0,
  bytes: 0,
  decoderRejected: 0,
  verifierRejected: 0,
  ranOk: 0,
  errors: new Map<number, number>(),
  slowestMs: 0,
  /** Modules run interpreted and compiled whose outcomes were compared (those setting every register they read). */
  comparedTiers: 0,
};

function isMalformed(e: unknown): boolean {
  return e instanceof BytecodeError && e.code === 1004;
}

/** An exception with the top of its stack, which says whether it came from the core or the host. */
function describeThrown(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const frames = (e.stack ?? "")
    .split("\n")
    .filter((l) => l.trim().startsWith("at "))
    .slice(0, 6);
  return [`${e.constructor.name}: ${e.message}`, ...frames].join("\n");
}

/** A fresh VM with the fuzz limits and output sinks that keep at most OUTPUT_CAP characters. */
async function freshVm(jit: JitMode = "off"): Promise<{ vm: VM; output: () => string }> {
  let text = "";
  const sink = (t: string): void => {
    if (text.length < OUTPUT_CAP) text += t.slice(0, OUTPUT_CAP - text.length);
  };
  const vm = await VM.create({ ...LIMITS, jit, stdout: sink, stderr: sink });
  return { vm, output: () => text };
}

type Outcome = { kind: "rejected" } | { kind: "ok" } | { kind: "error"; code: number };

/**
 * Verifies `m`, then runs it on a fresh VM and collects afterwards (a sweep walks every block,
 * so a damaged heap shows up here too). Throws with a description on any forbidden outcome.
 */
async function verifyAndRun(m: NbcModule): Promise<Outcome> {
  try {
    verifyModule(m);
  } catch (e) {
    if (isMalformed(e)) return { kind: "rejected" };
    throw new Error(`the verifier threw something other than a BytecodeError 1004: ${describeThrown(e)}`);
  }
  const interpreted = await runVerified(m, "off");
  // every function compiled at its first call must end the same way, unless the module reads
  // registers it never set (their values are what earlier frames left, which differ between tiers)
  const compiled = await runVerified(m, "eager");
  const definite = m.functions.every((f) => analyse(f)?.readsUnset.length === 0);
  if (definite) tally.comparedTiers++;
  if (definite && JSON.stringify(compiled) !== JSON.stringify(interpreted))
    throw new Error(`compiled code ended with ${JSON.stringify(compiled)}, the interpreter with ${JSON.stringify(interpreted)}`);
  return interpreted;
}

async function runVerified(m: NbcModule, jit: JitMode): Promise<Outcome> {
  const { vm } = await freshVm(jit);
  const started = performance.now();
  let result: ReturnType<typeof vm.run>;
  try {
    result = vm.run(m);
    vm.collect();
  } catch (e) {
    const ms = Math.round(performance.now() - started);
    throw new Error(`the VM threw instead of reporting an error (after ${ms} ms): ${describeThrown(e)}`);
  }
  const ms = performance.now() - started;
  tally.slowestMs = Math.max(tally.slowestMs, ms);
  if (ms > RUN_LIMIT_MS) throw new Error(`the run took ${Math.round(ms)} ms on a budget of ${LIMITS.maxSteps} steps`);
  if (result.ok) return { kind: "ok" };
  const code = result.error?.code;
  if (typeof code !== "number" || !Number.isInteger(code)) throw new Error(`a failed run carries no numeric error code: ${String(code)}`);
  return { kind: "error", code };
}

function count(outcome: Outcome): void {
  if (outcome.kind === "rejected") tally.verifierRejected++;
  else if (outcome.kind === "ok") tally.ranOk++;
  else tally.errors.set(outcome.code, (tally.errors.get(outcome.code) ?? 0) + 1);
}

// ---------------------------------------------------------------- structured mutations

function cloneModule(m: NbcModule): NbcModule {
  return {
    ...m,
    files: [...m.files],
    constants: m.constants.map((c) => ({ ...c })),
    structs: m.structs.map((s) => ({ name: s.name, fields: [...s.fields] })),
    globals: [...m.globals],
    functions: m.functions.map((f) => ({
      ...f,
      captures: [...f.captures],
      code: f.code.slice(),
      handlers: f.handlers.map((h) => ({ ...h })),
      lines: f.lines.slice(),
    })),
  };
}

/** Word offsets where the instructions of `code` start (up to the first undecodable word). */
function instructionStarts(code: Uint32Array): number[] {
  const starts: number[] = [];
  for (let pc = 0; pc < code.length; ) {
    const ins = decodeAt(code, pc);
    if (ins === undefined) break;
    starts.push(pc);
    pc += ins.size;
  }
  return starts;
}

function withField(word: number, shift: number, width: number, value: number): number {
  const mask = 2 ** width - 1;
  return ((word & ~(mask << shift)) | ((value & mask) << shift)) >>> 0;
}

// Indices into module parts are drawn large and reduced modulo the part's size when applied,
// so the same mutation data fits every seed.
const anyIndex = fc.nat({ max: 1 << 20 });
const smallInt = fc.oneof(
  fc.nat({ max: 12 }),
  fc.constantFrom(0, 1, 2, 127, 128, 254, 255, 256, 257, 4095, 32767, 65535, -1, -2, -128),
  fc.integer({ min: -300, max: 300 }),
);
const constantValue: fc.Arbitrary<Constant> = fc.oneof(
  fc
    .constantFrom(0, -0, 1, -1, 0.5, 3, 255, 65536, 2 ** 31, 2 ** 32 + 1, 1e300, -1e300, NaN, Infinity, -Infinity)
    .map((value): Constant => ({ kind: "number", value })),
  fc.integer({ min: -1000, max: 1000 }).map((value): Constant => ({ kind: "number", value })),
  fc.constantFrom("", "x", "y", "code", "message", "trace", "k1", "🍜", "a\u0000b", "é".repeat(300)).map((value): Constant => ({ kind: "string", value })),
);

const mutation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("bitflip" as const), fn: anyIndex, at: anyIndex, bit: fc.nat(31) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("word" as const), fn: anyIndex, at: anyIndex, value: fc.nat({ max: 0xffff_ffff }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("instruction" as const),
      fn: anyIndex,
      at: anyIndex,
      opcode: fc.nat(OPCODES.length - 1),
      operands: fc.tuple(smallInt, smallInt, smallInt),
      ext: smallInt,
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("operand" as const), fn: anyIndex, at: anyIndex, which: fc.nat(3), value: smallInt }) },
  // an operand replaced by another value valid for its role: gets past the verifier and feeds
  // instructions values of the wrong type, the wrong function, the wrong struct...
  { weight: 10, arbitrary: fc.record({ kind: fc.constant("retarget" as const), fn: anyIndex, at: anyIndex, which: fc.nat(3), value: anyIndex }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("jump" as const), fn: anyIndex, at: anyIndex, target: anyIndex, raw: fc.option(smallInt) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("splice" as const), fn: anyIndex, at: anyIndex, fromFn: anyIndex, from: anyIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("swap" as const), fn: anyIndex, a: anyIndex, b: anyIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("dropWord" as const), fn: anyIndex, at: anyIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("nregs" as const), fn: anyIndex, value: smallInt, relative: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("nparams" as const), fn: anyIndex, value: smallInt }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("constant" as const), at: anyIndex, value: constantValue, op: fc.constantFrom("set", "append", "drop") }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("handler" as const),
      fn: anyIndex,
      which: anyIndex,
      field: fc.constantFrom("start", "end", "target", "reg", "region"),
      value: smallInt,
      toInstruction: fc.option(anyIndex),
      op: fc.constantFrom("set", "set", "add", "drop"),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("capture" as const),
      fn: anyIndex,
      which: anyIndex,
      value: smallInt,
      fromParent: fc.boolean(),
      op: fc.constantFrom("set", "set", "add", "drop"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("struct" as const),
      which: anyIndex,
      field: anyIndex,
      name: fc.constantFrom("x", "y", "a", "b", "z", ""),
      op: fc.constantFrom("add", "drop", "rename", "duplicate", "dropStruct"),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("entry" as const), value: anyIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("globals" as const), op: fc.constantFrom("add", "drop") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("lines" as const), fn: anyIndex, at: anyIndex, value: smallInt }) },
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** A value the verifier accepts for an operand of `role` (jumps are handled by the caller). */
function validFor(role: Role, pick: number, m: NbcModule, nregs: number, ncaps: number): number {
  const within = (n: number) => (n > 0 ? pick % n : 0);
  switch (role) {
    case "r":
      return within(nregs);
    case "k":
      return within(m.constants.length);
    case "g":
      return within(m.globals.length);
    case "p":
      return within(m.functions.length);
    case "c":
      return within(ncaps);
    case "s":
      return within(m.structs.length);
    case "b":
      return within(BUILTINS.length);
    case "t":
      return within(TYPE_CODES.length);
    case "e":
      return ERROR_LIST[within(ERROR_LIST.length)].code;
    case "f":
      return pick & 1;
    case "n":
      return pick % 5;
    case "i":
      return (pick % 601) - 300;
    default:
      return 0;
  }
}

/** Applies one mutation to `m` in place. Mutations that do not fit the module change nothing. */
function mutate(m: NbcModule, mu: Mutation): void {
  const fns = m.functions;
  const fnOf = (i: number) => fns[i % fns.length];
  switch (mu.kind) {
    case "bitflip": {
      const f = fnOf(mu.fn);
      f.code[mu.at % f.code.length] ^= 1 << mu.bit;
      return;
    }
    case "word": {
      const f = fnOf(mu.fn);
      f.code[mu.at % f.code.length] = mu.value;
      return;
    }
    case "instruction": {
      // a well-formed instruction word of a random opcode at an instruction start
      const f = fnOf(mu.fn);
      const starts = instructionStarts(f.code);
      const pc = starts.length ? starts[mu.at % starts.length] : 0;
      const spec = OPCODES[mu.opcode];
      let word = mu.opcode;
      FIELDS[spec.format].forEach(([shift, width], i) => (word = withField(word, shift, width, mu.operands[i])));
      f.code[pc] = word >>> 0;
      if (spec.ext !== undefined && pc + 1 < f.code.length) f.code[pc + 1] = mu.ext >>> 0;
      return;
    }
    case "operand": {
      const f = fnOf(mu.fn);
      const starts = instructionStarts(f.code);
      if (!starts.length) return;
      const pc = starts[mu.at % starts.length];
      const ins = decodeAt(f.code, pc)!;
      const fields = FIELDS[ins.spec.format];
      const slots = fields.length + (ins.size === 2 ? 1 : 0);
      const which = mu.which % slots;
      if (which < fields.length) f.code[pc] = withField(f.code[pc], fields[which][0], fields[which][1], mu.value);
      else f.code[pc + 1] = mu.value >>> 0;
      return;
    }
    case "retarget": {
      const f = fnOf(mu.fn);
      const starts = instructionStarts(f.code);
      if (!starts.length) return;
      const pc = starts[mu.at % starts.length];
      const ins = decodeAt(f.code, pc)!;
      const fields = FIELDS[ins.spec.format];
      const ext = extRole(ins);
      const roles: Role[] = [...ins.spec.operands, ...(ext === undefined ? [] : [ext])];
      const which = mu.which % roles.length;
      const role = roles[which];
      const at = which < fields.length ? pc : pc + 1;
      let value: number;
      if (role === "j") value = starts[mu.value % starts.length] - (pc + ins.size);
      else value = validFor(role, mu.value, m, f.nregs, f.captures.length);
      if (which < fields.length) f.code[at] = withField(f.code[at], fields[which][0], fields[which][1], value);
      else f.code[at] = value >>> 0;
      return;
    }
    case "jump": {
      const f = fnOf(mu.fn);
      const starts = instructionStarts(f.code);
      const jumps = starts.filter((pc) => jumpTarget(decodeAt(f.code, pc)!, pc) !== undefined);
      if (!jumps.length) return;
      const pc = jumps[mu.at % jumps.length];
      const ins = decodeAt(f.code, pc)!;
      // a raw offset, or one landing on some instruction of the function
      const offset = mu.raw ?? starts[mu.target % starts.length] - (pc + ins.size);
      if (ins.spec.ext === "j") f.code[pc + 1] = offset >>> 0;
      else f.code[pc] = withField(f.code[pc], 8, 24, offset);
      return;
    }
    case "splice": {
      // an instruction copied from elsewhere in the module, extension word included
      const f = fnOf(mu.fn);
      const from = fnOf(mu.fromFn);
      const to = instructionStarts(f.code);
      const src = instructionStarts(from.code);
      if (!to.length || !src.length) return;
      const pc = to[mu.at % to.length];
      const sp = src[mu.from % src.length];
      const size = decodeAt(from.code, sp)!.size;
      for (let i = 0; i < size && pc + i < f.code.length; i++) f.code[pc + i] = from.code[sp + i];
      return;
    }
    case "swap": {
      const f = fnOf(mu.fn);
      const a = mu.a % f.code.length,
        b = mu.b % f.code.length;
      [f.code[a], f.code[b]] = [f.code[b], f.code[a]];
      return;
    }
    case "dropWord": {
      const f = fnOf(mu.fn);
      if (f.code.length < 2) return;
      const at = mu.at % f.code.length;
      f.code = Uint32Array.from([...f.code.subarray(0, at), ...f.code.subarray(at + 1)]);
      return;
    }
    case "nregs": {
      const f = fnOf(mu.fn);
      f.nregs = Math.max(0, mu.relative ? f.nregs + Math.sign(mu.value) : mu.value);
      return;
    }
    case "nparams": {
      fnOf(mu.fn).nparams = Math.max(0, mu.value);
      return;
    }
    case "constant": {
      const ks = m.constants;
      if (mu.op === "append" || ks.length === 0) ks.push(mu.value);
      else if (mu.op === "drop") ks.pop();
      else ks[mu.at % ks.length] = mu.value;
      return;
    }
    case "handler": {
      const f = fnOf(mu.fn);
      const starts = instructionStarts(f.code);
      const value = mu.toInstruction !== null && starts.length ? starts[mu.toInstruction % starts.length] : mu.value;
      if (mu.op === "add" || f.handlers.length === 0) {
        const start = starts.length ? starts[mu.which % starts.length] : 0;
        f.handlers.push({ start, end: f.code.length, target: Math.max(value, 0), reg: Math.max(0, f.nregs - 1), region: 0 });
      } else if (mu.op === "drop") f.handlers.splice(mu.which % f.handlers.length, 1);
      else f.handlers[mu.which % f.handlers.length][mu.field] = value >>> 0;
      return;
    }
    case "capture": {
      const f = fnOf(mu.fn);
      const d = mu.fromParent ? (CAPTURE_FROM_PARENT | (mu.value & 0xff)) >>> 0 : mu.value >>> 0;
      if (mu.op === "add" || f.captures.length === 0) f.captures.push(d);
      else if (mu.op === "drop") f.captures.splice(mu.which % f.captures.length, 1);
      else f.captures[mu.which % f.captures.length] = d;
      return;
    }
    case "struct": {
      if (!m.structs.length) return;
      const s = m.structs[mu.which % m.structs.length];
      if (mu.op === "dropStruct") m.structs.splice(mu.which % m.structs.length, 1);
      else if (mu.op === "add") s.fields.push(mu.name);
      else if (!s.fields.length) return;
      else if (mu.op === "drop") s.fields.splice(mu.field % s.fields.length, 1);
      else if (mu.op === "rename") s.fields[mu.field % s.fields.length] = mu.name;
      else s.fields.push(s.fields[mu.field % s.fields.length]);
      return;
    }
    case "entry": {
      m.entry = mu.value % (fns.length + 1);
      return;
    }
    case "globals": {
      if (mu.op === "add") m.globals.push(`g${m.globals.length}`);
      else m.globals.pop();
      return;
    }
    case "lines": {
      const f = fnOf(mu.fn);
      if (!f.lines.length) return;
      f.lines[mu.at % f.lines.length] = mu.value >>> 0;
      return;
    }
  }
}

// ---------------------------------------------------------------- byte mutations

const byteDamage = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: anyIndex, bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("set" as const), at: anyIndex, value: fc.nat(255) }),
  fc.record({ kind: fc.constant("splice" as const), at: anyIndex, remove: fc.nat(6), insert: fc.uint8Array({ maxLength: 6 }) }),
);
type ByteDamage = typeof byteDamage extends fc.Arbitrary<infer T> ? T : never;

/** Damages the content of an encoding (between the 8-byte header and the 32-byte hash). */
function damage(bytes: Uint8Array, d: ByteDamage): Uint8Array {
  const content = bytes.length - 32;
  const at = 8 + (d.at % (content - 8));
  if (d.kind === "flip") {
    const copy = bytes.slice();
    copy[at] ^= 1 << d.bit;
    return copy;
  }
  if (d.kind === "set") {
    const copy = bytes.slice();
    copy[at] = d.value;
    return copy;
  }
  return Uint8Array.from([...bytes.subarray(0, at), ...d.insert, ...bytes.subarray(Math.min(at + d.remove, content))]);
}

// ---------------------------------------------------------------- the properties

beforeAll(() => {
  for (const [name, source] of Object.entries(PROGRAMS)) SEEDS.push({ name, module: compiled(name, source) });
  SEEDS.push({ name: "every-opcode", module: everyOpcodeModule() });
});

afterAll(() => {
  const errors = [...tally.errors]
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code}: ${n}`)
    .join(", ");
  console.log(
    [
      `bytecode fuzz: ${tally.structured} structured mutants, ${tally.bytes} damaged encodings`,
      `  rejected by the decoder: ${tally.decoderRejected}, by the verifier: ${tally.verifierRejected}`,
      `  ran to a value: ${tally.ranOk}; ended with an error: ${[...tally.errors.values()].reduce((a, b) => a + b, 0)} (${errors || "none"})`,
      `  slowest run: ${tally.slowestMs.toFixed(1)} ms; the same outcome interpreted and compiled: ${tally.comparedTiers}`,
    ].join("\n"),
  );
});

describe("bytecode fuzz", () => {
  it("the seed programs verify and run within the fuzz limits", async () => {
    for (const seed of SEEDS) {
      const { vm, output } = await freshVm();
      const r = vm.run(seed.module);
      expect(r.ok, `${seed.name}: ${r.ok ? "" : r.error.render()}`).toBe(true);
      if (seed.name !== "every-opcode") expect(output().length, seed.name).toBeGreaterThan(0);
    }
  });

  it(
    "mutated modules are rejected with 1004 or run to a value or an error",
    async () => {
      const seedIndex = fc.nat({ max: 1 << 20 });
      await fc.assert(
        fc.asyncProperty(seedIndex, fc.array(mutation, { minLength: 1, maxLength: 4 }), async (s, mutations) => {
          const m = cloneModule(SEEDS[s % SEEDS.length].module);
          for (const mu of mutations) mutate(m, mu);
          tally.structured++;
          count(await verifyAndRun(m));
        }),
        { numRuns: STRUCTURED_RUNS, seed: SEED, endOnFailure: true },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "damaged .nbc encodings are rejected with 1004 or decode to modules that behave",
    async () => {
      const encodings = () => SEEDS.map((s) => encodeModule(s.module));
      let encoded: Uint8Array[] | undefined;
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: 1 << 20 }), fc.array(byteDamage, { minLength: 1, maxLength: 6 }), fc.boolean(), async (s, damages, sealed) => {
          encoded ??= encodings();
          let bytes = encoded[s % encoded.length];
          for (const d of damages) bytes = damage(bytes, d);
          // resealed files get past the content hash and exercise the parser and the VM; the
          // rest show that the hash catches the damage
          if (sealed) bytes = reseal(bytes);
          tally.bytes++;
          let m: NbcModule;
          try {
            m = decodeModule(bytes, "fuzz.nbc");
          } catch (e) {
            if (!isMalformed(e)) throw new Error(`the decoder threw something other than a BytecodeError 1004: ${describeThrown(e)}`);
            tally.decoderRejected++;
            return;
          }
          count(await verifyAndRun(m));
        }),
        { numRuns: BYTE_RUNS, seed: SEED + 1, endOnFailure: true },
      );
    },
    PROPERTY_TIMEOUT,
  );
});

// Ways past the VM's guarantees that fuzzing found, each pinned by a test.
describe("defects found by fuzzing", () => {
  // Only JMP, FORLOOP and FORLOOP1 (which charge the instruction budget and are safe points)
  // may jump backwards; the verifier rejects a loop closed by a conditional branch.
  it("a loop closed by a backward conditional branch is rejected before it runs", async () => {
    const m = mod([
      fn(
        "main",
        code(
          /* 0 */ encode("LOADI", [0, 0]),
          /* 1 */ encode("LOADI", [1, 30000]),
          /* 2 */ encode("ADDI", [0, 0, 1]),
          /* 3 */ encode("JNLT", [1, 0, 0], -3), // unless r1 < r0, back to 2
          /* 5 */ encode("RETURN", [0, 0, 0]),
        ),
        { nregs: 2 },
      ),
    ]);
    expect(() => verifyModule(m)).toThrow(/only JMP, FORLOOP, FORLOOP1 may jump back/);
  });

  // A handler may not guard its own target (the verifier rejects it), and every error a handler
  // catches costs a step, so throw -> handler -> throw cannot loop without end.
  it("a loop through an error handler is rejected before it runs", async () => {
    const m = mod(
      [
        fn(
          "main",
          code(
            /* 0 */ encode("LOADI", [0, 0]),
            /* 1 */ encode("LOADI", [1, 30000]),
            /* 2 */ encode("LOADI", [4, 1]),
            /* 3 */ encode("LOADK", [5, 0]),
            /* 4 */ encode("CALLB", [4, 2, BUILTIN_ID.get("error")!]),
            /* 5 */ encode("ADDI", [0, 0, 1]),
            /* 6 */ encode("JNLT", [0, 1, 0], 1), // unless r0 < r1, to 9
            /* 8 */ encode("THROW", [4, 0, 0]),
            /* 9 */ encode("RETURN", [0, 0, 0]),
          ),
          { nregs: 6, handlers: [{ start: 5, end: 9, target: 5, reg: 3, region: 0 }] },
        ),
      ],
      { constants: [{ kind: "string", value: "again" }] },
    );
    expect(() => verifyModule(m)).toThrow(/lies inside the words it guards/);
  });

  // A handler whose target lies before the code it guards closes a loop with no back edge in
  // it. Each turn here makes a string one character longer and then fails on nil[1]. Catching
  // used to cost one step and was no safe point: the collector never ran, 200 000 steps took
  // minutes and the heap reached 4 GiB before 4001. Now a catch is a safe point and costs what
  // making the error costs, so the run ends on its budget.
  it("a loop through a handler that precedes what it guards ends on the instruction budget", async () => {
    const m = mod(
      [
        fn(
          "main",
          code(
            /* 0 */ encode("LOADK", [0, 0]),
            /* 1 */ encode("LOADK", [1, 1]),
            /* 2 */ encode("ADD", [0, 1, 0]), // the handler's target
            /* 3 */ encode("GETINDEXI", [2, 3, 1]), // r3 is nil: fails
            /* 4 */ encode("RETURN", [0, 0, 0]),
          ),
          { nregs: 5, handlers: [{ start: 3, end: 4, target: 2, reg: 4, region: 0 }] },
        ),
      ],
      {
        constants: [
          { kind: "string", value: "" },
          { kind: "string", value: "a" },
        ],
      },
    );
    verifyModule(m);
    const { vm } = await freshVm();
    const r = vm.run(m);
    expect(r.ok ? "ok" : r.error.code).toBe(4002);
  });

  // A fiber that catches the deadlock error and waits again is woken again and again; each
  // wake makes an error through the host, so it is charged steps, and such a loop ends on its
  // budget in about the time the budget allows.
  it("a task that keeps catching its deadlock ends on the instruction budget", async () => {
    const r = await runSource(
      `
      var f = nil
      func waitF() { while true { try { return await f } catch e { } } }
      f = spawn waitF()`,
      { maxSteps: 200_000 },
    );
    expect(r.error?.code).toBe(4002);
  });

  // Text that outgrows the memory limit (a map whose keys hold the map's own text) made the
  // output buffer's growth fail; the buffer then pointed at address 0 and the next write went
  // out of bounds. Now the text is dropped and the run ends with 4001.
  it("text larger than the memory limit ends the run with 4001", async () => {
    const r = await runSource(
      `
      var m = {"a": 1}
      for i in 0..30 { m["k" + str(m)] = i }`,
      { maxMemory: 64 * 1024 * 1024 },
    );
    expect(r.error?.code).toBe(4001);
  });

  /** A run of valid source must return an outcome; these make `run` throw instead. */
  async function outcomeOf(source: string): Promise<number | "ok"> {
    const r = await runSource(source, { maxSteps: 5_000_000 });
    return r.ok ? "ok" : (r.error?.code ?? r.diagnostics?.[0]?.code ?? -1);
  }

  // A message shows the values it names only a few levels deep, and cuts cycles.
  it("a match failure on a cyclic value reports 3008", async () => {
    expect(
      await outcomeOf(`
      var xs = [1]
      push(xs, xs)
      match xs { case 1 => 2 }`),
    ).toBe(3008);
  });
});
