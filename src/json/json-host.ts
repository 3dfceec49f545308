// The host side of std/json: `__json_parse` and `__json_stringify` (json-text.ts), in every VM.
import { HostError } from "../runtime/host-calls.js";
import type { JsValue } from "../runtime/values.js";
import type { VM } from "../runtime/vm.js";
import { parseJson, stringifyJson } from "./json-text.js";

export function installJson(vm: VM): void {
  vm.registerHost("__json_parse", ([text]) => {
    if (typeof text !== "string") throw HostError.of("InvalidArgument", "json.parse (the text is a string)");
    return parseJson(text);
  });
  vm.registerHost("__json_stringify", ([value, indent]) => {
    if (indent !== null && typeof indent !== "number" && typeof indent !== "string")
      throw HostError.of("InvalidArgument", "json.stringify (indent is a number of spaces or a string)");
    return stringifyJson(value as JsValue, indent);
  });
}
