// Storage of Noodle values: the value codec (codec.ts), the log-structured store (store.ts) with
// its log devices, MQL queries (mql.ts), and std/db's host side (db-host.ts).
export {
  CORRUPT_DATA,
  CodecError,
  FORMAT_VERSION,
  MAX_DEPTH,
  MAX_TENSOR_DIMS,
  decodeValue,
  encodeValue,
  valueHash,
  type ArrayValue,
  type StoredValue,
} from "./codec.js";
export { Store, type StoreStats, type StoreEntry } from "./store.js";
export { MemoryLog, ChunkLog, type LogDevice } from "./log-device.js";
export { prepareStorage, installStorage, openStore, usesStorage, type StorageEnvironment } from "./db-host.js";
export { defaultStorage, setDefaultLogOpener } from "./platform.js";
