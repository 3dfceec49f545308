// The bytecode verifier. The VM trusts its code: it indexes registers, constants, globals and
// captures without bounds checks. So before a module is loaded, every index an instruction can
// use is checked here against the tables it will index, and control flow is checked to stay on
// instruction boundaries inside its function. What an operand means comes from the opcode table.

import { errorSpec } from "../errors/table.js";
import { BUILTINS } from "./builtin-table.js";
import { BytecodeError } from "./errors.js";
import { type DecodedInstruction, decodeAt, extRole, jumpTarget } from "./instruction.js";
import { CAPTURE_FROM_PARENT, type FunctionProto, NBC_VERSION, type NbcModule } from "./module.js";
import { type Format, OPCODES, type OpName, type Role, TYPE_CODES } from "./opcode-table.js";

/** A frame has at most this many registers: most operands name the first 256, GETR and SETR the rest. */
export const MAX_REGISTERS = 65_536;

/** Instructions after which execution never continues with the next word. */
const TERMINATORS: ReadonlySet<OpName> = new Set<OpName>(["RETURN", "RETURNNIL", "THROW", "FAIL", "JMP"]);
/** Instructions whose constant names a field, so the VM reads it as a string. */
const FIELD_NAME_OPS: ReadonlySet<OpName> = new Set<OpName>(["GETFIELD", "SETFIELD"]);
/** Instructions calling their builtin operand with their count operand as the argument count. */
const BUILTIN_CALLS: ReadonlySet<OpName> = new Set<OpName>(["CALLB"]);
/** Jumps that may go backwards: the VM charges them to the instruction budget and collects there. */
const LOOP_CLOSERS: ReadonlySet<OpName> = new Set<OpName>(["JMP", "FORLOOP", "FORLOOP1"]);

const OPERAND_NAMES: Record<Format, readonly string[]> = {
  ABC: ["A", "B", "C"],
  ABx: ["A", "Bx"],
  AsBx: ["A", "sBx"],
  sJ: ["sJ"],
};

/** A struct already loaded in the VM; only its number of fields matters here. */
export interface StructFieldCounts {
  fields: readonly unknown[];
}

/** What the VM has loaded before this module: counts of functions and globals, and the structs (or their field counts). */
export interface VerifyEnv {
  functions: number;
  structs: readonly StructFieldCounts[] | readonly number[];
  globals: number;
}

interface ModuleScope {
  m: NbcModule;
  loadedStructs: readonly (StructFieldCounts | number)[];
  functionCount: number;
  structCount: number;
  globalCount: number;
}

function fail(detail: string, functionName?: string, wordOffset?: number): never {
  throw new BytecodeError(detail, { functionName, wordOffset });
}

/**
 * Throws a BytecodeError (1004) naming the first problem found. Without `env` the module must be
 * self-contained (all bases 0); with it, the module must start where the loaded tables end.
 */
export function verifyModule(m: NbcModule, env?: VerifyEnv): void {
  if (m.version !== NBC_VERSION) fail(`module version ${m.version}, expected ${NBC_VERSION}`);
  const loaded = env ?? { functions: 0, structs: [], globals: 0 };
  checkBase("functionBase", m.functionBase, loaded.functions, "functions", env !== undefined);
  checkBase("structBase", m.structBase, loaded.structs.length, "structs", env !== undefined);
  checkBase("globalBase", m.globalBase, loaded.globals, "globals", env !== undefined);
  const scope: ModuleScope = {
    m,
    loadedStructs: loaded.structs,
    functionCount: m.functionBase + m.functions.length,
    structCount: m.structBase + m.structs.length,
    globalCount: m.globalBase + m.globals.length,
  };
  for (const f of m.functions) new FunctionVerifier(scope, f).run();

  const entry = m.functions[m.entry - m.functionBase];
  if (entry === undefined) fail(`entry function ${m.entry} is not a function of this module`);
  if (entry.nparams !== 0) fail(`entry function takes ${entry.nparams} parameters, expected none`, entry.name);
  if (entry.captures.length !== 0) fail(`entry function has ${entry.captures.length} captures, expected none`, entry.name);
}

function outOfRange(name: string, what: string, v: number, count: number): string | undefined {
  return v < count ? undefined : `${name} ${what} ${v} is out of range (${count} ${what}s)`;
}

function checkBase(name: string, base: number, loaded: number, what: string, hasEnv: boolean): void {
  if (base === loaded) return;
  if (!hasEnv) fail(`module is not self-contained: ${name} is ${base}`);
  fail(`${name} is ${base} but the VM has ${loaded} ${what} loaded`);
}

/** Checks one function; `fail` names the function and the word offset of the problem. */
class FunctionVerifier {
  /** 1 at each word where an instruction starts. */
  private readonly starts: Uint8Array;

  constructor(
    private readonly scope: ModuleScope,
    private readonly f: FunctionProto,
  ) {
    this.starts = new Uint8Array(f.code.length);
  }

  private fail(detail: string, offset?: number): never {
    return fail(detail, this.f.name, offset);
  }

  run(): void {
    const { f } = this;
    if (f.nregs > MAX_REGISTERS) this.fail(`nregs ${f.nregs} exceeds ${MAX_REGISTERS}`);
    if (f.nparams > f.nregs) this.fail(`nparams ${f.nparams} exceeds nregs ${f.nregs}`);
    if (f.nrequired > f.nparams) this.fail(`nrequired ${f.nrequired} exceeds nparams ${f.nparams}`);
    if (f.file >= this.scope.m.files.length) this.fail(`file index ${f.file} out of range (${this.scope.m.files.length} files)`);
    f.captures.forEach((d, i) => {
      if (d < CAPTURE_FROM_PARENT && d >= MAX_REGISTERS)
        this.fail(`capture ${i} names register ${d}, beyond the ${MAX_REGISTERS} registers a function can have`);
    });
    const [decoded, offsets] = this.decodeAll();
    for (let i = 0; i < decoded.length; i++) this.instruction(decoded[i], offsets[i]);
    for (let i = 0; i < decoded.length; i++) {
      const next = decoded[i + 1]?.op;
      if (decoded[i].op === "MULADD" && next !== "ADD") this.fail("MULADD is not followed by an ADD", offsets[i]);
      if (decoded[i].op === "LOADNILJ" && next !== "JEQ" && next !== "JNE") this.fail("LOADNILJ is not followed by a JEQ or a JNE", offsets[i]);
      if (decoded[i].op === "JITENTER") this.fail("JITENTER is the VM's own instruction", offsets[i]);
    }
    const last = decoded[decoded.length - 1];
    if (!TERMINATORS.has(last.op)) this.fail(`execution can run off the end: the last instruction is ${last.op}`, offsets[offsets.length - 1]);
    this.handlers();
    this.lineTable();
  }

  /** Splits the code into whole instructions, marking where each starts. */
  private decodeAll(): [DecodedInstruction[], number[]] {
    const code = this.f.code;
    if (code.length === 0) this.fail("function has no code");
    const decoded: DecodedInstruction[] = [];
    const offsets: number[] = [];
    for (let pc = 0; pc < code.length; ) {
      const ins = decodeAt(code, pc);
      if (ins === undefined) {
        const spec = OPCODES[code[pc] & 0xff];
        this.fail(spec === undefined ? `unknown opcode ${code[pc] & 0xff}` : `${spec.name} is missing its extension word`, pc);
      }
      this.starts[pc] = 1;
      decoded.push(ins);
      offsets.push(pc);
      pc += ins.size;
    }
    return [decoded, offsets];
  }

  private instruction(ins: DecodedInstruction, pc: number): void {
    const { spec, operands } = ins;
    const names = OPERAND_NAMES[spec.format];
    for (let i = 0; i < operands.length; i++) this.operand(ins, pc, spec.operands[i], operands[i], names[i]);
    const ext = extRole(ins);
    if (ext !== undefined) this.operand(ins, pc, ext, ins.ext as number, "extension word");
    if (spec.ranges !== undefined) this.ranges(ins, pc);
    if (FIELD_NAME_OPS.has(ins.op)) {
      const k = spec.ext === "k" ? (ins.ext as number) : operands[spec.operands.indexOf("k")];
      if (this.scope.m.constants[k].kind !== "string") this.fail(`${ins.op}: field name k${k} is not a string constant`, pc);
    }
    if (BUILTIN_CALLS.has(ins.op)) this.builtinArity(ins, pc);
  }

  private operand(ins: DecodedInstruction, pc: number, role: Role, v: number, name: string): void {
    const problem = this.operandProblem(ins, pc, role, v, name);
    if (problem !== undefined) this.fail(`${ins.op}: ${problem}`, pc);
    if (role === "p") this.closureCaptures(ins, pc, v);
  }

  private operandProblem(ins: DecodedInstruction, pc: number, role: Role, v: number, name: string): string | undefined {
    const { scope, f } = this;
    switch (role) {
      case "r":
        return v < f.nregs ? undefined : `${name} register r${v} is not below nregs ${f.nregs}`;
      case "k":
        return outOfRange(name, "constant", v, scope.m.constants.length);
      case "g":
        return outOfRange(name, "global", v, scope.globalCount);
      case "p":
        return outOfRange(name, "function", v, scope.functionCount);
      case "c":
        return outOfRange(name, "capture", v, f.captures.length);
      case "s":
        return outOfRange(name, "struct", v, scope.structCount);
      case "b":
        return outOfRange(name, "builtin", v, BUILTINS.length);
      case "t":
        return outOfRange(name, "type code", v, TYPE_CODES.length);
      case "e":
        return errorSpec(v) !== undefined ? undefined : `${name} ${v} is not an error code`;
      case "f":
        return v <= 1 ? undefined : `${name} flag is ${v}, not 0 or 1`;
      case "-":
        return v === 0 ? undefined : `unused ${name} is ${v}, not 0`;
      case "j": {
        const target = jumpTarget(ins, pc) as number;
        const lands = target >= 0 && target < f.code.length && this.starts[target] === 1;
        if (!lands) return `jump to word ${target}, which is not an instruction of the function`;
        // only the instructions that charge the instruction budget may close a loop
        return target > pc || LOOP_CLOSERS.has(ins.op) ? undefined : `jumps back to word ${target}; only ${[...LOOP_CLOSERS].join(", ")} may jump back`;
      }
      case "i":
      case "n":
        return undefined;
    }
  }

  /** Register ranges named by a base operand and a count (an operand, a literal or a struct's fields). */
  private ranges(ins: DecodedInstruction, pc: number): void {
    const { spec, operands } = ins;
    for (const range of spec.ranges ?? []) {
      const first = operands[range.base];
      let count: number;
      if (range.count === "struct-fields") {
        const s = spec.ext === "s" ? (ins.ext as number) : operands[spec.operands.indexOf("s")];
        count = this.fieldCount(s);
      } else count = range.fixed ? range.count : operands[range.count];
      if (range.pairs) count *= 2;
      count += range.extra ?? 0;
      if (count > 0 && first + count > this.f.nregs) {
        this.fail(`${ins.op}: registers r${first}..r${first + count - 1} are not all below nregs ${this.f.nregs}`, pc);
      }
    }
  }

  private fieldCount(s: number): number {
    const { m, loadedStructs } = this.scope;
    if (s >= m.structBase) return m.structs[s - m.structBase].fields.length;
    const loaded = loadedStructs[s];
    return typeof loaded === "number" ? loaded : loaded.fields.length;
  }

  /** A closure made here captures registers of this frame: they must exist in it. */
  private closureCaptures(ins: DecodedInstruction, pc: number, p: number): void {
    const proto = this.scope.m.functions[p - this.scope.m.functionBase];
    if (proto === undefined) return;
    proto.captures.forEach((d, i) => {
      if (d < CAPTURE_FROM_PARENT && d >= this.f.nregs) {
        this.fail(`${ins.op}: closure of '${proto.name}' captures register r${d} (capture ${i}), not below nregs ${this.f.nregs}`, pc);
      }
    });
  }

  private builtinArity(ins: DecodedInstruction, pc: number): void {
    const { spec, operands } = ins;
    const builtin = BUILTINS[operands[spec.operands.indexOf("b")]];
    const nargs = operands[spec.operands.indexOf("n")];
    if (nargs >= builtin.min && (builtin.max < 0 || nargs <= builtin.max)) return;
    const expected = builtin.max < 0 ? `at least ${builtin.min}` : builtin.min === builtin.max ? `${builtin.min}` : `${builtin.min} to ${builtin.max}`;
    this.fail(`${ins.op}: builtin ${builtin.name} takes ${expected} argument(s), called with ${nargs}`, pc);
  }

  private handlers(): void {
    const { f, starts } = this;
    const length = f.code.length;
    f.handlers.forEach((h, i) => {
      const what = `handler ${i}`;
      if (!(h.start < h.end && h.end <= length)) this.fail(`${what} guards words ${h.start}..${h.end}, not a non-empty range within ${length} words`, h.start);
      if (!starts[h.start]) this.fail(`${what} starts inside an instruction`, h.start);
      if (h.end < length && !starts[h.end]) this.fail(`${what} ends inside an instruction`, h.end);
      if (!(h.target < length && starts[h.target])) this.fail(`${what} target ${h.target} is not an instruction of the function`, h.target);
      if (h.target >= h.start && h.target < h.end) this.fail(`${what} target ${h.target} lies inside the words it guards`, h.target);
      if (h.reg >= f.nregs) this.fail(`${what} register r${h.reg} is not below nregs ${f.nregs}`, h.start);
    });
  }

  /** Offsets may repeat (code-less statements) but never go back; the last entry at or before a word wins. */
  private lineTable(): void {
    const { lines, code } = this.f;
    if (lines.length % 3 !== 0) this.fail(`line table has ${lines.length} numbers, not whole (offset, line, column) triples`);
    for (let i = 0; i < lines.length; i += 3) {
      const off = lines[i];
      if (off >= code.length) this.fail(`line table entry ${i / 3} is for word ${off}, past the end of the code`, off);
      if (i > 0 && off < lines[i - 3]) this.fail(`line table entry ${i / 3} goes back to word ${off}`, off);
    }
  }
}
