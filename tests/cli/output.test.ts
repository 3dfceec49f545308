// StreamedOutput, the CLI's stdout for programs: when pending text is written, and how a failed
// stream ends it. A stand-in stream records each write.
import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type OutputEnd, StreamedOutput } from "../../src/cli/output.js";

class FakeStream extends EventEmitter {
  writes: string[] = [];
  fail: Error | undefined;
  constructor(readonly isTTY: boolean) {
    super();
  }
  write(text: string): boolean {
    if (this.fail) throw this.fail;
    this.writes.push(text);
    return true;
  }
}

function output(tty: boolean): { stream: FakeStream; out: StreamedOutput; ends: OutputEnd[] } {
  const stream = new FakeStream(tty);
  const ends: OutputEnd[] = [];
  const out = new StreamedOutput(stream as unknown as NodeJS.WritableStream, (e) => ends.push(e));
  return { stream, out, ends };
}

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("StreamedOutput", () => {
  it("on a terminal writes each line as it ends", () => {
    const { stream, out } = output(true);
    out.write("par");
    expect(stream.writes).toEqual([]);
    out.write("tial\n");
    expect(stream.writes).toEqual(["partial\n"]);
  });

  it("elsewhere gathers lines and writes them within 100 ms", () => {
    const { stream, out } = output(false);
    out.write("a\n");
    out.write("b\n");
    expect(stream.writes).toEqual([]);
    vi.advanceTimersByTime(99);
    expect(stream.writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(stream.writes).toEqual(["a\nb\n"]);
    // nothing pending: the timer is not armed again until there is
    vi.advanceTimersByTime(1000);
    expect(stream.writes).toEqual(["a\nb\n"]);
    out.write("c\n");
    vi.advanceTimersByTime(100);
    expect(stream.writes).toEqual(["a\nb\n", "c\n"]);
  });

  it("writes at once when more than 64 KiB are pending", () => {
    const { stream, out } = output(false);
    const line = "x".repeat(1023) + "\n";
    for (let i = 0; i < 64; i++) out.write(line);
    expect(stream.writes).toEqual([]);
    out.write("y\n");
    expect(stream.writes).toEqual([line.repeat(64) + "y\n"]);
  });

  it("flush writes what is pending and disarms the timer", () => {
    const { stream, out } = output(false);
    out.write("last\n");
    out.flush();
    expect(stream.writes).toEqual(["last\n"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a closed pipe (EPIPE) ends it as closed, and later output is dropped", () => {
    const { stream, out, ends } = output(false);
    stream.emit("error", errno("EPIPE", "write EPIPE"));
    expect(ends).toEqual([{ kind: "closed" }]);
    out.write("more\n");
    out.flush();
    expect(stream.writes).toEqual([]);
  });

  it("another write error ends it as failed, once, with the reason", () => {
    const { stream, out, ends } = output(false);
    stream.fail = errno("ENOSPC", "ENOSPC: no space left on device, write");
    out.write("a\n");
    out.flush();
    stream.emit("error", errno("ENOSPC", "ENOSPC: no space left on device, write"));
    expect(ends).toEqual([{ kind: "failed", detail: "no space left on device (ENOSPC)" }]);
  });
});
