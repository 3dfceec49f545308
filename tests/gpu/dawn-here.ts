// Whether this machine can run WebGPU in Node: the webgpu package (Dawn), Vulkan's loader and
// SwiftShader's Vulkan driver; what is missing, said as how to install it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const SWIFTSHADER = "/usr/lib/chromium/vk_swiftshader_icd.json";

export function dawnMissing(): string | undefined {
  try {
    createRequire(import.meta.url).resolve("webgpu");
  } catch {
    return "the webgpu package is not installed (npm install, which installs optional dependencies)";
  }
  const libraries = spawnSync("ldconfig", ["-p"], { encoding: "utf8", env: { ...process.env, PATH: `${process.env.PATH ?? ""}:/sbin:/usr/sbin` } });
  if (!libraries.stdout?.includes("libvulkan.so.1")) return "libvulkan.so.1 is missing: install it with 'apt-get install libvulkan1'";
  if (!existsSync(SWIFTSHADER)) return `${SWIFTSHADER} is missing: install it with 'apt-get install chromium'`;
  return undefined;
}
