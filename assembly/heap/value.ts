// Uniform 64-bit values (NaN-boxing). A value is a double unless its top 14 bits are all ones,
// a pattern that arithmetic on ordinary doubles never yields (WebAssembly produces only the
// canonical NaNs 0x7FF8.. and 0xFFF8..). Tagged values:
//   0xFFFC_0000_xxxx_xxxx  reference to a heap object at address x (never 0)
//   0xFFFE_0000_0000_000n  nil (0), false (1), true (2)

export const TAG_BASE: u64 = 0xFFFC_0000_0000_0000;
export const TAG_OBJ: u64 = 0xFFFC_0000_0000_0000;
export const NIL: u64 = 0xFFFE_0000_0000_0000;
export const FALSE: u64 = 0xFFFE_0000_0000_0001;
export const TRUE: u64 = 0xFFFE_0000_0000_0002;
/** An argument left out of a call, until the callee puts the parameter's default in its place. */
export const MISSING: u64 = 0xFFFE_0000_0000_0003;
export const CANONICAL_NAN: u64 = 0x7FF8_0000_0000_0000;

// @ts-ignore: decorator
@inline export function isNum(v: u64): bool {
  return v < TAG_BASE;
}

// @ts-ignore: decorator
@inline export function isObj(v: u64): bool {
  return (v >> 32) == (TAG_OBJ >> 32);
}

// @ts-ignore: decorator
@inline export function numOf(v: u64): f64 {
  return reinterpret<f64>(v);
}

/** Boxes a double; a NaN with a payload is made canonical so it cannot alias a tag. */
// @ts-ignore: decorator
@inline export function num(x: f64): u64 {
  const v = reinterpret<u64>(x);
  return v < TAG_BASE ? v : CANONICAL_NAN;
}

// @ts-ignore: decorator
@inline export function objOf(v: u64): u32 {
  return <u32>v;
}

// @ts-ignore: decorator
@inline export function obj(ptr: u32): u64 {
  return TAG_OBJ | <u64>ptr;
}

// @ts-ignore: decorator
@inline export function bool_(b: bool): u64 {
  return b ? TRUE : FALSE;
}

// @ts-ignore: decorator
@inline export function isTruthy(v: u64): bool {
  return v != NIL && v != FALSE;
}

// @ts-ignore: decorator
@inline export function isBool(v: u64): bool {
  return v == TRUE || v == FALSE;
}
