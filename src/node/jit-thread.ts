// The compiled tier's thread in Node: a worker_thread that compiles hot functions while the
// program keeps running, its results read without waiting (receiveMessageOnPort), so a run that
// never returns to the event loop gets its compiled code too. Importing this module is enough.
import { createRequire } from "node:module";
import { type CompileResult, setCompilerThread } from "../jit/compiler-thread.js";

/** The worker script, bundled like pool-worker.js (the same path from src/node/, dist/node/ and dist/bundle/). */
const SCRIPT = new URL("../../dist/bundle/jit-compiler.js", import.meta.url);

setCompilerThread(() => {
  // node:worker_threads is loaded here, by a program that runs long enough to compile, not at every start
  const { MessageChannel, receiveMessageOnPort, Worker } = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
  const { port1, port2 } = new MessageChannel();
  // results come on a port of our own, so they can be read while this thread computes
  const worker = new Worker(SCRIPT, { workerData: { replies: port2 }, transferList: [port2] });
  // the thread never keeps the process alive: a program that ends, ends
  worker.unref();
  port1.unref();
  return {
    request: (job) => worker.postMessage(job),
    poll: () => {
      const done: CompileResult[] = [];
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) done.push(m.message as CompileResult);
      return done;
    },
  };
});
