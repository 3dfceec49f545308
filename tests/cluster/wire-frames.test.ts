// Messages travel in NATS messages as frames: a message larger than a NATS payload is cut into
// parts and put together again; a frame that does not belong (another session's, damaged, out of
// order, over the cap) is dropped and counted, never thrown, and a message that lost a part is
// dropped whole.
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_MESSAGE, FRAME_HEADER, FrameAssembler, frameMessage, newToken } from "../../src/cluster/wire-frames.js";
import { decodeMessage, encodeMessage } from "../../src/cluster/wire-message.js";

const token = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);
const MiB = 1 << 20;

/** `n` bytes counting up, so a part in the wrong place shows. */
const counting = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 255);

/** Pushes every frame; returns what came out, undefined where nothing did. */
const pushAll = (a: FrameAssembler, frames: Uint8Array[]) => frames.map((f) => a.push(f));

describe("wire frames: cutting and joining", () => {
  it("sends a small message as one frame whose part is the message, without copying it again", () => {
    const bytes = encodeMessage({ t: "lane", seq: 1, bytes: new Uint8Array(40).fill(9) });
    const frames = frameMessage(bytes, token, 7, MiB);
    expect(frames).toHaveLength(1);
    expect(frames[0].length).toBe(FRAME_HEADER + bytes.length);
    expect([...frames[0].subarray(0, 4)]).toEqual([0x4e, 0x46, 1, 0]);
    expect([...frames[0].subarray(4, 20)]).toEqual([...token]);
    expect([...frames[0].subarray(20, 32)]).toEqual([7, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    const a = new FrameAssembler(token);
    const got = a.push(frames[0])!;
    expect(got.buffer).toBe(frames[0].buffer); // a view of the frame
    expect(got.byteOffset).toBe(frames[0].byteOffset + FRAME_HEADER);
    expect(decodeMessage(got)).toStrictEqual({ t: "lane", seq: 1, bytes: new Uint8Array(40).fill(9) });
    expect(a.rejected).toBe(0);
  });

  it("cuts a message larger than a NATS payload into parts no frame exceeds, and joins them", () => {
    const bytes = counting(2.5 * MiB);
    const frames = frameMessage(bytes, token, 2 ** 32 - 1, MiB);
    expect(frames).toHaveLength(3);
    for (const f of frames) expect(f.length).toBeLessThanOrEqual(MiB);
    expect(frames.map((f) => f.length)).toEqual([MiB, MiB, 2.5 * MiB - 2 * (MiB - FRAME_HEADER) + FRAME_HEADER]);
    const a = new FrameAssembler(token);
    expect(pushAll(a, frames.slice(0, 2))).toEqual([undefined, undefined]);
    expect(a.buffered).toBe(2 * (MiB - FRAME_HEADER));
    expect(a.push(frames[2])).toEqual(bytes);
    expect(a.buffered).toBe(0);
    expect(a.rejected).toBe(0);
  });

  it("fills every part when the message is an exact number of them, and sends an empty message as one empty part", () => {
    const bytes = counting(3 * 100);
    const frames = frameMessage(bytes, token, 1, 100 + FRAME_HEADER);
    expect(frames.map((f) => f.length)).toEqual([132, 132, 132]);
    expect(pushAll(new FrameAssembler(token), frames)[2]).toEqual(bytes);
    const empty = frameMessage(new Uint8Array(0), token, 2, 100);
    expect(empty.map((f) => f.length)).toEqual([FRAME_HEADER]);
    expect(new FrameAssembler(token).push(empty[0])).toEqual(new Uint8Array(0));
  });

  it("carries an encoded message of many parts, typed arrays aligned after joining", () => {
    const m = { t: "gemm-done", id: 3, c: Float64Array.from({ length: 50_000 }, (_, i) => i / 3) };
    const frames = frameMessage(encodeMessage(m), token, 9, 64 * 1024 + 1);
    expect(frames.length).toBe(7);
    const got = pushAll(new FrameAssembler(token), frames)[6]!;
    expect(decodeMessage(got)).toStrictEqual(m);
  });

  it("takes the messages of one sender one after another", () => {
    const a = new FrameAssembler(token, 10_000);
    const messages = [counting(10), counting(250), counting(0), counting(1000), counting(99)];
    const out = messages.flatMap((m, id) => pushAll(a, frameMessage(m, token, id, 100)).filter((x) => x));
    expect(out).toEqual(messages);
    expect(a.rejected).toBe(0);
  });

  it("refuses to frame with a token of another length, an id beyond 32 bits or a payload too small for a part", () => {
    expect(() => frameMessage(counting(4), new Uint8Array(8), 1, MiB)).toThrow(TypeError);
    expect(() => new FrameAssembler(new Uint8Array(17))).toThrow("a session token has 16 bytes, not 17");
    expect(() => frameMessage(counting(4), token, 2 ** 32, MiB)).toThrow(RangeError);
    expect(() => frameMessage(counting(4), token, -1, MiB)).toThrow(RangeError);
    expect(() => frameMessage(counting(4), token, 1.5, MiB)).toThrow(RangeError);
    expect(() => frameMessage(counting(4), token, 1, FRAME_HEADER)).toThrow(RangeError);
    expect(frameMessage(counting(4), token, 1, FRAME_HEADER + 1)).toHaveLength(4);
  });

  it("makes tokens of 16 random bytes, a new one each time", () => {
    const [x, y] = [newToken(), newToken()];
    expect(x).toHaveLength(16);
    expect(x).not.toEqual(y);
  });
});

describe("wire frames: what the assembler drops", () => {
  const frame = (bytes: Uint8Array, id: number, max = 100) => frameMessage(bytes, token, id, max);

  it("drops a frame of another session, or with a damaged header, leaving the message in progress whole", () => {
    const a = new FrameAssembler(token);
    const [first, second, third] = frame(counting(150), 4);
    expect(a.push(first)).toBeUndefined();
    const stranger = frameMessage(counting(10), newToken(), 4, 100)[0];
    const damaged = (at: number, value: number) => {
      const f = second.slice();
      f[at] = value;
      return f;
    };
    const drops: [Uint8Array, RegExp][] = [
      [stranger, /^malformed message: a frame of another session \(wrong token\)$/],
      [damaged(19, second[19] ^ 1), /wrong token/],
      [damaged(0, 0x4f), /not a frame \(bad magic\)/],
      [damaged(1, 0x4d), /bad magic/],
      [damaged(2, 2), /unsupported frame version 2/],
      [damaged(3, 1), /unknown frame flags 1/],
      [second.subarray(0, FRAME_HEADER - 1), /a frame of 31 bytes is shorter than its header/],
      [new Uint8Array(0), /a frame of 0 bytes/],
    ];
    drops.forEach(([f, reason], i) => {
      expect(a.push(f)).toBeUndefined();
      expect(a.rejected).toBe(i + 1);
      expect(a.lastRejection).toMatch(reason);
    });
    expect(a.buffered).toBe(100 - FRAME_HEADER);
    expect(a.push(second)).toBeUndefined();
    expect(a.push(third)).toEqual(counting(150));
    expect(a.rejected).toBe(drops.length);
  });

  it("drops a message that lost a middle part, with its frames, and takes the next", () => {
    const a = new FrameAssembler(token);
    const [p0, p1, , p3] = frame(counting(250), 1);
    pushAll(a, [p0, p1]);
    expect(a.push(p3)).toBeUndefined();
    expect(a.lastRejection).toMatch(/part 3 of 4 of message 1 where part 2 of 4 of message 1 was due/);
    expect(a.rejected).toBe(3); // p0 and p1, dropped with their message, and p3
    expect(a.buffered).toBe(0);
    expect(pushAll(a, frame(counting(120), 2))[1]).toEqual(counting(120));
    expect(a.rejected).toBe(3);
  });

  it("drops a message that lost its last part when the next message begins, and takes that one", () => {
    const a = new FrameAssembler(token);
    pushAll(a, frame(counting(250), 1).slice(0, 3));
    const next = pushAll(a, frame(counting(20), 2));
    expect(next).toEqual([counting(20)]);
    expect(a.rejected).toBe(3);
    expect(a.lastRejection).toMatch(/message 1 lost its part 3 of 4/);
  });

  it("drops a part repeated, a part of another message in the middle of one, or a part with nothing before it", () => {
    const a = new FrameAssembler(token);
    const [p0, p1, p2] = frame(counting(200), 1);
    pushAll(a, [p0, p1]);
    expect(a.push(p1)).toBeUndefined();
    expect(a.rejected).toBe(3);
    expect(a.push(p2)).toBeUndefined(); // its message is gone
    expect(a.lastRejection).toMatch(/part 2 of 3 of message 1 where a first part was due/);
    pushAll(a, [frame(counting(200), 2)[0]]);
    expect(a.push(frame(counting(200), 3)[1])).toBeUndefined();
    expect(a.lastRejection).toMatch(/part 1 of 3 of message 3 where part 1 of 3 of message 2 was due/);
    expect(a.rejected).toBe(6);
  });

  it("drops a message again or out of order, and takes ids that skip or wrap around", () => {
    const a = new FrameAssembler(token);
    const one = (id: number) => frame(counting(10), id)[0];
    expect(a.push(one(2 ** 32 - 2))).toEqual(counting(10));
    expect(a.push(one(2 ** 32 - 2))).toBeUndefined();
    expect(a.lastRejection).toMatch(/message 4294967294 after message 4294967294: again or out of order/);
    expect(a.push(one(2 ** 32 - 3))).toBeUndefined();
    expect(a.push(one(2 ** 32 - 1))).toEqual(counting(10));
    expect(a.push(one(0))).toEqual(counting(10)); // wrapped
    expect(a.push(one(2 ** 32 - 1))).toBeUndefined();
    expect(a.push(one(1000))).toEqual(counting(10)); // some lost on the way
    expect(a.push(one(1000 + 2 ** 31))).toBeUndefined(); // as far ahead as behind
    expect(a.rejected).toBe(4);
    // the first part of the message in progress, repeated, leaves it whole
    const [p0, p1, p2] = frame(counting(200), 1001);
    expect(pushAll(a, [p0, p1, p0, p2])).toEqual([undefined, undefined, undefined, counting(200)]);
    expect(a.rejected).toBe(5);
  });

  it("drops parts whose header contradicts itself or the parts before", () => {
    const header = (f: Uint8Array, id: number, index: number, count: number) => {
      const g = f.slice();
      const v = new DataView(g.buffer);
      v.setUint32(20, id, true);
      v.setUint32(24, index, true);
      v.setUint32(28, count, true);
      return g;
    };
    const parts = (id: number) => frame(counting(200), id);
    const a = new FrameAssembler(token);
    expect(a.push(header(parts(5)[0], 5, 3, 3))).toBeUndefined();
    expect(a.lastRejection).toMatch(/part 3 of 3 in message 5/);
    expect(a.push(header(parts(5)[0], 5, 0, 0))).toBeUndefined();
    expect(a.lastRejection).toMatch(/part 0 of 0 in message 5/);
    const [p0, p1] = parts(6);
    a.push(p0);
    expect(a.push(header(p1, 6, 1, 4))).toBeUndefined(); // another count
    expect(a.lastRejection).toMatch(/part 1 of 4 of message 6 where part 1 of 3/);
    const [q0, q1] = parts(7);
    a.push(q0);
    expect(a.push(q1.subarray(0, 99))).toBeUndefined(); // a middle part shorter than the first
    expect(a.lastRejection).toMatch(/part 1 of message 7 has 67 bytes, its first 68/);
    const [r0, r1, r2] = parts(8);
    pushAll(a, [r0, r1]);
    const longLast = new Uint8Array(FRAME_HEADER + 69);
    longLast.set(r2.subarray(0, FRAME_HEADER));
    expect(a.push(longLast)).toBeUndefined(); // a last part longer than the first
    expect(a.lastRejection).toMatch(/part 2 of message 8 has 69 bytes, its first 68/);
    expect(a.push(header(frame(new Uint8Array(0), 9)[0], 9, 0, 3))).toBeUndefined();
    expect(a.lastRejection).toMatch(/message 9 has an empty part/);
    expect(pushAll(a, parts(10))[2]).toEqual(counting(200));
    expect(a.rejected).toBe(2 + 2 + 2 + 3 + 1);
  });

  it("drops a message over the cap: at once when its first part shows it, else at its last", () => {
    const a = new FrameAssembler(token, 1000);
    expect(a.push(frame(counting(1001), 1, 2000)[0])).toBeUndefined();
    expect(a.lastRejection).toMatch(/a message of 1001 bytes is over the cap of 1000/);
    expect(a.push(frame(counting(1000), 2, 2000)[0])).toEqual(counting(1000));
    // 16 parts of 68 bytes claim at least 15 * 68 + 1 = 1021 bytes: refused at the first part
    const parts = frame(counting(16 * 68), 3);
    expect(pushAll(a, parts)).toEqual(new Array(16).fill(undefined));
    expect(a.buffered).toBe(0);
    expect(a.lastRejection).toMatch(/part 15 of 16 of message 3 where a first part was due/);
    expect(a.rejected).toBe(1 + 16);
    // 15 parts of 68 and a last of at least 1 might fit; 15 * 68 + 68 = 1088 do not
    const edge = frame(counting(15 * 68 + 68), 4, 68 * 15 + FRAME_HEADER);
    expect(edge).toHaveLength(2);
    const tight = new FrameAssembler(token, 15 * 68 + 1);
    expect(pushAll(tight, edge)).toEqual([undefined, undefined]);
    expect(tight.lastRejection).toMatch(/a message of 1088 bytes is over the cap of 1021/);
    expect(tight.rejected).toBe(2);
    expect(tight.buffered).toBe(0);
  });

  it("claims nothing of a message's size before its bytes arrive: 4 billion parts announced cost one frame", () => {
    const a = new FrameAssembler(token);
    const f = frame(counting(60), 1)[0].slice();
    new DataView(f.buffer).setUint32(28, 2 ** 32 - 1, true);
    expect(a.push(f)).toBeUndefined();
    expect(a.lastRejection).toMatch(/over the cap of 268435456/);
    expect(DEFAULT_MAX_MESSAGE).toBe(256 * MiB);
    const small = f.slice(0, FRAME_HEADER + 1);
    small[20] = 2; // message 2
    expect(a.push(small)).toBeUndefined(); // 4 billion parts of one byte would fit in no cap either
    expect(a.lastRejection).toMatch(/a message of 4294967295 bytes is over the cap/);
    expect(a.buffered).toBe(0);
  });
});
