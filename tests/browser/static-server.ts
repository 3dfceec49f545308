// The static file server of the browser tests: the benchmark runner's server (serving the
// project root on 127.0.0.1 with the COOP/COEP headers that make pages cross-origin isolated).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error: plain JavaScript shared with the browser benchmark runner
import { CHROMIUM_ARGS as ARGS, startStaticServer as start, CHROMIUM_WEBGPU_ARGS as WEBGPU_ARGS } from "../../bench/browser/server.js";

/** The flags headless Chromium runs with in these tests and the browser benchmarks. */
export const CHROMIUM_ARGS: string[] = ARGS;

/** The same with WebGPU on (a software adapter). */
export const CHROMIUM_WEBGPU_ARGS: string[] = WEBGPU_ARGS;

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface StaticServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  close(): Promise<void>;
}

export function startStaticServer(root: string = PROJECT_ROOT): Promise<StaticServer> {
  return start(root);
}
