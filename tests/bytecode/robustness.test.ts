// The decoder reads files from disk and from other machines: whatever the bytes, it must return a
// module or throw a BytecodeError (1004) — never another exception, never hang, never allocate
// what the input merely claims. Damaged inputs are resealed with a correct hash so that they get
// past the hash check and exercise the parser; whatever decodes must also be safe to verify and
// disassemble.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeModule, encodeModule } from "../../src/bytecode/codec.js";
import { disassemble } from "../../src/bytecode/disasm.js";
import { BytecodeError } from "../../src/bytecode/errors.js";
import { verifyModule } from "../../src/bytecode/verifier.js";
import { everyOpcodeModule, reseal, sampleModule } from "./build.js";

const VALID = [encodeModule(sampleModule()), encodeModule(everyOpcodeModule())];
const HEADER = VALID[0].subarray(0, 8);
const SLOW_MS = 250;

function isMalformed(e: unknown): boolean {
  return e instanceof BytecodeError && e.code === 1004;
}

/** Decodes, verifies and lists `bytes`; true when every step either succeeded or reported 1004. */
function survives(bytes: Uint8Array): boolean {
  const started = performance.now();
  try {
    const m = decodeModule(bytes, "fuzz.nbc");
    try {
      verifyModule(m);
    } catch (e) {
      if (!isMalformed(e)) throw e;
    }
    disassemble(m);
  } catch (e) {
    if (!isMalformed(e)) throw e;
  }
  expect(performance.now() - started).toBeLessThan(SLOW_MS);
  return true;
}

/** Byte offsets of the section headers (id, u32 length) of a valid encoding. */
function sectionHeaders(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let p = 8; p < bytes.length - 32; p += 5 + view.getUint32(p + 1, true)) out.push(p);
  return out;
}

const validBytes = fc.constantFrom(...VALID);

describe("decoder robustness", () => {
  it("survives truncation", () => {
    fc.assert(
      fc.property(validBytes, fc.nat(), fc.boolean(), (bytes, cut, sealed) => {
        const prefix = bytes.slice(0, cut % bytes.length);
        return survives(sealed ? reseal(prefix) : prefix);
      }),
      { numRuns: 800 },
    );
  });

  it("survives bit flips", () => {
    fc.assert(
      fc.property(validBytes, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (bytes, bits) => {
        const copy = bytes.slice();
        for (const b of bits) copy[(b >> 3) % copy.length] ^= 1 << (b & 7);
        return survives(reseal(copy)) && survives(copy);
      }),
      { numRuns: 1000 },
    );
  });

  it("survives random bytes, with and without a valid header and hash", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), (body, framed) => {
        const bytes = framed ? reseal(Uint8Array.from([...HEADER, ...body, ...new Uint8Array(32)])) : body;
        return survives(bytes);
      }),
      { numRuns: 800 },
    );
  });

  it("survives corrupted length fields, counts and varints", () => {
    const corruption = fc.oneof(
      // a section length set to anything
      fc.record({ kind: fc.constant("section" as const), which: fc.nat(), value: fc.nat({ max: 0xffff_ffff }) }),
      // a varint anywhere replaced by a huge one, or by a run of continuation bytes
      fc.record({
        kind: fc.constant("varint" as const),
        at: fc.nat(),
        bytes: fc.constantFrom([0xff, 0xff, 0xff, 0xff, 0x0f], [0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x80, 0x80, 0x80], [0xfe, 0xff, 0x03]),
      }),
      // bytes inserted or removed, shifting everything after them
      fc.record({ kind: fc.constant("splice" as const), at: fc.nat(), remove: fc.nat({ max: 8 }), insert: fc.uint8Array({ maxLength: 8 }) }),
    );
    fc.assert(
      fc.property(validBytes, corruption, (bytes, c) => {
        const copy = bytes.slice();
        const content = bytes.length - 32;
        if (c.kind === "section") {
          const headers = sectionHeaders(bytes);
          new DataView(copy.buffer).setUint32(headers[c.which % headers.length] + 1, c.value, true);
          return survives(reseal(copy));
        }
        const at = 8 + (c.at % (content - 8));
        if (c.kind === "varint") {
          copy.set(c.bytes.slice(0, content - at), at);
          return survives(reseal(copy));
        }
        const spliced = Uint8Array.from([...bytes.subarray(0, at), ...c.insert, ...bytes.subarray(Math.min(at + c.remove, content))]);
        return survives(reseal(spliced));
      }),
      { numRuns: 1000 },
    );
  });

  it("fails fast on a file claiming billions of code words", () => {
    const bytes = encodeModule(sampleModule());
    const copy = bytes.slice();
    const functions = sectionHeaders(bytes)[4];
    // functionBase, function count, then "main": name length and bytes, nparams, nrequired, nregs, capture count
    const codeLength = functions + 5 + 1 + 1 + 1 + "main".length + 1 + 1 + 1 + 1;
    expect(copy[codeLength]).toBe(sampleModule().functions[0].code.length);
    const huge = Uint8Array.from([...copy.subarray(0, codeLength), 0xff, 0xff, 0xff, 0xff, 0x0f, ...copy.subarray(codeLength + 1)]);
    new DataView(huge.buffer).setUint32(functions + 1, new DataView(bytes.buffer).getUint32(functions + 1, true) + 4, true);
    expect(() => decodeModule(reseal(huge))).toThrow(/code word count 4294967295 is more than the \d+ bytes left allow/);
  });
});
