// Sum of i * i for i in [0, 1e8) (see bench/programs/loop.nc).

function sumSquares(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += i * i;
  }
  return s;
}

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default function main(print) {
  print(sumSquares(100000000));
}
