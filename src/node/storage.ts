// Storage in Node: stores are files (see file-log.ts). Importing this module makes files the
// default for every store opened with a path.

import type { StorageEnvironment } from "../store/db-host.js";
import { defaultStorage, setDefaultLogOpener } from "../store/platform.js";
import { FileLog } from "./file-log.js";

setDefaultLogOpener((path) => FileLog.open(path));

/** What std/db and the Store API need in Node, loaded once per process. */
export function nodeStorage(): Promise<StorageEnvironment> {
  return defaultStorage();
}
