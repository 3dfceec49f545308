// An object living in a worker_threads Worker, called by message: each call posts
// [id, method, args] and resolves when the worker posts [id, value] back. This is how such code
// is usually written in Node without a library; the cross-worker peers build on it.

import { Worker } from "node:worker_threads";

const HOST = new URL("./remote-worker.js", import.meta.url);

export class Remote {
  #worker;
  #next = 0;
  #pending = new Map();
  #lost = null;

  /**
   * @param {string} moduleUrl the module the worker imports
   * @param {string} [className] an export of it to instantiate; without it, the module's own
   *   exported functions answer the calls
   */
  constructor(moduleUrl, className) {
    this.#worker = new Worker(HOST, { workerData: { moduleUrl, className } });
    this.#worker.on("message", ([id, value, error]) => {
      const call = this.#pending.get(id);
      this.#pending.delete(id);
      if (!this.#pending.size) this.#worker.unref();
      if (error === undefined) call.resolve(value);
      else call.reject(new Error(error));
    });
    // a worker that fails or ends fails what it owes and what comes later, so no run hangs
    this.#worker.on("error", (e) => this.#fail(e));
    this.#worker.on("exit", (code) => this.#fail(new Error(`worker exited with code ${code}`)));
    // an idle worker does not keep the process alive, as with the Noodle pool's
    this.#worker.unref();
  }

  /** Calls in flight, for a pool choosing the least loaded worker. */
  get load() {
    return this.#pending.size;
  }

  call(method, ...args) {
    if (this.#lost) return Promise.reject(this.#lost);
    const id = this.#next++;
    if (!this.#pending.size) this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage([id, method, args]);
    });
  }

  #fail(e) {
    this.#lost ??= e;
    for (const call of this.#pending.values()) call.reject(e);
    this.#pending.clear();
  }
}
