// One writer per store file: a lock file beside it (FILE.lock) holds the writing process's id.
// A lock whose process is gone (killed, crashed) is stale and is taken over; a live one, this
// process's own included, makes the open fail, so no two writers ever append to one log. Locks
// still held when the process exits are removed then.
import { closeSync, constants, fstatSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

export class StoreLockedError extends Error {}

const held = new Set<string>();
let cleanupInstalled = false;

function releaseAllAtExit(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once("exit", () => {
    for (const lock of held) {
      try {
        unlinkSync(lock);
      } catch {
        // gone already
      }
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The process id written in lock file `lock`. Only a regular file there is read: a symbolic link
 * is not followed (its target may be outside the roots) and a FIFO not waited on; both throw.
 */
function holderOf(lock: string): number {
  const fd = openSync(lock, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${lock} is not a regular file`);
    return Number(readFileSync(fd, "utf8"));
  } finally {
    closeSync(fd);
  }
}

/** Takes the lock of the store at `path`; returns its release. */
export function lockStore(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(lock);
      releaseAllAtExit();
      return () => {
        held.delete(lock);
        try {
          unlinkSync(lock);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let holder = NaN;
    try {
      holder = holderOf(lock);
    } catch {
      continue; // released meanwhile, or not a lock file at all
    }
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new StoreLockedError(`${path} is open for writing ${holder === process.pid ? "in this process already" : `in process ${holder}`}`);
    }
    try {
      unlinkSync(lock); // stale: its process is gone
    } catch {
      // someone else removed it first
    }
  }
  throw new StoreLockedError(`${path}: could not take its lock file ${lock}`);
}
