// What the fuzzers share: how many cases each property runs, a fixed seed (so a failure replays),
// and mutations of valid encodings.
//
// NOODLE_FUZZ_RUNS sets the cases per property (2 000 in `npm test`, 100 000 in `npm run fuzz`);
// NOODLE_FUZZ_SEED explores other inputs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";

export const FUZZ_RUNS = Number(process.env.NOODLE_FUZZ_RUNS) || 2000;
export const FUZZ_SEED = Number(process.env.NOODLE_FUZZ_SEED) || 0x6e6f6f64;

/** A test's time limit, in proportion to the cases it runs. */
export const FUZZ_TIMEOUT = 60_000 + FUZZ_RUNS * 10;

/** fast-check parameters of the property numbered `n` in its file (each gets its own seed). */
export function fuzzParameters(n: number): fc.Parameters<unknown> {
  return { numRuns: FUZZ_RUNS, seed: FUZZ_SEED + n, endOnFailure: true };
}

/** Unsigned LEB128, as the codec writes counts and lengths. */
export function uleb(x: number): number[] {
  const out: number[] = [];
  do {
    const low = x % 128;
    x = Math.floor(x / 128);
    out.push(x > 0 ? low | 0x80 : low);
  } while (x > 0);
  return out;
}

/** Lengths and counts that would allocate absurdly if a decoder believed them. */
const HUGE = [2 ** 31, 2 ** 32 - 1, 2 ** 28, 65536, 2 ** 31 - 1, 1e9];

type Mutation =
  | { op: "flip"; at: number; bit: number }
  | { op: "truncate"; at: number }
  | { op: "set"; at: number; byte: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "delete"; at: number; n: number }
  | { op: "length"; at: number; n: number; insert: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("set" as const), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant("length" as const), at: fc.nat(), n: fc.constantFrom(...HUGE), insert: fc.boolean() }),
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : m.at % n;
  const join = (...parts: ArrayLike<number>[]) => {
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let i = 0;
    for (const p of parts) out.set(p, (i += p.length) - p.length);
    return out;
  };
  switch (m.op) {
    case "flip":
      if (n === 0) return bytes;
      bytes = bytes.slice();
      bytes[at] ^= 1 << m.bit;
      return bytes;
    case "truncate":
      return bytes.slice(0, at);
    case "set":
      if (n === 0) return bytes;
      bytes = bytes.slice();
      bytes[at] = m.byte;
      return bytes;
    case "insert":
      return join(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    case "delete":
      return join(bytes.subarray(0, at), bytes.subarray(at + m.n));
    case "length": {
      // a count or length field made huge, written over the bytes there or put before them
      const field = uleb(m.n);
      return join(bytes.subarray(0, at), field, bytes.subarray(m.insert ? at : Math.min(n, at + field.length)));
    }
  }
}

/** Valid encodings damaged by one to four mutations: bit flips, truncation, bytes set, inserted or deleted, huge lengths. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([bytes, ms]) => ms.reduce(apply, bytes));
}

/** Byte-wise equality, for checking that decoding then encoding gives the input back. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How a source text is edited: a piece cut out, copied elsewhere, moved, or a token put in or in place of a piece. */
export type SourceEditKind = "delete" | "duplicate" | "insert" | "replace" | "swap";

export interface SourceEdit {
  kind: SourceEditKind;
  at: number;
  length: number;
  to: number;
  token: string;
}

/** Edits of the `kinds` given, putting in `tokens`, over pieces up to `maxLength` characters. */
export function sourceEdit(kinds: SourceEditKind[], tokens: string[], maxLength: number): fc.Arbitrary<SourceEdit> {
  return fc.record({
    kind: fc.constantFrom(...kinds),
    at: fc.nat(),
    length: fc.nat({ max: maxLength }),
    to: fc.nat(),
    token: fc.constantFrom(...tokens),
  });
}

/** `text` with the edits made one after another (positions taken modulo the text's length). */
export function edited(text: string, edits: SourceEdit[]): string {
  for (const e of edits) {
    const n = text.length + 1;
    const at = e.at % n;
    const end = Math.min(text.length, at + e.length);
    const to = e.to % n;
    const piece = text.slice(at, end);
    switch (e.kind) {
      case "delete":
        text = text.slice(0, at) + text.slice(end);
        break;
      case "duplicate":
        text = text.slice(0, to) + piece + text.slice(to);
        break;
      case "insert":
        text = text.slice(0, at) + e.token + text.slice(at);
        break;
      case "replace":
        text = text.slice(0, at) + e.token + text.slice(end);
        break;
      case "swap": {
        const rest = text.slice(0, at) + text.slice(end);
        const where = to % (rest.length + 1);
        text = rest.slice(0, where) + piece + rest.slice(where);
        break;
      }
    }
  }
  return text;
}

/** The text of every `.nc` file in `dir`, by name (none when it does not exist): seeds to edit. */
export function programsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".nc"))
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8"));
}
