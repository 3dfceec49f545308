// The host side of std/fs and std/sys: the `__fs_*` and `__sys_*` host builtins, over the
// platform's file system (file-system.ts) and under the VM's permissions (permissions.ts). Every
// path is resolved before it is checked, so `..` and symbolic links cannot leave a root.

import { type FileSystem, platformFileSystem, validPath } from "./file-system.js";
import { HostError } from "./host-calls.js";
import type { Access } from "./permissions.js";
import type { JsValue } from "./values.js";
import type { VM } from "./vm.js";

/** The exit code of `sys.exit(code)`: nil is 0; else a whole number from 0 to 255. */
function exitCode(code: JsValue): number {
  if (code === null) return 0;
  if (typeof code !== "number" || !Number.isInteger(code) || code < 0 || code > 255)
    throw HostError.of("InvalidArgument", "sys.exit (an exit code is a whole number from 0 to 255)");
  return code;
}

function text(v: JsValue, fn: string): string {
  if (typeof v !== "string") throw HostError.of("InvalidArgument", fn);
  return v;
}

/** Registers std/fs's and std/sys's host builtins in `vm`. */
export function installSystem(vm: VM): void {
  /** The resolved path of `path` once the program may access it so, with the file system to use. */
  const allowed = (access: Access, action: string, path: JsValue, fn: string): [FileSystem, string] => {
    const shown = validPath(text(path, fn), fn);
    const fs = platformFileSystem();
    if (!fs) throw HostError.of("NoFileSystem", action, shown);
    const resolved = fs.resolve(shown);
    vm.permissions.check(access, resolved, shown, fs.absolute?.(shown) ?? resolved);
    return [fs, resolved];
  };

  vm.registerHost("__fs_read", ([path]) => {
    const [fs, at] = allowed("read", "read", path, "fs.read");
    // a file bigger than the program may hold is refused before the host reads it
    return fs.read(at, vm.limits.maxMemory);
  });
  vm.registerHost("__fs_write", ([path, data]) => {
    const content = text(data, "fs.write");
    const [fs, at] = allowed("write", "write", path, "fs.write");
    fs.write(at, content);
    return null;
  });
  vm.registerHost("__fs_append", ([path, data]) => {
    const content = text(data, "fs.append");
    const [fs, at] = allowed("write", "append to", path, "fs.append");
    fs.append(at, content);
    return null;
  });
  vm.registerHost("__fs_exists", ([path]) => {
    const [fs, at] = allowed("read", "look for", path, "fs.exists");
    return fs.exists(at);
  });
  vm.registerHost("__fs_list", ([path]) => {
    const [fs, at] = allowed("read", "list", path, "fs.list");
    return fs.list(at);
  });

  vm.registerHost("__sys_args", () => [...vm.args]);
  vm.registerHost("__sys_env", ([name]) => {
    const key = text(name, "sys.env");
    vm.permissions.checkEnv(key);
    return platformFileSystem()?.env(key) ?? null;
  });
  vm.registerHost("__sys_exit", ([code]) => {
    const n = exitCode(code);
    vm.requestExit(n);
    // not catchable: the core ends the run at once, past every handler
    throw HostError.of("Exit", String(n));
  });
  vm.registerHost("__sys_now", () => Date.now());
}
