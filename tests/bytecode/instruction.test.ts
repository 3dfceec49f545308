import { describe, expect, it } from "vitest";
import { decodeAt, encode, jumpTarget } from "../../src/bytecode/instruction.js";
import { OPCODES, Op, type OpName, type Role } from "../../src/bytecode/opcode-table.js";

/** Smallest and largest value of each operand field, by its position and role. */
function bounds(format: string, index: number, role: Role): [number, number] {
  if (role === "-") return [0, 0];
  if (role === "f") return [0, 1];
  const width = format === "sJ" ? 24 : (format === "ABx" || format === "AsBx") && index === 1 ? 16 : 8;
  const signed = role === "i" || role === "j" || format === "sJ" || (format === "AsBx" && index === 1);
  return signed ? [-(2 ** (width - 1)), 2 ** (width - 1) - 1] : [0, 2 ** width - 1];
}

describe("encode / decodeAt", () => {
  it("round-trips every opcode at the extremes of each field", () => {
    OPCODES.forEach((spec, opcode) => {
      for (const end of [0, 1]) {
        const operands = spec.operands.map((role, i) => bounds(spec.format, i, role)[end]);
        const ext = spec.ext === undefined ? undefined : spec.ext === "j" ? [-(2 ** 31), 2 ** 31 - 1][end] : [0, 2 ** 32 - 1][end];
        const words = encode(spec.name as OpName, operands, ext);
        expect(words.length).toBe(spec.ext === undefined ? 1 : 2);
        for (const w of words) expect(w >>> 0).toBe(w);
        const ins = decodeAt(Uint32Array.from(words), 0)!;
        expect(ins).toMatchObject({ opcode, op: spec.name, operands, size: words.length });
        expect(ins.ext).toBe(ext);
      }
    });
  });

  it("lays out fields as the table header describes", () => {
    expect(encode("ADD", [1, 2, 3])).toEqual([Op.ADD | (1 << 8) | (2 << 16) | (3 << 24)]);
    expect(encode("LOADI", [4, -1])).toEqual([(Op.LOADI | (4 << 8) | (0xffff << 16)) >>> 0]);
    expect(encode("ADDI", [0, 0, -2])).toEqual([(Op.ADDI | (0xfe << 24)) >>> 0]);
    expect(encode("JMP", [-1])).toEqual([(Op.JMP | (0xffffff << 8)) >>> 0]);
    expect(encode("JMPIF", [5, 0, 0], -1)).toEqual([Op.JMPIF | (5 << 8), 0xffffffff]);
  });

  it("computes jump targets from the end of the instruction", () => {
    const words = Uint32Array.from([...encode("JMPIF", [0, 0, 0], 3), ...encode("JMP", [-3])]);
    expect(jumpTarget(decodeAt(words, 0)!, 0)).toBe(5);
    expect(jumpTarget(decodeAt(words, 2)!, 2)).toBe(0);
    expect(jumpTarget(decodeAt(Uint32Array.from(encode("MOVE", [0, 1, 0])), 0)!, 0)).toBeUndefined();
  });

  it("rejects operands that do not fit", () => {
    expect(() => encode("MOVE", [256, 0, 0])).toThrow(/operand 0/);
    expect(() => encode("MOVE", [-1, 0, 0])).toThrow(/operand 0/);
    expect(() => encode("MOVE", [0, 1.5, 0])).toThrow(/operand 1/);
    expect(() => encode("MOVE", [0, 1, 1])).toThrow(/operand 2 \(-\)/);
    expect(() => encode("LOADK", [0, 65536])).toThrow(/outside 0\.\.65535/);
    expect(() => encode("LOADI", [0, 32768])).toThrow(/outside -32768\.\.32767/);
    expect(() => encode("ADDI", [0, 0, 128])).toThrow(/outside -128\.\.127/);
    expect(() => encode("JMP", [2 ** 23])).toThrow(/outside/);
    expect(() => encode("FORPREP", [0, 2, 0], 0)).toThrow(/\(f\)/);
    expect(() => encode("JMPIF", [0, 0, 0], 2 ** 31)).toThrow(/extension word/);
    expect(() => encode("NEWSTRUCT", [0, 0, 0], -1)).toThrow(/extension word/);
  });

  it("rejects wrong operand counts and misplaced extension words", () => {
    expect(() => encode("MOVE", [0, 1, 0, 0])).toThrow(/expected 3 operands/);
    expect(() => encode("ADD", [0, 1])).toThrow(/operand 2 \(r\) is missing/);
    expect(encode("MOVE", [0, 1])).toEqual(encode("MOVE", [0, 1, 0]));
    expect(encode("RETURNNIL", [])).toEqual([Op.RETURNNIL]);
    expect(() => encode("JMPIF", [0, 0, 0])).toThrow(/needs an extension word/);
    expect(() => encode("MOVE", [0, 1, 0], 0)).toThrow(/takes no extension word/);
    expect(() => encode("BOGUS" as OpName, [])).toThrow(/unknown opcode/);
  });

  it("reports unknown opcodes and missing extension words as undefined", () => {
    expect(decodeAt(Uint32Array.of(OPCODES.length), 0)).toBeUndefined();
    expect(decodeAt(Uint32Array.of(0xff), 0)).toBeUndefined();
    expect(decodeAt(Uint32Array.from(encode("JMPIF", [0, 0, 0], 1)).subarray(0, 1), 0)).toBeUndefined();
    expect(decodeAt(Uint32Array.of(0), 1)).toBeUndefined();
  });
});
