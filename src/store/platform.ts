// The storage a platform offers by default: Node's entry point registers files; browsers (where
// `indexedDB` exists) get IndexedDB; elsewhere only stores without a path open.
import { prepareStorage, type StorageEnvironment } from "./db-host.js";
import type { LogDevice } from "./log-device.js";

type Opener = (path: string) => LogDevice | Promise<LogDevice>;

/** IndexedDB where there is one; loaded only when a store is opened. */
const indexedDbOpener: Opener | undefined = "indexedDB" in globalThis ? (path) => import("./idb-log.js").then(({ IdbLog }) => IdbLog.open(path)) : undefined;

let opener: Opener | undefined = indexedDbOpener;
let prepared: Promise<StorageEnvironment> | undefined;

/** Sets how stores named by a path are opened on this platform. */
export function setDefaultLogOpener(open: Opener): void {
  opener = open;
  prepared = undefined;
}

/** The platform's storage, loaded once. */
export function defaultStorage(): Promise<StorageEnvironment> {
  prepared ??= prepareStorage(opener);
  return prepared;
}
