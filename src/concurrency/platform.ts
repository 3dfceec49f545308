// What a pool starts by default on this platform: Web Workers where there are any (browsers);
// Node's entry point registers worker_threads (src/node/pool.ts).
import type { EndpointFactory } from "./endpoint.js";
import { webWorkers } from "./web-endpoint.js";

let endpoints: EndpointFactory | undefined = typeof Worker !== "undefined" ? webWorkers() : undefined;
let poolSize: (() => number) | undefined;

export function setDefaultEndpoints(factory: EndpointFactory, size?: () => number): void {
  endpoints = factory;
  if (size) poolSize = size;
}

export function defaultEndpoints(): EndpointFactory | undefined {
  return endpoints;
}

/** The number of cores, as the platform tells it (at least 1). */
export function defaultPoolSize(): number {
  const cores = poolSize?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, cores);
}
