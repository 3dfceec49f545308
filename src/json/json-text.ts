// JSON text and Noodle values (std/json): a parser that says where the text is wrong (3009 with
// line and column, never a JavaScript exception), bounded in nesting so hostile text cannot
// exhaust the stack, and a printer for every value JSON can hold. Objects become maps in their
// key order; a matrix prints as a list of its rows, a tensor as nested lists.
import { ERRORS } from "../errors/table.js";
import { Matrix, Tensor } from "../math/arrays.js";
import { HostError } from "../runtime/host-calls.js";
import { type JsValue, STRUCT_NAME } from "../runtime/values.js";

/** Nesting past this is refused: deep enough for any document, shallow enough for any stack. */
export const MAX_JSON_DEPTH = 1000;

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const LITERALS: [string, JsValue][] = [
  ["true", true],
  ["false", false],
  ["null", null],
];
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** The value of JSON text `text`; a syntax error is 3009 naming its line and column. */
export function parseJson(text: string): JsValue {
  let at = 0;

  const fail = (what: string, where = at): never => {
    let line = 1;
    let col = 1;
    for (let i = 0; i < where && i < text.length; i++) {
      if (text[i] === "\n") [line, col] = [line + 1, 1];
      else col++;
    }
    throw new HostError(ERRORS.NotANumber.code, [], `json.parse: ${what} at line ${line}, column ${col}`);
  };
  const found = (): string => (at >= text.length ? "end of text" : shown(text[at]));
  const skip = (): void => {
    while (at < text.length && WHITESPACE.has(text[at])) at++;
  };
  const expect = (word: string): void => {
    if (text.startsWith(word, at)) at += word.length;
    else fail(`unexpected ${found()}`);
  };

  const string = (): string => {
    at++; // the opening quote
    let out = "";
    let from = at;
    for (;;) {
      if (at >= text.length) fail("unterminated string");
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c < 0x20) fail("a control character in a string");
      if (c !== 0x5c) {
        at++;
        continue;
      }
      out += text.slice(from, at);
      const e = text[at + 1];
      if (e === "u") {
        const hex = text.slice(at + 2, at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("a \\u escape without four hex digits");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        at += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        at += 2;
      } else fail(`an unknown escape, a backslash and ${e === undefined ? "end of text" : shown(e)}`, at);
      from = at;
    }
    out += text.slice(from, at);
    at++; // the closing quote
    return out;
  };

  const number = (): number => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(at, at + 400));
    if (!m) fail(`unexpected ${found()}`);
    at += m![0].length;
    return Number(m![0]);
  };

  const value = (depth: number): JsValue => {
    if (depth > MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH}`);
    skip();
    const c = text[at];
    if (c === "{") {
      at++;
      const out = new Map<JsValue, JsValue>();
      skip();
      if (text[at] === "}") {
        at++;
        return out;
      }
      for (;;) {
        skip();
        if (text[at] !== '"') fail(`expected a key (a string) but found ${found()}`);
        const key = string();
        skip();
        if (text[at] !== ":") fail(`expected ':' but found ${found()}`);
        at++;
        out.set(key, value(depth + 1));
        skip();
        if (text[at] === ",") at++;
        else if (text[at] === "}") {
          at++;
          return out;
        } else fail(`expected ',' or '}' but found ${found()}`);
      }
    }
    if (c === "[") {
      at++;
      const out: JsValue[] = [];
      skip();
      if (text[at] === "]") {
        at++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        skip();
        if (text[at] === ",") at++;
        else if (text[at] === "]") {
          at++;
          return out;
        } else fail(`expected ',' or ']' but found ${found()}`);
      }
    }
    if (c === '"') return string();
    for (const [word, v] of LITERALS) {
      if (c !== word[0]) continue;
      expect(word);
      return v;
    }
    return number();
  };

  const v = value(0);
  skip();
  if (at < text.length) fail(`unexpected ${found()} after the value`);
  return v;
}

/** A character of the text as a message shows it: quoted, or its code point when it does not print. */
function shown(c: string): string {
  const code = c.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `'${c}'`;
}

/** JSON text of `v`, indented by `indent` (spaces, or a string) when given. */
export function stringifyJson(v: JsValue, indent: number | string | null): string {
  const unit = typeof indent === "number" ? " ".repeat(Math.max(0, Math.min(10, Math.floor(indent)))) : (indent ?? "");
  const out: string[] = [];
  const seen = new Set<object>();
  const write = (x: unknown, depth: number): void => {
    if (depth > MAX_JSON_DEPTH) throw HostError.of("InvalidArgument", `json.stringify (a value nested deeper than ${MAX_JSON_DEPTH})`);
    if (x === null || x === undefined) return void out.push("null");
    if (typeof x === "boolean") return void out.push(String(x));
    if (typeof x === "number") {
      if (!Number.isFinite(x)) throw HostError.of("InvalidArgument", `json.stringify (${x} has no JSON form)`);
      return void out.push(Object.is(x, -0) ? "0" : String(x));
    }
    if (typeof x === "string") return void out.push(JSON.stringify(x));
    if (x instanceof Matrix) return write(x.toArrays(), depth);
    if (x instanceof Tensor) return write(x.toArrays(), depth);
    const obj = x as object;
    if (seen.has(obj)) throw HostError.of("InvalidArgument", "json.stringify (a value that contains itself)");
    seen.add(obj);
    if (Array.isArray(x))
      list(
        x.map((item) => () => write(item, depth + 1)),
        "[",
        "]",
        depth,
      );
    else if (x instanceof Map) {
      const items = [...x].map(([k, item]) => () => {
        out.push(JSON.stringify(String(k)), unit ? ": " : ":");
        write(item, depth + 1);
      });
      list(items, "{", "}", depth);
    } else if (typeof (x as Record<symbol, unknown>)[STRUCT_NAME] === "string") {
      const fields = Object.entries(x as Record<string, unknown>).map(([k, item]) => () => {
        out.push(JSON.stringify(k), unit ? ": " : ":");
        write(item, depth + 1);
      });
      list(fields, "{", "}", depth);
    } else {
      const kind = (x as { kind?: unknown }).kind;
      throw new HostError(ERRORS.OperandTypes.code, [], `json.stringify: a ${typeof kind === "string" ? kind : "value"} has no JSON form`);
    }
    seen.delete(obj);
  };
  const list = (items: (() => void)[], open: string, close: string, depth: number): void => {
    out.push(open);
    items.forEach((item, i) => {
      if (i > 0) out.push(",");
      if (unit) out.push("\n", unit.repeat(depth + 1));
      item();
    });
    if (unit && items.length > 0) out.push("\n", unit.repeat(depth));
    out.push(close);
  };
  write(v, 0);
  return out.join("");
}
