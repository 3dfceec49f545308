// Share links carry a program in the URL's fragment; decoding one is decoding untrusted input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeShare, encodeShare, MAX_SHARED_TEXT, SHARE_LIMIT, ShareLinkError } from "../../web/src/share.js";

const RUNS = Number(process.env.NOODLE_FUZZ_RUNS ?? 2000);

async function failure(hash: string): Promise<unknown> {
  try {
    await decodeShare(hash);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("share links", () => {
  it("give back the program they carry, whatever its text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 400 }), async (text) => {
        const hash = await encodeShare(text);
        expect(hash).toMatch(/^#code=[A-Za-z0-9_-]*$/);
        expect(await decodeShare(hash)).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });

  it("carry a program of a few KiB within the limit", async () => {
    const program = Array.from({ length: 160 }, (_, i) => `let x${i} = ${i} * 2 + 1  // line ${i}`).join("\n");
    expect(program.length).toBeGreaterThan(4000);
    expect((await encodeShare(program)).length).toBeLessThan(SHARE_LIMIT);
  });

  it("refuse anything else with 9008 and never another error", async () => {
    const payload = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), maxLength: 300 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("base64url")),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const e = await failure(`#code=${p}`);
        if (e !== undefined) {
          expect(e).toBeInstanceOf(ShareLinkError);
          expect((e as ShareLinkError).code).toBe(9008);
          expect((e as Error).message).toMatch(/^this share link cannot be opened: /);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("refuse damaged data, text that is not UTF-8, a link without a program and a bomb", async () => {
    const good = await encodeShare("print(1 + 1)");
    // a block of the reserved type 3, and a stream cut short
    expect(((await failure("#code=Bw")) as Error).message).toMatch(/damaged/);
    expect(((await failure(good.slice(0, 10))) as Error).message).toMatch(/damaged/);
    expect(await failure("#code=!!!")).toBeInstanceOf(ShareLinkError);
    expect(await failure("#other")).toBeInstanceOf(ShareLinkError);
    const notUtf8 = await new Response(new Blob([new Uint8Array([0xff, 0xfe, 0x80])]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer();
    expect(((await failure(`#code=${Buffer.from(notUtf8).toString("base64url")}`)) as Error).message).toMatch(/UTF-8/);
    const bomb = await encodeShare("a".repeat(MAX_SHARED_TEXT + 1));
    expect(bomb.length).toBeLessThan(SHARE_LIMIT * 2);
    expect(((await failure(bomb)) as Error).message).toMatch(/longer than/);
  });
});
