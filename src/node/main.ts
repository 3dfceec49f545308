// The library's entry point in Node: everything of src/index.ts, with stores kept in files, std/fs
// over Node's file system (under the permissions a caller gives), figures as SVG files and the core's fused multiply-add build where the engine can run it.
import "./engine.js";
import "./file-system.js";
import "./gpu-thread.js";
import "./jit-thread.js";
import "./storage.js";
import "./plot-files.js";
import "./pool.js";

export { Cluster, type ClusterOptions } from "../cluster/cluster.js";
export * from "../index.js";
export { FileLog } from "./file-log.js";
export { nodeWorkers } from "./pool.js";
