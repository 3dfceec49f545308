// Program output for the command line. Printed text is gathered and written in large chunks,
// since one write per print would dominate programs that print a lot, but it is never held
// for long: on a terminal each line is written as it ends, elsewhere pending text is written
// within FLUSH_MS (an asynchronous run lets the event loop turn every few milliseconds, so the
// timer fires even while the program computes), and the command flushes at every exit.

/** Pending text beyond this many characters is written at once. */
const CHUNK = 1 << 16;
/** The longest pending text waits before it is written. */
const FLUSH_MS = 100;

/** How output ended early: the reader went away (a closed pipe), or writing failed (a full device). */
export type OutputEnd = { kind: "closed" } | { kind: "failed"; detail: string };

export class StreamedOutput {
  private parts: string[] = [];
  private size = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly lineBuffered: boolean;
  /** Set once the stream failed or its reader left; later output is dropped. */
  ended: OutputEnd | undefined;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly onEnd: (end: OutputEnd) => void,
  ) {
    this.lineBuffered = stream.isTTY === true;
    // without a listener a failed write (EPIPE, ENOSPC) would be an uncaught exception
    stream.on("error", (e: Error) => this.fail(e));
  }

  write = (text: string): void => {
    if (this.ended) return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size > CHUNK || (this.lineBuffered && text.includes("\n"))) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(this.flush, FLUSH_MS);
  };

  /** Writes what is pending now. */
  flush = (): void => {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.parts.length === 0 || this.ended) return;
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join("");
    this.parts = [];
    this.size = 0;
    try {
      this.stream.write(text);
    } catch (e) {
      this.fail(e as Error);
    }
  };

  private fail(e: Error): void {
    if (this.ended) return;
    const code = (e as NodeJS.ErrnoException).code;
    this.ended = code === "EPIPE" ? { kind: "closed" } : { kind: "failed", detail: describeWriteError(e) };
    this.parts = [];
    this.size = 0;
    this.onEnd(this.ended);
  }
}

/** A write error as a short phrase: "no space left on device (ENOSPC)", without Node's syscall prefix. */
export function describeWriteError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  const text = e.message.replace(/^\w+: /, "").replace(/, write$/, "");
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
