// A damaged lane record is refused with 8004, read from its own bytes only: each case here was
// once read as a record with fields from the bytes after it, or threw a RangeError or TypeError.

import { describe, expect, it } from "vitest";
import { encodeValue, WIRE } from "../../src/codec/value-codec.js";
import { readLaneRecord } from "../../src/concurrency/lane-records.js";
import { PROGRAM_CALLS } from "../../src/concurrency/program-calls.js";
import { STORE_OPS } from "../../src/store/store-ops.js";

function readAt(record: number[] | Uint8Array): string {
  // the record sits among bytes of a valid-looking neighbour, as in a ring
  const bytes = new Uint8Array(record.length + 32).fill(0x01);
  bytes.set(record, 8);
  try {
    return readLaneRecord(bytes, new DataView(bytes.buffer), 8, record.length).kind;
  } catch (e) {
    return `${(e as { code?: number }).code} ${(e as Error).message}`;
  }
}

const f64 = (x: number) => [...new Uint8Array(new Float64Array([x]).buffer)];

describe("lane records: damaged", () => {
  it("refuses an unknown kind or an empty record", () => {
    expect(readAt([11])).toMatch(/^8004 .*lane record: unknown kind 11/);
    expect(readAt([])).toMatch(/^8004 .*empty/);
  });

  it("refuses a record shorter than its kind's fixed part, or longer where it has no tail", () => {
    expect(readAt([6, 0, 0])).toMatch(/^8004 .*3 bytes, fewer than the 9 of its kind/);
    expect(readAt([7, ...f64(1), 0, 0, 0, 0])).toMatch(/^8004 .*fewer than the 17/);
    expect(readAt([6, ...f64(1), 0])).toMatch(/^8004 .*1 trailing bytes/);
    expect(readAt([6, ...f64(1)])).toBe("cancel");
    expect(readAt([10, ...f64(1), 0, 0, 0, 0])).toMatch(/^8004 .*fewer than the 14/);
    expect(readAt([10, ...f64(1), 0, 0, 0, 0, PROGRAM_CALLS.length])).toMatch(new RegExp(`^8004 .*program call ${PROGRAM_CALLS.length}`));
    const actor = [9, ...f64(1), 0, 0, 0, 0, 0, 0, 0, 0, ...f64(3), ...f64(5000)];
    expect(readAt(actor)).toBe("actor");
    expect(readAt([...actor, 0])).toMatch(/^8004 .*1 trailing bytes/);
    expect(readAt(actor.slice(0, 32))).toMatch(/^8004 .*fewer than the 33/);
  });

  it("refuses an actor's supervision that no VM would take", () => {
    const actor = (restarts: number, within: number) => [9, ...f64(1), 0, 0, 0, 0, 0, 0, 0, 0, ...f64(restarts), ...f64(within)];
    expect(readAt(actor(0, 0))).toBe("actor");
    expect(readAt(actor(-1, 5000))).toMatch(/^8004 .*supervision -1 restarts/);
    expect(readAt(actor(1.5, 5000))).toMatch(/^8004 .*supervision 1.5 restarts/);
    expect(readAt(actor(3, Number.NaN))).toMatch(/^8004 .*within NaN ms/);
  });

  it("refuses ids that are not whole numbers", () => {
    expect(readAt([6, ...f64(NaN)])).toMatch(/^8004 .*id NaN/);
    expect(readAt([6, ...f64(-1)])).toMatch(/^8004 .*id -1/);
  });

  it("refuses a handler name past the end, and arguments that are not a list", () => {
    const args = [...encodeValue([1], WIRE)];
    const message = (nameLength: number, tail: number[]) => [1, ...f64(1), 0, 0, 0, 0, nameLength, 0, ...tail];
    expect(readAt(message(1, [0x66, ...args]))).toBe("message");
    expect(readAt(message(200, [0x66, ...args]))).toMatch(/^8004 .*handler name runs past the end/);
    expect(readAt(message(1, [0x66, ...encodeValue(1, WIRE)]))).toMatch(/^8004 .*arguments are not a list/);
    expect(readAt(message(1, [0xff, ...args]))).toMatch(/^8004 .*invalid UTF-8/);
  });

  it("refuses an error record that does not carry an error", () => {
    const error = (v: unknown) => [3, ...f64(1), ...encodeValue(v as never, WIRE)];
    expect(readAt(error([3001, "division by zero", [["f", "a.nc", 1, 2, 1, -1]], null]))).toBe("error");
    expect(readAt(error([3001, "division by zero", [["f", "a.nc", 1, 2]], null]))).toMatch(/^8004 .*not an error/);
    expect(readAt(error([3001, "m", "no trace", null]))).toMatch(/^8004 .*not an error/);
    expect(readAt(error([3001, "m", [["f", "a.nc", 1]], null]))).toMatch(/^8004 .*not an error/);
    expect(readAt(error("text"))).toMatch(/^8004 .*not an error/);
  });

  it("refuses a store call of an operation std/db does not have, a program call that is not one, and arguments that are not a list", () => {
    const call = (op: number, tail: number[]) => [8, ...f64(1), 1, 0, 0, 0, 5, 0, 0, 0, op, ...tail];
    expect(readAt(call(2, [...encodeValue([1, "k", 2], WIRE)]))).toBe("store");
    expect(readAt(call(STORE_OPS.length, [...encodeValue([1], WIRE)]))).toMatch(new RegExp(`^8004 .*store operation ${STORE_OPS.length}`));
    const host = (op: number, tail: number[]) => [10, ...f64(1), 1, 0, 0, 0, op, ...tail];
    const show = PROGRAM_CALLS.indexOf("__plot_show");
    expect(readAt(host(show, [...encodeValue([{ type: "figure" }], WIRE)]))).toBe("host");
    expect(readAt(host(PROGRAM_CALLS.length, [...encodeValue([1], WIRE)]))).toMatch(new RegExp(`^8004 .*program call ${PROGRAM_CALLS.length}`));
    expect(readAt(call(2, [...encodeValue("k", WIRE)]))).toMatch(/^8004 .*arguments are not a list/);
    expect(readAt(call(2, []))).toMatch(/^8004 /);
  });

  it("refuses output to a descriptor other than 1 or 2, or text that is not UTF-8", () => {
    expect(readAt([4, 0, 0, 0, 0, 1, 0x68, 0x69])).toBe("output");
    expect(readAt([4, 0, 0, 0, 0, 7, 0x68])).toMatch(/^8004 .*descriptor 7/);
    expect(readAt([4, 0, 0, 0, 0, 2, 0xc3])).toMatch(/^8004 .*invalid UTF-8/);
  });
});
