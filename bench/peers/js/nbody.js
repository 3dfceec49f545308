// n-body, 1000 steps (see bench/programs/nbody.nc).
// A body is an array [x, y, z, vx, vy, vz, mass], as in the Noodle program.

const PI = Math.PI;
const SOLAR_MASS = 4 * PI * PI;
const DAYS_PER_YEAR = 365.24;

function body(x, y, z, vx, vy, vz, mass) {
  return [x, y, z, vx * DAYS_PER_YEAR, vy * DAYS_PER_YEAR, vz * DAYS_PER_YEAR, mass * SOLAR_MASS];
}

function offsetMomentum(bodies) {
  let px = 0;
  let py = 0;
  let pz = 0;
  for (const b of bodies) {
    px += b[3] * b[6];
    py += b[4] * b[6];
    pz += b[5] * b[6];
  }
  const sun = bodies[0];
  sun[3] = -px / SOLAR_MASS;
  sun[4] = -py / SOLAR_MASS;
  sun[5] = -pz / SOLAR_MASS;
}

function advance(bodies, dt) {
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const bi = bodies[i];
    for (let j = i + 1; j < n; j++) {
      const bj = bodies[j];
      const dx = bi[0] - bj[0];
      const dy = bi[1] - bj[1];
      const dz = bi[2] - bj[2];
      const d2 = dx * dx + dy * dy + dz * dz;
      const mag = dt / (d2 * Math.sqrt(d2));
      const mi = bi[6] * mag;
      const mj = bj[6] * mag;
      bi[3] = bi[3] - dx * mj;
      bi[4] = bi[4] - dy * mj;
      bi[5] = bi[5] - dz * mj;
      bj[3] = bj[3] + dx * mi;
      bj[4] = bj[4] + dy * mi;
      bj[5] = bj[5] + dz * mi;
    }
  }
  for (const b of bodies) {
    b[0] = b[0] + dt * b[3];
    b[1] = b[1] + dt * b[4];
    b[2] = b[2] + dt * b[5];
  }
}

function energy(bodies) {
  let e = 0;
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const bi = bodies[i];
    e += 0.5 * bi[6] * (bi[3] * bi[3] + bi[4] * bi[4] + bi[5] * bi[5]);
    for (let j = i + 1; j < n; j++) {
      const bj = bodies[j];
      const dx = bi[0] - bj[0];
      const dy = bi[1] - bj[1];
      const dz = bi[2] - bj[2];
      e -= (bi[6] * bj[6]) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

// Noodle's round: half away from zero.
function round(x) {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default function main(print) {
  const steps = 1000;
  const bodies = [
    body(0, 0, 0, 0, 0, 0, 1),
    body(
      4.8414314424647209,
      -1.16032004402742839,
      -1.03622044471123109e-1,
      1.66007664274403694e-3,
      7.69901118419740425e-3,
      -6.90460016972063023e-5,
      9.54791938424326609e-4,
    ),
    body(
      8.34336671824457987,
      4.12479856412430479,
      -4.03523417114321381e-1,
      -2.76742510726862411e-3,
      4.99852801234917238e-3,
      2.30417297573763929e-5,
      2.85885980666130812e-4,
    ),
    body(
      1.2894369562139131e1,
      -1.51111514016986312e1,
      -2.23307578892655734e-1,
      2.96460137564761618e-3,
      2.3784717395948095e-3,
      -2.96589568540237556e-5,
      4.36624404335156298e-5,
    ),
    body(
      1.53796971148509165e1,
      -2.59193146099879641e1,
      1.79258772950371181e-1,
      2.68067772490389322e-3,
      1.62824170038242295e-3,
      -9.5159225451971587e-5,
      5.15138902046611451e-5,
    ),
  ];
  offsetMomentum(bodies);
  print(round(energy(bodies) * 1e9) / 1e9);
  for (let step = 0; step < steps; step++) {
    advance(bodies, 0.01);
  }
  print(round(energy(bodies) * 1e9) / 1e9);
}
