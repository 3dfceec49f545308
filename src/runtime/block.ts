// Blocking the thread until a moment passes, for a synchronous run whose program sleeps. Atomics.wait
// sleeps without using the CPU; a thread that may not block (a page's main thread) cannot do this.

let cell: Int32Array | null | undefined;

function waitCell(): Int32Array | null {
  if (cell !== undefined) return cell;
  cell = null;
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") return cell;
  const c = new Int32Array(new SharedArrayBuffer(4));
  try {
    Atomics.wait(c, 0, 1, 0); // throws where the thread may not block
    cell = c;
  } catch {
    // stays null
  }
  return cell;
}

/** Blocks until `deadline` (performance.now() time); false when this thread cannot block. */
export function blockUntil(deadline: number): boolean {
  const c = waitCell();
  if (!c) return false;
  for (let left = deadline - performance.now(); left > 0; left = deadline - performance.now()) Atomics.wait(c, 0, 0, left);
  return true;
}
