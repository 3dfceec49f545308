// GPU offload in Node over the webgpu package (Dawn) on SwiftShader's software Vulkan driver,
// through the real command line: f32 products, elementwise operations and reductions under
// --gpu force agree with --gpu off within 1e-5 relative; auto keeps work on WebAssembly on this
// software adapter without measuring it, saying why; the program's process exits by itself and its GPU process
// ends with it; killing the GPU process mid-run falls back with the right output; and nothing
// Dawn or Vulkan writes reaches the user's stderr. Without the package, libvulkan1 or SwiftShader
// the tests are skipped with the reason printed, unless NOODLE_REQUIRE_GPU=1 (as in CI).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT, scratchFolder } from "../helpers.js";
import { expectClose } from "./agreement.js";
import { dawnMissing } from "./dawn-here.js";

const absent = dawnMissing();
const required = process.env.NOODLE_REQUIRE_GPU === "1";
if (absent && !required) console.warn(`[skipped: ${absent}]`);

const STEP_TIMEOUT = 60_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  /** Set as NOODLE_TEST_RUN: the run's GPU process inherits it, so it can be found. */
  mark?: string;
  env?: Record<string, string>;
  /** Sees stdout as it grows. */
  onOutput?: (stdout: string, cli: ChildProcess) => void;
  /** Killed, and rejected, if it has not ended in this many ms. */
  bound?: number;
}

/** Runs the CLI, never for longer than the options' bound. */
function runCli(args: string[], { mark = randomUUID(), env = {}, onOutput, bound = STEP_TIMEOUT - 5000 }: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [`${ROOT}bin/noodle.js`, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, NOODLE_TEST_RUN: mark },
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (t: string) => {
      stdout += t;
      onOutput?.(stdout, child);
    });
    child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`noodle ${args.join(" ")} did not end in ${bound} ms; stdout so far: ${stdout}`));
    }, bound);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The GPU processes of the run marked `mark` that are still alive. */
function gpuProcesses(mark: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
      if (cmdline.includes("gpu-process.js") && state !== "Z" && readFileSync(`/proc/${pid}/environ`, "utf8").includes(`NOODLE_TEST_RUN=${mark}`))
        found.push(Number(pid));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

// every element of the products printed, and each elementwise result along a diagonal
const WORK = `let A = f32(rand(40, 32, 1))
let B = f32(rand(32, 24, 2) + 0.25)
let C = A * B
for i in 0..rows(C) { print(join(map(range(0, cols(C)), j => str(C[i, j])), " ")) }
let D = C' * C
print(sum(D), D[3, 5], D[23, 0])
let E = abs(C) + f32(rand(40, 24, 9))
print(sum(E), E[5, 6])
let P = f32(rand(20, 30, 3) + 0.5)
let Q = f32(rand(20, 30, 4) + 0.5)
for M in [abs(P - Q), sqrt(P), exp(P), log(P), floor(P * 3), ceil(P * 3), P + Q, P - Q, P .* Q, P ./ Q, P .^ 3, P .^ 2, P .^ Q] {
  print(join(map(range(0, 20), i => str(M[i, i + 7])), " "), sum(M))
}
print(sum(P), mean(P), amin(P), amax(P))
`;

describe.skipIf(absent !== undefined && !required)(`GPU offload in Node over Dawn on SwiftShader${absent ? ` [skipped: ${absent}]` : ""}`, () => {
  const scratch = scratchFolder("noodle-gpu-dawn-");

  if (absent)
    it("has the webgpu package, libvulkan1 and SwiftShader (NOODLE_REQUIRE_GPU=1)", () => {
      throw new Error(absent);
    });

  it(
    "computes f32 products, elementwise operations and reductions on the GPU as on WebAssembly, within 1e-5 relative",
    async () => {
      const program = scratch.file(
        "work.nc",
        `import "std/gpu" as gpu\n${WORK}let info = gpu.info()\nprint(info["backend"], info["offloaded"], info["fallbacks"])\nprint(info["adapter"])\n`,
      );
      const [wasm, gpu] = await Promise.all([runCli(["run", "--gpu", "off", program]), runCli(["run", "--gpu", "force", program])]);
      expect(wasm).toMatchObject({ code: 0, stderr: "" });
      // nothing Dawn or Vulkan wrote reaches the user
      expect(gpu).toMatchObject({ code: 0, stderr: "" });
      const [gpuWork, gpuInfo, adapter] = [gpu.stdout.split("\n").slice(0, -3).join("\n"), ...gpu.stdout.split("\n").slice(-3)];
      expectClose(gpuWork, wasm.stdout.split("\n").slice(0, -3).join("\n"));
      // two products and a sum; a product's result and an upload paired, and its sum; the 13
      // results (abs(P - Q) is two operations) and their sums; 4 reductions
      expect(gpuInfo).toBe("webgpu 37 {}");
      expect(adapter).toMatch(/swiftshader/i);
    },
    STEP_TIMEOUT,
  );

  it(
    "prints under --gpu force with --workers 1, 2 and 4 exactly what it prints in one VM",
    async () => {
      // the program's VM computes on the GPU; a pool's workers compute on WebAssembly
      const program = scratch.file(
        "workers.nc",
        `let A = f32(rand(48, 40, 4))
let B = f32(rand(40, 32, 5))
let C = A * B
print(sum(C), C[7, 9], amax(exp(C ./ 40)), mean(C .* C))
print(pmap([1, 2, 3], i => i * i))
`,
      );
      const runs = await Promise.all(
        [[], ["--workers", "1"], ["--workers", "2"], ["--workers", "4"]].map((flags) => runCli(["run", "--gpu", "force", ...flags, program])),
      );
      for (const r of runs) expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(runs.map((r) => r.stdout)).toEqual(runs.map(() => runs[0].stdout));
    },
    STEP_TIMEOUT,
  );

  it(
    "under auto, keeps products and reductions on WebAssembly on this software adapter without measuring it, saying why",
    async () => {
      const program = scratch.file(
        "auto.nc",
        `import "std/gpu" as gpu
print(gpu.available())
let A = f32(rand(128, 128, 1))
let B = f32(rand(256, 256, 2))
var s = 0
for i in 0..4 { s += amax(A * A) + sum(B) }
print(s)
let info = gpu.info()
print(info["fallbacks"], info["offloaded"], info["measurements"])
print(info["reason"])
`,
      );
      const [wasm, auto] = await Promise.all([runCli(["run", "--gpu", "off", program]), runCli(["run", program])]);
      expect(auto).toMatchObject({ code: 0, stderr: "" });
      const lines = auto.stdout.trim().split("\n");
      // the adapter is there (force uses it), but not for auto
      expect(lines[0]).toBe("false");
      expectClose(lines[1], wasm.stdout.split("\n")[1]);
      // four products and four sums, none measured
      expect(lines[2]).toBe('{"software adapter": 8} 0 []');
      expect(lines[3]).toMatch(/^software adapter: google swiftshader .* computes on the CPU, .* \(--gpu force still uses it\)$/);
    },
    STEP_TIMEOUT,
  );

  it(
    "exits by itself once the program ends, and its GPU process ends with it",
    async () => {
      const mark = randomUUID();
      const program = scratch.file("exit.nc", "let A = f32(rand(64, 64, 1))\nprint(sum(A * A) > 0)\n");
      const r = await runCli(["run", "--gpu", "force", program], { mark, bound: 30_000 });
      expect(r).toMatchObject({ code: 0, signal: null, stdout: "true\n", stderr: "" });
      expect(await until(() => gpuProcesses(mark).length === 0, 10_000)).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    "exits when the program ends without waiting for an adapter still being sought, ending its GPU process",
    async () => {
      // a Vulkan driver whose library is a named pipe: opening it blocks, so the adapter is never found
      const fifo = `${scratch.dir}/driver.so`;
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const driver = scratch.file("driver.json", JSON.stringify({ file_format_version: "1.0.0", ICD: { library_path: fifo, api_version: "1.0.5" } }));
      const mark = randomUUID();
      // a product large enough for auto to start the GPU worker, then time to see its process
      const program = scratch.file("pending.nc", 'let A = f32(rand(200, 200, 1))\nprint(sum(A * A) > 0)\nawait sleep(1500)\nprint("done")\n');
      let started = false;
      const running = runCli(["run", program], {
        mark,
        env: { VK_ICD_FILENAMES: driver },
        onOutput: (out) => {
          started ||= out === "true\n";
        },
        bound: 20_000,
      });
      const seen = await until(() => started && gpuProcesses(mark).length === 1, 10_000);
      const r = await running;
      expect(seen).toBe(true);
      expect(r).toMatchObject({ code: 0, stdout: "true\ndone\n", stderr: "" });
      expect(await until(() => gpuProcesses(mark).length === 0, 10_000)).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    "ends its GPU process when the program's process is killed",
    async () => {
      const mark = randomUUID();
      const program = scratch.file("killed.nc", "let A = f32(rand(64, 64, 1))\nprint(sum(A * A) > 0)\nawait sleep(30000)\n");
      let seen: number[] = [];
      const r = await runCli(["run", "--gpu", "force", program], {
        mark,
        onOutput: (_, cli) => {
          seen = gpuProcesses(mark);
          cli.kill("SIGKILL");
        },
      });
      expect(r).toMatchObject({ signal: "SIGKILL", stdout: "true\n" });
      expect(seen.length).toBe(1);
      expect(await until(() => gpuProcesses(mark).length === 0, 10_000)).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    "starts no GPU process for a run that offers the GPU nothing",
    async () => {
      const mark = randomUUID();
      const program = scratch.file("small.nc", 'let A = f32(rand(8, 8, 1))\nprint(sum(A * A) > 0)\nawait sleep(600)\nprint("done")\n');
      // looked for all along the run
      let ended = false;
      const seen = new Set<number>();
      const running = runCli(["run", program], { mark }).finally(() => {
        ended = true;
      });
      await until(() => {
        for (const pid of gpuProcesses(mark)) seen.add(pid);
        return ended;
      }, STEP_TIMEOUT);
      expect(await running).toMatchObject({ code: 0, stdout: "true\ndone\n", stderr: "" });
      expect([...seen]).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "falls back to WebAssembly with the right output when the GPU process is killed mid-run",
    async () => {
      const mark = randomUUID();
      const program = scratch.file(
        "kill.nc",
        `import "std/gpu" as gpu
let A = f32(rand(64, 64, 1))
for i in 0..5 {
  print(sum(A * A) + i)
  await sleep(300)
}
let info = gpu.info()
print(info["available"], info["offloaded"], info["fallbacks"])
print(info["reason"])
`,
      );
      const wasm = await runCli(["run", "--gpu", "off", program]);
      let killed: number[] | undefined;
      const r = await runCli(["run", "--gpu", "force", program], {
        mark,
        onOutput: (out) => {
          if (!killed && out.includes("\n")) {
            killed = gpuProcesses(mark);
            for (const pid of killed) process.kill(pid, "SIGKILL");
          }
        },
      });
      expect(killed?.length).toBe(1);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      const out = r.stdout.trim().split("\n");
      expectClose(out.slice(0, 5).join("\n"), wasm.stdout.trim().split("\n").slice(0, 5).join("\n"));
      // the first product and its sum were computed on the GPU (and, on a slow machine, maybe
      // the next ones before the kill), every later one on WebAssembly
      const offloaded = out[5].split(" ")[1];
      expect(Number(offloaded)).toBeGreaterThanOrEqual(2);
      expect(Number(offloaded)).toBeLessThan(10);
      expect(out[5]).toBe(`false ${offloaded} {"device lost": ${10 - Number(offloaded)}}`);
      expect(out[6]).toBe("device lost: the GPU process ended (signal SIGKILL)");
    },
    STEP_TIMEOUT,
  );

  it(
    "in the library, falls back with the right results after destroyGpuDevice() mid-run",
    async () => {
      const { compile, destroyGpuDevice, VM } = await import("../../src/node/main.js");
      const source = `let A = f32(rand(64, 64, 1))
var out = []
for i in 0..6 {
  push(out, sum(A * A) + i)
  await sleep(50)
}
print(out)
`;
      const c = compile(source, { file: "lost.nc" });
      if (!c.ok || !c.module) throw new Error("does not compile");
      const outputs: string[] = [];
      const infos = [];
      for (const gpu of ["off", "force"] as const) {
        let out = "";
        const vm = await VM.create({ gpu, stdout: (t) => (out += t) });
        const timer = setInterval(() => {
          if (gpu === "force" && vm.gpuInfo().offloaded > 0) destroyGpuDevice();
        }, 2);
        const r = await vm.runAsync(c.module);
        clearInterval(timer);
        expect(r.ok).toBe(true);
        outputs.push(out);
        infos.push(vm.gpuInfo());
      }
      expectClose(outputs[1], outputs[0]);
      expect(infos[1]).toMatchObject({ available: false, offloaded: 2, fallbacks: { "device lost": 10 } });
      expect(infos[1].reason).toMatch(/^device lost/);
    },
    STEP_TIMEOUT,
  );

  it(
    "refuses --gpu force with 9012 when Vulkan finds no driver, saying what Dawn said, and nothing else on stderr",
    async () => {
      const program = scratch.file("none.nc", 'print("never")\n');
      const r = await runCli(["run", "--gpu", "force", program], { env: { VK_ICD_FILENAMES: "/nonexistent/icd.json" } });
      expect(r).toMatchObject({ code: 1, stdout: "" });
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toMatch(
        /^error\[9012\]: GPU offload is forced \(--gpu force\) but no GPU can be used: no adapter: WebGPU offers none here \(Dawn: Warning: .*\/nonexistent\/icd\.json/,
      );
      // the error and nothing of Dawn's own output besides
      expect(r.stderr).not.toMatch(/XDG_RUNTIME_DIR|CheckVkSuccessImpl/);
    },
    STEP_TIMEOUT,
  );
});
