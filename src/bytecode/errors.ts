// The error raised for bytecode that cannot be trusted: a damaged .nbc file or a module that fails
// verification. It carries error code 1004 and says where the problem is.
import { ERRORS, formatError } from "../errors/table.js";

export interface BytecodeLocation {
  /** The .nbc file being decoded. */
  file?: string;
  /** Byte offset in the .nbc file. */
  byteOffset?: number;
  /** Function being verified, and the word offset in its code. */
  functionName?: string;
  wordOffset?: number;
}

export class BytecodeError extends Error {
  readonly code: number = ERRORS.MalformedBytecode.code;

  constructor(
    readonly detail: string,
    readonly location: BytecodeLocation = {},
  ) {
    super(formatError("MalformedBytecode", { detail: describe(detail, location) }));
    this.name = "BytecodeError";
  }
}

function describe(detail: string, at: BytecodeLocation): string {
  let text = detail;
  if (at.functionName !== undefined) text += ` in function '${at.functionName}'`;
  if (at.wordOffset !== undefined) text += ` at word ${at.wordOffset}`;
  if (at.byteOffset !== undefined) text += ` at byte ${at.byteOffset}`;
  if (at.file !== undefined) text += ` of ${at.file}`;
  return text;
}
