import { describe, expect, it } from "vitest";
import { BUILTIN_ID, BUILTINS } from "../../src/bytecode/builtin-table.js";
import { BytecodeError } from "../../src/bytecode/errors.js";
import { encode } from "../../src/bytecode/instruction.js";
import { CAPTURE_FROM_PARENT, type FunctionProto, type NbcModule } from "../../src/bytecode/module.js";
import { Op, type OpName, TYPE_CODES } from "../../src/bytecode/opcode-table.js";
import { type VerifyEnv, verifyModule } from "../../src/bytecode/verifier.js";
import { code, everyOpcodeModule, fn, mod, sampleModule } from "./build.js";

const RET = encode("RETURNNIL", []);

/** An instruction word with arbitrary field values, for defects `encode` refuses to produce. */
function raw(op: OpName, a: number, b: number, c: number): number[] {
  return [(Op[op] | (a << 8) | (b << 16) | (c << 24)) >>> 0];
}

/** A module whose entry function runs `body` in 8 registers. */
function single(body: number[][], more: Partial<FunctionProto> = {}, moduleMore: Partial<NbcModule> = {}): NbcModule {
  return mod([fn("main", code(...body), more)], {
    constants: [
      { kind: "number", value: 1 },
      { kind: "string", value: "x" },
    ],
    structs: [{ name: "Point", fields: ["x", "y"] }],
    globals: ["a", "b"],
    ...moduleMore,
  });
}

/** Entry "main" plus a closure "inner" with the given captures and body. */
function withInner(captures: number[], body: number[][], mainNregs = 8): NbcModule {
  const main = fn("main", code(encode("CLOSURE", [0, 1]), RET), { nregs: mainNregs });
  return mod([main, fn("inner", code(...body), { captures })]);
}

function rejects(m: NbcModule, pattern: RegExp, env?: VerifyEnv): BytecodeError {
  try {
    verifyModule(m, env);
  } catch (e) {
    expect(e).toBeInstanceOf(BytecodeError);
    expect((e as BytecodeError).code).toBe(1004);
    expect((e as BytecodeError).message).toMatch(pattern);
    return e as BytecodeError;
  }
  throw new Error("verifyModule accepted the module");
}

describe("verifier accepts", () => {
  it("a module with structs, globals, closures, handlers, jumps and debug tables", () => {
    expect(() => verifyModule(sampleModule())).not.toThrow();
  });

  it("every opcode of the table with valid operands", () => {
    expect(() => verifyModule(everyOpcodeModule())).not.toThrow();
  });

  it("a module loaded after others, using what they defined", () => {
    const m = mod(
      [
        fn(
          "line",
          code(
            encode("CLOSURE", [0, 0]),
            encode("GETGLOBAL", [1, 1]),
            encode("SETGLOBAL", [1, 3]),
            encode("NEWSTRUCT", [2, 5, 0], 0),
            encode("NEWSTRUCT", [2, 5, 0], 1),
            encode("CHECKTYPE", [2, TYPE_CODES.indexOf("struct")], 1),
            RET,
          ),
        ),
      ],
      { functionBase: 2, entry: 2, structBase: 1, structs: [{ name: "P", fields: ["a", "b", "c"] }], globalBase: 3, globals: ["x"] },
    );
    expect(() => verifyModule(m, { functions: 2, structs: [3], globals: 3 })).not.toThrow();
    expect(() => verifyModule(m, { functions: 2, structs: [{ fields: ["a", "b"] }], globals: 3 })).not.toThrow();
  });
});

describe("verifier rejects", () => {
  it("an unknown opcode", () => {
    const e = rejects(single([RET, [0xff], RET]), /unknown opcode 255 in function 'main' at word 1/);
    expect(e.location).toEqual({ functionName: "main", wordOffset: 1 });
  });

  it("a missing extension word", () => {
    rejects(single([RET, encode("JMPIF", [0], 0).slice(0, 1)]), /JMPIF is missing its extension word .* at word 1/);
  });

  it("a MULADD not followed by an ADD", () => {
    rejects(single([encode("MULADD", [0, 1, 2]), encode("SUB", [0, 0, 1]), RET]), /MULADD is not followed by an ADD in function 'main' at word 0/);
    rejects(single([encode("LOADI", [0, 1]), encode("MULADD", [0, 0, 0])]), /MULADD is not followed by an ADD .* at word 1/);
  });

  it("a LOADNILJ not followed by a JEQ or a JNE", () => {
    rejects(single([encode("LOADNILJ", [0]), encode("JMPIF", [0], 0), RET]), /LOADNILJ is not followed by a JEQ or a JNE .* at word 0/);
  });

  it("a JITENTER, which only the VM makes", () => {
    rejects(single([encode("LOADI", [0, 1]), encode("JITENTER", []), RET]), /JITENTER is the VM's own instruction .* at word 1/);
  });

  it("a jump into the middle of an instruction", () => {
    rejects(single([encode("JMPIF", [0], -1), RET]), /JMPIF: jump to word 1, which is not an instruction .* at word 0/);
  });

  it("a jump past the end of the function", () => {
    rejects(single([RET, encode("JMP", [1])]), /JMP: jump to word 3,.* at word 1/);
  });

  it("a jump before the start of the function", () => {
    rejects(single([encode("JMP", [-2])]), /JMP: jump to word -1/);
  });

  it("a register operand beyond nregs", () => {
    rejects(single([encode("MOVE", [0, 8]), RET]), /MOVE: B register r8 is not below nregs 8/);
  });

  it("a register range given by a count operand", () => {
    rejects(single([encode("NEWLIST", [0, 6, 3]), RET]), /NEWLIST: registers r6\.\.r8 are not all below nregs 8/);
  });

  it("a register range with extra registers", () => {
    expect(() => verifyModule(single([encode("CALL", [6, 1]), RET]))).not.toThrow();
    rejects(single([encode("CALL", [7, 1]), RET]), /CALL: registers r7\.\.r8/);
  });

  it("a register range of pairs", () => {
    rejects(single([encode("NEWMAP", [0, 5, 2]), RET]), /NEWMAP: registers r5\.\.r8/);
  });

  it("a fixed register range", () => {
    rejects(single([encode("FORPREP", [6, 0], 0), RET]), /FORPREP: registers r6\.\.r8/);
  });

  it("a register range of struct fields", () => {
    rejects(single([encode("NEWSTRUCT", [0, 7], 0), RET]), /NEWSTRUCT: registers r7\.\.r8/);
  });

  it("a register range of the fields of a struct loaded before", () => {
    const m = single([encode("NEWSTRUCT", [0, 6], 0), RET], {}, { structs: [], structBase: 1 });
    rejects(m, /NEWSTRUCT: registers r6\.\.r8/, { functions: 0, structs: [3], globals: 0 });
  });

  it("more than 65 536 registers", () => {
    rejects(single([RET], { nregs: 65_537 }), /nregs 65537 exceeds 65536/);
  });

  it("more parameters than registers", () => {
    rejects(single([RET], { nparams: 3, nregs: 2 }), /nparams 3 exceeds nregs 2/);
  });

  it("a constant index out of range", () => {
    rejects(single([encode("LOADK", [0, 2]), RET]), /LOADK: Bx constant 2 is out of range \(2 constants\)/);
  });

  it("a field name that is not a string constant", () => {
    rejects(single([encode("GETFIELD", [0, 1], 0), RET]), /GETFIELD: field name k0 is not a string constant/);
  });

  it("a global index out of range", () => {
    rejects(single([encode("GETGLOBAL", [0, 2]), RET]), /GETGLOBAL: Bx global 2 is out of range \(2 globals\)/);
  });

  it("a global index beyond those loaded and added", () => {
    const m = single([encode("SETGLOBAL", [0, 6]), RET], {}, { globalBase: 4 });
    rejects(m, /SETGLOBAL: Bx global 6 is out of range \(6 globals\)/, { functions: 0, structs: [], globals: 4 });
  });

  it("a function index out of range", () => {
    rejects(single([encode("CLOSURE", [0, 1]), RET]), /CLOSURE: Bx function 1 is out of range \(1 functions\)/);
  });

  it("a capture index out of range", () => {
    const e = rejects(withInner([CAPTURE_FROM_PARENT], [encode("GETCAP", [0, 1]), RET]), /GETCAP: B capture 1 is out of range \(1 captures\)/);
    expect(e.location.functionName).toBe("inner");
  });

  it("a struct index out of range", () => {
    rejects(single([encode("ISSTRUCT", [0, 0], 1), RET]), /ISSTRUCT: extension word struct 1 is out of range \(1 structs\)/);
  });

  it("a builtin index out of range", () => {
    rejects(single([encode("LOADBUILTIN", [0, BUILTINS.length]), RET]), /LOADBUILTIN: Bx builtin \d+ is out of range/);
  });

  it("a type code out of range", () => {
    rejects(single([encode("CHECKTYPE", [0, TYPE_CODES.length], 0), RET]), /CHECKTYPE: B type code 13 is out of range/);
  });

  it("a struct operand on a type check of a type that is not a struct", () => {
    rejects(single([encode("CHECKTYPE", [0, TYPE_CODES.indexOf("list")], 1), RET]), /CHECKTYPE: unused extension word is 1, not 0/);
  });

  it("an error code that is not in the error table", () => {
    rejects(single([encode("FAIL", [0, 1234])]), /FAIL: Bx 1234 is not an error code/);
  });

  it("a flag that is not 0 or 1", () => {
    rejects(single([raw("FORLOOP", 0, 2, 0), [0], RET]), /FORLOOP: B flag is 2, not 0 or 1/);
  });

  it("a nonzero unused operand", () => {
    rejects(single([raw("MOVE", 0, 1, 3), RET]), /MOVE: unused C is 3, not 0/);
  });

  it("a capture descriptor naming a register past 65 535", () => {
    const m = mod([fn("main", code(RET)), fn("inner", code(RET), { captures: [CAPTURE_FROM_PARENT + 300, 65_536] })]);
    rejects(m, /capture 1 names register 65536, beyond the 65536 registers .* in function 'inner'/);
  });

  it("a closure capturing a register its creator does not have", () => {
    const e = rejects(withInner([5], [RET], 4), /CLOSURE: closure of 'inner' captures register r5 \(capture 0\), not below nregs 4/);
    expect(e.location).toEqual({ functionName: "main", wordOffset: 0 });
  });

  it("code that can run off the end of the function", () => {
    rejects(single([encode("LOADNIL", [0])]), /execution can run off the end: the last instruction is LOADNIL .* at word 0/);
  });

  it("a function without code", () => {
    rejects(single([]), /function has no code in function 'main'/);
  });

  it("a builtin called with too few arguments", () => {
    rejects(single([encode("CALLB", [0, 1, BUILTIN_ID.get("atan2")!]), RET]), /builtin atan2 takes 2 argument\(s\), called with 1/);
  });

  it("a builtin called with too many arguments", () => {
    rejects(single([encode("CALLB", [0, 4, BUILTIN_ID.get("range")!]), RET]), /builtin range takes 1 to 3 argument\(s\), called with 4/);
  });

  it("a variadic builtin called with fewer than its minimum", () => {
    rejects(single([encode("CALLB", [0, 0, BUILTIN_ID.get("max")!]), RET]), /builtin max takes at least 1 argument\(s\), called with 0/);
  });

  const handlerBody = [encode("LOADNIL", [0]), encode("JMPIF", [0], 0), encode("RETURN", [0])];
  it.each([
    ["an empty range", { start: 1, end: 1, target: 3, reg: 0, region: 0 }, /handler 0 guards words 1\.\.1, not a non-empty range/],
    ["a range past the end", { start: 0, end: 5, target: 3, reg: 0, region: 0 }, /handler 0 guards words 0\.\.5/],
    ["a start inside an instruction", { start: 2, end: 3, target: 3, reg: 0, region: 0 }, /handler 0 starts inside an instruction .* at word 2/],
    ["an end inside an instruction", { start: 0, end: 2, target: 3, reg: 0, region: 0 }, /handler 0 ends inside an instruction .* at word 2/],
    ["a target inside an instruction", { start: 0, end: 3, target: 2, reg: 0, region: 0 }, /handler 0 target 2 is not an instruction/],
    ["a target past the end", { start: 0, end: 4, target: 4, reg: 0, region: 0 }, /handler 0 target 4 is not an instruction/],
    ["a register beyond nregs", { start: 0, end: 3, target: 3, reg: 8, region: 0 }, /handler 0 register r8 is not below nregs 8/],
    ["a target inside the words it guards", { start: 0, end: 4, target: 3, reg: 0, region: 0 }, /handler 0 target 3 lies inside the words it guards/],
  ])("a handler with %s", (_, handler, pattern) => {
    expect(() => verifyModule(single(handlerBody, { handlers: [{ start: 0, end: 3, target: 3, reg: 7, region: 1 }] }))).not.toThrow();
    rejects(single(handlerBody, { handlers: [handler] }), pattern);
  });

  it("a line table that is not made of triples", () => {
    rejects(single([RET], { lines: Uint32Array.of(0, 1) }), /line table has 2 numbers/);
  });

  it("a line table entry past the end of the code", () => {
    rejects(single([RET, RET], { lines: Uint32Array.of(0, 1, 1, 2, 2, 1) }), /line table entry 1 is for word 2, past the end/);
  });

  it("line table offsets going backwards", () => {
    expect(() => verifyModule(single([RET, RET], { lines: Uint32Array.of(0, 1, 1, 0, 2, 1, 1, 3, 1) }))).not.toThrow();
    rejects(single([RET, RET], { lines: Uint32Array.of(1, 1, 1, 0, 2, 1) }), /line table entry 1 goes back to word 0/);
  });

  it("a missing entry function", () => {
    rejects(single([RET], {}, { entry: 1 }), /entry function 1 is not a function of this module/);
  });

  it("an entry function with parameters", () => {
    rejects(single([RET], { nparams: 1 }), /entry function takes 1 parameters, expected none in function 'main'/);
  });

  it("an entry function with captures", () => {
    rejects(single([RET], { captures: [0] }), /entry function has 1 captures, expected none/);
  });

  it("a module that is not self-contained without an environment", () => {
    rejects(single([RET], {}, { functionBase: 1, entry: 1 }), /module is not self-contained: functionBase is 1/);
  });

  it("a module that does not start where the loaded tables end", () => {
    rejects(single([RET], {}, { structBase: 0, structs: [] }), /structBase is 0 but the VM has 2 structs loaded/, {
      functions: 0,
      structs: [2, 2],
      globals: 0,
    });
  });

  it("a file index out of range", () => {
    rejects(single([RET], { file: 1 }), /file index 1 out of range \(1 files\)/);
  });

  it("a module of another format version", () => {
    rejects({ ...single([RET]), version: 1 }, /module version 1, expected 3/);
  });
});
