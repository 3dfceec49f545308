import { describe, expect, it } from "vitest";
import { contentHash, decodeModule, encodeModule, moduleHash } from "../../src/bytecode/codec.js";
import { BytecodeError } from "../../src/bytecode/errors.js";
import { encode } from "../../src/bytecode/instruction.js";
import { code, everyOpcodeModule, fn, mod, reseal, sampleModule } from "./build.js";

function decodeError(bytes: Uint8Array, file?: string): BytecodeError {
  try {
    decodeModule(bytes, file);
  } catch (e) {
    expect(e).toBeInstanceOf(BytecodeError);
    expect((e as BytecodeError).code).toBe(1004);
    return e as BytecodeError;
  }
  throw new Error("decodeModule accepted the input");
}

describe(".nbc codec", () => {
  it("round-trips a module with every constant kind, handlers, captures and debug tables", () => {
    const m = sampleModule();
    const back = decodeModule(encodeModule(m));
    expect(back).toEqual(m);
    expect(Object.is(back.constants[2].value, -0)).toBe(true);
    expect(back.constants[7].value).toBeNaN();
  });

  it("round-trips modules loaded after others and modules using every opcode", () => {
    const m = mod([fn("line", code(encode("CLOSURE", [0, 2]), encode("RETURN", [0, 0, 0])), { captures: [0x8000_0003, 255] })], {
      functionBase: 7,
      entry: 7,
      structBase: 2,
      structs: [
        { name: "Empty", fields: [] },
        { name: "Shown", fields: ["a", "b"], display: "<shown {a} {#b}>" },
      ],
      globalBase: 300,
      globals: ["x"],
      files: ["<repl>"],
    });
    expect(decodeModule(encodeModule(m))).toEqual(m);
    expect(decodeModule(encodeModule(everyOpcodeModule()))).toEqual(everyOpcodeModule());
    const empty = mod([], { files: [] });
    expect(decodeModule(encodeModule(empty))).toEqual(empty);
  });

  it("starts with the magic, version and flags and ends with the content hash", () => {
    const bytes = encodeModule(sampleModule());
    expect([...bytes.subarray(0, 8)]).toEqual([0x4e, 0x42, 0x43, 0x00, 3, 0, 0, 0]);
    const hash = contentHash(bytes.subarray(0, bytes.length - 32));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(bytes.subarray(bytes.length - 32)).toString("hex")).toBe(hash);
    expect(moduleHash(sampleModule())).toBe(hash);
  });

  it("encodes deterministically, and the hash follows the content", () => {
    expect(encodeModule(sampleModule())).toEqual(encodeModule(sampleModule()));
    const other = sampleModule();
    other.constants[0] = { kind: "number", value: 3.25 };
    expect(moduleHash(other)).not.toBe(moduleHash(sampleModule()));
  });

  it("gives a different hash when any single byte changes", () => {
    const bytes = encodeModule(sampleModule());
    const base = contentHash(bytes);
    const seen = new Set([base]);
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i] ^= 1 << (i % 8);
      seen.add(contentHash(copy));
    }
    expect(seen.size).toBe(bytes.length + 1);
    expect(contentHash(new Uint8Array(0))).not.toBe(contentHash(new Uint8Array(1)));
    expect(contentHash(Uint8Array.of(1, 2, 3))).not.toBe(contentHash(Uint8Array.of(1, 2, 3, 0)));
  });

  it("rejects any changed byte with a content hash mismatch at the trailer's offset", () => {
    const bytes = encodeModule(sampleModule());
    for (let i = 8; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i] ^= 0x10;
      const e = decodeError(copy, "m.nbc");
      expect(e.message).toContain("content hash mismatch");
      expect(e.location).toEqual({ file: "m.nbc", byteOffset: bytes.length - 32 });
    }
  });

  it("rejects bad magic, versions, flags and short files", () => {
    const bytes = encodeModule(sampleModule());
    const patch = (at: number, v: number): Uint8Array => {
      const copy = bytes.slice();
      copy[at] = v;
      return copy;
    };
    expect(decodeError(patch(1, 0x43)).message).toMatch(/not an NBC module \(bad magic bytes\) at byte 1/);
    expect(decodeError(patch(4, 9)).message).toMatch(/unsupported format version 9.*at byte 4/);
    expect(decodeError(patch(6, 1)).message).toMatch(/unknown flags 1 at byte 6/);
    expect(decodeError(bytes.subarray(0, 39), "x.nbc").message).toMatch(/too short.*of x\.nbc/);
  });

  it("rejects sections out of order, bad lengths and trailing data (with a valid hash)", () => {
    const bytes = encodeModule(mod([fn("main", code(encode("RETURNNIL", [0, 0, 0])))]));
    const content = bytes.subarray(0, bytes.length - 32);
    const withContent = (c: Uint8Array): Uint8Array => reseal(Uint8Array.from([...c, ...new Uint8Array(32)]));

    const wrongId = content.slice();
    wrongId[8] = 2;
    expect(decodeError(withContent(wrongId)).message).toMatch(/expected section 1 \(files\), found section 2 at byte 8/);

    const tooLong = content.slice();
    new DataView(tooLong.buffer).setUint32(9, 0xffff_fff0, true);
    expect(decodeError(withContent(tooLong)).message).toMatch(/files section needs 4294967280 bytes/);

    const trailing = Uint8Array.from([...content, 0]);
    expect(decodeError(withContent(trailing)).message).toMatch(/1 bytes of unexpected data after the last section at byte \d+/);

    // the entry section is last: id 6, u32 length 1, the entry varint; claim and append one more byte
    const unread = Uint8Array.from([...content, 0]);
    expect(unread[content.length - 6]).toBe(6);
    unread[content.length - 5] = 2;
    expect(decodeError(withContent(unread)).message).toMatch(/1 unread bytes at the end of the entry section/);
  });

  it("rejects huge counts before allocating", () => {
    const m = mod([fn("main", code(encode("RETURNNIL", [0, 0, 0])))]);
    const bytes = encodeModule(m);
    // files section: id, u32 length, then the file count varint
    const copy = Uint8Array.from([...bytes.subarray(0, 13), 0xff, 0xff, 0xff, 0xff, 0x0f, ...bytes.subarray(14)]);
    new DataView(copy.buffer).setUint32(9, new DataView(bytes.buffer).getUint32(9, true) + 4, true);
    const e = decodeError(reseal(copy));
    expect(e.message).toMatch(/file count 4294967295 is more than the \d+ bytes left allow at byte 13/);
  });

  it("rejects invalid UTF-8 and unknown constant tags", () => {
    const m = mod([fn("main", code(encode("RETURNNIL", [0, 0, 0])))], { files: ["ab"], constants: [{ kind: "string", value: "s" }] });
    const bytes = encodeModule(m);
    const badUtf8 = bytes.slice();
    badUtf8[15] = 0xff; // first byte of "ab", after its length at byte 14
    expect(decodeError(reseal(badUtf8)).message).toMatch(/file name is not valid UTF-8 at byte 14/);
    const badTag = bytes.slice();
    const constantsAt = 8 + 5 + 4; // after the files section (count 1, "ab")
    expect(badTag[constantsAt]).toBe(2);
    badTag[constantsAt + 6] = 7;
    expect(decodeError(reseal(badTag)).message).toMatch(/unknown constant tag 7/);
  });

  it("refuses to encode values that do not fit the format", () => {
    const m = mod([fn("main", code(encode("RETURNNIL", [0, 0, 0])), { nparams: -1 })]);
    expect(() => encodeModule(m)).toThrow(/nparams is -1/);
    expect(() => encodeModule({ ...sampleModule(), version: 1 })).toThrow(/version 1/);
  });
});
