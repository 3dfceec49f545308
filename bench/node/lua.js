// The Lua peer: runs `lua5.4 FILE` as a child process. Process start-up is
// measured with `lua5.4 -e ''` and reported apart (startup_ms), and the
// harness subtracts it to give net_ms.

import { spawnSync } from "node:child_process";
import { processRunner, rootRelative, which } from "./host.js";

export function luaImpl(command = "lua5.4") {
  let exe = null;
  const probe = () => processRunner(exe, ["-e", ""]);
  return {
    name: command,
    lang: "lua",
    async init() {
      exe = which(command);
      if (!exe) return { ok: false, reason: `${command} not found on PATH` };
      const v = spawnSync(exe, ["-v"], { encoding: "utf8" });
      const version = `${v.stdout ?? ""}${v.stderr ?? ""}`
        .trim()
        .split("\n")[0]
        .replace(/\s+Copyright.*$/, "");
      return { ok: true, fields: { version }, overhead: { run: probe() } };
    },
    async prepare(_case, path) {
      const file = rootRelative(path);
      return { run: processRunner(exe, [file]), fields: { command: `${command} ${file}` } };
    },
    // For the start-up row, the same probe the net times subtract.
    async startup() {
      return { run: probe(), expected: "", fields: { command: `${command} -e ''` } };
    },
  };
}
