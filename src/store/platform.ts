// The storage a platform offers by default: Node's entry point registers files; without a
// registration (browsers, until IndexedDB stores are opened through the library) only stores
// without a path open.
import { prepareStorage, type StorageEnvironment } from "./db-host.js";
import type { LogDevice } from "./log-device.js";

let opener: ((path: string) => LogDevice) | undefined;
let prepared: Promise<StorageEnvironment> | undefined;

/** Sets how stores named by a path are opened on this platform. */
export function setDefaultLogOpener(open: (path: string) => LogDevice): void {
  opener = open;
  prepared = undefined;
}

/** The platform's storage, loaded once. */
export function defaultStorage(): Promise<StorageEnvironment> {
  prepared ??= prepareStorage(opener);
  return prepared;
}
