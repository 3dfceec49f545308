// Concurrency across workers: a pool of workers, each with its own VM (see docs/concurrency-pool.md).

export type { EndpointFactory, WorkerEndpoint } from "./endpoint.js";
export { setDefaultEndpoints } from "./platform.js";
export { type AttachOptions, type CallOptions, type MatrixLike, Pool, type PoolOptions } from "./pool.js";
export type { WorkerStats } from "./protocol.js";
export { webWorkers } from "./web-endpoint.js";
export { serveWorker, type WorkerPort } from "./worker-host.js";
