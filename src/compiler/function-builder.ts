// Builds one function's bytecode: instruction words, registers (locals below, temporaries
// above, stack discipline), jump labels patched when their target is known, the debug table of
// source positions and the exception handler table.
import { encode } from "../bytecode/instruction.js";
import type { FunctionProto, Handler } from "../bytecode/module.js";
import { Op, type OpName } from "../bytecode/opcode-table.js";

export const MAX_REGISTERS = 256;

/** A forward jump waiting for its target: the word to patch and how it is encoded. */
interface PendingJump {
  at: number;
  /** "sJ": 24-bit field of the instruction word; "ext": the whole extension word. */
  field: "sJ" | "ext";
  /** Offsets count from this word (the end of the instruction). */
  from: number;
}

export class Label {
  target = -1;
  readonly pending: PendingJump[] = [];
}

export class RegisterOverflow extends Error {}

export class FunctionBuilder {
  readonly code: number[] = [];
  readonly handlers: Handler[] = [];
  private readonly lines: number[] = [];
  private lastLine = -1;
  private lastCol = -1;
  /** Registers below this hold locals in scope; temporaries are allocated from here up. */
  top = 0;
  maxRegs = 0;
  /** Regions open at this point of the function (for handler records). */
  regionDepth = 0;
  readonly captures: number[] = [];
  /** The opcode of the instruction emitted last. */
  private lastOp: OpName | undefined;

  constructor(
    readonly name: string,
    readonly nparams: number,
    readonly file: number,
    readonly nrequired = nparams,
  ) {
    this.top = nparams;
    this.maxRegs = nparams;
  }

  // ---- registers

  alloc(n = 1): number {
    const r = this.top;
    this.top += n;
    if (this.top > MAX_REGISTERS) throw new RegisterOverflow(`function '${this.name}' needs more than ${MAX_REGISTERS} registers`);
    if (this.top > this.maxRegs) this.maxRegs = this.top;
    return r;
  }

  /** Frees registers back to `mark` (a value of `top` saved earlier). */
  release(mark: number): void {
    this.top = mark;
  }

  // ---- positions

  at(line: number, col: number): void {
    if (line === this.lastLine && col === this.lastCol) return;
    this.lastLine = line;
    this.lastCol = col;
    const offset = this.code.length;
    const n = this.lines.length;
    if (n >= 3 && this.lines[n - 3] === offset) {
      this.lines[n - 2] = line;
      this.lines[n - 1] = col;
    } else this.lines.push(offset, line, col);
  }

  // ---- instructions

  get pc(): number {
    return this.code.length;
  }

  emit(op: OpName, operands: readonly number[], ext?: number): number {
    const start = this.code.length;
    // a MUL right before an ADD becomes MULADD, and a LOADNIL right before a JEQ or JNE (a test
    // against nil) LOADNILJ: the dispatch loop runs each pair in one step
    if (op === "ADD" && this.lastOp === "MUL") this.code[start - 1] = (this.code[start - 1] & ~0xff) | Op.MULADD;
    if ((op === "JEQ" || op === "JNE") && this.lastOp === "LOADNIL") this.code[start - 1] = (this.code[start - 1] & ~0xff) | Op.LOADNILJ;
    for (const w of encode(op, operands, ext)) this.code.push(w);
    this.lastOp = op;
    return start;
  }

  /** An unconditional jump to a label. */
  jump(label: Label): void {
    const at = this.emit("JMP", [0]);
    this.link(label, { at, field: "sJ", from: at + 1 });
  }

  /** A conditional jump (an instruction with a jump extension word) to a label. */
  jumpIf(op: OpName, operands: readonly number[], label: Label): void {
    const at = this.emit(op, operands, 0);
    this.link(label, { at: at + 1, field: "ext", from: at + 2 });
  }

  /** A loop-closing instruction with a jump extension word back to a label already placed. */
  private link(label: Label, j: PendingJump): void {
    if (label.target >= 0) this.patch(j, label.target);
    else label.pending.push(j);
  }

  place(label: Label): void {
    label.target = this.code.length;
    for (const j of label.pending) this.patch(j, label.target);
    label.pending.length = 0;
    // a jump target starts a new debug run, so positions after it are not inherited wrongly
    this.lastLine = -1;
  }

  private patch(j: PendingJump, target: number): void {
    const off = target - j.from;
    if (j.field === "ext") {
      this.code[j.at] = off >>> 0;
    } else {
      if (off < -(1 << 23) || off >= 1 << 23) throw new RegisterOverflow(`function '${this.name}' is too large to jump across`);
      this.code[j.at] = ((this.code[j.at] & 0xff) | ((off & 0xffffff) << 8)) >>> 0;
    }
  }

  addHandler(h: Handler): void {
    this.handlers.push(h);
  }

  finish(): FunctionProto {
    return {
      name: this.name,
      nparams: this.nparams,
      nrequired: this.nrequired,
      nregs: Math.max(this.maxRegs, 1),
      captures: this.captures,
      code: Uint32Array.from(this.code),
      handlers: this.handlers,
      file: this.file,
      lines: Uint32Array.from(this.lines),
    };
  }
}
