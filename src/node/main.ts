// The library's entry point in Node: everything of src/index.ts, with stores kept in files.
import "./storage.js";
import "./pool.js";

export * from "../index.js";
export { FileLog } from "./file-log.js";
export { nodeWorkers } from "./pool.js";
