// Programs in share links: the text, deflated ("deflate-raw") and base64url-encoded, in the URL's
// fragment (#code=...), which never reaches a server. Links longer than SHARE_LIMIT characters
// are not offered: some hosts, chat tools and browsers cut long URLs, so a longer program is
// shared as a file instead. A link is untrusted input: decoding checks each step and fails
// with 9008, never with anything else.
import { formatError } from "../../src/errors/table.js";

/** The longest fragment a share link carries (programs of a few KiB compress below it). */
export const SHARE_LIMIT = 8000;
/** The longest program a link may expand to, so a small link cannot expand into a huge text. */
export const MAX_SHARED_TEXT = 1 << 20;

const PREFIX = "#code=";

export class ShareLinkError extends Error {
  readonly code = 9008;
  constructor(detail: string) {
    super(formatError("BadShareLink", { detail }));
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new ShareLinkError("it is not base64url text");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ShareLinkError(`the program in it is longer than ${limit} bytes`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The fragment (`#code=...`) that carries `text`. */
export async function encodeShare(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  return PREFIX + toBase64Url(await through(bytes, new CompressionStream("deflate-raw"), Number.POSITIVE_INFINITY));
}

/** Whether a URL fragment is a share link at all (then decodeShare reads it). */
export function isShareFragment(hash: string): boolean {
  return hash.startsWith(PREFIX);
}

/** The program a share fragment carries; ShareLinkError (9008) when it carries none. */
export async function decodeShare(hash: string): Promise<string> {
  if (!isShareFragment(hash)) throw new ShareLinkError("it carries no program");
  const payload = hash.slice(PREFIX.length);
  if (payload.length > SHARE_LIMIT * 2) throw new ShareLinkError(`it is longer than ${SHARE_LIMIT * 2} characters`);
  const packed = fromBase64Url(payload);
  let bytes: Uint8Array;
  try {
    bytes = await through(packed, new DecompressionStream("deflate-raw"), MAX_SHARED_TEXT);
  } catch (e) {
    if (e instanceof ShareLinkError) throw e;
    throw new ShareLinkError("its data is damaged (it does not inflate)");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ShareLinkError("it does not hold UTF-8 text");
  }
}
