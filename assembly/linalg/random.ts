// The core's pseudo-random numbers: splitmix64, seeded from the bits of the seed at each call, so
// rand and randn give the same matrix for the same seed on every platform.

let state: u64 = 0;

export function seedRandom(seed: f64): void {
  state = reinterpret<u64>(seed);
}

/** Uniform in [0, 1), 53 random bits. */
export function nextUniform(): f64 {
  state += 0x9E3779B97F4A7C15;
  let z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  z ^= z >> 31;
  return <f64>(z >> 11) * (1.0 / 9007199254740992.0);
}

/** Fills n f64 at `out` with standard normal numbers (Box-Muller: a pair from each two uniforms). */
export function fillNormal(out: u32, n: u32): void {
  for (let i: u32 = 0; i < n; i += 2) {
    // 1 - u is in (0, 1]: its logarithm is finite
    const r = Math.sqrt(-2 * Math.log(1 - nextUniform()));
    const t = 2 * Math.PI * nextUniform();
    store<f64>(out + (i << 3), r * Math.cos(t));
    if (i + 1 < n) store<f64>(out + ((i + 1) << 3), r * Math.sin(t));
  }
}
