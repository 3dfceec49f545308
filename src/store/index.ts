// Storage of Noodle values: the value codec (codec.ts), the log-structured store (store.ts) with
// its log devices, MQL queries (mql.ts), and std/db's host side (db-host.ts).
export {
  type ArrayValue,
  CORRUPT_DATA,
  CodecError,
  decodeValue,
  encodeValue,
  FORMAT_VERSION,
  MAX_DEPTH,
  MAX_TENSOR_DIMS,
  type StoredValue,
  valueHash,
} from "../codec/value-codec.js";
export { installStorage, openStore, prepareStorage, type StorageEnvironment } from "./db-host.js";
export { ChunkLog, type LogDevice, MemoryLog } from "./log-device.js";
export { defaultStorage, setDefaultLogOpener } from "./platform.js";
export { Store, type StoreEntry, type StoreStats } from "./store.js";
export { usesStorage } from "./uses-storage.js";
