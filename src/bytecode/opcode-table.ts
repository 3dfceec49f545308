// The one opcode table. Every instruction of NBC bytecode is declared here once, with its operand
// layout and what each operand means. The encoder, the verifier and the disassembler read this
// table; the AssemblyScript dispatch loop gets its opcode numbers from a file generated from it
// (scripts/gen-opcodes.js), and a test fails if the two drift apart.
//
// An instruction is one 32-bit word, optionally followed by one extension word:
//   bits 0-7 opcode, 8-15 A, 16-23 B, 24-31 C;  Bx = bits 16-31 (unsigned), sBx = Bx as signed;
//   sJ = bits 8-31 as a signed 24-bit number. Jump offsets count words from the end of the
//   instruction (after its extension word).
//
// Operand roles:
//   r  register of the current frame       k  constant index        g  global index
//   p  function (proto) index              c  capture index         s  struct index
//   b  builtin index                       t  type code             i  signed immediate
//   n  count                               j  jump offset           f  flag (0 or 1)
//   e  error code (a code of the error table)                       -  unused (must be zero)

export type Format = "ABC" | "ABx" | "AsBx" | "sJ";
export type Role = "r" | "k" | "g" | "p" | "c" | "s" | "b" | "t" | "i" | "n" | "j" | "f" | "e" | "-";

export interface OpcodeSpec {
  name: string;
  format: Format;
  /** Roles of A, B, C (ABC); A, Bx (ABx / AsBx); sJ (sJ). */
  operands: Role[];
  /** Role of the extension word, if the instruction has one. */
  ext?: Role;
  /** Register ranges [base operand index, count operand index or fixed count, extra]. */
  ranges?: RegisterRange[];
  doc: string;
}

/** Registers operands[base] .. operands[base] + count + extra - 1 must all exist. */
export interface RegisterRange {
  base: number;
  count: number | "struct-fields";
  /** When count is a number it names an operand index; `fixed` gives a literal count instead. */
  fixed?: boolean;
  extra?: number;
  /** Count operand is a number of pairs. */
  pairs?: boolean;
}

const op = <N extends string>(
  name: N,
  format: Format,
  operands: Role[],
  doc: string,
  more: Partial<Pick<OpcodeSpec, "ext" | "ranges">> = {},
): OpcodeSpec & { name: N } => ({ name, format, operands, doc, ...more });

export const OPCODES = [
  op("NOP", "ABC", ["-", "-", "-"], "do nothing"),
  op("MOVE", "ABC", ["r", "r", "-"], "R[A] = R[B]"),
  op("LOADK", "ABx", ["r", "k"], "R[A] = K[Bx]"),
  op("LOADI", "AsBx", ["r", "i"], "R[A] = sBx"),
  op("LOADNIL", "ABC", ["r", "-", "-"], "R[A] = nil"),
  op("LOADTRUE", "ABC", ["r", "-", "-"], "R[A] = true"),
  op("LOADFALSE", "ABC", ["r", "-", "-"], "R[A] = false"),
  op("GETGLOBAL", "ABx", ["r", "g"], "R[A] = G[Bx]"),
  op("SETGLOBAL", "ABx", ["r", "g"], "G[Bx] = R[A]"),
  op("NEWBOX", "ABC", ["r", "r", "-"], "R[A] = new box holding R[B] (a captured variable)"),
  op("GETBOX", "ABC", ["r", "r", "-"], "R[A] = contents of box R[B]"),
  op("SETBOX", "ABC", ["r", "r", "-"], "box R[A] = R[B]"),
  op("GETCAP", "ABC", ["r", "c", "-"], "R[A] = contents of captured box B"),
  op("SETCAP", "ABC", ["c", "r", "-"], "captured box A = R[B]"),
  op("CLOSURE", "ABx", ["r", "p"], "R[A] = new closure of function Bx, capturing as its descriptor says"),
  op("LOADBUILTIN", "ABx", ["r", "b"], "R[A] = the builtin function Bx as a value"),

  op("ADD", "ABC", ["r", "r", "r"], "R[A] = R[B] + R[C]"),
  op("SUB", "ABC", ["r", "r", "r"], "R[A] = R[B] - R[C]"),
  op("MUL", "ABC", ["r", "r", "r"], "R[A] = R[B] * R[C]"),
  op("DIV", "ABC", ["r", "r", "r"], "R[A] = R[B] / R[C]"),
  op("MOD", "ABC", ["r", "r", "r"], "R[A] = R[B] % R[C] (sign of the dividend)"),
  op("POW", "ABC", ["r", "r", "r"], "R[A] = R[B] ** R[C]"),
  op("EMUL", "ABC", ["r", "r", "r"], "R[A] = R[B] .* R[C]"),
  op("EDIV", "ABC", ["r", "r", "r"], "R[A] = R[B] ./ R[C]"),
  op("LDIV", "ABC", ["r", "r", "r"], "R[A] = R[B] \\ R[C] (solve)"),
  op("ADDI", "ABC", ["r", "r", "i"], "R[A] = R[B] + sC"),
  op("NEG", "ABC", ["r", "r", "-"], "R[A] = -R[B]"),
  op("NOT", "ABC", ["r", "r", "-"], "R[A] = not R[B]"),
  op("TRANSPOSE", "ABC", ["r", "r", "-"], "R[A] = R[B]'"),
  op("EQ", "ABC", ["r", "r", "r"], "R[A] = R[B] == R[C]"),
  op("NE", "ABC", ["r", "r", "r"], "R[A] = R[B] != R[C]"),
  op("LT", "ABC", ["r", "r", "r"], "R[A] = R[B] < R[C]"),
  op("LE", "ABC", ["r", "r", "r"], "R[A] = R[B] <= R[C]"),

  op("JMP", "sJ", ["j"], "pc += sJ"),
  op("JMPIF", "ABC", ["r", "-", "-"], "if R[A] is truthy, pc += ext", { ext: "j" }),
  op("JMPIFNOT", "ABC", ["r", "-", "-"], "if R[A] is falsy, pc += ext", { ext: "j" }),
  op("JNLT", "ABC", ["r", "r", "-"], "unless R[A] < R[B], pc += ext", { ext: "j" }),
  op("JNLE", "ABC", ["r", "r", "-"], "unless R[A] <= R[B], pc += ext", { ext: "j" }),
  op("JEQ", "ABC", ["r", "r", "-"], "if R[A] == R[B], pc += ext", { ext: "j" }),
  op("JNE", "ABC", ["r", "r", "-"], "if R[A] != R[B], pc += ext", { ext: "j" }),
  op("JNLTI", "AsBx", ["r", "i"], "unless R[A] < sBx, pc += ext", { ext: "j" }),
  op("JNLEI", "AsBx", ["r", "i"], "unless R[A] <= sBx, pc += ext", { ext: "j" }),
  op("JNGTI", "AsBx", ["r", "i"], "unless R[A] > sBx, pc += ext", { ext: "j" }),
  op("JNGEI", "AsBx", ["r", "i"], "unless R[A] >= sBx, pc += ext", { ext: "j" }),

  op("JGIVEN", "ABC", ["r", "-", "-"], "if parameter R[A] was passed (not left out for its default), pc += ext", { ext: "j" }),
  op("CALL", "ABC", ["r", "n", "-"], "R[A] = R[A](R[A+1] .. R[A+B])", { ranges: [{ base: 0, count: 1, extra: 1 }] }),
  op("CALLG", "ABC", ["r", "n", "-"], "R[A] = G[ext](R[A+1] .. R[A+B]): a call of a global function", {
    ext: "g",
    ranges: [{ base: 0, count: 1, extra: 1 }],
  }),
  op("CALLB", "ABC", ["r", "n", "b"], "R[A] = builtin C(R[A] .. R[A+B-1])", { ranges: [{ base: 0, count: 1 }] }),
  op("RETURN", "ABC", ["r", "-", "-"], "return R[A]"),
  op("RETURNNIL", "ABC", ["-", "-", "-"], "return nil"),
  op("THROW", "ABC", ["r", "-", "-"], "throw R[A] (a non-error value v becomes error(3006, str(v)))"),
  op("FAIL", "ABx", ["r", "e"], "raise runtime error Bx with R[A] as its message argument"),

  op("NEWLIST", "ABC", ["r", "r", "n"], "R[A] = [R[B] .. R[B+C-1]]", { ranges: [{ base: 1, count: 2 }] }),
  op("NEWMAP", "ABC", ["r", "r", "n"], "R[A] = {R[B]: R[B+1], ..} with C pairs", { ranges: [{ base: 1, count: 2, pairs: true }] }),
  op("NEWSTRUCT", "ABC", ["r", "r", "-"], "R[A] = new struct ext from fields R[B] ..", {
    ext: "s",
    ranges: [{ base: 1, count: "struct-fields" }],
  }),
  op("NEWMATRIX", "ABC", ["r", "r", "n"], "R[A] = matrix of ext rows from the C numbers R[B] ..", { ext: "n", ranges: [{ base: 1, count: 2 }] }),
  op("GETINDEX", "ABC", ["r", "r", "r"], "R[A] = R[B][R[C]]"),
  op(
    "GETINDEXN",
    "ABC",
    ["r", "r", "n"],
    "R[A] = R[B][C indices]: pairs R[B+1], R[B+2] ..; a pair is a slice (from, to) when its bit in ext is set, else (index, -)",
    {
      ext: "n",
      ranges: [{ base: 1, count: 2, pairs: true, extra: 1 }],
    },
  ),
  op("SETINDEXN", "ABC", ["r", "n", "r"], "R[A][B indices in pairs R[A+1] ..] = R[C]", { ranges: [{ base: 0, count: 1, pairs: true, extra: 1 }] }),
  op("SETINDEX", "ABC", ["r", "r", "r"], "R[A][R[B]] = R[C]"),
  op("GETINDEXI", "ABC", ["r", "r", "n"], "R[A] = R[B][C]"),
  op("SLICE", "ABC", ["r", "r", "r"], "R[A] = R[B][R[C] : R[C+1]] (nil bounds are open)", { ranges: [{ base: 2, count: 2, fixed: true }] }),
  op("GETFIELD", "ABC", ["r", "r", "-"], "R[A] = R[B].K[ext]", { ext: "k" }),
  op("SETFIELD", "ABC", ["r", "r", "-"], "R[A].K[ext] = R[B]", { ext: "k" }),
  op("CONCAT", "ABC", ["r", "r", "n"], "R[A] = str(R[B]) + .. + str(R[B+C-1])", { ranges: [{ base: 1, count: 2 }] }),
  op("CHECKTYPE", "ABC", ["r", "t", "-"], "fail with 5004 unless R[A] has type B (struct ext when B is the struct code)", { ext: "s" }),
  op("ISSTRUCT", "ABC", ["r", "r", "-"], "R[A] = R[B] is a struct of type ext", { ext: "s" }),
  op("ISLIST", "ABC", ["r", "r", "n"], "R[A] = R[B] is a list of length C"),

  op(
    "FORPREP",
    "ABC",
    ["r", "f", "-"],
    "check R[A] start (the loop variable), R[A+1] limit, R[A+2] step; pc += ext when the loop is empty (limit inclusive when B)",
    {
      ext: "j",
      ranges: [{ base: 0, count: 3, fixed: true }],
    },
  ),
  op("FORLOOP", "ABC", ["r", "f", "-"], "R[A] += R[A+2]; while within R[A+1] (inclusive when B): pc += ext", {
    ext: "j",
    ranges: [{ base: 0, count: 3, fixed: true }],
  }),
  op("FORLOOP1", "ABC", ["r", "-", "-"], "R[A] += 1; while R[A] < R[A+1]: pc += ext (a step of one, limit excluded)", {
    ext: "j",
    ranges: [{ base: 0, count: 2, fixed: true }],
  }),
  op("ITERPREP", "ABC", ["r", "-", "-"], "check R[A] is iterable (list, string, map); R[A+1] = cursor 0, R[A+4] = index 0", {
    ranges: [{ base: 0, count: 5, fixed: true }],
  }),
  op(
    "ITERNEXT",
    "ABC",
    ["r", "f", "-"],
    "next item of R[A] into R[A+2] (key, and value into R[A+3] when B; a string's index counts in R[A+4]); pc += ext when done",
    {
      ext: "j",
      ranges: [{ base: 0, count: 5, fixed: true }],
    },
  ),
  op("REGIONENTER", "ABC", ["-", "-", "-"], "open a memory region"),
  op("REGIONEXIT", "ABC", ["n", "-", "-"], "close the innermost region, freeing what did not escape; registers from A up are dead"),

  op("SPAWN", "ABC", ["r", "n", "-"], "R[A] = a future of R[A](R[A+1] .. R[A+B]) run as a new task", { ranges: [{ base: 0, count: 1, extra: 1 }] }),
  op("NEWACTOR", "ABC", ["r", "-", "-"], "R[A] = a new actor whose constructor is the closure R[A]"),
  op(
    "AWAIT",
    "ABC",
    ["r", "r", "-"],
    "R[A] = the value of future R[B] (suspends the fiber until it settles; re-throws its error); a non-future is its own value",
  ),
  op(
    "ASYNC",
    "ABC",
    ["r", "-", "-"],
    "unless this frame is its fiber's first, R[A] = a future of this function run as a task with the current parameters, and return R[A]",
  ),

  op("GETGLOBALX", "ABC", ["r", "-", "-"], "R[A] = G[ext] (a global past the first 65536)", { ext: "g" }),
  op("SETGLOBALX", "ABC", ["r", "-", "-"], "G[ext] = R[A] (a global past the first 65536)", { ext: "g" }),
  op("GETR", "ABx", ["r", "r"], "R[A] = R[Bx] (a register past the first 256)"),
  op("SETR", "ABx", ["r", "r"], "R[Bx] = R[A] (a register past the first 256)"),
  op("CALLV", "ABC", ["r", "-", "-"], "R[A] = R[A](the items of the list R[A+1]): a call with many arguments", {
    ranges: [{ base: 0, count: 2, fixed: true }],
  }),
  op("SPAWNV", "ABC", ["r", "-", "-"], "R[A] = a future of R[A](the items of the list R[A+1]) run as a new task", {
    ranges: [{ base: 0, count: 2, fixed: true }],
  }),
  op("EPOW", "ABC", ["r", "r", "r"], "R[A] = R[B] .^ R[C] (elementwise power)"),
  op(
    "MULADD",
    "ABC",
    ["r", "r", "r"],
    "R[A] = R[B] * R[C], then the ADD that must follow it in the same step (the compiler writes a MUL followed by an ADD so)",
  ),
  op("LOADNILJ", "ABC", ["r", "-", "-"], "R[A] = nil, then the JEQ or JNE that must follow it in the same step (the compiler writes a LOADNIL before one so)"),
  op(
    "JITENTER",
    "ABC",
    ["-", "-", "-"],
    "run the compiled code of the function just called, or its bytecode (the VM's own: where a call of such a function starts; no module has it)",
  ),
] as const;

export type OpName = (typeof OPCODES)[number]["name"];

export const OPCODE_BY_NAME: ReadonlyMap<string, number> = new Map(OPCODES.map((o, i) => [o.name, i]));

/** Opcode numbers by name, for readable code in the compiler. */
export const Op = Object.fromEntries(OPCODES.map((o, i) => [o.name, i])) as Record<OpName, number>;

export function hasExt(opcode: number): boolean {
  const spec: OpcodeSpec | undefined = OPCODES[opcode];
  return spec?.ext !== undefined;
}

/** Type codes of CHECKTYPE. */
export const TYPE_CODES = ["number", "int", "bool", "string", "list", "map", "matrix", "tensor", "func", "any", "nil", "struct", "error"] as const;
export type TypeCodeName = (typeof TYPE_CODES)[number];
