// The cost model of --gpu auto: a size is measured once, then goes where it ran faster; sizes
// above one where the GPU was hopelessly slower are not measured; the GPU's first run, which
// compiles its shaders, is repeated only when it lost but not hopelessly; one size of a class is
// timed at a time.
import { describe, expect, it } from "vitest";
import { arraySize, CostModel, productSize } from "../../src/gpu/cost-model.js";

describe("the cost model", () => {
  it("measures a size once, then sends it where it ran faster", () => {
    const model = new CostModel();
    expect(model.verdict("product", 512)).toBe("measure");
    expect(model.record("product", 512, 10, 4)).toBe(true);
    expect(model.verdict("product", 512)).toBe("gpu");
    model.record("product", 256, 2, 3);
    expect(model.verdict("product", 256)).toBe("wasm");
    // another class of work is measured on its own
    expect(model.verdict("map", 512)).toBe("measure");
    expect(model.table().map((m) => [m.work, m.size, m.gpu])).toEqual([
      ["product", 256, false],
      ["product", 512, true],
    ]);
  });

  it("does not measure sizes above one where the GPU was hopelessly slower", () => {
    const model = new CostModel();
    model.record("product", 256, 1, 50);
    expect(model.verdict("product", 512)).toBe("wasm");
    expect(model.verdict("product", 4096)).toBe("wasm");
    // a smaller size is still measured, and so is a size above one where the GPU only lost a little
    expect(model.verdict("product", 128)).toBe("measure");
    model.record("zip", 1 << 16, 1, 3);
    expect(model.verdict("zip", 1 << 17)).toBe("measure");
  });

  it("times one size of a class at a time, keeping the others on WebAssembly until it is in", () => {
    const model = new CostModel();
    expect(model.verdict("product", 256)).toBe("measure");
    model.start("product");
    expect(model.verdict("product", 256)).toBe("measuring");
    expect(model.verdict("product", 1024)).toBe("measuring");
    // another class is timed on its own
    expect(model.verdict("map", 1 << 16)).toBe("measure");
    model.record("product", 256, 4, 2);
    expect(model.verdict("product", 256)).toBe("gpu");
    expect(model.verdict("product", 1024)).toBe("measure");
    // a timing that failed records nothing: the size is measured again
    model.start("product");
    model.abandon("product");
    expect(model.verdict("product", 1024)).toBe("measure");
    expect(model.table().map((m) => m.size)).toEqual([256]);
  });

  it("runs the GPU again only when its first run lost but not hopelessly", () => {
    expect(CostModel.worthRetry(10, 5)).toBe(false);
    expect(CostModel.worthRetry(10, 30)).toBe(true);
    expect(CostModel.worthRetry(10, 81)).toBe(false);
  });

  it("puts work in size classes of powers of two", () => {
    expect(productSize(256, 256, 256)).toBe(256);
    expect(productSize(300, 256, 200)).toBe(256);
    expect(productSize(1000, 1000, 1000)).toBe(1024);
    expect(arraySize(300 * 300)).toBe(65536);
    expect(arraySize(1 << 20)).toBe(1 << 20);
  });
});
