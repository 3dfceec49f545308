// Throughput of tiny tasks (see bench/programs/tasks_100k.nc): 100 000 async calls, then
// Promise.all.

async function tiny(i) {
  return i;
}

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default async function main(print) {
  const fs = [];
  for (let i = 0; i < 100000; i++) fs.push(tiny(i));
  const rs = await Promise.all(fs);
  let s = 0;
  for (const r of rs) s += r;
  print(s);
}
