// The numpy peer: one python3 child process (peers/dense/numpy_peer.py) for the whole suite,
// driven by JSON lines. A case's setup sends the input once and gets the result back to check;
// a timed run asks for the operation once and waits for the answer. The round trip alone (a
// no-op command) is the fixed per-run cost the harness measures and subtracts (startup_ms).
// numpy runs on one core (OPENBLAS_NUM_THREADS=1 and the like), as Noodle does. Without
// python3, or when it cannot import numpy, the peer is skipped with the reason.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { benchPath, projectRoot, which } from "./host.js";

const SCRIPT = "peers/dense/numpy_peer.py";
const ONE_THREAD = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

/** A child speaking one JSON line per command; `ask` resolves to the parsed answer. */
function startChild(exe) {
  const child = spawn(exe, [benchPath(SCRIPT)], { cwd: projectRoot, env: { ...process.env, ...ONE_THREAD }, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const waiting = [];
  const failAll = (why) => {
    for (const w of waiting.splice(0)) w.reject(new Error(why));
  };
  createInterface({ input: child.stdout }).on("line", (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.on("exit", (code) => failAll(`${SCRIPT} exited (${code}): ${stderr.trim().split("\n").pop() ?? ""}`));
  child.on("error", (e) => failAll(e.message));
  return {
    ask(cmd) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(JSON.stringify(cmd) + "\n");
      });
    },
    close() {
      child.stdin.end();
    },
    stderr: () => stderr,
  };
}

/**
 * The peer for the harness. `setupCase(c)` gives { op, n, a, what, check(out) }: the command's op,
 * the size and row-major input, the call it times (for the `timed` field) and the suite's verdict
 * on numpy's result (a list of row-major arrays).
 */
export function numpyPeer(setupCase) {
  let child = null;
  return {
    name: "numpy",
    lang: "numpy",
    async init() {
      const exe = which("python3");
      if (!exe) return { ok: false, reason: "python3 not found on PATH" };
      child = startChild(exe);
      let version;
      try {
        ({ version } = await child.ask({ cmd: "version" }));
      } catch {
        const why = child.stderr().trim().split("\n").pop() || "it exited";
        child = null;
        return { ok: false, reason: `python3 cannot run numpy: ${why}` };
      }
      return { ok: true, fields: { version, threads: 1 }, overhead: { run: () => child.ask({ cmd: "noop" }) } };
    },
    async prepare(c) {
      const { op, n, a, what, check } = setupCase(c);
      const { out } = await child.ask({ cmd: "setup", op, n, a: Array.from(a) });
      const verdict = check(out.map((x) => Float64Array.from(x)));
      return {
        run: async () => {
          await child.ask({ cmd: "run" });
          return verdict.output;
        },
        fields: { ...verdict.fields, timed: `one ${what} in a python3 child process, less the round trip of a command` },
      };
    },
    async close() {
      child?.close();
    },
  };
}
