// A sample value's text, written straight into bytes: the exposition renderer formats every value
// that changed since the last scrape, and String(number) (a call into the engine and a string per
// value) was most of the cost of a scrape whose values all changed.
//
// Prometheus reads any decimal that parses back to the same double, so the text need not be the
// shortest one, only exact. Integers below 2^53 are written digit by digit. Other values from
// 2^-21 up to 2^53 are written as their integer part and k fractional digits, k the fewest that
// tell apart two neighbouring doubles of that size; the fraction times 10^k is computed exactly
// (a product and its rounding error, Dekker's two-product) so that the digits are the nearest, and
// the last digit is dropped when the shorter text still parses back to the value. The text is
// then the shortest one or a digit longer. Values with at most three fractional digits (halves,
// tenths, a price, a temperature) are common and cheaper: below 2^43 they are written from 1000
// times the value, the same text as the general way gives (see writeFloat). The rest (tiny or huge
// magnitudes, NaN, infinities) is String(value)'s text, with Prometheus's `+Inf`, `-Inf`, `NaN`.
// -0 is `-0`, as Go's client writes it.

const MINUS = 45;
const DOT = 46;
const ZERO = 48;

/** The fewest bytes a value's text can take is 1; the most, 40 (`-`, 16 digits, `.`, 22 digits). */
export const FLOAT_TEXT_MAX = 40;

/** Binary exponents written as a fraction: 2^-21 <= |v| < 2^53. */
const FIRST_EXPONENT = -21;
const LAST_EXPONENT = 52;
const SMALLEST = 2 ** FIRST_EXPONENT;
const LARGEST = 2 ** (LAST_EXPONENT + 1);

/**
 * Below this, k (the fractional digits of the general way) is 4 or more: a value that some decimal
 * of three fractional digits parses back to is written as that decimal.
 */
const THOUSANDTHS_BELOW = 2 ** 43;

/** Veltkamp's splitter for binary64: 2^27 + 1. */
const SPLITTER = 134217729;

const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Per binary exponent e (index e - FIRST_EXPONENT), for |v| in [2^e, 2^(e+1)): the fractional
 * digits k written, 10^k split in two halves for the exact product, and half the distance to the
 * neighbouring doubles in units of 10^-k (a text within it parses back to the value).
 */
const DIGITS: number[] = [];
const SCALE: number[] = [];
const SCALE_HIGH: number[] = [];
const SCALE_LOW: number[] = [];
const HALF_GAP: number[] = [];
for (let e = FIRST_EXPONENT; e <= LAST_EXPONENT; e++) {
  // the gap is 2^(e-52); k digits are enough once half of it is more than half a unit of 10^-k,
  // since the digits are the nearest (an error of at most half a unit)
  let k = 1;
  while (POW10[k] * 2 ** (e - 53) <= 0.5) k++;
  const scale = POW10[k];
  const c = SPLITTER * scale;
  const high = c - (c - scale);
  DIGITS.push(k);
  SCALE.push(scale);
  SCALE_HIGH.push(high);
  SCALE_LOW.push(scale - high);
  HALF_GAP.push(scale * 2 ** (e - 53));
}

/** "00" to "99": the digits of 0..99 as byte pairs. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = ZERO + Math.floor(i / 10);
  PAIRS[2 * i + 1] = ZERO + (i % 10);
}

// the binary exponent of a double, read from its bits
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Writes the text of `v` into `out` at `at` (room for FLOAT_TEXT_MAX bytes); returns where it ends. */
export function writeFloat(out: Uint8Array, at: number, v: number): number {
  let a = v;
  if (v < 0) {
    out[at++] = MINUS;
    a = -v;
  }
  // NaN fails both comparisons; zero and infinities go to the end
  if (a >= SMALLEST && a < LARGEST) {
    const whole = Math.floor(a);
    if (whole === a) return writeInteger(out, at, whole);
    if (a < THOUSANDTHS_BELOW) {
      // m / 1000 is the double nearest to the decimal m/1000, so the test says that decimal parses
      // back to a. No other decimal of three fractional digits does (two are 10^(k-3) >= 10 units
      // of 10^-k apart, and both would be within HALF_GAP < 5 units of a); the general way finds
      // it too, as its multiple of ten (within HALF_GAP, and never within 10^-6 of its edge: the
      // edge is a multiple of a power of two, at least HALF_GAP / 1000 from any such decimal).
      const thousandths = Math.round(a * 1000);
      if (thousandths / 1000 === a) return writeThousandths(out, at, whole, thousandths - whole * 1000);
    }
    return writeFraction(out, at, whole, a);
  }
  if (v === 0) {
    if (1 / v < 0) out[at++] = MINUS;
    out[at] = ZERO;
    return at + 1;
  }
  const text = Number.isNaN(v) ? "NaN" : a === Number.POSITIVE_INFINITY ? "Inf" : String(a);
  if (v === Number.POSITIVE_INFINITY) out[at++] = 43; // `+Inf`
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** The text writeFloat writes, as a string. */
export function floatText(v: number): string {
  const bytes = new Uint8Array(FLOAT_TEXT_MAX);
  const end = writeFloat(bytes, 0, v);
  let text = "";
  for (let i = 0; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

/** `a` (2^-21 <= a < 2^53, not an integer, `whole` its integer part) as `whole.digits`. */
function writeFraction(out: Uint8Array, at: number, whole: number, a: number): number {
  scratch[0] = a;
  const row = ((scratchWords[HIGH_WORD] >>> 20) & 0x7ff) - 1023 - FIRST_EXPONENT;
  const k = DIGITS[row];
  const fraction = a - whole; // exact: the fraction has fewer significant bits than a
  // fraction * 10^k = product + error exactly (Dekker)
  const product = fraction * SCALE[row];
  const c = SPLITTER * fraction;
  const fHigh = c - (c - fraction);
  const fLow = fraction - fHigh;
  const error = fHigh * SCALE_HIGH[row] - product + fHigh * SCALE_LOW[row] + fLow * SCALE_HIGH[row] + fLow * SCALE_LOW[row];
  // the scaled fraction (below 10^17) as high * 10^8 + low + rest, high * 10^8 and its difference
  // from the product exact, the rest within half a unit
  // (a product by 10^-8 may be a unit off: the correction below puts it right)
  let high = Math.floor(product * 1e-8);
  const below = product - high * 1e8 + error;
  let low = Math.round(below);
  const rest = below - low;
  // a digit fewer when the nearest multiple of ten still parses back to the value (low may still
  // be a unit of 10^8 off, a multiple of ten, which moves the nearest multiple of ten alike)
  const tens = Math.round((low + rest) * 0.1) * 10;
  if (Math.abs(tens - low - rest) < HALF_GAP[row] - 1e-6) low = tens;
  // the carry: low within 0 .. 10^8 - 1 (the product by 10^-8, or rounding, may have put it out)
  if (low < 0) {
    high--;
    low += 1e8;
  } else if (low >= 1e8) {
    high++;
    low -= 1e8;
  }
  // the fraction rounded up to one
  if (k > 8 ? high >= POW10[k - 8] : high * 1e8 + low >= POW10[k]) {
    whole++;
    high = 0;
    low = 0;
  }
  at = whole < 1e8 ? writeDigits(out, at, whole) : writeInteger(out, at, whole);
  if (high === 0 && low === 0) return at;
  out[at++] = DOT;
  if (k > 8) {
    at = writeWidth(out, at, high, k - 8);
    at = writeEight(out, at, low);
  } else {
    at = writeWidth(out, at, low, k);
  }
  while (out[at - 1] === ZERO) at--;
  return at;
}

/** An integer 0 <= n < 2^53. */
function writeInteger(out: Uint8Array, at: number, n: number): number {
  if (n < 1e8) return writeDigits(out, at, n);
  // exact, so no carry: n / 10^8 is below 2^27, where half a unit in the last place (2^-27) is
  // less than the 10^-8 that separates an n not divisible by 10^8 from the next integer
  const high = Math.floor(n / 1e8);
  at = writeDigits(out, at, high);
  return writeEight(out, at, n - high * 1e8);
}

/** `whole` and `thousandths` (1 to 999) as `whole.ddd`, less the zeros that end it. */
function writeThousandths(out: Uint8Array, at: number, whole: number, thousandths: number): number {
  at = whole < 1e8 ? writeDigits(out, at, whole) : writeInteger(out, at, whole);
  out[at++] = DOT;
  const tenths = (thousandths / 100) | 0;
  const rest = thousandths - tenths * 100;
  out[at++] = ZERO + tenths;
  if (rest === 0) return at;
  out[at++] = PAIRS[rest << 1];
  if (rest % 10 === 0) return at;
  out[at++] = PAIRS[(rest << 1) + 1];
  return at;
}

/** An integer 0 <= n < 10^8. */
function writeDigits(out: Uint8Array, at: number, n: number): number {
  let m = n | 0;
  const length = m < 10000 ? (m < 100 ? (m < 10 ? 1 : 2) : m < 1000 ? 3 : 4) : m < 1000000 ? (m < 100000 ? 5 : 6) : m < 10000000 ? 7 : 8;
  const after = at + length;
  let end = after;
  // two digits at a time
  while (m >= 100) {
    const q = (m / 100) | 0;
    const pair = (m - q * 100) << 1;
    out[--end] = PAIRS[pair + 1];
    out[--end] = PAIRS[pair];
    m = q;
  }
  if (m >= 10) {
    out[--end] = PAIRS[(m << 1) + 1];
    out[--end] = PAIRS[m << 1];
  } else {
    out[--end] = ZERO + m;
  }
  return after;
}

/** An integer 0 <= n < 10^9 (and below 10^width) as exactly `width` digits, zeros first: fractional digits. */
function writeWidth(out: Uint8Array, at: number, n: number, width: number): number {
  let m = n | 0;
  const after = at + width;
  let end = after;
  // two digits at a time, from the last; the digit count need not be known
  while (end - at >= 2) {
    const q = (m / 100) | 0;
    const pair = (m - q * 100) << 1;
    out[--end] = PAIRS[pair + 1];
    out[--end] = PAIRS[pair];
    m = q;
  }
  if (end > at) out[at] = ZERO + m;
  return after;
}

/** An integer 0 <= n < 10^8 as exactly 8 digits. */
function writeEight(out: Uint8Array, at: number, n: number): number {
  const m = n | 0;
  const a = (m / 10000) | 0;
  const b = m - a * 10000;
  const a1 = (a / 100) | 0;
  const b1 = (b / 100) | 0;
  const p0 = a1 << 1;
  const p1 = (a - a1 * 100) << 1;
  const p2 = b1 << 1;
  const p3 = (b - b1 * 100) << 1;
  out[at] = PAIRS[p0];
  out[at + 1] = PAIRS[p0 + 1];
  out[at + 2] = PAIRS[p1];
  out[at + 3] = PAIRS[p1 + 1];
  out[at + 4] = PAIRS[p2];
  out[at + 5] = PAIRS[p2 + 1];
  out[at + 6] = PAIRS[p3];
  out[at + 7] = PAIRS[p3 + 1];
  return at + 8;
}
