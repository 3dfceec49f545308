// spectral-norm, n = 100 (see bench/programs/spectralnorm.nc).

function evalA(i, j) {
  return 1 / (((i + j) * (i + j + 1)) / 2 + i + 1);
}

function multiplyAv(n, v, av) {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      s += evalA(i, j) * v[j];
    }
    av[i] = s;
  }
}

function multiplyAtv(n, v, atv) {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      s += evalA(j, i) * v[j];
    }
    atv[i] = s;
  }
}

function multiplyAtAv(n, v, out, tmp) {
  multiplyAv(n, v, tmp);
  multiplyAtv(n, tmp, out);
}

// A growable list filled by push, as the Noodle program builds it.
function filled(n, x) {
  const xs = [];
  for (let i = 0; i < n; i++) xs.push(x);
  return xs;
}

// Noodle's round: half away from zero.
function round(x) {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default function main(print) {
  const n = 100;
  const u = filled(n, 1);
  const v = filled(n, 0);
  const tmp = filled(n, 0);
  for (let i = 0; i < 10; i++) {
    multiplyAtAv(n, u, v, tmp);
    multiplyAtAv(n, v, u, tmp);
  }
  let vBv = 0;
  let vv = 0;
  for (let i = 0; i < n; i++) {
    vBv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  print(round(Math.sqrt(vBv / vv) * 1e9) / 1e9);
}
