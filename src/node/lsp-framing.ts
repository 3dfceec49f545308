// The LSP wire's framing, checked before vscode-jsonrpc reads it: a header block without a valid
// Content-Length (or one past MAX_MESSAGE_BYTES) would stop its reader for good, so such a block
// is dropped and the stream goes on with what follows. Well-framed messages pass unchanged; a bad
// body inside a good frame is the reader's to answer (it reports a parse error and goes on).
import { Transform, type TransformCallback } from "node:stream";

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const HEADER_END = Buffer.from("\r\n\r\n");

export class FramingGuard extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of the current message's body still to pass through. */
  private bodyLeft = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, this.buffer.length);
        if (n === 0) break;
        this.push(this.buffer.subarray(0, n));
        this.buffer = this.buffer.subarray(n);
        this.bodyLeft -= n;
        continue;
      }
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        // a header block never gets this long: drop what cannot be one
        if (this.buffer.length > 8192) this.buffer = Buffer.alloc(0);
        break;
      }
      const header = this.buffer.subarray(0, end + HEADER_END.length);
      this.buffer = this.buffer.subarray(header.length);
      const length = contentLength(header.toString("ascii"));
      if (length === undefined) continue;
      this.push(header);
      this.bodyLeft = length;
    }
    done();
  }
}

function contentLength(header: string): number | undefined {
  const m = /(?:^|\r\n)Content-Length: *(\d{1,10}) *(?:\r\n|$)/i.exec(header);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= MAX_MESSAGE_BYTES ? n : undefined;
}
