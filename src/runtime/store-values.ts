// A store of std/db as a value that crosses between VMs: a program's VM and the VMs hosting its
// tasks and actors on a pool's workers. In a program a store is std/db's Store struct, whose
// functions are closures over the store's handle; the store itself lives with the VM that opened
// it. Read from a VM, such a struct is marked with its handle (STORE_HANDLE) and the wire codec
// carries it as a reference; the VM that takes it in makes a Store of its own whose closures hold
// the same handle, so its calls name the same store (src/store/store-ops.ts carries them
// to it). A VM keeps one Store value per handle, so a store stays one value there (`==`, fields).

import type { FunctionProto } from "../bytecode/module.js";
import type { CoreExports } from "./core.js";
import * as L from "./heap-layout.generated.js";
import { type JsValue, numberValue, objectValue } from "./values.js";

/** std/db's Store struct: its fields in declaration order, all but `path` closures over the handle. */
const FIELDS = ["path", "put", "get", "has", "delete", "keys", "transaction", "query", "close"];
const STD_DB = "std/db";

/** What store values need of their VM. */
export interface StoreValuesVm {
  readonly core: CoreExports;
  /** The functions loaded so far, in order, with the file each comes from. */
  loadedFunctions(): readonly { proto: FunctionProto; file: string }[];
  /** The struct type with this name and fields (defined when missing). */
  structType(name: string, fields: string[]): number;
  toValue(v: unknown): bigint;
}

export class StoreValues {
  /** std/db's Store functions here by field name, once std/db is loaded; how many functions were looked at. */
  private methods: Map<string, number> | undefined;
  private looked = 0;
  /** Each store's value here, kept alive (a core handle), by store handle. */
  private readonly values = new Map<number, number>();
  /** A table of one word (a closure's captured handle) and one of the struct's fields. */
  private scratch = 0;

  constructor(private readonly vm: StoreValuesVm) {}

  /** std/db's store functions, when std/db is loaded here. */
  private storeMethods(): Map<string, number> | undefined {
    const functions = this.vm.loadedFunctions();
    if (this.methods || functions.length === this.looked) return this.methods;
    const found = new Map<string, number>();
    for (let i = this.looked; i < functions.length; i++) {
      const { proto, file } = functions[i];
      if (file === STD_DB && proto.captures.length === 1 && FIELDS.includes(proto.name) && !found.has(proto.name)) found.set(proto.name, i);
    }
    this.looked = functions.length;
    if (found.size === FIELDS.length - 1) this.methods = found;
    return this.methods;
  }

  /** The handle of the store struct at p, or undefined when p is not a store of std/db. */
  handleOf(p: number): number | undefined {
    const methods = this.storeMethods();
    if (!methods) return undefined;
    const u32 = new Uint32Array(this.vm.core.memory.buffer);
    // a store's `put` (its second field) is std/db's put, closing over the handle
    const def = u32[(p + L.STRUCT_DEF) >>> 2];
    if (u32[(def + L.SDEF_COUNT) >>> 2] !== FIELDS.length) return undefined;
    const at = (p + L.STRUCT_FIELDS + 8) >>> 2;
    if (u32[at + 1] !== Number(L.TAG_OBJ >> 32n)) return undefined;
    const put = u32[at];
    if (new Uint8Array(this.vm.core.memory.buffer)[put] !== L.T_CLOSURE || u32[(put + L.CLO_PROTO) >>> 2] !== methods.get("put")) return undefined;
    const box = u32[(put + L.CLO_CAPS) >>> 2];
    const handle = new Float64Array(this.vm.core.memory.buffer)[(box + L.BOX_VALUE) >>> 3];
    if (!Number.isInteger(handle) || handle <= 0) return undefined;
    if (!this.values.has(handle)) this.keep(handle, p);
    return handle;
  }

  /** The store `handle` (named `path`) as a value here: the one this VM has, else a new Store over the handle. */
  make(handle: number, path: JsValue): bigint {
    const kept = this.values.get(handle);
    const core = this.vm.core;
    if (kept !== undefined) return new BigUint64Array(core.memory.buffer, core.handleAddress(kept), 1)[0];
    const methods = this.storeMethods();
    if (!methods) throw new RangeError("a store came from another VM, but std/db is not loaded here");
    this.scratch ||= core.allocTable(8 * (1 + FIELDS.length));
    const captured = this.scratch;
    const fields = captured + 8;
    new BigUint64Array(core.memory.buffer, captured, 1)[0] = numberValue(handle);
    const words = FIELDS.map((f) => {
      if (f === "path") return this.vm.toValue(path);
      const word = BigInt.asUintN(64, core.closureOver(methods.get(f)!, captured, 1));
      if (word === L.NIL) throw new RangeError("out of memory making a store");
      return word;
    });
    new BigUint64Array(core.memory.buffer, fields, FIELDS.length).set(words);
    const p = core.newStruct(this.vm.structType("Store", FIELDS), fields);
    if (p === 0) throw new RangeError("out of memory making a store");
    this.keep(handle, p);
    return objectValue(p);
  }

  private keep(handle: number, p: number): void {
    const kept = this.vm.core.retainPointer(p);
    if (kept !== 0) this.values.set(handle, kept);
  }
}
