// Concurrency across workers: a pool of workers, each with its own VM (see docs/concurrency-pool.md).
export { Pool, type PoolOptions, type CallOptions, type AttachOptions, type MatrixLike } from "./pool.js";
export type { WorkerEndpoint, EndpointFactory } from "./endpoint.js";
export type { WorkerStats } from "./protocol.js";
export { setDefaultEndpoints } from "./platform.js";
export { webWorkers } from "./web-endpoint.js";
export { serveWorker, type WorkerPort } from "./worker-host.js";
