// Storage in Node: stores are files (see file-log.ts).
import { prepareStorage, type StorageEnvironment } from "../store/db-host.js";
import { FileLog } from "./file-log.js";

let env: Promise<StorageEnvironment> | undefined;

/** What std/db and the Store API need in Node, loaded once per process. */
export function nodeStorage(): Promise<StorageEnvironment> {
  env ??= prepareStorage((path) => FileLog.open(path));
  return env;
}
