// Actor call latency (see bench/programs/actor_call.nc): an object whose calls are queued on a
// promise chain, so they run one at a time in the order they were made.

class Counter {
  count = 0;
  /** @type {Promise<unknown>} */
  tail = Promise.resolve();
  inc() {
    const reply = this.tail.then(() => {
      this.count += 1;
      return this.count;
    });
    this.tail = reply;
    return reply;
  }
}

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default async function main(print) {
  const c = new Counter();
  let last = 0;
  for (let i = 0; i < 100000; i++) last = await c.inc();
  print(last);
}
