// Loads the WebAssembly core. The module is compiled once per process; every VM is a fresh
// instance of it with its own memory, wired to the host functions below.

export interface CoreExports {
  memory: WebAssembly.Memory;
  /** The function table the core calls compiled code through (see src/jit/). */
  table: WebAssembly.Table;
  /** The compiled tier: mode 0 off, 1 on, 2 eager; a function is hot after `threshold` samples. */
  setJit(mode: number, threshold: number): void;
  /** Function `index` uses the compiled code in table slot `slot` from its first call. */
  jitUseCompiled(index: number, slot: number): void;
  jitDeopts(): number;
  jitAbandoned(): number;
  init(): void;
  allocTable(bytes: number): number;
  newString(bytes: number): number;
  finishString(p: number, pinned: number): number;
  defineProto(
    code: number,
    len: number,
    nparams: number,
    nrequired: number,
    nregs: number,
    ncaps: number,
    caps: number,
    kbase: number,
    handlers: number,
    nhandlers: number,
    name: number,
  ): number;
  defineStruct(name: number, count: number, fields: number, display: number): number;
  structDef(i: number): number;
  ensureGlobals(n: number): void;
  globalsAddress(): number;
  runFunction(proto: number): number;
  callFunction(fnAddr: number, args: number, n: number): number;
  applyBuiltin(id: number, args: number, n: number): number;
  resume(): number;
  retain(addr: number): number;
  retainPointer(p: number): number;
  release(handle: number): void;
  handleAddress(handle: number): number;
  resultSlot(): number;
  setLimits(depth: number, steps: number, memory: number): void;
  stepsLeft(): number;
  /** The run may spend `steps` more steps before 4002, pausing after `slice` of them (the limit its message names stays). */
  grantSteps(steps: number, slice: number): void;
  /** The heap bytes this VM may hold from now (0: no limit). */
  setHeapLimit(bytes: number): void;
  collect(): void;
  heapInUse(): number;
  heapCommitted(): number;
  collectionCount(): number;
  /** What metrics read when scraped (assembly/vm/counters.ts; src/metrics/vm-metrics.ts). */
  stepsExecuted(): number;
  gcPauseBuckets(): number;
  gcPauseTable(): number;
  fiberStates(out: number): void;
  actorCount(which: number): number;
  newList(cap: number): number;
  listPush(p: number, v: bigint): void;
  newMap(cap: number): number;
  mapSet(p: number, k: bigint, v: bigint): void;
  newStruct(def: number, src: number): number;
  newError(code: number, message: number): bigint;
  newMatrix(rows: number, cols: number, dtype: number): number;
  newTensor(ndim: number, shape: number, dtype: number): number;
  lastFault(): number;
  setSupervision(restarts: number, windowMs: number): void;
  newHostFuture(): number;
  settleFuture(p: number, addr: number, failed: number): void;
  pendingHostFutures(): number;
  nextDeadline(): number;
  abandonRun(): void;
  fiberCount(): number;
  blockedFibers(): number;
  breakDeadlockAcross(elsewhere: number): number;
  currentFiber(): number;
  setSpawnOffers(on: number): void;
  raiseFromHost(code: number): void;
  setParallelThreshold(work: number): void;
  gemmInto(a: number, b: number, c: number, m: number, k: number, n: number, dtype: number): void;
  /** f32 arrays of at least this many elements are offered to the host's arrayOp; 0: none. */
  setArrayOffers(elements: number): void;
  /** Computes an offered f32 array operation with the core's own kernel (as arrayOp's arguments). */
  arrayOpInto(kind: number, op: number, a: number, b: number, out: number, n: number, x: number): void;
  freeTable(addr: number): void;
  closureOf(protoIndex: number): bigint;
  /** A closure of function `protoIndex` over n new variables holding the n values at `values`; NIL when it captures another number. */
  closureOver(protoIndex: number, values: number, n: number): bigint;
  spawnActorOf(protoIndex: number): bigint;
  remoteActor(id: number, name: number): bigint;
  spawnTaskOf(protoIndex: number, args: number, n: number): number;
  postMessage(actor: number, name: number, args: number, n: number): number;
  deliver(): number;
  cancelHosted(p: number): number;
  futureOutcome(p: number, out: number): number;
  /** After a full collection: a table (freed with freeTable) of the live actors' addresses, its count first. */
  liveActors(): number;
  /** Runs constructor closure `ctor` on a copy of actor p's state as a task: its future, 1 when it has no state yet, 0 with a fault. */
  trySwitch(p: number, ctor: number): number;
  /** Actor p switches to constructor closure `ctor` at its next message boundary (`back`: a rollback; `keep`: to the state at its last switch). */
  markSwitch(p: number, ctor: number, back: number, keep: number): void;
  /** Writes messages handled, messages failed and switches failed (f64s) at `out`. */
  actorCounters(out: number): void;
  /** The pauses of the actors' switches since the last call (nanoseconds): a table (freed with freeTable), its count first. */
  takeSwitchPauses(): number;
}

/** What the core calls back into; a VM fills these in once it has the instance. */
export interface HostFunctions {
  write(fd: number, ptr: number, len: number): void;
  formatNumber(x: number, out: number): number;
  parseNumber(ptr: number, len: number, okOut: number): number;
  clock(): number;
  math(fn: number, x: number, y: number): number;
  errorMessage(code: number, argc: number, argsPtr: number): number;
  renderTrace(list: number): number;
  call(id: number, args: number, n: number, out: number): number;
  /** Computes a large matrix product into C (see assembly/vm/parallel.ts); 1 when done, 0 to decline. */
  matmul(a: number, b: number, c: number, m: number, k: number, n: number, dtype: number): number;
  /** Computes an f32 array operation (see assembly/vm/array-offers.ts); 1 when done, 0 to decline. */
  arrayOp(kind: number, op: number, a: number, b: number, out: number, n: number, x: number): number;
  spawn(proto: number, args: number, n: number, out: number): number;
  /** A new actor of constructor `proto` placed elsewhere: the host's id for it, or 0 to keep it here. */
  spawnActor(proto: number): number;
  /** Message `name(args)` to the host's actor `id`: 1 with its future at `out`, 0 with a fault raised. */
  sendActor(id: number, name: number, args: number, n: number, out: number): number;
  /** Nobody waits for host future p any more: the host may cancel the work behind it. */
  cancel(p: number): void;
  /** After a collection, the heap bytes in use: the VM's memory limit from now, or -1 to keep it. */
  heapShare(inUse: number): number;
  /** Compiles function `proto` (see src/jit/): its table slot, 0 to ask again later, -1 never. */
  jitCompile(proto: number): number;
  /** An actor's supervisor restarted it (kind 0) or stopped it (1): the actor's address and name (a string), for the log. */
  actorEvent(kind: number, actor: number, name: number): void;
}

/** "relaxed": the build with fused multiply-add (relaxed SIMD); "simd": plain SIMD. */
export type CoreVariant = "relaxed" | "simd";

const compiled = new Map<CoreVariant, Promise<WebAssembly.Module>>();
let preferred: CoreVariant | undefined;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SEXTETS = new Uint8Array(128);
for (let i = 0; i < 64; i++) SEXTETS[BASE64.charCodeAt(i)] = i;

/**
 * A native base64 decoder where the platform has one (0.5 ms for the core, where the loop below
 * takes 5 to 15 before the engine optimises it): the engine's own `Uint8Array.fromBase64`, or
 * what the platform's entry sets (Node 20's Buffer, src/node/engine.ts).
 */
const fromBase64 = (Uint8Array as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
let nativeBase64: ((text: string) => Uint8Array) | undefined = fromBase64 && ((text) => fromBase64.call(Uint8Array, text));

export function setBase64Decoder(decode: (text: string) => Uint8Array): void {
  nativeBase64 ??= decode;
}

/** Decodes standard base64 (the embedded core) straight into bytes. */
function decodeBase64(text: string): Uint8Array {
  if (nativeBase64) return nativeBase64(text);
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (SEXTETS[text.charCodeAt(i)] << 18) | (SEXTETS[text.charCodeAt(i + 1)] << 12) | (SEXTETS[text.charCodeAt(i + 2)] << 6) | SEXTETS[text.charCodeAt(i + 3)];
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

/** A minimal module using one relaxed-SIMD instruction (f32x4.relaxed_madd), to test for support. */
// biome-ignore format: one line per part of the module, with what it is
const RELAXED_SIMD_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array(16).fill(0)]), // three v128.const 0
  0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd, end
]);

/** The relaxed build where this engine supports relaxed SIMD, else the plain one. */
export function bestCoreVariant(): CoreVariant {
  preferred ??= WebAssembly.validate(RELAXED_SIMD_PROBE) ? "relaxed" : "simd";
  return preferred;
}

export function coreModule(variant: CoreVariant = bestCoreVariant()): Promise<WebAssembly.Module> {
  let m = compiled.get(variant);
  if (!m) {
    // each build is its own module, loaded only when used
    const source = variant === "relaxed" ? import("./core-relaxed.generated.js") : import("./core-simd.generated.js");
    m = source.then(({ WASM_BASE64 }) => WebAssembly.compile(decodeBase64(WASM_BASE64) as BufferSource));
    compiled.set(variant, m);
  }
  return m;
}

export async function instantiateCore(host: HostFunctions, variant?: CoreVariant): Promise<CoreExports> {
  const table = new WebAssembly.Table({ initial: 1, element: "anyfunc" });
  const instance = await WebAssembly.instantiate(await coreModule(variant), {
    env: { table },
    host: {
      write: (fd: number, ptr: number, len: number) => host.write(fd, ptr, len),
      formatNumber: (x: number, out: number) => host.formatNumber(x, out),
      parseNumber: (ptr: number, len: number, ok: number) => host.parseNumber(ptr, len, ok),
      clock: () => host.clock(),
      math: (fn: number, x: number, y: number) => host.math(fn, x, y),
      errorMessage: (code: number, argc: number, args: number) => host.errorMessage(code, argc, args),
      renderTrace: (list: number) => host.renderTrace(list),
      call: (id: number, args: number, n: number, out: number) => host.call(id, args, n, out),
      matmul: (a: number, b: number, c: number, m: number, k: number, n: number, dt: number) => host.matmul(a, b, c, m, k, n, dt),
      arrayOp: (kind: number, op: number, a: number, b: number, out: number, n: number, x: number) => host.arrayOp(kind, op, a, b, out, n, x),
      spawn: (proto: number, args: number, n: number, out: number) => host.spawn(proto, args, n, out),
      spawnActor: (proto: number) => host.spawnActor(proto),
      // ids are u32, which arrive here as signed numbers
      sendActor: (id: number, name: number, args: number, n: number, out: number) => host.sendActor(id >>> 0, name, args, n, out),
      cancel: (p: number) => host.cancel(p),
      heapShare: (inUse: number) => host.heapShare(inUse),
      jitCompile: (proto: number) => host.jitCompile(proto),
      actorEvent: (kind: number, actor: number, name: number) => host.actorEvent(kind, actor, name),
    },
  });
  const exports = { ...instance.exports, table } as unknown as CoreExports;
  exports.init();
  return exports;
}
