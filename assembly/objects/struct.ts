// Structs: a definition (pinned: name and field names) and instances holding field values.
import { HEADER, T_STRUCT, T_STRUCTDEF, F_PINNED, STRUCT_DEF, STRUCT_FIELDS, SDEF_NAME, SDEF_COUNT, SDEF_INDEX, SDEF_DISPLAY, SDEF_FIELDS, setFlags } from "../heap/layout";
import { allocBlock, allocPinned } from "../heap/alloc";
import { raise } from "../vm/fault";
import { E_MEMORY_LIMIT } from "../vm/contract";

/** A struct instance of `def` with field values copied from `src` (u64 each). */
export function newStruct(def: u32, src: u32): u32 {
  const n = load<u32>(def, SDEF_COUNT);
  const p = allocBlock(STRUCT_FIELDS - HEADER + (n << 3), T_STRUCT);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  store<u32>(p, def, STRUCT_DEF);
  store<u32>(p, 0, STRUCT_DEF + 4);
  memory.copy(p + STRUCT_FIELDS, src, n << 3);
  return p;
}

/**
 * A pinned struct definition; field name pointers are copied from `fields` (u32 each). `display`
 * is the interned template its instances print with (see vm/format.ts), or 0.
 */
export function newStructDef(name: u32, count: u32, fields: u32, index: u32, display: u32): u32 {
  const p = allocPinned(SDEF_FIELDS - HEADER + (count << 2));
  store<u8>(p, T_STRUCTDEF);
  setFlags(p, F_PINNED);
  store<u32>(p, name, SDEF_NAME);
  store<u32>(p, count, SDEF_COUNT);
  store<u32>(p, index, SDEF_INDEX);
  store<u32>(p, display, SDEF_DISPLAY);
  memory.copy(p + SDEF_FIELDS, fields, count << 2);
  return p;
}
