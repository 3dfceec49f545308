// The public face of the bytecode folder: the opcode table, the in-memory module, instruction
// encoding, the .nbc codec, the verifier, the disassembler and their error type.

export * from "./codec.js";
export * from "./disasm.js";
export * from "./errors.js";
export * from "./instruction.js";
export * from "./module.js";
export * from "./opcode-table.js";
export * from "./verifier.js";
