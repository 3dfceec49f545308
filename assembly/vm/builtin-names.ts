// Names of builtins as Noodle strings, made on first use (for `<func print>` and messages).
import { pinnedLiteral } from "../objects/string";
import { builtinNameLiteral, BI_COUNT } from "./opcodes";

const names = <u32>memory.data(4 * 256);

export function builtinName(id: u32): u32 {
  if (id >= BI_COUNT) id = 0;
  let p = load<u32>(names + (id << 2));
  if (p == 0) {
    p = pinnedLiteral(builtinNameLiteral(id));
    store<u32>(names + (id << 2), p);
  }
  return p;
}
