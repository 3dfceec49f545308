// The script of the GPU relay thread (gpu-relay.ts), bundled as dist/bundle/gpu-relay.js: it
// starts the GPU process with its stderr captured, so that Dawn's Vulkan warnings never reach
// the user's terminal, and with SwiftShader's Vulkan driver where that is all there may be.
import { fork } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import type { FromGpuProcess, ToGpu } from "../gpu/protocol.js";
import { dawnSaid, GpuRelay } from "./gpu-relay.js";

/** The process's script, bundled with tfjs (the same path from src/node/, dist/node/ and dist/bundle/). */
const SCRIPT = new URL("../../dist/bundle/gpu-process.js", import.meta.url);

/** Debian Chromium's SwiftShader, a Vulkan driver on the CPU. */
const SWIFTSHADER = "/usr/lib/chromium/vk_swiftshader_icd.json";
/** Where Vulkan's loader finds the system's drivers. */
const DRIVER_FOLDERS = ["/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d", "/usr/share/vulkan/icd.d"];
/** Keep the end of the process's stderr, no more. */
const STDERR_KEPT = 16 * 1024;

/**
 * The process's environment: where the user chose no Vulkan drivers and SwiftShader is there, the
 * system's drivers and SwiftShader after them (a hardware GPU's adapter still comes first).
 */
function gpuEnvironment(): NodeJS.ProcessEnv {
  const env = process.env;
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || !existsSync(SWIFTSHADER)) return env;
  const drivers = DRIVER_FOLDERS.flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => `${dir}/${f}`);
    } catch {
      return [];
    }
  });
  return { ...env, VK_ICD_FILENAMES: [...drivers, SWIFTSHADER].join(":") };
}

const child = fork(SCRIPT, [], {
  execArgv: [],
  env: gpuEnvironment(),
  serialization: "advanced",
  stdio: ["ignore", "ignore", "pipe", "ipc"],
});
// its id while it runs, for the program's process to end it on exit (gpu-thread.ts)
const { gpuProcess } = workerData as { gpuProcess: Int32Array };
Atomics.store(gpuProcess, 0, child.pid ?? 0);
child.on("exit", () => Atomics.store(gpuProcess, 0, 0));
let stderr = "";
child.stderr!.setEncoding("utf8");
child.stderr!.on("data", (text: string) => {
  stderr = (stderr + text).slice(-STDERR_KEPT);
});

const port = parentPort!;
const relay = new GpuRelay((m) => port.postMessage(m), {
  // a process that has gone fails its operation when its end is seen, not here
  send: (m) => child.send(m, () => {}),
  onMessage: (handler) => child.on("message", (m) => handler(m as FromGpuProcess)),
  onEnd: (handler) => {
    child.on("error", (e) => handler(`it failed: ${e.message}`, []));
    // ended once it has exited and its stderr is read to the end ("close" does not come once the channel was let go)
    let how: string | undefined;
    let read = false;
    const end = () => {
      if (how !== undefined && read) handler(how, dawnSaid(stderr));
    };
    child.on("exit", (code, signal) => {
      how = signal ? `signal ${signal}` : `exit code ${code}`;
      end();
    });
    child.stderr!.on("close", () => {
      read = true;
      end();
    });
  },
  release: () => {
    if (child.connected) child.disconnect();
  },
  kill: () => child.kill("SIGKILL"),
});
port.on("message", (m: ToGpu) => relay.receive(m));
