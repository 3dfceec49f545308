import { describe, expect, it } from "vitest";
import { disassemble } from "../../src/bytecode/disasm.js";
import { encode } from "../../src/bytecode/instruction.js";
import { code, fn, mod, sampleModule } from "./build.js";

describe("disassembler", () => {
  it("lists each function with its header and one line per instruction", () => {
    expect(disassemble(sampleModule())).toBe(
      [
        "; NBC module, version 3, files: main.nd, lib/util.nd",
        "; struct s0 Point { x, y }",
        "; global g0 counter",
        "; global g1 total",
        "",
        "function f0 main (entry): params 0, registers 8, file main.nd",
        "  handler [0008, 0014) -> 0016, error in r7, region 0",
        "  0000  L1    LOADK       r0, k0 ; 3.5",
        "  0001  L1    SETGLOBAL   r0, g0 ; counter",
        "  0002  L1    NEWBOX      r1, r0",
        "  0003  L1    CLOSURE     r2, f1 ; inner",
        "  0004  L1    LOADI       r3, -5",
        "  0005  L1    CALL        r2, 1",
        '  0006  L3    LOADK       r3, k1 ; "hello"',
        "  0007  L3    CALLB       r3, 1, print",
        "  0008  L4    NEWSTRUCT   r4, r5, Point",
        '  0010  L4    GETFIELD    r6, r4, k5 ; "x"',
        "  0012  L4    JMPIFNOT    r6, -> 0016",
        "  0014  L4    FAIL        r6, 3007 ; assertion failed",
        "  0015  L4    RETURN      r0",
        "  0016  L7    LOADNIL     r7",
        "  0017  L7    JMP         -> 0015",
        "",
        "function f1 inner: params 1, registers 2, file lib/util.nd",
        "  captures: r1",
        "  0000  L10   GETCAP      r1, c0",
        "  0001  L10   ADDI        r1, r1, -1",
        "  0002  L10   SETCAP      c0, r1",
        "  0003  L10   CHECKTYPE   r0, number",
        "  0005  L10   RETURN      r1",
        "",
      ].join("\n"),
    );
  });

  it("shows damaged code and unknown references without throwing", () => {
    const m = mod(
      [
        fn("broken", code(encode("LOADK", [0, 9]), encode("GETGLOBAL", [1, 4]), [0xee], encode("JMPIF", [0], 0).slice(0, 1)), {
          captures: [0x8000_0002],
          file: 3,
        }),
      ],
      { functionBase: 5, entry: 5, globalBase: 4, globals: ["here"] },
    );
    expect(disassemble(m)).toBe(
      [
        "; NBC module, version 3, files: main.nd",
        "; global g4 here",
        "",
        "function f5 broken (entry): params 0, registers 8, file #3",
        "  captures: ^c2",
        "  0000        LOADK       r0, k9 ; ?",
        "  0001        GETGLOBAL   r1, g4 ; here",
        "  0002        .word       0x000000ee",
        "  0003        .word       0x00000022",
        "",
      ].join("\n"),
    );
  });
});
