// One NBC instruction as 32-bit words: building them for the code generator and reading them back
// for the verifier and the disassembler. Field positions and signedness come from each opcode's
// format and operand roles in the opcode table; nothing here names an opcode.
import { type Format, OPCODE_BY_NAME, OPCODES, type OpcodeSpec, type OpName, type Role, TYPE_CODES } from "./opcode-table.js";

export interface DecodedInstruction {
  opcode: number;
  op: OpName;
  spec: OpcodeSpec;
  /** Operand values in table order; sBx, sJ and "i" immediates are signed. */
  operands: number[];
  /** The extension word: signed for a jump offset, unsigned otherwise. */
  ext?: number;
  size: 1 | 2;
}

/** Where each operand of a format sits in the word: [shift, width in bits]. */
export const FIELDS: Record<Format, readonly (readonly [number, number])[]> = {
  ABC: [
    [8, 8],
    [16, 8],
    [24, 8],
  ],
  ABx: [
    [8, 8],
    [16, 16],
  ],
  AsBx: [
    [8, 8],
    [16, 16],
  ],
  sJ: [[8, 24]],
};

const STRUCT_TYPE_CODE = TYPE_CODES.indexOf("struct");

/** Precomputed per opcode so encode and decode only index arrays. */
interface Layout {
  spec: OpcodeSpec;
  shift: number[];
  mask: number[];
  /** 32 - width for signed fields (to sign-extend with << and >>), 0 for unsigned ones. */
  signShift: number[];
  min: number[];
  max: number[];
  extSigned: boolean;
}

function isSigned(format: Format, index: number, role: Role): boolean {
  return role === "i" || role === "j" || (format === "AsBx" && index === 1) || format === "sJ";
}

function layoutOf(spec: OpcodeSpec): Layout {
  const fields = FIELDS[spec.format];
  if (fields.length !== spec.operands.length) throw new Error(`opcode table: ${spec.name} has ${spec.operands.length} operands for format ${spec.format}`);
  const l: Layout = { spec, shift: [], mask: [], signShift: [], min: [], max: [], extSigned: spec.ext === "j" };
  fields.forEach(([shift, width], i) => {
    const role = spec.operands[i];
    const signed = isSigned(spec.format, i, role);
    l.shift.push(shift);
    l.mask.push(2 ** width - 1);
    l.signShift.push(signed ? 32 - width : 0);
    l.min.push(signed ? -(2 ** (width - 1)) : 0);
    l.max.push(role === "-" ? 0 : role === "f" ? 1 : signed ? 2 ** (width - 1) - 1 : 2 ** width - 1);
  });
  return l;
}

const LAYOUTS: readonly Layout[] = OPCODES.map(layoutOf);

/**
 * The words of one instruction: the instruction word, then the extension word when the opcode has
 * one. Operands are given in table order (trailing unused ones may be left out); a value that does
 * not fit its field is a code generator bug and throws.
 */
export function encode(op: OpName, operands: readonly number[], ext?: number): number[] {
  const opcode = OPCODE_BY_NAME.get(op);
  if (opcode === undefined) throw new Error(`encode: unknown opcode ${op}`);
  const l = LAYOUTS[opcode];
  const n = l.shift.length;
  if (operands.length > n) throw new Error(`encode ${op}: expected ${n} operands, got ${operands.length}`);
  let word = opcode;
  for (let i = 0; i < n; i++) {
    if (i >= operands.length && l.spec.operands[i] !== "-") throw new Error(`encode ${op}: operand ${i} (${l.spec.operands[i]}) is missing`);
    const v = i < operands.length ? operands[i] : 0;
    if (!Number.isInteger(v) || v < l.min[i] || v > l.max[i]) {
      throw new Error(`encode ${op}: operand ${i} (${l.spec.operands[i]}) is ${v}, outside ${l.min[i]}..${l.max[i]}`);
    }
    word |= (v & l.mask[i]) << l.shift[i];
  }
  if (l.spec.ext === undefined) {
    if (ext !== undefined) throw new Error(`encode ${op}: takes no extension word`);
    return [word >>> 0];
  }
  if (ext === undefined) throw new Error(`encode ${op}: needs an extension word (${l.spec.ext})`);
  const lo = l.extSigned ? -(2 ** 31) : 0;
  const hi = l.extSigned ? 2 ** 31 - 1 : 2 ** 32 - 1;
  if (!Number.isInteger(ext) || ext < lo || ext > hi) throw new Error(`encode ${op}: extension word (${l.spec.ext}) is ${ext}, outside ${lo}..${hi}`);
  return [word >>> 0, ext >>> 0];
}

/** The instruction starting at word `offset`, or undefined for an unknown opcode or a missing extension word. */
export function decodeAt(code: Uint32Array, offset: number): DecodedInstruction | undefined {
  if (offset < 0 || offset >= code.length) return undefined;
  const word = code[offset];
  const opcode = word & 0xff;
  const l: Layout | undefined = LAYOUTS[opcode];
  if (l === undefined) return undefined;
  const n = l.shift.length;
  const operands = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const raw = (word >>> l.shift[i]) & l.mask[i];
    const s = l.signShift[i];
    operands[i] = s === 0 ? raw : (raw << s) >> s;
  }
  if (l.spec.ext === undefined) return { opcode, op: l.spec.name as OpName, spec: l.spec, operands, size: 1 };
  if (offset + 1 >= code.length) return undefined;
  const ext = l.extSigned ? code[offset + 1] | 0 : code[offset + 1];
  return { opcode, op: l.spec.name as OpName, spec: l.spec, operands, ext, size: 2 };
}

/** The word offset a jump instruction at `offset` transfers to, or undefined when it does not jump. */
export function jumpTarget(ins: DecodedInstruction, offset: number): number | undefined {
  const after = offset + ins.size;
  if (ins.spec.ext === "j") return after + (ins.ext as number);
  const j = ins.spec.operands.indexOf("j");
  return j < 0 ? undefined : after + ins.operands[j];
}

/**
 * What the extension word of a decoded instruction means. A type check names a struct in it only
 * when its type code is "struct"; otherwise the word is unused.
 */
export function extRole(ins: DecodedInstruction): Role | undefined {
  const { spec } = ins;
  if (spec.ext !== "s") return spec.ext;
  const t = spec.operands.indexOf("t");
  return t >= 0 && ins.operands[t] !== STRUCT_TYPE_CODE ? "-" : "s";
}
