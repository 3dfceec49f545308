// Whether a WebGPU adapter computes on the CPU (SwiftShader, llvmpipe, lavapipe, WARP): such an
// adapter is correct but many times slower than the WebAssembly kernels, so `auto` does not even
// measure it. WebGPU says so in `adapter.info.isFallbackAdapter` (Chromium 156 and the webgpu
// package's Dawn both set it for SwiftShader); older implementations had `adapter.isFallbackAdapter`,
// and one that says neither is known by its name.

export interface AdapterFacts {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

/** Names of CPU implementations of WebGPU's backends (Vulkan, D3D12, Metal, OpenGL). */
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

export function isSoftwareAdapter(adapter: AdapterFacts): boolean {
  if (adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  const { vendor, architecture, device, description } = adapter.info ?? {};
  return [vendor, architecture, device, description].some((part) => part !== undefined && SOFTWARE_NAMES.test(part));
}
