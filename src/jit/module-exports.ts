// The names a compiled module exports its two functions under: what the tier that instantiates
// a module needs of the compiler, kept apart so a VM loads the compiler only when it compiles.

/** The name a compiled module exports its entry from the interpreter under: `(frame, entry) -> kind`. */
export const ENTRY = "run";
/**
 * The name of the function's body, which compiled callers call directly:
 * `(frame, entry, fuel, argument bits as f64...) -> (value bits, or STOPPED | kind; fuel)`. The
 * budget's fuel goes in and out in registers; when the body stops, the core's `fuel` has it.
 * Its table slot is the entry's plus one.
 */
export const BODY = "body";
