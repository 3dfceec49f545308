// A readable listing of an NBC module: a header per function, then one line per instruction with
// its word offset, source line, mnemonic and operands rendered by their role in the opcode table.
// It never throws, so it can show unverified or damaged code too.

import { errorSpec } from "../errors/table.js";
import { BUILTINS } from "./builtin-table.js";
import { type DecodedInstruction, decodeAt, extRole, jumpTarget } from "./instruction.js";
import { CAPTURE_FROM_PARENT, type Constant, type FunctionProto, type NbcModule } from "./module.js";
import { type Role, TYPE_CODES } from "./opcode-table.js";

const MNEMONIC_WIDTH = 12;

const word = (n: number): string => String(n).padStart(4, "0");

function constantText(k: Constant | undefined): string {
  if (k === undefined) return "?";
  if (k.kind === "string") return JSON.stringify(k.value);
  return Object.is(k.value, -0) ? "-0" : String(k.value);
}

/** Operand text, plus a comment naming what it refers to when that helps. */
function operandText(m: NbcModule, ins: DecodedInstruction, pc: number, role: Role, v: number, notes: string[]): string | undefined {
  switch (role) {
    case "r":
      return `r${v}`;
    case "k":
      notes.push(constantText(m.constants[v]));
      return `k${v}`;
    case "g": {
      const name = m.globals[v - m.globalBase];
      if (name !== undefined) notes.push(name);
      return `g${v}`;
    }
    case "p": {
      const f = m.functions[v - m.functionBase];
      if (f !== undefined) notes.push(f.name);
      return `f${v}`;
    }
    case "c":
      return `c${v}`;
    case "s":
      return m.structs[v - m.structBase]?.name ?? `s${v}`;
    case "b":
      return BUILTINS[v]?.name ?? `b${v}`;
    case "t":
      return TYPE_CODES[v] ?? `t${v}`;
    case "e": {
      const spec = errorSpec(v);
      if (spec !== undefined) notes.push(spec.name);
      return String(v);
    }
    case "j":
      return `-> ${word(jumpTarget(ins, pc) as number)}`;
    case "-":
      return v === 0 ? undefined : `?${v}`;
    case "i":
    case "n":
    case "f":
      return String(v);
  }
}

function instructionText(m: NbcModule, ins: DecodedInstruction, pc: number): string {
  const notes: string[] = [];
  const parts: string[] = [];
  const add = (role: Role, v: number): void => {
    const text = operandText(m, ins, pc, role, v, notes);
    if (text !== undefined) parts.push(text);
  };
  ins.spec.operands.forEach((role, i) => add(role, ins.operands[i]));
  const ext = extRole(ins);
  if (ext !== undefined) add(ext, ins.ext as number);
  const text = `${ins.op.padEnd(MNEMONIC_WIDTH)}${parts.join(", ")}`.trimEnd();
  return notes.length === 0 ? text : `${text} ; ${notes.join(", ")}`;
}

function captureText(d: number): string {
  return d >= CAPTURE_FROM_PARENT ? `^c${d - CAPTURE_FROM_PARENT}` : `r${d}`;
}

function functionListing(m: NbcModule, f: FunctionProto, index: number): string[] {
  const tags = index === m.entry ? " (entry)" : "";
  const out = [
    `function f${index} ${f.name}${tags}: params ${f.nparams}${f.nrequired < f.nparams ? ` (${f.nrequired} required)` : ""}, registers ${f.nregs}, file ${m.files[f.file] ?? `#${f.file}`}`,
  ];
  if (f.captures.length > 0) out.push(`  captures: ${f.captures.map(captureText).join(", ")}`);
  for (const h of f.handlers) out.push(`  handler [${word(h.start)}, ${word(h.end)}) -> ${word(h.target)}, error in r${h.reg}, region ${h.region}`);

  let entry = 0;
  let line = "";
  for (let pc = 0; pc < f.code.length; ) {
    while (entry < f.lines.length && f.lines[entry] <= pc) {
      line = `L${f.lines[entry + 1]}`;
      entry += 3;
    }
    const ins = decodeAt(f.code, pc);
    const text = ins === undefined ? `${".word".padEnd(MNEMONIC_WIDTH)}0x${f.code[pc].toString(16).padStart(8, "0")}` : instructionText(m, ins, pc);
    out.push(`  ${word(pc)}  ${line.padEnd(6)}${text}`);
    pc += ins?.size ?? 1;
  }
  return out;
}

export function disassemble(m: NbcModule): string {
  const out = [`; NBC module, version ${m.version}, files: ${m.files.join(", ") || "none"}`];
  m.structs.forEach((s, i) =>
    out.push(`; struct s${m.structBase + i} ${s.name} { ${s.fields.join(", ")} }${s.display === undefined ? "" : ` display ${JSON.stringify(s.display)}`}`),
  );
  m.globals.forEach((g, i) => out.push(`; global g${m.globalBase + i} ${g}`));
  m.functions.forEach((f, i) => out.push("", ...functionListing(m, f, m.functionBase + i)));
  return out.join("\n") + "\n";
}
