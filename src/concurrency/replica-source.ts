// What a worker needs to run one of a caller's functions in a replica of its program: the
// caller's modules (loaded in the same order, so functions and globals keep their indices) and
// the globals that function can reach, copied with the value codec. A function reaches the
// globals its code names, those of the functions it creates, and through globals holding
// top-level functions, those of the functions it calls. Copying only these keeps a spawn cheap
// when the program holds large data elsewhere. What cannot be copied (a closure that captures
// variables, a value the codec does not carry) stays nil in the replica.

import { contentHash } from "../bytecode/codec.js";
import { decodeAt } from "../bytecode/instruction.js";
import type { NbcModule } from "../bytecode/module.js";
import { encodeValue, type StoredValue, WIRE } from "../codec/value-codec.js";
import { releaseArrays } from "../runtime/host-calls.js";
import { FUNCTION_CAPTURES, FUNCTION_INDEX, type JsValue, STORE_HANDLE, STRUCT_NAME } from "../runtime/values.js";
import type { VM } from "../runtime/vm.js";
import { moduleBytes } from "./module-bytes.js";
import type { ReplicaSource } from "./protocol.js";

/** The replica a worker needs for `vm`'s function `proto` (and the functions `also`, which call it there). */
export function replicaOf(vm: VM, proto: number, ...also: number[]): ReplicaSource {
  const hashes = moduleHashes(vm);
  let reached = reachableGlobals(vm, proto);
  if (also.length) reached = new Set([reached, ...also.map((p) => reachableGlobals(vm, p))].flatMap((r) => [...r]));
  // a function of its arguments alone (the usual task) needs no globals: nothing to encode
  const capabilities = capabilitiesOf(vm);
  if (reached.size === 0) return { globals: NO_GLOBALS, globalsHash: NO_GLOBALS_HASH, hashes, capabilities };
  const { bytes, complete } = encodeGlobals(vm, reached);
  return { globals: bytes, globalsHash: contentHash(bytes), hashes, capabilities, ...(complete ? {} : { incomplete: true }) };
}

/** What the replica may do, as the VM's; one object while they stay the same, so replicas alike compare as alike cheaply. */
function capabilitiesOf(vm: VM): ReplicaSource["capabilities"] {
  const known = capabilitiesFor.get(vm);
  if (known?.permissions === vm.permissions && known.args === vm.args) return known.value;
  const value = { permissions: vm.permissions.toOptions(), args: [...vm.args] };
  capabilitiesFor.set(vm, { permissions: vm.permissions, args: vm.args, value });
  return value;
}
const capabilitiesFor = new WeakMap<VM, { permissions: VM["permissions"]; args: VM["args"]; value: ReplicaSource["capabilities"] }>();

const NO_GLOBALS = encodeValue([], WIRE);
const NO_GLOBALS_HASH = contentHash(NO_GLOBALS);
const NOTHING: ReadonlySet<number> = new Set();

/** The hashes of a VM's modules in load order (modules are only ever added). */
function moduleHashes(vm: VM): string[] {
  let hashes = hashesOf.get(vm);
  if (!hashes || hashes.length !== vm.modules.length) hashesOf.set(vm, (hashes = vm.modules.map((m) => moduleBytes(m).hash)));
  return hashes;
}
const hashesOf = new WeakMap<VM, string[]>();

/** What one function's code names: globals, and functions it makes closures of. */
interface Names {
  globals: number[];
  functions: number[];
  /** Whether it, or a function it makes closures of (at any depth), names any global. */
  namesGlobals?: boolean;
  /** Whether its code assigns a global. */
  writesGlobal: boolean;
}

const namesOf = new WeakMap<NbcModule, Names[]>();

function names(vm: VM, fn: number): Names | undefined {
  for (const m of vm.modules) {
    const i = fn - m.functionBase;
    if (i < 0 || i >= m.functions.length) continue;
    let table = namesOf.get(m);
    if (!table) namesOf.set(m, (table = m.functions.map((f) => scan(f.code))));
    return table[i];
  }
  return undefined;
}

function scan(code: Uint32Array): Names {
  const found: Names = { globals: [], functions: [], writesGlobal: false };
  for (let at = 0; at < code.length; ) {
    const ins = decodeAt(code, at);
    if (!ins) break;
    ins.spec.operands.forEach((role, i) => {
      if (role === "g") found.globals.push(ins.operands[i]);
      else if (role === "p") found.functions.push(ins.operands[i]);
    });
    if (ins.spec.ext === "g") found.globals.push(ins.ext!);
    if (ins.spec.name === "SETGLOBAL" || ins.spec.name === "SETGLOBALX") found.writesGlobal = true;
    at += ins.size;
  }
  return found;
}

/** Whether function `fn`'s code, or that of the functions it makes closures of, names a global. */
export function namesGlobals(vm: VM, fn: number, depth = 0): boolean {
  const n = names(vm, fn);
  if (!n) return false;
  // closures nest as deep as the source does; past a bound, just say yes and look
  n.namesGlobals ??= n.globals.length > 0 || depth > 64 || n.functions.some((f) => namesGlobals(vm, f, depth + 1));
  return n.namesGlobals;
}

/** The globals function `proto` of `vm` can reach now. */
export function reachableGlobals(vm: VM, proto: number): ReadonlySet<number> {
  // a task of its arguments alone (the common case) is decided without a walk
  if (!namesGlobals(vm, proto)) return NOTHING;
  return reach(vm, proto).globals;
}

/**
 * Whether code function `proto` of `vm` can reach now assigns a global. Such work cannot run in
 * a replica: its assignments would stay there, where the program would not see them.
 */
export function writesGlobals(vm: VM, proto: number): boolean {
  if (!namesGlobals(vm, proto)) return false;
  return reach(vm, proto).writes;
}

/** The globals function `proto` reaches (see the top of this file), and whether any code it reaches assigns one. */
function reach(vm: VM, proto: number): { globals: Set<number>; writes: boolean } {
  let writes = false;
  const globals = new Set<number>();
  const seen = new Set<number>([proto]);
  const todo = [proto];
  const visit = (fn: number | undefined) => {
    if (fn !== undefined && !seen.has(fn)) {
      seen.add(fn);
      todo.push(fn);
    }
  };
  while (todo.length) {
    const n = names(vm, todo.pop()!);
    if (!n) continue;
    writes ||= n.writesGlobal;
    n.functions.forEach(visit);
    for (const g of n.globals) {
      if (globals.has(g)) continue;
      globals.add(g);
      visit(vm.globalFunction(g));
    }
  }
  return { globals, writes };
}

/**
 * Whether `vm`'s function `proto` on `items` may use a store of std/db: a store among the items
 * or the globals it reaches, or a function of std/db among those (db.open). Only a replica that
 * can wait for the store's owner (one hosting tasks, not pmap's) can run it.
 */
export function reachesStores(vm: VM, proto: number, items: JsValue[]): boolean {
  if (holdsStore(items)) return true;
  for (const g of reachableGlobals(vm, proto)) {
    const fn = vm.globalFunction(g);
    if (fn !== undefined) {
      if (fileOf(vm, fn) === "std/db") return true;
      continue;
    }
    const value = vm.global(g);
    try {
      if (holdsStore(value)) return true;
    } finally {
      releaseArrays(value);
    }
  }
  return false;
}

function fileOf(vm: VM, fn: number): string | undefined {
  for (const m of vm.modules) {
    const f = m.functions[fn - m.functionBase];
    if (f) return m.files[f.file];
  }
  return undefined;
}

function holdsStore(v: JsValue, depth = 0): boolean {
  if (v === null || typeof v !== "object" || depth > 100) return false;
  if (Array.isArray(v)) return v.some((x) => holdsStore(x, depth + 1));
  if (v instanceof Map) return [...v.values()].some((x) => holdsStore(x, depth + 1));
  const o = v as Record<string | symbol, JsValue>;
  if (typeof o[STORE_HANDLE] === "number") return true;
  return STRUCT_NAME in o && Object.values(o).some((x) => holdsStore(x, depth + 1));
}

/**
 * The globals `only` of the caller, encoded for a replica: a list of [index, "f", function index]
 * (a top-level function) or [index, "v", value]; those that cannot be copied are left out (then
 * the copy is not `complete`).
 */
function encodeGlobals(vm: VM, only: ReadonlySet<number>): { bytes: Uint8Array; complete: boolean } {
  const read: JsValue[] = [];
  const entries: StoredValue[] = [];
  let complete = true;
  for (const i of [...only].sort((a, b) => a - b)) {
    const v = vm.global(i);
    read.push(v);
    const fn = v as Record<symbol, number> | null;
    if (typeof fn?.[FUNCTION_INDEX] === "number") {
      if (fn[FUNCTION_CAPTURES] === 0) entries.push([i, "f", fn[FUNCTION_INDEX]]);
      else complete = false;
    } else entries.push([i, "v", v as StoredValue]);
  }
  try {
    try {
      return { bytes: encodeValue(entries, WIRE), complete };
    } catch {
      // some global cannot be copied (a list holding a function, an actor living in the VM, ...): it stays nil over there
      return { bytes: encodeValue(entries.filter(copyable), WIRE), complete: false };
    }
  } finally {
    releaseArrays(read);
  }
}

function copyable(v: StoredValue): boolean {
  try {
    encodeValue(v, WIRE);
    return true;
  } catch {
    return false;
  }
}
