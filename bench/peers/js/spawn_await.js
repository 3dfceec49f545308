// Round trips of an empty async function (see bench/programs/spawn_await.nc).

async function nothing() {
  return null;
}

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default async function main(print) {
  let n = 0;
  for (let i = 0; i < 100000; i++) {
    await nothing();
    n += 1;
  }
  print(n);
}
