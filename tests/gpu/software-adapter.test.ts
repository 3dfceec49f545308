// Which adapters count as software (computing on the CPU), from what WebGPU says of them: the
// adapter infos below are what Chromium 156 and the webgpu package (Dawn) give for SwiftShader here.
import { describe, expect, it } from "vitest";
import { isSoftwareAdapter } from "../../src/gpu/software-adapter.js";

describe("a software adapter", () => {
  it("is known by WebGPU's isFallbackAdapter, in the adapter's info or on the adapter", () => {
    expect(isSoftwareAdapter({ info: { vendor: "google", architecture: "swiftshader", device: "", description: "", isFallbackAdapter: true } })).toBe(true);
    expect(isSoftwareAdapter({ isFallbackAdapter: true, info: { vendor: "acme" } })).toBe(true);
  });

  it("is known by its name where WebGPU does not say", () => {
    expect(isSoftwareAdapter({ info: { vendor: "google", architecture: "swiftshader", description: "SwiftShader driver 5.0.0" } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: "mesa", description: "llvmpipe (LLVM 15.0.7, 256 bits)" } })).toBe(true);
    expect(isSoftwareAdapter({ info: { description: "lavapipe" } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: "microsoft", description: "Microsoft Basic Render Driver" } })).toBe(true);
  });

  it("is not a GPU's own adapter", () => {
    expect(isSoftwareAdapter({ info: { vendor: "nvidia", architecture: "ampere", description: "NVIDIA GeForce RTX 3080", isFallbackAdapter: false } })).toBe(
      false,
    );
    expect(isSoftwareAdapter({ info: { vendor: "intel", architecture: "gen-12lp", description: "Intel(R) Xe Graphics (Hardware)" } })).toBe(false);
    expect(isSoftwareAdapter({ info: { vendor: "apple", architecture: "common-3" } })).toBe(false);
    expect(isSoftwareAdapter({})).toBe(false);
  });
});
