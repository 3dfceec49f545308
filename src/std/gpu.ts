// The standard module std/gpu: whether work can go to a GPU, and what happened to it, written in
// Noodle over the host's `__gpu_*` builtins (src/gpu/gpu-host.ts).
// Import it with `import "std/gpu" as gpu`.

export const GPU_SOURCE = `// std/gpu: the GPU that large f32 matrix work may run on (see docs/gpu.md).

// Whether a GPU can take work in this run: an adapter was found, its device is not lost and
// --gpu is not off (under auto, and not a software adapter, which computes on the CPU).
func available() { return __gpu_available() }

// A map: "available", "mode" (auto, off or force), "adapter" (its description) and "backend"
// ("webgpu"), or "reason" when there is none; "offloaded" (operations the GPU computed), "reused" (their inputs
// found still on the GPU, not uploaded again),
// "fallbacks" (operations kept on WebAssembly, counted by reason: "no adapter", "cannot wait",
// "software adapter", "f64", "unsupported operation", "too small", "measuring", "device lost") and "measurements" (what auto timed on
// this device: "work", "size", "wasm_ms", "gpu_ms" and "gpu", where that size goes).
func info() { return __gpu_info() }
`;
