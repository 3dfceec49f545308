// A small pool of worker_threads for tasks: each task is a call of a function the module
// exports, posted as a message to the worker with the fewest calls in flight, and its promise
// settles with the reply.

import { Remote } from "./remote.js";

export class TaskPool {
  #workers;

  constructor(moduleUrl, workers) {
    this.#workers = Array.from({ length: workers }, () => new Remote(moduleUrl));
  }

  run(fn, ...args) {
    let best = this.#workers[0];
    for (const w of this.#workers) if (w.load < best.load) best = w;
    return best.call(fn, ...args);
  }
}
