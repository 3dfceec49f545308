// Auto's measurement over the webgpu package (Dawn): the program never waits for it. The first
// product of a size is computed on WebAssembly and the program goes on with that result while
// the GPU process times the same product; until its time is in, that size stays on WebAssembly
// ("measuring"), and then goes where it ran faster. Shown on SwiftShader, which auto would not
// measure at all, with the tests' switch that measures a software adapter as any other; the GPU
// process is stopped (SIGSTOP) while the program runs its products, so a program that waited for
// the measurement would never end. Skipped as tests/gpu/gpu-dawn.test.ts is.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { measureSoftwareAdapters } from "../../src/gpu/offload.js";
import { expectClose } from "./agreement.js";
import { dawnMissing } from "./dawn-here.js";

const absent = dawnMissing();
const required = process.env.NOODLE_REQUIRE_GPU === "1";
if (absent && !required) console.warn(`[skipped: ${absent}]`);

/** The GPU process this test's VMs started: a child of this process. */
function gpuProcess(): number | undefined {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      if (Number(stat[1]) === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("gpu-process.js")) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

const PROGRAM = `import "std/gpu" as gpu
print(gpu.available())
let A = f32(rand(128, 128, 1))
var s = 0
for i in 0..3 { s += sum(A * A) }
let during = gpu.info()
print(during["measurements"], during["fallbacks"], during["offloaded"])
var waited = 0
while len(gpu.info()["measurements"]) == 0 && waited < 600 {
  await sleep(50)
  waited += 1
}
for i in 0..2 { s += sum(A * A) }
print(s)
let after = gpu.info()
for m in after["measurements"] { print(m["work"], m["size"], m["gpu"], m["gpu_ms"] > m["wasm_ms"]) }
print(after["fallbacks"], after["offloaded"])
`;

describe.skipIf(absent !== undefined && !required)(`auto's measurement over Dawn${absent ? ` [skipped: ${absent}]` : ""}`, () => {
  if (absent)
    it("has the webgpu package, libvulkan1 and SwiftShader (NOODLE_REQUIRE_GPU=1)", () => {
      throw new Error(absent);
    });

  afterAll(() => measureSoftwareAdapters(false));

  it("computes a new size on WebAssembly and goes on while the GPU times it, then keeps the size where it ran faster", async () => {
    const { compile, VM } = await import("../../src/node/main.js");
    const c = compile(PROGRAM, { file: "measure.nc" });
    if (!c.ok || !c.module) throw new Error("does not compile");
    measureSoftwareAdapters(true);
    const outputs: string[] = [];
    let stopped: number | undefined;
    for (const gpu of ["off", "auto"] as const) {
      let out = "";
      const vm = await VM.create({
        gpu,
        stdout: (t) => {
          out += t;
          if (gpu !== "auto") return;
          // the device is ready: hold the GPU process still until the products are done
          if (out === "true\n") {
            stopped = gpuProcess();
            if (stopped) process.kill(stopped, "SIGSTOP");
          } else if (stopped && out.split("\n").length === 3) process.kill(stopped, "SIGCONT");
        },
      });
      const r = await vm.runAsync(c.module);
      expect(r.ok, r.ok ? "" : r.error?.message).toBe(true);
      outputs.push(out);
    }
    expect(stopped).toBeGreaterThan(0);
    const [off, auto] = outputs.map((o) => o.trim().split("\n"));
    // while the GPU process was stopped: three products on WebAssembly, the first of them being timed
    expect(auto[1]).toBe('[] {"measuring": 3} 0');
    expectClose(auto[2], off[2]);
    // SwiftShader lost to the WebAssembly kernel: the last two products stayed there
    expect(auto.slice(3)).toEqual(["product 128 false true", '{"too small": 2, "measuring": 3} 0']);
  }, 120_000);
});
