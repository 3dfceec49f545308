// Hand-built modules for the bytecode tests.

import { BUILTIN_ID } from "../../src/bytecode/builtin-table.js";
import { contentHash } from "../../src/bytecode/codec.js";
import { encode } from "../../src/bytecode/instruction.js";
import { type FunctionProto, NBC_VERSION, type NbcModule } from "../../src/bytecode/module.js";
import { OPCODES, type OpName, type Role, TYPE_CODES } from "../../src/bytecode/opcode-table.js";

/** Concatenates encoded instructions into a code array. */
export function code(...instructions: number[][]): Uint32Array {
  return Uint32Array.from(instructions.flat());
}

export function fn(name: string, body: Uint32Array, more: Partial<FunctionProto> = {}): FunctionProto {
  const f = { name, nparams: 0, nregs: 8, captures: [], code: body, handlers: [], file: 0, lines: new Uint32Array(0), ...more };
  return { nrequired: f.nparams, ...f };
}

export function mod(functions: FunctionProto[], more: Partial<NbcModule> = {}): NbcModule {
  return {
    version: NBC_VERSION,
    files: ["main.nd"],
    constants: [],
    structs: [],
    structBase: 0,
    globals: [],
    globalBase: 0,
    functions,
    functionBase: 0,
    entry: 0,
    ...more,
  };
}

/** A module using every constant kind, structs, globals, captures, handlers, jumps and debug tables. */
export function sampleModule(): NbcModule {
  const main = fn(
    "main",
    code(
      /* 0 */ encode("LOADK", [0, 0]),
      /* 1 */ encode("SETGLOBAL", [0, 0]),
      /* 2 */ encode("NEWBOX", [1, 0]),
      /* 3 */ encode("CLOSURE", [2, 1]),
      /* 4 */ encode("LOADI", [3, -5]),
      /* 5 */ encode("CALL", [2, 1, 0]),
      /* 6 */ encode("LOADK", [3, 1]),
      /* 7 */ encode("CALLB", [3, 1, BUILTIN_ID.get("print")!]),
      /* 8 */ encode("NEWSTRUCT", [4, 5, 0], 0),
      /* 10 */ encode("GETFIELD", [6, 4, 0], 5),
      /* 12 */ encode("JMPIFNOT", [6, 0, 0], 2),
      /* 14 */ encode("FAIL", [6, 3007]),
      /* 15 */ encode("RETURN", [0, 0, 0]),
      /* 16 */ encode("LOADNIL", [7, 0, 0]),
      /* 17 */ encode("JMP", [-3]),
    ),
    {
      nregs: 8,
      handlers: [{ start: 8, end: 14, target: 16, reg: 7, region: 0 }],
      lines: Uint32Array.from([0, 1, 1, 6, 3, 5, 8, 4, 1, 16, 7, 3]),
    },
  );
  const inner = fn(
    "inner",
    code(
      encode("GETCAP", [1, 0, 0]),
      encode("ADDI", [1, 1, -1]),
      encode("SETCAP", [0, 1, 0]),
      encode("CHECKTYPE", [0, TYPE_CODES.indexOf("number"), 0], 0),
      encode("RETURN", [1, 0, 0]),
    ),
    { nparams: 1, nregs: 2, captures: [1], file: 1, lines: Uint32Array.from([0, 10, 5]) },
  );
  return mod([main, inner], {
    files: ["main.nd", "lib/util.nd"],
    constants: [
      { kind: "number", value: 3.5 },
      { kind: "string", value: "hello" },
      { kind: "number", value: -0 },
      { kind: "number", value: Infinity },
      { kind: "string", value: "" },
      { kind: "string", value: "x" },
      { kind: "string", value: "héllo ✓ 🍜 \u0000 end" },
      { kind: "number", value: NaN },
      { kind: "number", value: -1.25e-300 },
    ],
    structs: [{ name: "Point", fields: ["x", "y"] }],
    globals: ["counter", "total"],
  });
}

/** A valid operand value for each role, in a frame of 16 registers with one capture. */
const SAMPLE_OPERAND: Record<Role, number> = {
  r: 1,
  k: 1,
  g: 0,
  p: 1,
  c: 0,
  s: 0,
  b: BUILTIN_ID.get("print")!,
  t: TYPE_CODES.indexOf("struct"),
  i: -3,
  n: 2,
  j: 0,
  f: 1,
  e: 3001,
  "-": 0,
};

/** A module whose function f1 uses every opcode a module may hold once, with valid operands (JITENTER is the VM's own). */
export function everyOpcodeModule(): NbcModule {
  const sample = (name: OpName) => {
    const spec = OPCODES.find((o) => o.name === name)!;
    return encode(
      name,
      spec.operands.map((role) => SAMPLE_OPERAND[role]),
      spec.ext === undefined ? undefined : SAMPLE_OPERAND[spec.ext],
    );
  };
  // a MULADD must be followed by an ADD, a LOADNILJ by a JEQ or a JNE
  const followers: Partial<Record<string, OpName>> = { MULADD: "ADD", LOADNILJ: "JEQ" };
  const words = OPCODES.filter((spec) => spec.name !== "JITENTER").flatMap((spec) => {
    const follower = followers[spec.name];
    return follower ? [...sample(spec.name as OpName), ...sample(follower)] : sample(spec.name as OpName);
  });
  words.push(...encode("RETURNNIL", [0, 0, 0]));
  const main = fn("main", code(encode("NEWBOX", [1, 0]), encode("CLOSURE", [0, 1]), encode("RETURN", [0, 0, 0])), { nregs: 2 });
  const all = fn("all", Uint32Array.from(words), { nregs: 16, captures: [1] });
  return mod([main, all], {
    constants: [
      { kind: "number", value: 1 },
      { kind: "string", value: "x" },
    ],
    structs: [{ name: "Point", fields: ["x", "y"] }],
    globals: ["g"],
  });
}

/** Rewrites the trailing content hash so that a deliberately damaged file reaches the parser. */
export function reseal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const at = out.length - 32;
  if (at >= 0) out.set(Buffer.from(contentHash(out.subarray(0, at)), "hex"), at);
  return out;
}
