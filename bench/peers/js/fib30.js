// Naive recursive Fibonacci (see bench/programs/fib30.nc).

function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default function main(print) {
  print(fib(30));
}
