// GPU offload in Node where there is no adapter: every run computes on WebAssembly, std/gpu and
// the library say why, --gpu force is refused with 9012 and a bad --gpu value is a usage error;
// what a program prints does not depend on --gpu or on --workers. The command's runs point
// Vulkan at a driver that is not there, so Dawn finds no adapter (without the webgpu package
// there is none either); the library's runs here have no Node GPU platform at all.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT, runSource, scratchFolder } from "../helpers.js";

/** The command, with no Vulkan driver for Dawn to find. */
function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const env = { ...process.env, VK_ICD_FILENAMES: "/nonexistent/icd.json" };
  const r = spawnSync(process.execPath, [`${ROOT}bin/noodle.js`, ...args], { encoding: "utf8", timeout: 60_000, cwd: ROOT, env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// gpu.available() first: it waits until the adapter is sought, so each operation after it counts as "no adapter"
const INFO = `import "std/gpu" as gpu
let available = gpu.available()
let A = f32(rand(160, 160, 1))
let B = rand(160, 160, 2)
let s = sum(A * A) + sum(B * B) + sum(sqrt(f32(rand(300, 300, 3))))
print(s > 0, available)
let info = gpu.info()
print(info["mode"], info["adapter"], info["backend"], info["offloaded"])
print(info["reason"])
print(info["fallbacks"])
`;

describe("GPU offload without WebGPU", () => {
  const scratch = scratchFolder("noodle-gpu-");

  it("runs on WebAssembly under auto, counting each product and array operation the GPU could have taken", () => {
    const r = cli(["run", scratch.file("info.nc", INFO)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // the f32 product, the f32 sqrt and its sum find no adapter; the f64 product is f64; small work is never offered
    const [first, second, reason, fallbacks] = r.stdout.split("\n");
    expect([first, second, fallbacks]).toEqual(["true false", "auto nil nil 0", '{"no adapter": 3, "f64": 1}']);
    // Dawn's words (here), or the package missing
    expect(reason).toMatch(/^no adapter: (WebGPU offers none here \(Dawn: .*\)|the webgpu package .* is not installed)$/);
  });

  it("offers nothing under --gpu off", () => {
    const r = cli(["run", "--gpu", "off", scratch.file("off.nc", INFO)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("true false\noff nil nil 0\noff: --gpu off\n{}\n");
  });

  it("refuses --gpu force with 9012, and a bad --gpu value as a usage error", () => {
    const forced = cli(["run", "--gpu", "force", scratch.file("force.nc", 'print("never")\n')]);
    expect(forced).toMatchObject({ code: 1, stdout: "" });
    expect(forced.stderr).toMatch(/^error\[9012\]: GPU offload is forced \(--gpu force\) but no GPU can be used: no adapter/);
    const bad = cli(["run", "--gpu", "fast", scratch.file("bad.nc", 'print("never")\n')]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/error\[9001\]: --gpu expects auto, off, force, got 'fast'/);
  });

  it("prints the same with --gpu off, auto and --workers 1, 2 and 4", () => {
    const program = scratch.file(
      "same.nc",
      `let A = f32(rand(200, 150, 4))
let B = f32(rand(150, 120, 5))
let C = A * B
print(sum(C), C[7, 9], amax(exp(C ./ 40)), mean(C .* C))
`,
    );
    const outputs = [[], ["--gpu", "off"], ["--workers", "1"], ["--workers", "2"], ["--workers", "4"]].map((flags) => cli(["run", ...flags, program]));
    for (const o of outputs) expect(o.code).toBe(0);
    expect(new Set(outputs.map((o) => o.stdout)).size).toBe(1);
  });

  it("takes the same modes as library run options, reporting force without a GPU as an error", async () => {
    const forced = await runSource('print("never")', { gpu: "force" });
    expect(forced.ok).toBe(false);
    expect(forced.output).toBe("");
    expect(forced.error?.code).toBe(9012);
    const off = await runSource('import "std/gpu" as gpu\nprint(gpu.info()["mode"])', { gpu: "off" });
    expect(off.output).toBe("off\n");
  });

  it("leaves TensorFlow.js out of the library: only the GPU worker, started on first use, loads it", () => {
    const library = readFileSync(`${ROOT}dist/browser/noodle.js`, "utf8");
    const worker = readFileSync(`${ROOT}dist/browser/gpu-worker.js`, "utf8");
    expect(worker).toContain("WebGPUBackend");
    expect(library).not.toContain("WebGPUBackend");
    expect(library).not.toMatch(/registerBackend\(/);
  });

  it("loads neither TensorFlow.js nor the webgpu package when the command starts: only the GPU process does", () => {
    // the modules the command's bundle imports statically, transitively (dynamic imports load on use)
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      const text = readFileSync(`${ROOT}dist/bundle/${file}`, "utf8");
      for (const [, name] of text.matchAll(/^(?:import|export)\s(?:[^;]*?\sfrom\s)?"([^"]+)";?$/gms)) {
        expect(name, `${file} imports ${name}`).not.toMatch(/^(@tensorflow\/|webgpu$)/);
        if (name.startsWith("./")) visit(name.slice(2));
      }
    };
    visit("noodle-cli.js");
    expect(loaded.size).toBeGreaterThan(1);
    expect(loaded.has("gpu-process.js")).toBe(false);
    expect(readFileSync(`${ROOT}dist/bundle/gpu-process.js`, "utf8")).toMatch(/from "@tensorflow\/tfjs-backend-webgpu"/);
  });
});
