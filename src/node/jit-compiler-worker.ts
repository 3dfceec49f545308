// The compiler thread's script (see src/jit/compiler-thread.ts and jit-thread.ts): loads binaryen
// once, then compiles the functions it is sent, in order, and posts each module's bytes back.
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { loadBinaryen } from "../jit/binaryen-loader.js";
import { compileToBytes } from "../jit/compile-job.js";
import type { CompileJob, CompileResult } from "../jit/compiler-thread.js";

const { replies } = workerData as { replies: MessagePort };
const binaryen = loadBinaryen();

parentPort!.on("message", async (job: CompileJob) => {
  const b = await binaryen;
  const started = performance.now();
  const bytes = b ? compileToBytes(b, job.proto, job.constants, job.inlines) : null;
  const result: CompileResult = { key: job.key, bytes, ms: performance.now() - started };
  replies.postMessage(result, bytes ? [bytes.buffer as ArrayBuffer] : []);
});
