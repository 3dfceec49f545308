// The bytecode verifier. The VM trusts its code: it indexes registers, constants, globals and
// captures without bounds checks. So before a module is loaded, every index an instruction can
// use is checked here against the tables it will index, and control flow is checked to stay on
// instruction boundaries inside its function. What an operand means comes from the opcode table.
import { BUILTINS } from "../runtime/builtin-table.js";
import { errorSpec } from "../errors/table.js";
import { BytecodeError } from "./errors.js";
import { decodeAt, extRole, jumpTarget, type DecodedInstruction } from "./instruction.js";
import { CAPTURE_FROM_PARENT, NBC_VERSION, type FunctionProto, type NbcModule } from "./module.js";
import { OPCODES, TYPE_CODES, type Format, type OpName, type Role } from "./opcode-table.js";

/** Registers are named by 8-bit operands. */
export const MAX_REGISTERS = 256;

/** Instructions after which execution never continues with the next word. */
const TERMINATORS: ReadonlySet<OpName> = new Set<OpName>(["RETURN", "RETURNNIL", "THROW", "FAIL", "JMP"]);
/** Instructions whose constant names a field, so the VM reads it as a string. */
const FIELD_NAME_OPS: ReadonlySet<OpName> = new Set<OpName>(["GETFIELD", "SETFIELD"]);
/** Instructions calling their builtin operand with their count operand as the argument count. */
const BUILTIN_CALLS: ReadonlySet<OpName> = new Set<OpName>(["CALLB"]);

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
  for (const f of m.functions) verifyFunction(scope, f);

  const entry = m.functions[m.entry - m.functionBase];
  if (entry === undefined) fail(`entry function ${m.entry} is not a function of this module`);
  if (entry.nparams !== 0) fail(`entry function takes ${entry.nparams} parameters, expected none`, entry.name);
  if (entry.captures.length !== 0) fail(`entry function has ${entry.captures.length} captures, expected none`, entry.name);
}

function checkBase(name: string, base: number, loaded: number, what: string, hasEnv: boolean): void {
  if (base === loaded) return;
  if (!hasEnv) fail(`module is not self-contained: ${name} is ${base}`);
  fail(`${name} is ${base} but the VM has ${loaded} ${what} loaded`);
}

function fieldCount(scope: ModuleScope, s: number): number {
  if (s >= scope.m.structBase) return scope.m.structs[s - scope.m.structBase].fields.length;
  const loaded = scope.loadedStructs[s];
  return typeof loaded === "number" ? loaded : loaded.fields.length;
}

function verifyFunction(scope: ModuleScope, f: FunctionProto): void {
  const at: (detail: string, offset?: number) => never = (detail, offset) => fail(detail, f.name, offset);
  if (f.nregs > MAX_REGISTERS) at(`nregs ${f.nregs} exceeds ${MAX_REGISTERS}`);
  if (f.nparams > f.nregs) at(`nparams ${f.nparams} exceeds nregs ${f.nregs}`);
  if (f.file >= scope.m.files.length) at(`file index ${f.file} out of range (${scope.m.files.length} files)`);
  f.captures.forEach((d, i) => {
    if (d < CAPTURE_FROM_PARENT && d >= MAX_REGISTERS) at(`capture ${i} names register ${d}, beyond the ${MAX_REGISTERS} registers a function can have`);
  });

  const code = f.code;
  if (code.length === 0) at("function has no code");
  const starts = new Uint8Array(code.length);
  const decoded: DecodedInstruction[] = [];
  const offsets: number[] = [];
  for (let pc = 0; pc < code.length; ) {
    const ins = decodeAt(code, pc);
    if (ins === undefined) {
      const spec = OPCODES[code[pc] & 0xff];
      at(spec === undefined ? `unknown opcode ${code[pc] & 0xff}` : `${spec.name} is missing its extension word`, pc);
    }
    starts[pc] = 1;
    decoded.push(ins);
    offsets.push(pc);
    pc += ins.size;
  }
  for (let i = 0; i < decoded.length; i++) checkInstruction(scope, f, starts, decoded[i], offsets[i]);
  const last = decoded[decoded.length - 1];
  if (!TERMINATORS.has(last.op)) at(`execution can run off the end: the last instruction is ${last.op}`, offsets[offsets.length - 1]);

  f.handlers.forEach((h, i) => {
    const what = `handler ${i}`;
    if (!(h.start < h.end && h.end <= code.length)) at(`${what} guards words ${h.start}..${h.end}, not a non-empty range within ${code.length} words`, h.start);
    if (!starts[h.start]) at(`${what} starts inside an instruction`, h.start);
    if (h.end < code.length && !starts[h.end]) at(`${what} ends inside an instruction`, h.end);
    if (!(h.target < code.length && starts[h.target])) at(`${what} target ${h.target} is not an instruction of the function`, h.target);
    if (h.reg >= f.nregs) at(`${what} register r${h.reg} is not below nregs ${f.nregs}`, h.start);
  });

  if (f.lines.length % 3 !== 0) at(`line table has ${f.lines.length} numbers, not whole (offset, line, column) triples`);
  for (let i = 0; i < f.lines.length; i += 3) {
    const off = f.lines[i];
    if (off >= code.length) at(`line table entry ${i / 3} is for word ${off}, past the end of the code`, off);
    if (i > 0 && off < f.lines[i - 3]) at(`line table entry ${i / 3} goes back to word ${off}`, off);
  }
}

function checkInstruction(scope: ModuleScope, f: FunctionProto, starts: Uint8Array, ins: DecodedInstruction, pc: number): void {
  const { spec, operands } = ins;
  const bad = (detail: string): never => fail(`${ins.op}: ${detail}`, f.name, pc);
  const names = OPERAND_NAMES[spec.format];

  const check = (role: Role, v: number, name: string): void => {
    const out = (what: string, count: number): never => bad(`${name} ${what} ${v} out of range (${count})`);
    switch (role) {
      case "r":
        if (v >= f.nregs) bad(`${name} register r${v} is not below nregs ${f.nregs}`);
        return;
      case "k":
        if (v >= scope.m.constants.length) out("constant", scope.m.constants.length);
        return;
      case "g":
        if (v >= scope.globalCount) out("global", scope.globalCount);
        return;
      case "p":
        if (v >= scope.functionCount) out("function", scope.functionCount);
        checkClosureCaptures(scope, f, v, bad);
        return;
      case "c":
        if (v >= f.captures.length) out("capture", f.captures.length);
        return;
      case "s":
        if (v >= scope.structCount) out("struct", scope.structCount);
        return;
      case "b":
        if (v >= BUILTINS.length) out("builtin", BUILTINS.length);
        return;
      case "t":
        if (v >= TYPE_CODES.length) out("type code", TYPE_CODES.length);
        return;
      case "e":
        if (errorSpec(v) === undefined) bad(`${name} ${v} is not an error code`);
        return;
      case "f":
        if (v > 1) bad(`${name} flag is ${v}, not 0 or 1`);
        return;
      case "-":
        if (v !== 0) bad(`unused ${name} is ${v}, not 0`);
        return;
      case "j": {
        const target = jumpTarget(ins, pc) as number;
        if (target < 0 || target >= f.code.length || !starts[target]) bad(`jump to word ${target}, which is not an instruction of the function`);
        return;
      }
      case "i":
      case "n":
        return;
    }
  };

  spec.operands.forEach((role, i) => check(role, operands[i], names[i]));
  const ext = extRole(ins);
  if (ext !== undefined) check(ext, ins.ext as number, "extension word");

  for (const range of spec.ranges ?? []) {
    const first = operands[range.base];
    let count: number;
    if (range.count === "struct-fields") {
      const s = spec.ext === "s" ? (ins.ext as number) : operands[spec.operands.indexOf("s")];
      count = fieldCount(scope, s);
    } else count = range.fixed ? range.count : operands[range.count];
    if (range.pairs) count *= 2;
    count += range.extra ?? 0;
    if (count > 0 && first + count > f.nregs) bad(`registers r${first}..r${first + count - 1} are not all below nregs ${f.nregs}`);
  }

  if (FIELD_NAME_OPS.has(ins.op)) {
    const k = spec.ext === "k" ? (ins.ext as number) : operands[spec.operands.indexOf("k")];
    if (scope.m.constants[k].kind !== "string") bad(`field name k${k} is not a string constant`);
  }

  if (BUILTIN_CALLS.has(ins.op)) {
    const builtin = BUILTINS[operands[spec.operands.indexOf("b")]];
    const nargs = operands[spec.operands.indexOf("n")];
    if (nargs < builtin.min || (builtin.max >= 0 && nargs > builtin.max)) {
      const expected = builtin.max < 0 ? `at least ${builtin.min}` : builtin.min === builtin.max ? `${builtin.min}` : `${builtin.min} to ${builtin.max}`;
      bad(`builtin ${builtin.name} takes ${expected} argument(s), called with ${nargs}`);
    }
  }
}

/** A closure made here captures registers of this frame: they must exist in it. */
function checkClosureCaptures(scope: ModuleScope, f: FunctionProto, p: number, bad: (detail: string) => never): void {
  const proto = scope.m.functions[p - scope.m.functionBase];
  if (proto === undefined) return;
  proto.captures.forEach((d, i) => {
    if (d < CAPTURE_FROM_PARENT && d >= f.nregs) bad(`closure of '${proto.name}' captures register r${d} (capture ${i}), not below nregs ${f.nregs}`);
  });
}
