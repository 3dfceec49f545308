// A module as it travels to workers: its .nbc bytes and content hash, computed once per module.
import { encodeModule, moduleHash } from "../bytecode/codec.js";
import type { NbcModule } from "../bytecode/module.js";
import type { ModuleBytes } from "./protocol.js";

const cache = new WeakMap<NbcModule, ModuleBytes>();

export function moduleBytes(m: NbcModule): ModuleBytes {
  let b = cache.get(m);
  if (!b) cache.set(m, (b = { hash: moduleHash(m), bytes: encodeModule(m) }));
  return b;
}
