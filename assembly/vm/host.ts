// What the VM asks of its host. Numeric work stays in WebAssembly; these are for output, number
// formatting and parsing the way JavaScript does them, clocks, and error messages from the one
// error table.

// @ts-ignore: decorator
@external("host", "write")
export declare function hostWrite(fd: u32, ptr: u32, len: u32): void;

/** Writes String(x) as ASCII at `out` (at least 32 bytes); returns its length. */
// @ts-ignore: decorator
@external("host", "formatNumber")
export declare function hostFormatNumber(x: f64, out: u32): u32;

/** Parses a number the way Noodle's `num` does; writes 1 at okOut on success, 0 on failure. */
// @ts-ignore: decorator
@external("host", "parseNumber")
export declare function hostParseNumber(ptr: u32, len: u32, okOut: u32): f64;

// @ts-ignore: decorator
@external("host", "clock")
export declare function hostClock(): f64;

/** Math functions by number: 0 sin, 1 cos, 2 tan, 3 exp, 4 log, 5 pow, 6 atan2. */
// @ts-ignore: decorator
@external("host", "math")
export declare function hostMath(fn: u32, x: f64, y: f64): f64;

/** Builds the message string of a runtime error from its code and arguments (values at argsPtr). */
// @ts-ignore: decorator
@external("host", "errorMessage")
export declare function hostErrorMessage(code: u32, argc: u32, argsPtr: u32): u32;

/** Renders a raw trace (list of [function, offset] numbers) as a string. */
// @ts-ignore: decorator
@external("host", "renderTrace")
export declare function hostRenderTrace(list: u32): u32;

/**
 * After a collection: this VM's heap bytes in use, told to a host whose other VMs share the
 * memory limit (a program's work on a pool's workers). Returns the limit this VM now has
 * (what the others leave of it), or a negative number to keep the one it has.
 */
// @ts-ignore: decorator
@external("host", "heapShare")
export declare function hostHeapShare(inUse: f64): f64;

/**
 * An actor's supervisor acted, for the host's log: kind 0 it restarted the actor after a failed
 * handler, 1 it stopped it. `actor` is the actor's address, `name` its name (a string).
 */
// @ts-ignore: decorator
@external("host", "actorEvent")
export declare function hostActorEvent(kind: u32, actor: u32, name: u32): void;

export const MATH_SIN: u32 = 0;
export const MATH_COS: u32 = 1;
export const MATH_TAN: u32 = 2;
export const MATH_EXP: u32 = 3;
export const MATH_LOG: u32 = 4;
export const MATH_POW: u32 = 5;
export const MATH_ATAN2: u32 = 6;

/**
 * Calls host function `id` (a builtin the host implements) with `n` values at `args`. Returns 0
 * with the result stored at `out`, or nonzero after raising the error through `raiseFromHost`.
 */
// @ts-ignore: decorator
@external("host", "call")
export declare function hostCall(id: u32, args: u32, n: u32, out: u32): u32;
