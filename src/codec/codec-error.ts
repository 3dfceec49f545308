// The one error of the value codec, apart from the codec so that code which only recognises it
// (the VM's error reporting) does not load the codec.
import { ERRORS, formatError } from "../errors/table.js";

export const CORRUPT_DATA = ERRORS.CorruptData.code;

/** Bytes that are not a valid encoding of a value (error 8004). */
export class CodecError extends Error {
  readonly code = CORRUPT_DATA;

  constructor(
    readonly detail: string,
    /** Byte offset in the input where the problem was found. */
    readonly offset: number,
  ) {
    super(formatError("CorruptData", { detail: `${detail} at byte ${offset}` }));
    this.name = "CodecError";
  }
}
